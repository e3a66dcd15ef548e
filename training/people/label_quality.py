"""How close the teachers' labels come to annotators' masks, as they are, snapped and zoomed.

    .venv/bin/python -m softfocus.training.people.label_quality \\
        --source clothing-co-parsing [--sources-dir data/sources] [--limit 120]

A check of the labeller, not of the model: on the photos of a training source that has its
own person masks, the teachers' label (both MediaPipe models' mean, as real_photos.py makes
it for photos without masks, inside the source's person boxes where it has them) is scored
against the annotators' mask, plain, with ``--snap-labels``'s edge snapping and with
``--zoomed-labels``'s closer looks, at 640 px width (IoU, boundary F at 3 px), thresholded at
0.5 as evaluate_real.py scores the model.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import cv2
import numpy as np

from softfocus.app.edge_refine import EdgeRefiner
from softfocus.training.metrics import binary_iou, boundary_f_score
from softfocus.training.people import real_photos
from softfocus.training.people.onnx_teacher import teachers

WIDTH = 640
TOLERANCE_PX = 3.0
MIN_PERSON = 0.01  # photos whose annotated person covers less of the frame are skipped


def score(truth: np.ndarray, alpha: np.ndarray) -> tuple[float, float]:
    height, width = truth.shape
    size = (WIDTH, round(height * WIDTH / width))
    truth = cv2.resize(truth, size) >= 0.5
    predicted = cv2.resize(alpha, size) >= 0.5
    return binary_iou(truth, predicted), boundary_f_score(truth, predicted, TOLERANCE_PX)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default="clothing-co-parsing", help="a source with masks")
    parser.add_argument("--sources-dir", type=Path, default=Path("data/sources"))
    parser.add_argument("--teacher-cache", type=Path, default=Path("data/cache/teacher"))
    parser.add_argument("--limit", type=int, default=120, help="photos scored")
    args = parser.parse_args(argv)
    source = next((s for s in real_photos.SOURCES if s.name == args.source), None)
    if source is None or not source.masks:
        with_masks = [s.name for s in real_photos.SOURCES if s.masks]
        parser.error(f"--source must be one with annotators' masks: {', '.join(with_masks)}")
    root = args.sources_dir / source.name
    if not (root / source.folder).is_dir():
        parser.error(f"{root / source.folder} is missing: fetch the source first")
    models = teachers(args.teacher_cache, 2)
    general, landscape = models["mediapipe_general"], models["mediapipe_landscape"]
    refiner = EdgeRefiner(work_width=real_photos.MAX_SIDE)
    scores: dict[str, list[tuple[float, float]]] = {"plain": [], "snapped": [], "zoomed": []}
    for path in real_photos.list_photos(root / source.folder, source.roboflow):
        if len(scores["plain"]) >= args.limit:
            break
        image = real_photos.load_photo(path)
        truth = (
            None if image is None else real_photos.annotated_mask(source, root, path, image.shape)
        )
        if truth is None or truth.mean() < MIN_PERSON:
            continue
        # As the build labels a photo: inside the source's person boxes, where it has them.
        region = real_photos.annotated_people(source, root, path, image.shape)
        plain, _ = real_photos.teacher_label(image, general, landscape, region)
        scores["plain"].append(score(truth, plain))
        scores["snapped"].append(score(truth, real_photos.edge_snapped(plain, image, refiner)))
        zoomed, _ = real_photos.teacher_label(image, general, landscape, region, zoomed=True)
        scores["zoomed"].append(score(truth, zoomed))
    print(f"{source.name}: {len(scores['plain'])} photos with annotators' masks")
    for name, values in scores.items():
        iou, boundary = np.mean(values, axis=0) if values else (float("nan"),) * 2
        print(f"  teachers' label, {name:8s} mean IoU {iou:.3f}  boundary F {boundary:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
