"""Paired comparison of two ``evaluate_real`` runs: is B's real-photo IoU really above A's?

    .venv/bin/python -m softfocus.training.people.compare_real runs/a/real.json runs/b/real.json

Two builds of one recipe differ by about 0.01 mean IoU on the 290 photos, so a difference of
means alone says little. Both runs score the same photos in the same order, so the per-photo
differences are paired: their mean, and a 95 % interval from resampling the photos (bootstrap,
fixed seed). Also printed: each run's Softfocus model against MediaPipe landscape on the same
photos in that run, the issue's target; and, where both runs hold them, the paired differences
of the foreground filled on the frames with nobody and in the band above the head (in points
of the frame), since those figures move between two builds of one recipe by half a point.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

RESAMPLES = 5000


@dataclass(frozen=True)
class PairedDifference:
    mean: float
    low: float  # 2.5th percentile of the resampled means
    high: float  # 97.5th
    photos: int

    def __str__(self) -> str:
        return f"{self.mean:+.3f} (95 % interval {self.low:+.3f} to {self.high:+.3f})"

    def in_points(self) -> str:
        """For areas (fractions of a frame): percentage points."""
        return (
            f"{100 * self.mean:+.2f} pts (95 % interval {100 * self.low:+.2f} to "
            f"{100 * self.high:+.2f})"
        )


def paired_difference(a: np.ndarray, b: np.ndarray, seed: int = 0) -> PairedDifference:
    """Mean of ``b - a`` over paired items and its bootstrap 95 % interval."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    if a.shape != b.shape or a.ndim != 1 or not a.size:
        raise ValueError(f"need two equal, non-empty lists of scores, got {a.shape} and {b.shape}")
    differences = b - a
    rng = np.random.default_rng(seed)
    means = differences[rng.integers(0, a.size, (RESAMPLES, a.size))].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return PairedDifference(float(differences.mean()), float(low), float(high), a.size)


def per_photo_iou(run: dict, method: str = "softfocus") -> np.ndarray:
    try:
        return np.asarray(run["photos"][method]["iou_per_photo"], np.float64)
    except (KeyError, TypeError) as missing:
        raise ValueError(f"no per-photo IoU for {method!r} ({missing})") from None


AREAS = (
    ("no_person_per_frame", "foreground on the frames with nobody"),
    ("ghost_per_frame", "foreground above the head"),
)


def per_frame_area(run: dict, key: str) -> np.ndarray | None:
    """One run's per-frame areas under ``key``; None in a run from before they were kept."""
    values = run.get("photos", {}).get("softfocus", {}).get(key)
    return None if values is None else np.asarray(values, np.float64)


def load_run(path: Path) -> dict:
    try:
        return json.loads(Path(path).read_text())
    except (OSError, ValueError) as error:
        raise ValueError(f"cannot read {path}: {error}") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("a", type=Path, help="the reference run's real.json")
    parser.add_argument("b", type=Path, help="the run compared with it")
    args = parser.parse_args(argv)
    try:
        runs = {name: load_run(path) for name, path in (("A", args.a), ("B", args.b))}
        ious = {name: per_photo_iou(run) for name, run in runs.items()}
        if runs["A"].get("photos_source") != runs["B"].get("photos_source"):
            print("warning: the two runs name different photo sets", file=sys.stderr)
        print(f"A {args.a}: mean IoU {ious['A'].mean():.3f}")
        print(f"B {args.b}: mean IoU {ious['B'].mean():.3f}")
        difference = paired_difference(ious["A"], ious["B"])
        print(f"B - A, paired over {difference.photos} photos: {difference}")
        for name, run in runs.items():
            landscape = per_photo_iou(run, "mediapipe_landscape")
            print(f"{name} - MediaPipe landscape: {paired_difference(landscape, ious[name])}")
        for key, what in AREAS:
            a, b = (per_frame_area(runs[name], key) for name in ("A", "B"))
            if a is None or b is None or a.shape != b.shape or not a.size:
                continue
            print(f"{what}: A {a.mean():.2%}, B {b.mean():.2%}")
            print(f"  B - A, paired over {a.size} frames: {paired_difference(a, b).in_points()}")
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
