"""The shipped model against MediaPipe Selfie Segmentation, on the held-out people only.

    .venv/bin/python -m softfocus.training.people.evaluate_heldout \\
        --model assets/models/person.onnx --data data/people/heldout --json runs/heldout.json

Runs in the main venv (the MediaPipe teacher runs as ONNX, onnx_teacher.py); the model runs
through the app's own Segmenter and MaskRefiner, so the figures are what the app does.
Subsets: (a) P009/P010 studio cut-outs composited on backgrounds never used in training,
exact masks; (b) their four in-room and studio photos, masks checked by eye
(review/heldout_photos.png); (c) flicker on a still person with camera shake and noise.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import cv2
import numpy as np

from softfocus.app.mask_refine import MaskRefiner
from softfocus.app.segmenter import Segmenter
from softfocus.app.settings import PipelineSettings
from softfocus.training.metrics import binary_iou, boundary_f_score, flicker
from softfocus.training.people.teacher import Teacher

TOLERANCE_PX_AT_640 = 3.0


class AppMask:
    """The mask the app composites with: model, clean-up (specks and unsure blobs), then
    edge-aware upsampling (no smoothing across independent images, no threshold: metrics
    threshold at 0.5 themselves)."""

    def __init__(self, segmenter: Segmenter) -> None:
        self.segmenter = segmenter
        self.settings = PipelineSettings(smoothing=0.0, feather_px=0.0, mask_low=0.0, mask_high=1.0)
        # One refiner, as the app keeps: a new one per image allocates all its buffers again,
        # and the card's timing of this mask would count those page faults.
        self.refiner = MaskRefiner()

    def __call__(self, frame: np.ndarray) -> np.ndarray:
        alpha = self.segmenter.process_lowres(frame)
        self.refiner.reset()  # independent images: nothing carried from the last
        alpha = self.refiner.refine(alpha, self.settings, frame_bgr=frame)
        return cv2.resize(alpha, (frame.shape[1], frame.shape[0]))


def load_pairs(folder: Path):
    for image_path in sorted((folder / "images").glob("*.jpg")):
        mask = cv2.imread(str(folder / "masks" / f"{image_path.stem}.png"), cv2.IMREAD_GRAYSCALE)
        yield image_path.stem, cv2.imread(str(image_path)), mask.astype(np.float32) / 255.0


def score_subset(folder: Path, methods: dict) -> dict:
    scores = {name: {"iou": [], "boundary_f": []} for name in methods}
    for _, image, truth in load_pairs(folder):
        tolerance = TOLERANCE_PX_AT_640 * image.shape[1] / 640
        for name, method in methods.items():
            predicted = method(image) >= 0.5
            scores[name]["iou"].append(binary_iou(truth >= 0.5, predicted))
            scores[name]["boundary_f"].append(boundary_f_score(truth >= 0.5, predicted, tolerance))
    return {
        name: {
            "mean_iou": float(np.mean(v["iou"])),
            "boundary_f": float(np.mean(v["boundary_f"])),
            "images": len(v["iou"]),
        }
        for name, v in scores.items()
    }


def score_flicker(folder: Path, methods: dict) -> dict:
    frames = [image for _, image, _ in load_pairs(folder)]
    settings = PipelineSettings()  # the app's defaults: smoothing 0.6, feather 2 px
    results = {}
    for name, method in methods.items():
        raw = [method(frame) for frame in frames]
        refiner = MaskRefiner()
        if isinstance(method, AppMask):  # exactly the app: smoothing at the model's resolution
            smoothed = [
                cv2.resize(
                    refiner.refine(method.segmenter.process_lowres(f), settings, frame_bgr=f),
                    (f.shape[1], f.shape[0]),
                )
                for f in frames
            ]
        else:  # the same chain on the teacher's full-size mask
            smoothed = [
                refiner.refine(a.copy(), settings, output_width=a.shape[1]).copy() for a in raw
            ]
        results[name] = {"raw": flicker(raw), "app_smoothing": flicker(smoothed)}
    return results


def median_ms(function, frames: list[np.ndarray], repeats: int = 5) -> float:
    """Median wall time of ``function`` per frame, after a warm-up on the first few."""
    for frame in frames[:5]:
        function(frame)
    samples = []
    for _ in range(repeats):
        for frame in frames:
            start = time.perf_counter()
            function(frame)
            samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def time_methods(frames: list[np.ndarray], segmenter: Segmenter, teachers: dict) -> dict:

    model_input = np.random.default_rng(0).random(
        (1, segmenter.contract.input_height, segmenter.contract.input_width, 3), dtype=np.float32
    )
    timings = {
        "softfocus_model_only": median_ms(lambda _: segmenter.run_model(model_input), frames),
        "softfocus_segmenter": median_ms(segmenter.process, frames),
        "softfocus_with_edges": median_ms(AppMask(segmenter), frames),
    }
    for name, teacher in teachers.items():
        timings[name] = median_ms(teacher.process, frames)
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=Path("assets/models/person.onnx"))
    parser.add_argument("--data", type=Path, default=Path("data/people/heldout"))
    parser.add_argument("--json", type=Path)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    segmenter = Segmenter(args.model, num_threads=args.threads)
    teachers = {"mediapipe_general": Teacher(0), "mediapipe_landscape": Teacher(1)}
    methods = {"softfocus": AppMask(segmenter)}
    methods.update({name: teacher.process for name, teacher in teachers.items()})
    report = {
        "model": str(args.model),
        "composites": score_subset(args.data / "composites", methods),
        "photos": score_subset(args.data / "photos", methods),
        "flicker": score_flicker(args.data / "flicker", methods),
    }
    frames = [image for _, image, _ in load_pairs(args.data / "flicker")]
    report["time_ms"] = time_methods(frames, segmenter, teachers)
    report["time_ms"]["frame_size"] = f"{frames[0].shape[1]}x{frames[0].shape[0]}"
    print(format_report(report))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2))
    return 0


def format_report(report: dict) -> str:
    names = list(report["composites"])
    lines = ["| subset | metric | " + " | ".join(names) + " |", "|---|---|" + "---|" * len(names)]
    for subset in ("composites", "photos"):
        count = report[subset][names[0]]["images"]
        for metric in ("mean_iou", "boundary_f"):
            values = " | ".join(f"{report[subset][n][metric]:.3f}" for n in names)
            lines.append(f"| {subset} ({count}) | {metric} | {values} |")
    for variant in ("raw", "app_smoothing"):
        values = " | ".join(f"{report['flicker'][n][variant]:.4f}" for n in names)
        lines.append(f"| flicker | {variant} | {values} |")
    timing = report["time_ms"]
    lines.append("")
    lines.append(
        f"time per {timing['frame_size']} frame (median ms): model alone "
        f"{timing['softfocus_model_only']:.2f}, Segmenter.process "
        f"{timing['softfocus_segmenter']:.2f}, with edge refinement "
        f"{timing['softfocus_with_edges']:.2f}, MediaPipe general "
        f"{timing['mediapipe_general']:.2f}, landscape {timing['mediapipe_landscape']:.2f}; "
        f"MediaPipe general / Softfocus model = "
        f"{timing['mediapipe_general'] / timing['softfocus_model_only']:.1f}x"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
