"""CPU time per second of video: full rate against the CPU saver, on a still and a moving scene.

    python benchmarks/cpu.py [--seconds 15] [--model assets/models/person.onnx]

A 1280×720 source is paced at 30 fps in real time through the frame pipeline (blur, kernel
51), and the process's CPU seconds (every thread: ONNX Runtime's pool included) are divided
by the wall seconds. Each saver setting runs on:

* a **still** scene: a person from the demo clip sitting still (a slow 2 px sway of the
  body, breathing, and sensor noise of σ 2 grey levels: what a webcam shows of someone
  listening in a call);
* a **dim** still scene: the same with noise of σ 6 (a dark room, the camera's gain up);
* a **moving** scene: the demo clip itself, upscaled.

It also prints the share of frames that ran the model, and the flicker of the app's final
mask (mean absolute frame-to-frame change, % of full scale: as in the person-model
evaluation), so a saving is never bought with a flickering edge; and the distribution of the
saver's thumbnail difference between consecutive frames on each scene, from which its
threshold was chosen; and the mask clean-up stage's cost per frame. Targets: the default
saver cuts CPU per second by ≥ 40 % on the still scene, with flicker no worse than full rate;
clean-up ≤ 0.2 ms a frame.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from softfocus.app.inference_saver import STILL_DIFFERENCE, THUMBNAIL_SIZE
from softfocus.app.mask_cleanup import clean_mask
from softfocus.app.paths import DEFAULT_MODEL_PATH, DEMO_CLIP_PATH
from softfocus.app.pipeline import FramePipeline
from softfocus.app.segmenter import Segmenter
from softfocus.app.settings import PipelineSettings

SIZE = (1280, 720)
FPS = 30.0
SETTINGS = {
    "full rate": {"skip_still": False, "inference_every": 1},
    "saver: skip still (default)": {"skip_still": True, "inference_every": 1},
    "saver: every 2nd frame": {"skip_still": True, "inference_every": 2},
    "saver: every 3rd frame": {"skip_still": True, "inference_every": 3},
}


def demo_frames(count: int) -> list[np.ndarray]:
    capture = cv2.VideoCapture(str(DEMO_CLIP_PATH))
    frames = []
    while len(frames) < count:
        ok, frame = capture.read()
        if not ok:
            break
        frames.append(cv2.resize(frame, SIZE, interpolation=cv2.INTER_LINEAR))
    capture.release()
    if not frames:
        raise SystemExit(f"cannot read the demo clip {DEMO_CLIP_PATH}")
    return frames


def still_scene(
    base: np.ndarray, count: int, sigma: float = 2.0, seed: int = 0
) -> list[np.ndarray]:
    """A still person: a slow sway and breathing (sub-pixel warps) plus sensor noise."""
    rng = np.random.default_rng(seed)
    frames = []
    height, width = base.shape[:2]
    for i in range(count):
        t = i / FPS
        dx = 2.0 * np.sin(2 * np.pi * t / 4.0)  # a 2 px sway every 4 s
        scale = 1.0 + 0.002 * np.sin(2 * np.pi * t / 3.5)  # breathing
        matrix = cv2.getRotationMatrix2D((width / 2, height), 0.0, scale)
        matrix[0, 2] += dx
        frame = cv2.warpAffine(base, matrix, (width, height), borderMode=cv2.BORDER_REFLECT)
        noise = rng.normal(0.0, sigma, frame.shape).astype(np.float32)
        frames.append(cv2.add(frame, noise, dtype=cv2.CV_8U))
    return frames


def ping_pong(frames: list[np.ndarray], index: int) -> np.ndarray:
    """Play a loop forwards then backwards, so it never jumps."""
    period = 2 * len(frames) - 2
    position = index % period
    return frames[position if position < len(frames) else period - position]


def run(segmenter: Segmenter, frames: list[np.ndarray], settings: PipelineSettings, seconds):
    """Paced at 30 fps; returns CPU s per wall s, share of frames inferred, flicker (%)."""
    pipeline = FramePipeline(segmenter)
    masks: list[np.ndarray] = []
    refine = pipeline.refiner.refine

    def recording_refine(*args, **kwargs):
        alpha = refine(*args, **kwargs)
        masks.append(cv2.resize(alpha, (160, 90), interpolation=cv2.INTER_AREA))
        return alpha

    pipeline.refiner.refine = recording_refine
    for i in range(30):  # warm-up, unpaced and uncounted
        pipeline.process(ping_pong(frames, i), settings)
    pipeline.reset()
    masks.clear()
    inferred = 0
    total = int(seconds * FPS)
    wall0, cpu0 = time.perf_counter(), time.process_time()
    for i in range(total):
        delay = wall0 + i / FPS - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        result = pipeline.process(ping_pong(frames, i), settings)
        inferred += int(result.timings_ms.get("inferred", 1.0))
    wall = time.perf_counter() - wall0
    cpu = time.process_time() - cpu0
    changes = [np.abs(b - a).mean() for a, b in itertools.pairwise(masks)]
    return cpu / wall, inferred / total, 100 * float(np.mean(changes))


def thumbnail_differences(frames: list[np.ndarray]) -> np.ndarray:
    """The saver's own measure between consecutive frames (mean |Δ| on the grey thumbnail)."""
    thumbs = [
        cv2.cvtColor(
            cv2.resize(f, THUMBNAIL_SIZE, interpolation=cv2.INTER_AREA), cv2.COLOR_BGR2GRAY
        )
        for f in frames
    ]
    return np.array([cv2.absdiff(a, b).mean() for a, b in itertools.pairwise(thumbs)])


def cleanup_ms(
    segmenter: Segmenter, frames: list[np.ndarray], specks: int = 0, repeats: int = 20
) -> float:
    """The clean-up stage alone, on the model's own masks of these frames (target ≤ 0.2 ms),
    with ``specks`` 3×3 specks added at random to each (a noisy frame's many components)."""
    masks = [segmenter.process_lowres(f).copy() for f in frames]
    rng = np.random.default_rng(0)
    for mask in masks:
        for y, x in zip(
            rng.integers(0, mask.shape[0] - 3, specks), rng.integers(0, mask.shape[1] - 3, specks)
        ):
            mask[y : y + 3, x : x + 3] = 0.9
    work = np.empty_like(masks[0])
    settings = PipelineSettings()
    start = time.perf_counter()
    for _ in range(repeats):
        for mask in masks:
            np.copyto(work, mask)
            clean_mask(work, settings.min_component_share, settings.min_component_mean)
    return (time.perf_counter() - start) * 1000 / (repeats * len(masks))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL_PATH)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--kernel", type=int, default=51)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    segmenter = Segmenter(args.model, num_threads=args.threads)
    moving = demo_frames(120)
    scenes = {
        "still": still_scene(moving[60], 120),
        "dim": still_scene(moving[60], 120, sigma=6.0),
        "moving": moving,
    }

    print(f"CPU per second of video, 1280x720 at {FPS:.0f} fps paced, blur kernel {args.kernel}")
    print(f"(process CPU s / wall s; {args.seconds:.0f} s each; 1.00 = one core busy)\n")
    print(
        f"{'scene':8} {'setting':30} {'CPU/s':>6} {'vs full':>8} {'model ran':>9} {'flicker %':>9}"
    )
    for scene, frames in scenes.items():
        full = None
        for label, changes in SETTINGS.items():
            settings = PipelineSettings(effect="blur", kernel_size_px=args.kernel, **changes)
            cpu, share, flicker = run(segmenter, frames, settings, args.seconds)
            full = full or cpu
            print(
                f"{scene:8} {label:30} {cpu:6.3f} {cpu / full - 1:+8.0%} {share:9.0%}"
                f" {flicker:9.3f}",
                flush=True,
            )
    print(
        f"\nmask clean-up: {cleanup_ms(segmenter, moving):.3f} ms a frame "
        f"(the demo clip's masks at the model's resolution; target <= 0.2 ms)"
    )
    for specks in (10, 40):
        print(
            f"mask clean-up, {specks} specks added to each mask: "
            f"{cleanup_ms(segmenter, moving, specks):.3f} ms a frame"
        )
    print(f"\nthe saver's thumbnail difference between frames (threshold {STILL_DIFFERENCE}):")
    for scene, frames in scenes.items():
        d = thumbnail_differences(frames)
        print(
            f"{scene:8} median {np.median(d):.2f}  p95 {np.percentile(d, 95):.2f}"
            f"  max {d.max():.2f}  share below threshold {np.mean(d < STILL_DIFFERENCE):.0%}"
        )


if __name__ == "__main__":
    main()
