"""The person model against MediaPipe on real photos of real people, in one run.

    .venv/bin/python -m softfocus.training.people.evaluate_real \\
        --photos data/sources/human-segmentation-dataset [--model assets/models/person.onnx] \\
        [--json runs/real.json] [--sheet runs/real_worst.jpg]

Runs in the main venv: MediaPipe general and landscape run as ONNX (training/people/
onnx_teacher.py), squashed to their input as MediaPipe's own solution does; the Softfocus
model runs through the app's Segmenter, clean-up and edge-aware upsampling. Sets, all from
sources never used in training:

* **photos**: real photos with masks made independently of MediaPipe (the 291-photo
  Human-Segmentation-Dataset: evaluation only), scored at 640 px width: mean IoU, boundary F
  (3 px), and how many photos fall below IoU 0.5;
* **no-person**: the largest person-free rectangle of each photo (beside or above the person,
  by the true mask), as a frame of its own: mean predicted foreground area (target ≤ 2 %);
* **ghost**: photos whose person's head is well below the top edge (≥ 15 % of the height):
  predicted foreground in the band above the head (target ≤ 1 %);
* **flicker**: the demo clip through the app's pipeline as ``softfocus process`` runs it
  (smoothing on), against MediaPipe raw on the same frames;
* **time**: each model on 1280×720 frames (median ms);
* **composites** (with ``--composites``, which the build passes): the held-out openpeople
  people (P009, P010) pasted on held-out scenes, exact masks.

Contact sheets show, next to MediaPipe, the photos where the Softfocus model does worst
(``--sheet``) and the no-person frames and bands above the head it fills most
(``--no-person-sheet``, ``--ghost-sheet``).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import cv2
import numpy as np

from softfocus.app.paths import DEMO_CLIP_PATH
from softfocus.app.pipeline import FramePipeline
from softfocus.app.segmenter import Segmenter
from softfocus.app.settings import PipelineSettings
from softfocus.training.metrics import binary_iou, boundary_f_score, flicker
from softfocus.training.people.evaluate_heldout import AppMask, score_subset
from softfocus.training.people.onnx_teacher import teachers

WIDTH = 640
TOLERANCE_PX = 3.0
GHOST_MIN_TOP = 0.15  # the head's top at least this far down the frame
GHOST_MARGIN = 0.04  # the band above the head ends this far above it (hair, a raised hand)
NO_PERSON_MIN_SIDE = 96
SETTLE = 3  # frames of each timing block left uncounted (the last method's threads)
MASK_LAYOUTS = (("images", "masks"), ("Training_Images", "Ground_Truth"))


def load_photo_set(
    folder: Path, limit: int | None = None
) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """(name, image at 640 px width, boolean mask) for each photo with a mask.

    Takes ``images/`` + ``masks/`` or the Human-Segmentation-Dataset's ``Training_Images/`` +
    ``Ground_Truth/``, matched by file stem; unreadable pairs are skipped with a note.
    """
    for image_dir, mask_dir in MASK_LAYOUTS:
        if (folder / image_dir).is_dir() and (folder / mask_dir).is_dir():
            break
    else:
        raise SystemExit(
            f"{folder} has neither images/ + masks/ nor Training_Images/ + Ground_Truth/."
        )
    masks = {p.stem: p for p in (folder / mask_dir).iterdir() if not p.name.startswith(".")}
    pairs = []
    for path in sorted((folder / image_dir).iterdir(), key=lambda p: (len(p.stem), p.stem)):
        if path.stem not in masks:
            continue
        image = cv2.imread(str(path), cv2.IMREAD_COLOR)
        mask = cv2.imread(str(masks[path.stem]), cv2.IMREAD_GRAYSCALE)
        if image is None or mask is None:
            print(f"skipping {path.name}: unreadable image or mask")
            continue
        height = round(image.shape[0] * WIDTH / image.shape[1])
        image = cv2.resize(image, (WIDTH, height), interpolation=cv2.INTER_AREA)
        mask = cv2.resize(mask, (WIDTH, height), interpolation=cv2.INTER_NEAREST) >= 128
        pairs.append((path.stem, image, mask))
        if limit and len(pairs) >= limit:
            break
    return pairs


# Photos whose no-person frame still shows a person the set's one-person mask leaves out.
BYSTANDERS = Path(__file__).with_name("hsd_bystanders.txt")


def read_stems(path: Path) -> set[str]:
    """Stems listed one a line; blank lines and ``#`` comments ignored."""
    lines = (line.split("#", 1)[0].strip() for line in path.read_text().splitlines())
    return {line for line in lines if line}


def split_means(per_frame: list[float], frame_photos: list[str], listed: set[str]):
    """Mean over all frames, over those whose photo is not listed, and over the listed ones
    (None where a group is empty)."""

    def mean(values: list[float]) -> float | None:
        return sum(values) / len(values) if values else None

    kept = [v for v, photo in zip(per_frame, frame_photos) if photo not in listed]
    shown = [v for v, photo in zip(per_frame, frame_photos) if photo in listed]
    return mean(per_frame), mean(kept), mean(shown)


def add_bystander_split(report: dict, names: list[str], listed: set[str]) -> None:
    """Each method's no-person figure without the frames of listed photos, next to the
    figure over all frames (which the target is read on); nothing where none is listed."""
    for row in report["photos"].values():
        frame_photos = [names[i] for i in row["no_person_photos"]]
        _all, kept, shown = split_means(row["no_person_per_frame"], frame_photos, listed)
        if shown is None or kept is None:
            continue
        row["no_person_bystander_frames"] = sum(p in listed for p in frame_photos)
        row["no_person_area_without_bystanders"] = kept


def person_free_crop(mask: np.ndarray) -> tuple[int, int, int, int] | None:
    """The largest rectangle beside or above the (dilated) person, (x, y, w, h), or None."""
    grown = cv2.dilate(mask.astype(np.uint8), np.ones((15, 15), np.uint8)) > 0
    ys, xs = np.nonzero(grown)
    height, width = mask.shape
    if len(xs) == 0:
        return (0, 0, width, height)
    candidates = [
        (0, 0, int(xs.min()), height),  # left of the person
        (int(xs.max()) + 1, 0, width - int(xs.max()) - 1, height),  # right
        (0, 0, width, int(ys.min())),  # above
    ]
    candidates = [c for c in candidates if min(c[2], c[3]) >= NO_PERSON_MIN_SIDE]
    return max(candidates, key=lambda c: c[2] * c[3]) if candidates else None


def head_top(mask: np.ndarray) -> float:
    """The person's top row as a share of the height (0 when nobody is there)."""
    ys = np.flatnonzero(mask.any(axis=1))
    return ys[0] / mask.shape[0] if len(ys) else 0.0


def ghost_band(mask: np.ndarray) -> int | None:
    """Rows of the band above the head, or None where the head is too near the top for one."""
    top = head_top(mask)
    return int((top - GHOST_MARGIN) * mask.shape[0]) if top >= GHOST_MIN_TOP else None


def score_photos(pairs, methods: dict) -> dict:
    rows = {name: {"iou": [], "boundary_f": [], "no_person": [], "ghost": []} for name in methods}
    # Which photo each no-person and ghost frame comes from, for the contact sheets.
    frames_from: dict[str, list[int]] = {"no_person": [], "ghost": []}
    for index, (_, image, truth) in enumerate(pairs):
        crop, band = person_free_crop(truth), ghost_band(truth)
        if crop is not None:
            frames_from["no_person"].append(index)
        if band is not None:
            frames_from["ghost"].append(index)
        for name, method in methods.items():
            predicted = method(image) >= 0.5
            rows[name]["iou"].append(binary_iou(truth, predicted))
            rows[name]["boundary_f"].append(boundary_f_score(truth, predicted, TOLERANCE_PX))
            if crop is not None:
                x, y, w, h = crop
                rows[name]["no_person"].append(
                    float((method(image[y : y + h, x : x + w]) >= 0.5).mean())
                )
            if band is not None:
                rows[name]["ghost"].append(float(predicted[:band].mean()))
    return {
        name: {
            "mean_iou": float(np.mean(r["iou"])),
            "boundary_f": float(np.mean(r["boundary_f"])),
            "below_half": int(np.sum(np.array(r["iou"]) < 0.5)),
            "images": len(r["iou"]),
            "no_person_area": float(np.mean(r["no_person"])),
            "no_person_frames": len(r["no_person"]),
            "no_person_per_frame": [float(v) for v in r["no_person"]],
            "no_person_photos": frames_from["no_person"],
            "ghost_area": float(np.mean(r["ghost"])) if r["ghost"] else 0.0,
            "ghost_frames": len(r["ghost"]),
            "ghost_per_frame": [float(v) for v in r["ghost"]],
            "ghost_photos": frames_from["ghost"],
            "iou_per_photo": [float(v) for v in r["iou"]],
        }
        for name, r in rows.items()
    }


def clip_frames(count: int = 240) -> list[np.ndarray]:
    capture = cv2.VideoCapture(str(DEMO_CLIP_PATH))
    frames = []
    while len(frames) < count:
        ok, frame = capture.read()
        if not ok:
            break
        frames.append(frame)
    capture.release()
    return frames


def score_flicker(frames, segmenter: Segmenter, teacher_methods: dict) -> dict:
    """The app's pipeline as ``softfocus process`` runs it (effect mask, smoothing on, the CPU
    saver off), against each teacher's raw mask, on the same frames."""
    pipeline = FramePipeline(segmenter)
    settings = PipelineSettings(effect="mask", skip_still=False)
    app = [pipeline.process(f, settings).frame_bgr[..., 0].astype(np.float32) / 255 for f in frames]
    results = {"softfocus_app": flicker(app)}
    for name, method in teacher_methods.items():
        results[f"{name}_raw"] = flicker([method(f) for f in frames])
    return results


def time_methods(pairs, methods: dict, repeats: int = 5, count: int = 30) -> dict:
    """Median ms per 1280×720 frame of each method, in blocks that take turns (A B C A B C …).

    Timed one whole run after another, a slow spell of the machine lands on one method only
    and decides a same-speed comparison by itself. Taking turns frame by frame is no better:
    ONNX Runtime's threads keep spinning after a run and slow whichever session runs next,
    which a live app, running one model, never meets. So each block runs one method on every
    frame, and its first ``SETTLE`` frames are not counted.
    """
    frames = [cv2.resize(image, (1280, 720)) for _, image, _ in pairs[:count]]
    samples: dict[str, list[float]] = {name: [] for name in methods}
    for _ in range(repeats):
        for name, method in methods.items():
            for i, frame in enumerate(frames):
                start = time.perf_counter()
                method(frame)
                if i >= SETTLE:
                    samples[name].append(time.perf_counter() - start)
    return {name: statistics.median(times) * 1000 for name, times in samples.items()}


def _masked_tile(image: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """The image dimmed where the mask says background."""
    tile = (image * 0.35).astype(np.uint8)
    tile[alpha >= 0.5] = image[alpha >= 0.5]
    return tile


def contact_sheet(pairs, methods: dict, report: dict, path: Path, count: int = 12) -> None:
    """The ``count`` photos where Softfocus does worst: photo | truth | each method."""
    ious = report["photos"]["softfocus"]["iou_per_photo"]
    rows = []
    for index in np.argsort(ious)[:count]:
        _, image, truth = pairs[index]
        tiles = [(image, ""), (cv2.cvtColor(truth.astype(np.uint8) * 255, cv2.COLOR_GRAY2BGR), "")]
        for name, method in methods.items():
            iou = report["photos"][name]["iou_per_photo"][index]
            tiles.append((_masked_tile(image, method(image)), f"{name} {iou:.2f}"))
        rows.append(tiles)
    _write_sheet(rows, path)


def false_positive_sheet(
    pairs, methods: dict, report: dict, path: Path, kind: str, count: int = 12
) -> None:
    """The ``count`` frames of ``kind`` (``no_person`` or ``ghost``) that Softfocus fills most:
    the photo with the scored region boxed | the frame as each method masks it.

    Why a sheet: an area figure cannot tell a ghost on a bare wall from a bystander the photo's
    mask leaves out (the set's masks hold one person each).
    """
    photos = report["photos"]["softfocus"]
    rows = []
    for frame in np.argsort(photos[f"{kind}_per_frame"])[::-1][:count]:
        _, image, truth = pairs[photos[f"{kind}_photos"][frame]]
        if kind == "no_person":
            x, y, w, h = person_free_crop(truth)
            shown = image[y : y + h, x : x + w]
        else:  # the whole photo is masked; the band above the head is what is scored
            x, y, w, h = 0, 0, image.shape[1], ghost_band(truth)
            shown = image
        boxed = image.copy()
        cv2.rectangle(boxed, (x, y), (x + w - 1, y + h - 1), (0, 255, 255), 4)
        tiles = [(boxed, "")]
        for name, method in methods.items():
            area = report["photos"][name][f"{kind}_per_frame"][frame]
            tiles.append((_masked_tile(shown, method(shown)), f"{name} {area:.0%}"))
        rows.append(tiles)
    _write_sheet(rows, path)


def _write_sheet(rows: list[list[tuple[np.ndarray, str]]], path: Path, box: int = 240) -> None:
    """Rows of (tile, label) as one JPEG, each tile fitted into a ``box``-pixel square: a tall
    photo, a wide strip above a head and a narrow one beside a person all stay legible."""
    if not rows:
        return

    def fitted(tile: np.ndarray, label: str) -> np.ndarray:
        scale = box / max(tile.shape[:2])
        width = max(1, round(tile.shape[1] * scale))
        height = max(1, round(tile.shape[0] * scale))
        tile = cv2.resize(tile, (width, height), interpolation=cv2.INTER_AREA)
        tile = cv2.copyMakeBorder(
            tile, 0, box - height + 4, 0, box - width + 4, cv2.BORDER_CONSTANT
        )
        cv2.putText(tile, label, (6, 18), 0, 0.5, (0, 255, 255), 1, cv2.LINE_AA)
        return tile

    sheet = np.vstack([np.hstack([fitted(*t) for t in tiles]) for tiles in rows])
    path.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(path), sheet, [cv2.IMWRITE_JPEG_QUALITY, 85])


def format_report(report: dict) -> str:
    photos = report["photos"]
    names = list(photos)
    first = photos[names[0]]
    lines = ["| set | metric | " + " | ".join(names) + " |", "|---|---|" + "---|" * len(names)]

    def row(label: str, metric: str, key: str, fmt: str) -> None:
        values = " | ".join(format(photos[n][key], fmt) for n in names)
        lines.append(f"| {label} | {metric} | {values} |")

    row(f"real photos ({first['images']})", "mean IoU ↑", "mean_iou", ".3f")
    row(f"real photos ({first['images']})", "boundary F ↑", "boundary_f", ".3f")
    row(f"real photos ({first['images']})", "photos below IoU 0.5 ↓", "below_half", "d")
    row(f"no-person ({first['no_person_frames']})", "foreground area ↓", "no_person_area", ".2%")
    if "no_person_area_without_bystanders" in first:
        kept = first["no_person_frames"] - first["no_person_bystander_frames"]
        row(
            f"… without bystanders ({kept})",
            "foreground area ↓",
            "no_person_area_without_bystanders",
            ".2%",
        )
    row(f"ghost ({first['ghost_frames']})", "area above the head ↓", "ghost_area", ".2%")
    fl = report["flicker"]
    values = " | ".join(
        f"{fl['softfocus_app'] if n == 'softfocus' else fl[f'{n}_raw']:.4f}" for n in names
    )
    lines.append(f"| flicker (demo clip) | app smoothing / raw ↓ | {values} |")
    for key, label in (("mean_iou", "mean IoU ↑"), ("boundary_f", "boundary F ↑")):
        if "composites" in report:
            composites = report["composites"]
            values = " | ".join(format(composites[n][key], ".3f") for n in names)
            count = composites[names[0]]["images"]
            lines.append(f"| held-out composites ({count}) | {label} | {values} |")
    times = " | ".join(f"{report['time_ms'][n]:.2f}" for n in names)
    lines.append(f"| 1280×720 frame | ms (median) | {times} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--photos", type=Path, default=Path("data/sources/human-segmentation-dataset")
    )
    parser.add_argument("--model", type=Path, default=Path("assets/models/person.onnx"))
    parser.add_argument("--teacher-cache", type=Path, default=Path("data/cache/teacher"))
    parser.add_argument("--limit", type=int, help="only the first N photos (quick runs)")
    parser.add_argument(
        "--composites",
        type=Path,
        help="held-out composites (images/ + masks/), e.g. data/people/heldout/composites",
    )
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--sheet", type=Path, help="a contact sheet of the worst photos")
    parser.add_argument(
        "--no-person-sheet", type=Path, help="a contact sheet of the fullest no-person frames"
    )
    parser.add_argument(
        "--ghost-sheet", type=Path, help="a contact sheet of the fullest bands above the head"
    )
    parser.add_argument(
        "--bystanders",
        type=Path,
        default=BYSTANDERS,
        help="photos whose no-person frame shows a person the masks leave out (stems, one a "
        "line): the no-person figure is also given without them",
    )
    args = parser.parse_args(argv)
    pairs = load_photo_set(args.photos, args.limit)
    segmenter = Segmenter(args.model, num_threads=args.threads)
    teacher_methods = {n: t.process for n, t in teachers(args.teacher_cache, args.threads).items()}
    methods = {"softfocus": AppMask(segmenter), **teacher_methods}
    report = {
        "model": str(args.model),
        "photos_source": str(args.photos),
        "photos": score_photos(pairs, methods),
        "flicker": score_flicker(clip_frames(), segmenter, teacher_methods),
        "time_ms": time_methods(pairs, {"softfocus": segmenter.process, **teacher_methods}),
    }
    if args.bystanders.is_file():
        add_bystander_split(report, [name for name, _, _ in pairs], read_stems(args.bystanders))
    if args.composites:
        report["composites"] = score_subset(args.composites, methods)
    print(format_report(report))
    if args.sheet:
        contact_sheet(pairs, methods, report, args.sheet)
    for kind, path in (("no_person", args.no_person_sheet), ("ghost", args.ghost_sheet)):
        if path:
            false_positive_sheet(pairs, methods, report, path, kind)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
