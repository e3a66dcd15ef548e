"""Whether a model takes fine texture for a person: the same photos with the background sharpened,
the background defocused and the person defocused.

    .venv/bin/python -m softfocus.training.people.texture_cue \\
        --photos data/sources/sports-dev [--model assets/models/person.onnx] [--limit 1500]

The real-photo failures are confident person predictions on sharp scenes (street facades,
shelves, signs), and in the training data the pasted people hold about three times the fine
texture of the scenes they are pasted on (composite.DETAIL_LOG_RATIO). A model that learned
"the sharp thing is the person" loses people when their background is sharpened or they are
defocused, and gains when the background is defocused; one that learned people does not care.
Each change is made away from the person (beyond a 12-pixel margin at 640 px) or well inside
them, so the outline itself is untouched. Run on the development set (photos neither trained on
nor evaluated on; the teachers label each photo where they agree, as component_gate.py), for
the model through the app's clean-up and for MediaPipe landscape raw, side by side.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import cv2
import numpy as np

from softfocus.app.mask_cleanup import clean_mask
from softfocus.app.segmenter import Segmenter
from softfocus.app.settings import PipelineSettings
from softfocus.training.metrics import binary_iou
from softfocus.training.people import real_photos
from softfocus.training.people.composite import unsharp
from softfocus.training.people.onnx_teacher import teachers

WIDTH = 640
MARGIN_PX = 12  # background changes start this far from the person's outline
INSET_PX = 4  # the person's defocus stops this far inside it
MIN_PERSON = 0.02  # photos whose person fills less of the frame are skipped
VARIANTS = ("as shot", "background sharpened", "background defocused", "person defocused")


def away_from(truth: np.ndarray) -> np.ndarray:
    """Pixels beyond MARGIN_PX of the person: where the background is changed and scored."""
    near = cv2.dilate(truth.astype(np.uint8), np.ones((2 * MARGIN_PX + 1,) * 2, np.uint8))
    return near == 0


def texture_variants(
    image: np.ndarray, truth: np.ndarray, away: np.ndarray | None = None
) -> dict[str, np.ndarray]:
    """The photo as shot and with each texture change (see the module's docstring);
    ``away``: ``away_from(truth)``, if the caller has it already."""
    away = (away_from(truth) if away is None else away)[..., None]
    inner = cv2.erode(truth.astype(np.uint8), np.ones((2 * INSET_PX + 1,) * 2, np.uint8)) > 0
    return {
        "as shot": image,
        "background sharpened": np.where(away, unsharp(image, 1.0), image),
        "background defocused": np.where(away, cv2.GaussianBlur(image, (0, 0), 2.0), image),
        "person defocused": np.where(inner[..., None], cv2.GaussianBlur(image, (0, 0), 1.5), image),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=Path, required=True, help="a folder of photos")
    parser.add_argument("--model", type=Path, default=Path("assets/models/person.onnx"))
    parser.add_argument("--teacher-cache", type=Path, default=Path("data/cache/teacher"))
    parser.add_argument("--limit", type=int, default=1500)
    args = parser.parse_args(argv)
    photos = real_photos.list_photos(args.photos)[: args.limit]
    if not photos:
        parser.error(f"no photos under {args.photos}")
    segmenter = Segmenter(args.model, num_threads=1)
    models = teachers(args.teacher_cache, 1)
    general, landscape = models["mediapipe_general"], models["mediapipe_landscape"]
    settings = PipelineSettings()

    def ours(frame: np.ndarray) -> np.ndarray:
        low = segmenter.process_lowres(frame).copy()
        mask = clean_mask(low, settings.min_component_share, settings.min_component_mean)
        return cv2.resize(mask, (frame.shape[1], frame.shape[0])) >= 0.5

    methods = {"model": ours, "landscape": lambda frame: landscape.process(frame) >= 0.5}
    scores = {(m, v): [] for m in methods for v in VARIANTS}
    for path in photos:
        image = real_photos.load_photo(path)
        if image is None:
            continue
        image = cv2.resize(image, (WIDTH, round(image.shape[0] * WIDTH / image.shape[1])))
        first, second = general.process(image), landscape.process(image)
        agree = binary_iou(first >= 0.5, second >= 0.5) >= real_photos.MIN_TEACHER_AGREEMENT
        truth = (first + second) / 2 >= 0.5
        if not agree or truth.mean() < MIN_PERSON:
            continue
        far = away_from(truth)
        for variant, frame in texture_variants(image, truth, far).items():
            for method, predict in methods.items():
                predicted = predict(frame)
                scores[method, variant].append(
                    (binary_iou(truth, predicted), float((predicted & far).mean()))
                )
    count = len(scores["model", VARIANTS[0]])
    print(f"{count} photos with people (teachers agree); labels from the photo as shot")
    print("method     variant               | mean IoU | false foreground away from the person")
    for (method, variant), values in scores.items():
        iou, false = np.array(values).reshape(-1, 2).T
        print(f"{method:10s} {variant:21s} | {iou.mean():.4f}   | {100 * false.mean():.2f}%")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
