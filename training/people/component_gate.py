"""How sure the model is: its calibration, and the clean-up's unsure-blob gate on top of it.

    .venv/bin/python -m softfocus.training.people.component_gate \\
        --photos data/sources/sports-dev [--model assets/models/person.onnx] [--limit 4000]

The false foreground on frames with nobody (the model card's no-person figure) comes in blobs
that are less sure of themselves than the people the model finds, so the app's clean-up drops
a component whose mean probability is under ``PipelineSettings.min_component_mean``. This
measures that trade, through the app's clean-up, for several thresholds, on photos the model
never trained on and that are not the evaluation set (the development set that chose the
default: the ``test`` folder of Kaggle's "100 Sports" in the GitHub copy
Vigneshraj15/SportsActivityDetection, ``git archive HEAD test``): the teachers (MediaPipe
general and landscape) label each photo where they agree (IoU ≥ 0.8) or both find nobody;
frames with nobody are those photos and the largest person-free rectangle of the others, as
evaluate_real.py cuts them. Scored on the model's mask after clean-up, bilinearly upsampled.

It prints first the log loss of the model's probabilities with its logits scaled further: the
lowest is the temperature the export should apply (``softfocus-train export --logit-scale``;
build.py's LOGIT_SCALE was read here off the unscaled gen10 model: 2.5). A gate threshold only
means something for a calibrated model: on gen10 before scaling, its people sat near 0.73 and
the gate at 0.65 lost 76 people where 6 were lost without it.

Last it moves the mask's threshold (an offset on the logits) to show the trade between IoU
and no-person area that a different threshold would make.
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
from softfocus.training.people.evaluate_real import person_free_crop
from softfocus.training.people.onnx_teacher import teachers

WIDTH = 640
NOBODY_AREA = 0.002  # both teachers under this share of the frame: nobody there
MEAN_GATES = (0.0, 0.55, 0.6, 0.625, 0.65, 0.675, 0.7, 0.75)
MISSED_IOU = 0.01  # a person frame scored under this lost its person entirely
LOGIT_SCALES = (0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5)
LOGIT_OFFSETS = (-1.0, -0.5, -0.25, 0.0, 0.25, 0.5, 1.0)


def collect(photos: list[Path], segmenter: Segmenter, models: dict, limit: int) -> list[tuple]:
    """(kind, model probability at its resolution, teachers' label or None, frame shape)."""
    general, landscape = models["mediapipe_general"], models["mediapipe_landscape"]
    frames: list[tuple] = []
    for path in photos[:limit]:
        image = real_photos.load_photo(path)
        if image is None:
            continue
        image = cv2.resize(image, (WIDTH, round(image.shape[0] * WIDTH / image.shape[1])))
        first_p, second_p = general.process(image), landscape.process(image)
        first, second = first_p >= 0.5, second_p >= 0.5
        if first.mean() < NOBODY_AREA and second.mean() < NOBODY_AREA:
            frames.append(("nobody", segmenter.process_lowres(image).copy(), None, image.shape))
            continue
        if binary_iou(first, second) < real_photos.MIN_TEACHER_AGREEMENT:
            continue
        truth = (first_p + second_p) / 2 >= 0.5  # their mean, as real_photos.py labels
        frames.append(("person", segmenter.process_lowres(image).copy(), truth, image.shape))
        crop = person_free_crop(first | second)
        if crop is not None:
            x, y, w, h = crop
            lowres = segmenter.process_lowres(image[y : y + h, x : x + w]).copy()
            frames.append(("crop", lowres, None, (h, w)))
    return frames


def score(frames: list[tuple], min_mean: float, min_component_share: float) -> dict:
    empty, ious = [], []
    for kind, lowres, truth, shape in frames:
        mask = clean_mask(lowres.copy(), min_component_share, min_mean)
        if kind == "person":
            predicted = cv2.resize(mask, (shape[1], shape[0])) >= 0.5
            ious.append(binary_iou(truth, predicted))
        else:
            empty.append(float((mask >= 0.5).mean()))
    iou = np.array(ious)
    return {
        "no_person": float(np.mean(empty)) if empty else float("nan"),
        "mean_iou": float(iou.mean()) if len(iou) else float("nan"),
        "below_half": int((iou < 0.5).sum()),
        "missed": int((iou < MISSED_IOU).sum()),
    }


def log_loss_by_scale(frames: list[tuple], scales=LOGIT_SCALES) -> dict[float, tuple]:
    """Per extra logit scale on the model's own: (log loss against the teachers' labels at the
    model's resolution, median probability inside people). The scale with the lowest loss is
    the temperature that calibrates the model (build.py's LOGIT_SCALE: 1 here means the model
    is calibrated already)."""
    probabilities, truths = [], []
    for _, lowres, truth, _ in frames:
        if truth is None:
            truth = np.zeros(lowres.shape, bool)
        else:
            size = (lowres.shape[1], lowres.shape[0])
            truth = cv2.resize(truth.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST) > 0
        probabilities.append(lowres.ravel())
        truths.append(truth.ravel())
    logit = _logits(np.concatenate(probabilities))
    truth = np.concatenate(truths)
    table = {}
    for scale in scales:
        q = np.clip(1 / (1 + np.exp(-scale * logit)), 1e-7, 1 - 1e-7)
        loss = -np.mean(np.where(truth, np.log(q), np.log(1 - q)))
        table[scale] = (float(loss), float(np.median(q[truth])) if truth.any() else float("nan"))
    return table


def shifted(frames: list[tuple], offset: float) -> list[tuple]:
    """The frames with ``offset`` added to the model's logits: the mask's threshold moved
    (positive: more foreground), as a bias in the export's head would move it."""
    out = []
    for kind, lowres, truth, shape in frames:
        q = 1 / (1 + np.exp(-(_logits(lowres) + offset)))
        out.append((kind, q.astype(np.float32), truth, shape))
    return out


def _logits(probability: np.ndarray) -> np.ndarray:
    """The model's logits back from its probabilities (float64, clipped off 0 and 1)."""
    p = np.clip(probability.astype(np.float64), 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=Path, required=True, help="a folder of photos")
    parser.add_argument("--model", type=Path, default=Path("assets/models/person.onnx"))
    parser.add_argument("--teacher-cache", type=Path, default=Path("data/cache/teacher"))
    parser.add_argument("--limit", type=int, default=4000)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    photos = real_photos.list_photos(args.photos)
    if not photos:
        parser.error(f"no photos under {args.photos}")
    segmenter = Segmenter(args.model, num_threads=args.threads)
    frames = collect(photos, segmenter, teachers(args.teacher_cache, args.threads), args.limit)
    counts = {k: sum(f[0] == k for f in frames) for k in ("person", "nobody", "crop")}
    print(
        f"{counts['person']} photos with people (teachers agree), {counts['nobody']} with "
        f"nobody, {counts['crop']} person-free crops"
    )
    print("logit scale on the model's own | log loss | median p inside people")
    for scale, (loss, inside) in log_loss_by_scale(frames).items():
        print(f"  {scale:4.2f} {loss:8.4f} {inside:6.3f}")
    share, default = PipelineSettings().min_component_share, PipelineSettings().min_component_mean
    print("gate: drop components whose mean is under | no-person area | IoU | below 0.5 | missed")
    for min_mean in MEAN_GATES:
        s = score(frames, min_mean, share)
        label = f"{min_mean:.3g}" + (" (off)" if min_mean == 0 else "")
        label += " (the app's)" if min_mean == default else ""
        print(
            f"  {label:22s} {100 * s['no_person']:6.2f}% {s['mean_iou']:7.4f} "
            f"{s['below_half']:5d} {s['missed']:5d}"
        )
    print("logit offset (the app's gate on) | no-person area | IoU | below 0.5 | missed")
    for offset in LOGIT_OFFSETS:
        s = score(shifted(frames, offset), default, share)
        print(
            f"  {offset:+5.2f}                  {100 * s['no_person']:6.2f}% "
            f"{s['mean_iou']:7.4f} {s['below_half']:5d} {s['missed']:5d}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
