"""Per-stage cost of the frame pipeline against a plain baseline, in one run.

    python benchmarks/pipeline.py [--model assets/models/person.onnx] [--frames 200]

For 640×480 and 1280×720 frames and kernels 21 and 51 it prints per-stage milliseconds
(segment, refine, blur, blend), the compositing total (refine + blur + blend, the model
excluded) and the whole frame, next to a baseline of how Python peers do it (full-frame
cv2.GaussianBlur + a float numpy blend) timed on the same frames. The last line is the worst
compositing speed-up over the baseline. Each case runs twice: with the default halo-free
background blur (the person left out of the blur) and with the plain whole-frame blur it
replaced, so the cost of halo-free blurring is read off the same run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from softfocus.app.compositor import Compositor
from softfocus.app.downscale import FrameHalvings
from softfocus.app.mask_refine import MaskRefiner
from softfocus.app.paths import DEFAULT_MODEL_PATH
from softfocus.app.segmenter import Segmenter
from softfocus.app.settings import PipelineSettings

SIZES = [(640, 480), (1280, 720)]
KERNELS = [21, 51]
WARM_UP = 50  # frames: buffers, thread pools and caches settle first


def make_frames(width: int, height: int, count: int = 8) -> list[np.ndarray]:
    rng = np.random.default_rng(0)
    frames = []
    for i in range(count):
        coarse = rng.integers(0, 256, (height // 16, width // 16, 3), dtype=np.uint8)
        frame = cv2.resize(coarse, (width, height), interpolation=cv2.INTER_CUBIC)
        cv2.ellipse(
            frame,
            (width // 2 + i, height),
            (width // 5, height // 2),
            0,
            180,
            360,
            (60, 90, 200),
            -1,
        )
        cv2.circle(frame, (width // 2 + i, height // 3), height // 6, (120, 150, 220), -1)
        frames.append(frame)
    return frames


def baseline(frame: np.ndarray, alpha_full: np.ndarray, kernel: int) -> np.ndarray:
    """Full-resolution Gaussian and a float numpy blend, as most Python examples do it."""
    background = cv2.GaussianBlur(frame, (kernel, kernel), 0)
    a = alpha_full[..., None]
    return (frame * a + background * (1.0 - a)).astype(np.uint8)


def warm_up(segmenter, seconds: float = 2.0) -> None:
    """The first second or so of a process runs slow (thread pools, clocks); spend it here."""
    frames = make_frames(640, 480, count=2)
    refiner, compositor = MaskRefiner(), Compositor()
    settings = PipelineSettings()
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        for frame in frames:
            alpha = segmenter.process_lowres(frame) if segmenter else np.ones((36, 64), np.float32)
            alpha = refiner.refine(alpha, settings, output_width=640, frame_bgr=frame)
            compositor.compose(frame, alpha, settings)


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def time_case(segmenter, frames, lowres, settings, width, frames_per_case, shared=True):
    """Median ms of segment, of each stage, and of compositing (refine + blur + blend).

    As in FramePipeline, the stages share each frame's halvings (``shared``; off, each
    stage halves the frame itself, as before they were shared)."""
    refiner, compositor = MaskRefiner(), Compositor()
    halvings = FrameHalvings() if shared else None
    stages: dict[str, list[float]] = {k: [] for k in ("segment", "refine", "blur", "blend")}
    compose_s = []
    for i in range(frames_per_case + WARM_UP):
        frame = frames[i % len(frames)]
        if halvings is not None:
            halvings.begin(frame)
        t0 = time.perf_counter()
        if segmenter:
            alpha = segmenter.process_lowres(frame, halvings)
        else:
            alpha = lowres[i % len(frames)].copy()
        t1 = time.perf_counter()
        alpha = refiner.refine(
            alpha, settings, output_width=width, frame_bgr=frame, halvings=halvings
        )
        t2 = time.perf_counter()
        timings: dict[str, float] = {}
        compositor.compose(frame, alpha, settings, timings, halvings)
        t3 = time.perf_counter()
        if i < WARM_UP:
            continue
        stages["segment"].append(t1 - t0 if segmenter else float("nan"))
        stages["refine"].append(t2 - t1)
        stages["blur"].append(timings["blur"] / 1000)
        stages["blend"].append(timings["blend"] / 1000)
        compose_s.append(t3 - t1)
    seg = median_ms(stages["segment"]) if segmenter else float("nan")
    return seg, {k: median_ms(v) for k, v in stages.items()}, median_ms(compose_s)


def run(
    model_path: Path | None, frames_per_case: int, threads: int, edges: bool = True
) -> list[float]:
    segmenter = Segmenter(model_path, num_threads=threads) if model_path else None
    if segmenter:
        print(
            f"model: {model_path} (input {segmenter.input_size[0]}x{segmenter.input_size[1]},"
            f" {threads} threads)"
        )
    else:
        print("model: none found; segment is n/a and a synthetic mask stands in")
    print(f"opencv threads: {cv2.getNumThreads()}, frames per case: {frames_per_case}")
    header = (
        f"{'size':>9} {'kernel':>6} | {'segment':>7} {'refine':>6} {'blur':>6} "
        f"{'blend':>6} | {'compose':>7} {'total':>6} | {'baseline':>8} {'speed-up':>8} | blur"
    )
    print(header)
    print("-" * len(header))
    ratios = []
    warm_up(segmenter)
    for width, height in SIZES:
        frames = make_frames(width, height)
        if segmenter:
            lowres = [segmenter.process_lowres(f) for f in frames]
        else:
            lowres = []
            for f in frames:
                m = (cv2.cvtColor(f, cv2.COLOR_BGR2GRAY) < 140).astype(np.float32)
                lowres.append(cv2.resize(m, (256, 144), interpolation=cv2.INTER_AREA))
        full = [cv2.resize(a, (width, height)) for a in lowres]
        for kernel in KERNELS:
            base_s = []
            # The baseline gets its own loop over the same frames, so neither evicts the
            # other's buffers from the cache.
            for i in range(frames_per_case // 2 + 5):
                b0 = time.perf_counter()
                baseline(frames[i % len(frames)], full[i % len(frames)], kernel)
                if i >= 5:
                    base_s.append(time.perf_counter() - b0)
            base = median_ms(base_s)
            for halo_free in (True, False):
                settings = PipelineSettings(
                    effect="blur", kernel_size_px=kernel, edge_refine=edges, halo_free=halo_free
                )
                seg, stages, compose = time_case(
                    segmenter, frames, lowres, settings, width, frames_per_case
                )
                ratio = base / compose
                if halo_free:
                    ratios.append(ratio)
                total = compose + (seg if segmenter else 0.0)
                print(
                    f"{width:>4}x{height:<4} {kernel:>6} | {seg:7.2f} "
                    f"{stages['refine']:6.2f} {stages['blur']:6.2f} "
                    f"{stages['blend']:6.2f} | {compose:7.2f} {total:6.2f} | "
                    f"{base:8.2f} {ratio:7.1f}x | {'halo-free' if halo_free else 'plain'}"
                )
    return ratios


def halvings_ab(segmenter, frames_per_case: int, rounds: int = 4) -> tuple[float, float]:
    """Whole-frame ms at 1280×720, kernel 51, halo-free, with each frame's halvings shared
    by the stages and with each stage halving it itself, in alternating rounds."""
    frames = make_frames(1280, 720)
    lowres = [np.ones((160, 288), np.float32) * 0.5 for _ in frames]
    settings = PipelineSettings(effect="blur", kernel_size_px=51)
    totals: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(rounds):
        for shared in (True, False):
            seg, _stages, compose = time_case(
                segmenter, frames, lowres, settings, 1280, frames_per_case // rounds, shared
            )
            totals[shared].append(compose + (seg if segmenter else 0.0))
    return statistics.median(totals[True]), statistics.median(totals[False])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL_PATH)
    parser.add_argument("--frames", type=int, default=200)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--no-edges", action="store_true", help="edge-aware upsampling off")
    args = parser.parse_args()
    model = args.model if args.model and args.model.is_file() else None
    print(f"edge-aware mask upsampling: {'off' if args.no_edges else 'on'}")
    ratios = run(model, args.frames, args.threads, edges=not args.no_edges)
    print(f"worst compositing speed-up over baseline (halo-free): {min(ratios):.1f}x")
    segmenter = Segmenter(model, num_threads=args.threads) if model else None
    shared, separate = halvings_ab(segmenter, args.frames)
    print(
        f"1280x720, kernel 51, whole frame: {shared:.2f} ms with the frame's halvings shared "
        f"by the stages, {separate:.2f} ms with each stage halving it itself "
        f"({separate / shared:.2f}x; alternating rounds)"
    )


if __name__ == "__main__":
    main()
