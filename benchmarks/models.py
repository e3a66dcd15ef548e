"""Two or more person models timed side by side, in turns, on the same 1280×720 frames.

    python benchmarks/models.py OLD.onnx NEW.onnx [--rounds 6] [--frames 50]

This shared 2-core machine drifts by more than the difference between two builds of one
network, so separate runs cannot say whether a new model is slower. Here each round times
every model in turn on the same frames through the app's ``Segmenter.process_lowres``
(letterbox, inference, no upsampling), and the medians over all rounds are printed with each
model's time as a ratio of the first's. Two builds of the same network should read 1.00
within a few per cent.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from softfocus.app.segmenter import Segmenter

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pipeline import make_frames  # benchmarks/pipeline.py: the same frames

WARM_UP = 10  # frames of each round left out: the first calls after a switch run cold


def time_in_turns(
    segmenters: list[Segmenter], frames: list, rounds: int, per_round: int
) -> list[float]:
    """Median seconds a frame for each segmenter, over ``rounds`` interleaved rounds."""
    samples: list[list[float]] = [[] for _ in segmenters]
    for _ in range(rounds):
        for segmenter, kept in zip(segmenters, samples):
            for i in range(per_round + WARM_UP):
                start = time.perf_counter()
                segmenter.process_lowres(frames[i % len(frames)])
                if i >= WARM_UP:
                    kept.append(time.perf_counter() - start)
    return [statistics.median(kept) for kept in samples]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", type=Path, nargs="+", help="the first is the baseline")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--frames", type=int, default=50, help="timed frames a round")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    segmenters = [Segmenter(path, num_threads=args.threads) for path in args.models]
    medians = time_in_turns(segmenters, make_frames(1280, 720), args.rounds, args.frames)
    print(f"1280x720 frames, {args.rounds} rounds of {args.frames}, {args.threads} threads")
    for path, median in zip(args.models, medians):
        print(f"{median * 1000:6.2f} ms  {median / medians[0]:5.2f}x  {path}")


if __name__ == "__main__":
    main()
