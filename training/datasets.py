"""Finding, checking and splitting segmentation datasets (no TensorFlow here).

Two layouts are read:

* **Oxford-IIIT Pet**, as published: ``images/*.jpg``, ``annotations/trimaps/*.png`` (1 pet,
  2 background, 3 border), and the official ``annotations/trainval.txt`` / ``test.txt`` lists;
* **a mask folder**: ``images/`` and ``masks/`` matched by file stem, masks binary (0/1 or
  0/255), trimap (1/2/3) or alpha (0–255), detected per file.

Problems are collected over the whole folder and reported together, naming each file and why,
before any training starts: a stack trace from deep inside tf.data helps nobody.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from softfocus.training.labels import MASK_KINDS, LabelError, detect_mask_kind, mask_to_alpha

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".webp")
KIND_INDEX = {"trimap": 0, "binary": 1, "alpha": 2}
MAX_LISTED_PROBLEMS = 20


class DatasetError(ValueError):
    """The dataset folder is malformed; the message lists which files and why."""


@dataclass(frozen=True)
class Sample:
    image_path: str
    mask_path: str
    mask_kind: str = "auto"  # resolved to trimap/binary/alpha by check_samples


@dataclass(frozen=True)
class Dataset:
    train: list[Sample]
    validation: list[Sample]
    test: list[Sample]
    border_is_foreground: bool = False
    source: str = ""


def _files_by_stem(folder: Path, suffixes: tuple[str, ...]) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.suffix.lower() in suffixes and not path.name.startswith("."):
            found.setdefault(path.stem, path)
    return found


def _raise_problems(problems: list[str], where: str, fix: str) -> None:
    if not problems:
        return
    listed = "\n".join(f"  - {p}" for p in problems[:MAX_LISTED_PROBLEMS])
    more = len(problems) - MAX_LISTED_PROBLEMS
    tail = f"\n  … and {more} more" if more > 0 else ""
    raise DatasetError(f"{where}: {len(problems)} problem(s):\n{listed}{tail}\n{fix}")


def _require_dir(path: Path, what: str, fix: str) -> None:
    if not path.is_dir():
        raise DatasetError(f"{what} {path} is missing. {fix}")


def read_oxford_pets(root: str | os.PathLike, binary: bool = False) -> tuple[list, list]:
    """(trainval, test) samples of Oxford-IIIT Pet in its official folder layout."""
    root = Path(root)
    fix = (
        "Expected the official layout: ROOT/images/*.jpg, ROOT/annotations/trimaps/*.png, "
        "ROOT/annotations/trainval.txt and test.txt (from images.tar.gz and annotations.tar.gz)."
    )
    _require_dir(root, "The Oxford-IIIT Pet folder", fix)
    _require_dir(root / "images", "The images folder", fix)
    _require_dir(root / "annotations" / "trimaps", "The trimaps folder", fix)
    images = _files_by_stem(root / "images", IMAGE_SUFFIXES)
    trimaps = _files_by_stem(root / "annotations" / "trimaps", (".png",))
    problems: list[str] = []
    splits = {}
    for split in ("trainval", "test"):
        listing = root / "annotations" / f"{split}.txt"
        if not listing.is_file():
            raise DatasetError(f"The split list {listing} is missing. {fix}")
        samples = []
        for number, line in enumerate(listing.read_text().splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            stem = line.split()[0]
            if stem not in images:
                problems.append(f"{listing.name}:{number}: no image {stem}.jpg in images/")
            elif stem not in trimaps:
                problems.append(f"{listing.name}:{number}: no trimap {stem}.png")
            else:
                samples.append(Sample(str(images[stem]), str(trimaps[stem]), "trimap"))
        splits[split] = samples
    _raise_problems(problems, f"Oxford-IIIT Pet at {root}", fix)
    return splits["trainval"], splits["test"]


def materialize_tfds_oxford(root: str | os.PathLike) -> Path:
    """Oxford-IIIT Pet through tensorflow-datasets (needs a network), written to ``root`` in
    the official folder layout, so the rest of the code path is the tested one."""
    root = Path(root)
    if (root / "annotations" / "test.txt").is_file():
        return root
    try:
        import tensorflow_datasets as tfds
    except ImportError:
        raise DatasetError(
            "tensorflow-datasets is not installed; `pip install tensorflow-datasets`, or "
            "download images.tar.gz and annotations.tar.gz from "
            "https://www.robots.ox.ac.uk/~vgg/data/pets/ and pass --oxford DIR."
        ) from None
    try:
        splits = tfds.load("oxford_iiit_pet", split=["train", "test"], data_dir=root / "tfds")
    except Exception as error:  # no network, or a changed dataset: say so in one line
        raise DatasetError(
            f"tensorflow-datasets could not fetch oxford_iiit_pet ({error}). Without a network, "
            "download the official archives and pass --oxford DIR."
        ) from None
    (root / "images").mkdir(parents=True, exist_ok=True)
    (root / "annotations" / "trimaps").mkdir(parents=True, exist_ok=True)
    for name, split in zip(("trainval", "test"), splits):
        lines = []
        for example in split.as_numpy_iterator():
            stem = Path(example["file_name"].decode()).stem
            image = cv2.cvtColor(example["image"], cv2.COLOR_RGB2BGR)
            cv2.imwrite(str(root / "images" / f"{stem}.jpg"), image)
            cv2.imwrite(
                str(root / "annotations" / "trimaps" / f"{stem}.png"),
                example["segmentation_mask"][..., 0],
            )
            lines.append(f"{stem} 0 0 0")
        (root / "annotations" / f"{name}.txt").write_text("\n".join(lines) + "\n")
    return root


def read_mask_folder(root: str | os.PathLike, mask_kind: str = "auto") -> list[Sample]:
    """Samples of ROOT/images/* paired with ROOT/masks/* by file stem."""
    root = Path(root)
    if mask_kind not in MASK_KINDS:
        raise DatasetError(f"Unknown mask kind {mask_kind!r}; choose {', '.join(MASK_KINDS)}.")
    fix = "Expected ROOT/images/NAME.jpg|png and ROOT/masks/NAME.png with the same stems."
    _require_dir(root, "The dataset folder", fix)
    _require_dir(root / "images", "The images folder", fix)
    _require_dir(root / "masks", "The masks folder", fix)
    images = _files_by_stem(root / "images", IMAGE_SUFFIXES)
    masks = _files_by_stem(root / "masks", IMAGE_SUFFIXES)
    problems = [f"images/{images[s].name}: no mask masks/{s}.png" for s in images if s not in masks]
    problems += [
        f"masks/{masks[s].name}: no image with this stem" for s in masks if s not in images
    ]
    if not images and not problems:
        problems.append("images/ holds no images")
    _raise_problems(problems, f"Mask folder {root}", fix)
    return [Sample(str(images[s]), str(masks[s]), mask_kind) for s in sorted(images)]


def _check_one(sample: Sample) -> tuple[Sample | None, str | None]:
    image = cv2.imread(sample.image_path, cv2.IMREAD_COLOR)
    if image is None:
        return None, f"{Path(sample.image_path).name}: unreadable image (corrupt or not an image)"
    mask = cv2.imread(sample.mask_path, cv2.IMREAD_GRAYSCALE)
    if mask is None:
        return None, f"{Path(sample.mask_path).name}: unreadable mask (corrupt or not an image)"
    if mask.shape != image.shape[:2]:
        return None, (
            f"{Path(sample.mask_path).name}: mask is {mask.shape[1]}x{mask.shape[0]} but its "
            f"image is {image.shape[1]}x{image.shape[0]}"
        )
    kind = sample.mask_kind
    values = {int(v) for v in np.unique(mask)}
    if kind == "auto":
        kind = detect_mask_kind(values)
    try:
        mask_to_alpha(np.array(sorted(values), np.uint8)[None], kind)  # checks the label values
    except LabelError as error:
        return None, f"{Path(sample.mask_path).name}: {error}"
    return Sample(sample.image_path, sample.mask_path, kind), None


def check_samples(samples: list[Sample], where: str, workers: int = 4) -> list[Sample]:
    """Decode every pair once; return samples with their mask kind resolved, or raise."""
    with ThreadPoolExecutor(workers) as pool:
        results = list(pool.map(_check_one, samples))
    problems = [problem for _, problem in results if problem]
    _raise_problems(
        problems, where, "Fix or remove these files; masks must match their image's size."
    )
    return [sample for sample, _ in results if sample is not None]


def split_samples(
    samples: list[Sample], validation_fraction: float, seed: int
) -> tuple[list[Sample], list[Sample]]:
    """Deterministic split: sorted by path, then permuted by a fixed seed."""
    ordered = sorted(samples, key=lambda s: s.image_path)
    order = np.random.default_rng(seed).permutation(len(ordered))
    count = round(len(ordered) * validation_fraction)
    if validation_fraction > 0 and len(ordered) > 1:
        count = min(max(count, 1), len(ordered) - 1)
    validation = [ordered[i] for i in sorted(order[:count])]
    train = [ordered[i] for i in sorted(order[count:])]
    return train, validation


def load_dataset(
    oxford: str | None = None,
    masks: str | None = None,
    validation_fraction: float = 0.2,
    seed: int = 42,
    binary: bool = False,
    mask_kind: str = "auto",
    limit: int | None = None,
) -> Dataset:
    """One of the two layouts, checked, split train/validation (and Oxford's own test)."""
    if bool(oxford) == bool(masks):
        raise DatasetError("Give exactly one dataset: --oxford DIR or --masks DIR.")
    if oxford:
        if str(oxford).startswith("tfds"):
            # --oxford tfds[:DIR]: fetch through tensorflow-datasets into DIR (data/oxford-tfds).
            oxford = materialize_tfds_oxford(str(oxford).partition(":")[2] or "data/oxford-tfds")
        trainval, test = read_oxford_pets(oxford, binary)
        source = f"oxford:{oxford}"
    else:
        trainval, test = read_mask_folder(masks, mask_kind), []
        source = f"masks:{masks}"
    if limit:
        trainval = sorted(trainval, key=lambda s: s.image_path)[:limit]
        test = sorted(test, key=lambda s: s.image_path)[:limit]
    trainval = check_samples(trainval, source)
    test = check_samples(test, source) if test else []
    train, validation = split_samples(trainval, validation_fraction, seed)
    return Dataset(train, validation, test, border_is_foreground=binary, source=source)
