"""Real people for the person model: photos from public repositories, labelled by the teacher.

    .venv/bin/python -m softfocus.training.people.real_photos --out data/people \\
        [--sources-dir data/sources] [--permissive-only]

Eight synthetic identities teach a model what openpeople looks like, not what people look
like. Every photo of a real person becomes training data here through the teacher (MediaPipe
general and landscape, which must agree; the label is their mean), four ways:

* **whole**: the photo as the app feeds it (letterboxed into the input shape that fits it:
  portrait photos as portraits);
* **crops**: crops of the photo around the person, webcam-shaped and of other shapes;
* **composites**: the person cut out and pasted on other backgrounds *anywhere*, at any
  scale, partly out of frame on any side, sometimes two people; half of them at webcam
  framings;
* **no-person frames**: the person-free part of each photo (beside or above the person),
  photos an annotator found nobody in, backgrounds, and photos with the person painted out,
  all labelled background, so the model stops expecting a head at the top centre.

Samples come in the four shapes the flexible-input model is fed (16:9, 4:3, 3:4, 9:16), each
stored at twice the model's input for crop augmentation.

Sources are listed in ``SOURCES`` with their terms. Each is a folder of a git repository:
fetched with ``git clone`` into ``--sources-dir`` when the network allows, or taken from
there as it is (a snapshot brought by other means). Sources whose terms are unclear are
marked, and ``--permissive-only`` leaves them out; evaluation-only sources are never read.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

import cv2
import numpy as np

from softfocus.app.edge_refine import EdgeRefiner
from softfocus.app.progress import ProgressBar
from softfocus.model.contract import letterboxed_area
from softfocus.training.metrics import binary_iou
from softfocus.training.people import backgrounds as bg
from softfocus.training.people.composite import (
    Cutout,
    composite,
    crop_to_alpha,
    defocused,
    fill_background,
    jitter_colour,
    letterboxed,
    paste,
    scene_crop,
    sometimes_sharpened,
    webcam_crop,
    webcam_degrade,
)
from softfocus.training.people.matfile import MatFileError, read_matrix
from softfocus.training.people.teacher import Teacher

TRAIN_SIZE = (448, 256)  # the webcam shape (16:9), twice the model's 224×128
# Stored (width, height) per shape, twice the input the model is fed at for that aspect
# (model.contract.flexible_input_size at the person preset's 128×224 budget), and how often
# each is drawn.
SHAPES = ((448, 256), (384, 320), (320, 384), (256, 448))
SHAPE_WEIGHTS = (0.5, 0.2, 0.2, 0.1)
MAX_SIDE = 960
CUTOUT_SIDE = 400  # cut-outs are kept at most this tall or wide for the composites
FREE_MIN_SIDE = 0.3  # a person-free crop is at least this share of the photo's shorter side
DUPLICATE_BITS = 6  # difference hashes this close (of 64 bits) are the same photo
# Frames with nobody made from backgrounds (the build's default too). 3,500 with gen11's recipe
# (two builds, 2026-12-06) took a quarter of a point off them and cost people on the
# development set (the model card's *Tried with gen11*).
DEFAULT_NO_PERSON = 2000
MIN_TEACHER_AGREEMENT = 0.8  # IoU between general and landscape; below it the photo is dropped
LABEL_WIDTH = 256  # the teachers' labels are snapped to the photo's edges from this width
# --zoomed-labels: each person's box grows by this share of its size on every side, and is
# looked at again where it covers at most this share of the photo (larger ones gain nothing
# from a closer look); blobs under this many pixels are specks, not people.
ZOOM_PAD = 0.25
ZOOM_MAX_SHARE = 0.6
ZOOM_MIN_SIDE = 24
NO_PERSON_BELOW = 0.003  # foreground share under which a photo counts as having nobody
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")
# Per-channel colour gains of up to ±30 %, by this chance, on each pasted person and as often
# on the scene behind them (see pick_background).
TINT = 0.3
TINT_CHANCE = 0.5


@dataclass(frozen=True)
class PhotoSource:
    """A folder of photos in a public git repository, and what its terms allow."""

    name: str
    url: str
    folder: str
    licence: str
    permissive: bool  # terms clearly allow training and derived models
    use: str  # "train" or "evaluation" (never trained on)
    note: str = ""
    person_boxes: str = ""  # YOLO box labels (class 0 = person) mirroring `folder`, if any
    masks: str = ""  # annotators' person masks (PNG, or .mat label maps: 0 = background), by stem
    mask_suffix: str = ""  # the mask's name is the photo's stem plus this (before .png)
    mask_class: int = 0  # a label map's person value; 0: every non-zero label is a person
    extra_crops: int = 0  # crops beyond --crops for each photo of this source
    commit: str = ""  # the photos are in this commit's tree (a later one removed them)
    roboflow: bool = False  # a Roboflow export: several augmented copies of each photo
    every: int = 1  # every Nth photo (in sorted order): a large source kept to its share


SOURCES = (
    PhotoSource(
        name="vladmandic-human-samples",
        url="https://github.com/vladmandic/human",
        folder="samples/in",
        licence="repository MIT; the photos themselves (stock photos, CGI renders, AI images) "
        "carry no statement of origin or terms",
        permissive=False,
        use="train",
        note="106 images: portraits, groups, full bodies, multi-angle renders; no masks",
    ),
    PhotoSource(
        name="coco128",
        url="https://github.com/lightly-ai/coco128_yolo",
        folder="images",
        licence="repository gives no licence; the photos are the first 128 of COCO train2017 "
        "and val2017, Flickr photos under mixed Creative Commons licences (some non-commercial)",
        permissive=False,
        use="train",
        note="256 everyday scenes; about half have people (often small, in crowds, outdoors), "
        "the rest become real rooms and streets with nobody in them; COCO's panoptic person "
        "masks (200 of the photos) are the labels, small and crowded people included",
        person_boxes="object_detection/labels",
        masks="semantic_segmentation/masks",
        mask_class=1,  # COCO's person; the panoptic masks cover crowds as well
        extra_crops=3,
    ),
    PhotoSource(
        name="deepface-tests",
        url="https://github.com/serengil/deepface",
        folder="tests/unit/dataset",
        licence="repository MIT; the photos are press photos of public figures with no "
        "statement of origin or terms",
        permissive=False,
        use="train",
        note="about 65 head-and-shoulders portraits: webcam framing, varied lighting",
    ),
    PhotoSource(
        name="capston2-people",
        url="https://github.com/ahsanirfan961/Person-Tracker",
        folder="Capston2-11",
        licence="README.dataset.txt: CC BY 4.0 (Roboflow Universe 'capston2' by siwookim); "
        "the uploader's images include COCO photos, stock photos with watermarks and video "
        "frames whose own terms are not stated",
        permissive=False,
        use="train",
        note="about 2,000 photos (one of each Roboflow copy) stretched to 640x640: people "
        "indoors and outdoors, near and far, CCTV and phone frames, some with nobody; YOLO "
        "person boxes",
        person_boxes="Capston2-11",
        commit="49473929cfd908d54becb8a0c8d9e9f7709f5aa1",
        roboflow=True,
    ),
    PhotoSource(
        name="clothing-co-parsing",
        url="https://github.com/bearpaw/clothing-co-parsing",
        folder="photos",
        licence="Apache-2.0 (the repository's LICENSE, from the dataset's authors); street "
        "fashion photos",
        permissive=True,
        use="train",
        note="2,098 full-length street photos of people (portrait 550x825); 1,004 with "
        "annotators' pixel labels, used as exact person masks",
        masks="annotations/pixel-level",
    ),
    PhotoSource(
        name="penn-fudan-pedestrians",
        url="https://github.com/gmguarino/PennFudan",
        folder="data/PennFudanPed/PNGImages",
        licence="the Penn-Fudan Database's readme (a copy of it): copyright retained by the "
        "authors and other holders, no licence granted; it does not speak of training",
        permissive=False,
        use="train",
        note="170 street photos from two campuses with 345 pedestrians, near and far, each "
        "with an annotator's pixel mask",
        masks="data/PennFudanPed/PedMasks",
        mask_suffix="_mask",
        extra_crops=3,
    ),
    PhotoSource(
        name="human-segmentation-dataset",
        url="https://github.com/VikramShenoy97/Human-Segmentation-Dataset",
        folder="",
        licence="no licence file; README credits Google Image Search, GRAZ-01 and remove.bg",
        permissive=False,
        use="evaluation",
        note="291 photos with binary masks made independently of MediaPipe",
    ),
)

# Looked at and not used, so the card can say why.
NOT_USED = (
    ("Supervisely Persons (dataset-ninja/supervisely-persons)", "non-commercial terms"),
    ("canvascomputing/human-segmentation", "the 5,000 images are not in the tree"),
    ("guebin/oxford-pets-cascam", "pets, and over the 500 MB snapshot limit"),
    ("AiLvv/data (COCO val2017, 5,000 photos)", "its snapshot is over the 500 MB limit"),
    ("indexxlim/yolov5 datasets/masked_data (Roboflow Mask Wearing)", "images not in the tree"),
    ("hukenovs/easyportrait, hukenovs/hagrid", "the images are hosted outside the repository"),
    ("selfie2anime / UCF Selfie copies", "research-only terms"),
    (
        "CodeLabFatec/ProjetoIA-Python (Roboflow 'People Detection', 15,000 photos)",
        "its snapshot (2.1 GB) is over the 500 MB limit, and it mixes in MOT17 frames "
        "(non-commercial terms)",
    ),
    (
        "Vigneshraj15/SportsActivityDetection (Kaggle '100 Sports', 9,500 photos at 224x224)",
        "tried on 2026-12-04 (every second photo; the teachers agreed on 1,594 with people and "
        "248 with nobody): real-photo IoU 0.813 with it and without it, so left out; terms "
        "unclear (web-searched stock, press and broadcast photos). Its `test` folder, never "
        "trained on, is the development set that chose the app's clean-up threshold "
        "(`component_gate.py`)",
    ),
    (
        "nikhilkr31/human-action-recognition (Kaggle HAR, 12,600 photos)",
        "its snapshot (672 MB) is over the 500 MB limit",
    ),
)


def source_folder(source: PhotoSource, sources_dir: Path) -> Path:
    """The source's photo folder, cloned on first use where the network allows."""
    root = sources_dir / source.name
    if not root.is_dir():
        print(f"fetching {source.url} into {root}", flush=True)
        depth = [] if source.commit else ["--depth", "1"]
        try:
            subprocess.run(
                ["git", "clone", "-q", *depth, source.url, str(root)], check=True, timeout=900
            )
        except (OSError, subprocess.SubprocessError) as error:
            raise SystemExit(
                f"Cannot fetch {source.url} ({error}). Without a network, put a snapshot of "
                f"that repository at {root} (any git checkout or export of it) and run again."
            ) from None
    if source.commit and (root / ".git").exists():
        _check_out(root, source.commit, source.folder)
    folder = root / source.folder
    if not folder.is_dir():
        raise SystemExit(f"{folder} is missing: is {root} really a copy of {source.url}?")
    return folder


def _check_out(root: Path, commit: str, folder: str) -> None:
    """Bring ``folder`` as it is in ``commit`` into a clone's work tree (only that folder: a
    snapshot may lack the repository's large files, and the photos are all that is needed)."""
    if (root / folder).is_dir():
        return
    result = subprocess.run(
        ["git", "-C", str(root), "restore", f"--source={commit}", "--worktree", "--", folder],
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise SystemExit(
            f"{root} lacks {folder} at commit {commit[:12]}, where the photos are "
            f"({result.stderr.strip()}); fetch the repository's full history there."
        )


def difference_hash(image: np.ndarray) -> int:
    """64-bit hash that survives resizing and recompression, to spot the same photo twice."""
    grey = cv2.resize(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), (9, 8), interpolation=cv2.INTER_AREA)
    bits = (grey[:, 1:] > grey[:, :-1]).ravel()
    return int(np.packbits(bits).view(">u8")[0])


def list_photos(folder: Path, roboflow: bool = False) -> list[Path]:
    """The photos under ``folder``; of a Roboflow export's augmented copies
    (``NAME_jpg.rf.HASH.jpg``), only the first of each."""
    paths = sorted(p for p in folder.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
    if not roboflow:
        return paths
    firsts: dict[str, Path] = {}
    for path in paths:
        firsts.setdefault(path.name.split(".rf.")[0], path)
    return sorted(firsts.values())


def evaluation_hashes(sources_dir: Path) -> list[int]:
    """Hashes of every evaluation-only photo that is on this machine (none are fetched here):
    a training source that copied one of them must not leak it into training."""
    hashes = []
    for source in SOURCES:
        folder = sources_dir / source.name / source.folder
        if source.use == "train" or not folder.is_dir():
            continue
        for path in list_photos(folder):
            image = cv2.imread(str(path), cv2.IMREAD_COLOR)
            if image is not None:
                hashes.append(difference_hash(image))
    return hashes


def is_duplicate(hash_: int, hashes: list[int]) -> bool:
    return any(bin(hash_ ^ other).count("1") <= DUPLICATE_BITS for other in hashes)


def training_sources(permissive_only: bool) -> list[PhotoSource]:
    return [s for s in SOURCES if s.use == "train" and (s.permissive or not permissive_only)]


def load_photo(path: Path) -> np.ndarray | None:
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if image is None:
        return None
    scale = MAX_SIDE / max(image.shape[:2])
    if scale < 1:
        image = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return image


def annotated_people(source: PhotoSource, root: Path, photo: Path, shape) -> np.ndarray | None:
    """Where the source's own boxes put people, as a 0/1 region of the photo's shape (boxes
    grown by a tenth); all zeros means an annotator found nobody; None, no annotation.

    Human boxes are surer than the teacher about *whether* someone is there: they turn a
    photo with nobody into an exact all-background sample and keep the teacher's false
    positives (posters, statues, coats on chairs) out of the labels."""
    if not source.person_boxes:
        return None
    relative = photo.relative_to(root / source.folder).parts
    labels = (
        root / source.person_boxes / Path(*["labels" if p == "images" else p for p in relative])
    )
    try:
        lines = labels.with_suffix(".txt").read_text().splitlines()
    except OSError:
        return None
    height, width = shape[:2]
    region = np.zeros((height, width), np.float32)
    for line in lines:
        fields = line.split()
        if len(fields) < 5 or fields[0] != "0":
            continue
        x, y, w, h = (float(f) for f in fields[1:5])
        x0, x1 = int((x - 0.55 * w) * width), int(np.ceil((x + 0.55 * w) * width))
        y0, y1 = int((y - 0.55 * h) * height), int(np.ceil((y + 0.55 * h) * height))
        region[max(0, y0) : y1, max(0, x0) : x1] = 1.0
    return region


def annotated_mask(source: PhotoSource, root: Path, photo: Path, shape) -> np.ndarray | None:
    """The annotators' person mask (0/1, the photo's shape), or None where there is none."""
    if not source.masks:
        return None
    folder = root / source.masks
    # Beside the photo's own subfolder (COCO's train2017/), or all in one folder.
    subfolder = photo.parent.relative_to(root / source.folder)
    name = photo.stem + source.mask_suffix
    candidates = [
        folder / where / f"{name}{suffix}"
        for where in dict.fromkeys((subfolder, Path()))
        for suffix in (".mat", ".png")
    ]
    for path in candidates:
        if not path.is_file():
            continue
        try:
            labels = (
                read_matrix(path)
                if path.suffix == ".mat"
                else cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
            )
        except (OSError, MatFileError):
            return None
        if labels is None or labels.ndim != 2:
            return None
        person = labels == source.mask_class if source.mask_class else labels > 0
        mask = person.astype(np.float32)
        return cv2.resize(mask, (shape[1], shape[0]), interpolation=cv2.INTER_AREA)
    return None


def with_annotation(alpha: np.ndarray, annotated: np.ndarray | None) -> np.ndarray:
    """The annotators' person where they drew one (exact edges), the teacher's elsewhere
    (other people in the photo, whom the annotators left out)."""
    if annotated is None:
        return alpha
    near = cv2.dilate((annotated > 0.5).astype(np.uint8), np.ones((21, 21), np.uint8)) > 0
    return np.where(near, annotated, np.maximum(annotated, alpha)).astype(np.float32)


def mirrored_mean(teacher: Teacher, image: np.ndarray) -> np.ndarray:
    """The teacher's mask of the photo and of its mirror image, averaged: its left-right
    whims cancel, and on annotated photos the mean sits closer to the annotators' masks."""
    return (teacher.process(image) + teacher.process(image[:, ::-1].copy())[:, ::-1]) / 2


def zoom_boxes(people: np.ndarray) -> list[tuple[int, int, int, int]]:
    """(x0, y0, x1, y1) round each group of people, padded, where a closer look gives the
    teacher more pixels of them: the teachers see a photo at 256 pixels wide or less, so a
    pedestrian a tenth of the frame tall is drawn from a few dozen of them."""
    height, width = people.shape
    merge = 2 * round(0.01 * max(height, width)) + 1  # parts of one person become one blob
    grown = cv2.dilate(people.astype(np.uint8), np.ones((merge, merge), np.uint8))
    _count, _labels, stats, _centroids = cv2.connectedComponentsWithStats(grown)
    boxes = []
    for x, y, w, h, _area in stats[1:]:
        if max(w, h) < ZOOM_MIN_SIDE:
            continue
        pad_x, pad_y = ZOOM_PAD * w, ZOOM_PAD * h
        x0, y0 = max(0, int(x - pad_x)), max(0, int(y - pad_y))
        x1, y1 = min(width, int(np.ceil(x + w + pad_x))), min(height, int(np.ceil(y + h + pad_y)))
        if (x1 - x0) * (y1 - y0) <= ZOOM_MAX_SHARE * width * height:
            boxes.append((x0, y0, x1, y1))
    return boxes


def zoomed_in(
    teacher: Teacher, image: np.ndarray, whole: np.ndarray, boxes: list[tuple[int, int, int, int]]
) -> np.ndarray:
    """``whole`` (the teacher's mask of the whole photo) with each box's pixels taken from the
    teacher's own look at that box (mirrored too; the mean where boxes overlap)."""
    if not boxes:
        return whole
    total, looks = np.zeros_like(whole), np.zeros_like(whole)
    for x0, y0, x1, y1 in boxes:
        total[y0:y1, x0:x1] += mirrored_mean(teacher, image[y0:y1, x0:x1])
        looks[y0:y1, x0:x1] += 1
    return np.where(looks > 0, total / np.maximum(looks, 1), whole).astype(np.float32)


def teacher_label(
    image: np.ndarray,
    general: Teacher,
    landscape: Teacher,
    region: np.ndarray | None = None,
    refiner: EdgeRefiner | None = None,
    zoomed: bool = False,
):
    """(alpha, agreement): the mean of both teachers and the IoU between them, both kept
    inside ``region`` where one is given; snapped to the photo's edges by ``refiner``, if
    given (see edge_snapped). ``zoomed``: each teacher looks at the photo mirrored too, and
    again at a crop round each person (the annotators' boxes where the source has them), see
    zoom_boxes."""
    if zoomed:
        a, b = mirrored_mean(general, image), mirrored_mean(landscape, image)
        people = region > 0 if region is not None else (a + b) / 2 >= 0.5
        boxes = zoom_boxes(people)
        a, b = zoomed_in(general, image, a, boxes), zoomed_in(landscape, image, b, boxes)
    else:
        a, b = general.process(image), landscape.process(image)
    if region is not None:
        a, b = a * region, b * region
    agreement = binary_iou(a >= 0.5, b >= 0.5) if (a >= 0.5).any() or (b >= 0.5).any() else 1.0
    alpha = (a + b) / 2
    if refiner is not None:
        alpha = edge_snapped(alpha, image, refiner)
        if region is not None:
            alpha *= region
    return alpha, agreement


def edge_snapped(alpha: np.ndarray, image: np.ndarray, refiner: EdgeRefiner) -> np.ndarray:
    """The teachers' mean, snapped to the photo's own edges by the app's guided filter.

    The teachers see the photo at 256 pixels wide or less, and their masks are stretched
    bilinearly to its size, so their outlines are soft and sit a few pixels off the real edge;
    a model trained on them learns those outlines. Refined from a 256-pixel-wide copy with the
    photo as guide, they came closer to annotators' masks: on 120 annotated Clothing
    Co-Parsing photos boundary F (3 px at 640) 0.761 → 0.792 and IoU 0.930 → 0.934, on 120
    Penn-Fudan pedestrians 0.576 → 0.590 and 0.740 → 0.741 (2026-12-05). A build of gen9's
    recipe on them scored lower on the real photos, though (the model card's "Tried"), so the
    build leaves it off."""
    height, width = image.shape[:2]
    low = cv2.resize(
        alpha,
        (LABEL_WIDTH, max(2, round(height * LABEL_WIDTH / width))),
        interpolation=cv2.INTER_AREA,
    )
    snapped = refiner.apply(low, image)
    return np.clip(cv2.resize(snapped, (width, height)), 0.0, 1.0).astype(np.float32)


def _paste(bgr: np.ndarray, alpha: np.ndarray, x0: int, y0: int, width: int, height: int):
    """A cut-out at (x0, y0) on an empty width×height canvas, cropped by the frame's edges."""
    new_h, new_w = alpha.shape
    canvas_bgr = np.zeros((height, width, 3), np.uint8)
    canvas_alpha = np.zeros((height, width), np.float32)
    sx0, sy0, dx0, dy0 = max(0, -x0), max(0, -y0), max(0, x0), max(0, y0)
    w, h = min(new_w - sx0, width - dx0), min(new_h - sy0, height - dy0)
    if w > 0 and h > 0:
        canvas_bgr[dy0 : dy0 + h, dx0 : dx0 + w] = bgr[sy0 : sy0 + h, sx0 : sx0 + w]
        canvas_alpha[dy0 : dy0 + h, dx0 : dx0 + w] = alpha[sy0 : sy0 + h, sx0 : sx0 + w]
    return canvas_bgr, canvas_alpha


def _scaled(cutout: Cutout, scale: float, rng):
    bgr, alpha = cutout.bgr, cutout.alpha
    if rng.random() < 0.5:
        bgr, alpha = bgr[:, ::-1], alpha[:, ::-1]
    new_w, new_h = max(2, int(alpha.shape[1] * scale)), max(2, int(alpha.shape[0] * scale))
    return (
        cv2.resize(bgr, (new_w, new_h), interpolation=cv2.INTER_AREA),
        cv2.resize(alpha, (new_w, new_h), interpolation=cv2.INTER_AREA),
    )


def place_anywhere(cutout: Cutout, width: int, height: int, rng):
    """The person at any place and scale, partly out of frame on any side."""
    scale = height * rng.uniform(0.2, 1.4) / cutout.alpha.shape[0]
    scale = min(scale, 2.0 * width / cutout.alpha.shape[1])  # a wide group in a narrow frame
    bgr, alpha = _scaled(cutout, scale, rng)
    new_h, new_w = alpha.shape
    x0 = int(rng.uniform(-0.4 * new_w, width - 0.6 * new_w))
    y0 = int(rng.uniform(-0.3 * new_h, height - 0.5 * new_h))
    return _paste(bgr, alpha, x0, y0, width, height)


def place_group(cutouts: list[Cutout], width: int, height: int, rng):
    """Several people side by side as a group photo has them: about one size, standing on
    about one line, spread across the frame and overlapping; back to front."""
    size = height * rng.uniform(0.35, 1.2)
    baseline = height * rng.uniform(0.6, 1.3)  # where their bottoms are
    spread = width * rng.uniform(0.5, 1.1)
    left = rng.uniform(-0.1 * width, width - spread + 0.1 * width)
    slots = (np.arange(len(cutouts)) + 0.5 + rng.uniform(-0.3, 0.3, len(cutouts))) / len(cutouts)
    centres = left + spread * slots
    placed = []
    for cutout, centre in zip(cutouts, centres):
        scale = size * rng.uniform(0.85, 1.15) / cutout.alpha.shape[0]
        scale = min(scale, 1.5 * width / cutout.alpha.shape[1])
        bgr, alpha = _scaled(cutout, scale, rng)
        y0 = int(baseline + height * rng.uniform(-0.05, 0.05) - alpha.shape[0])
        placed.append(_paste(bgr, alpha, int(centre - alpha.shape[1] / 2), y0, width, height))
    return placed


GROUP_SIZES = (1, 2, 3, 4)
GROUP_WEIGHTS = (0.45, 0.25, 0.18, 0.12)


def composite_anywhere(
    cutouts: list[Cutout],
    background: np.ndarray,
    width: int,
    height: int,
    rng,
    match_detail: bool = False,
):
    """One person placed anywhere, or a group of two to four; the label is the pasted alpha;
    ``match_detail``: each person no sharper than the scene (composite.DETAIL_LOG_RATIO)."""
    frame = fill_background(background, width, height, rng)
    if match_detail:
        frame = sometimes_sharpened(frame, rng)
    label = np.zeros((height, width), np.float32)
    count = min(len(cutouts), int(rng.choice(GROUP_SIZES, p=GROUP_WEIGHTS)))
    chosen = [cutouts[int(i)] for i in rng.choice(len(cutouts), count, replace=False)]
    if count == 1:
        people = [place_anywhere(chosen[0], width, height, rng)]
    else:
        people = place_group(chosen, width, height, rng)
    for person, alpha in people:
        if rng.random() < TINT_CHANCE:
            person = jitter_colour(person, rng, strength=TINT)
        frame = paste(person, alpha, frame.astype(np.float32), rng, match_detail)
        label = np.maximum(label, alpha)
    return webcam_degrade(frame, rng), label


def random_shape(rng) -> tuple[int, int]:
    return SHAPES[int(rng.choice(len(SHAPES), p=SHAPE_WEIGHTS))]


def shape_for(width: int, height: int) -> tuple[int, int]:
    """Of SHAPES, the one a frame of this size fills most when letterboxed: for the aspects
    the app meets, twice the input it feeds the flexible-input model (16:9 → 448×256, 4:3 →
    384×320, 3:4 → 320×384); rarer ones (a narrow strip) take the nearest with bars, so
    training keeps to four shapes."""

    return max(SHAPES, key=lambda shape: letterboxed_area(*shape, width, height))


def as_the_app_sees_it(image: np.ndarray, alpha: np.ndarray):
    """The whole image letterboxed into the shape the app would feed it at, label alike."""
    return letterboxed(image, alpha, *shape_for(image.shape[1], image.shape[0]))


def free_region(alpha: np.ndarray) -> tuple[int, int, int, int] | None:
    """The largest rectangle beside or above the (grown) person, (x, y, w, h), if it is at
    least FREE_MIN_SIDE of the photo's shorter side each way: a frame with nobody in it."""
    height, width = alpha.shape
    grown = cv2.dilate((alpha > 0.05).astype(np.uint8), np.ones((15, 15), np.uint8)) > 0
    ys, xs = np.nonzero(grown)
    candidates = [
        (0, 0, int(xs.min()), height),
        (int(xs.max()) + 1, 0, width - int(xs.max()) - 1, height),
        (0, 0, width, int(ys.min())),
    ]
    least = FREE_MIN_SIDE * min(height, width)
    candidates = [c for c in candidates if min(c[2], c[3]) >= least]
    return max(candidates, key=lambda c: c[2] * c[3]) if candidates else None


def small_cutout(image: np.ndarray, alpha: np.ndarray) -> Cutout:
    cutout = crop_to_alpha(image, alpha, full_body=False)
    scale = CUTOUT_SIDE / max(cutout.alpha.shape)
    if scale >= 1:
        return cutout
    size = (
        max(2, round(cutout.alpha.shape[1] * scale)),
        max(2, round(cutout.alpha.shape[0] * scale)),
    )
    return Cutout(
        cv2.resize(cutout.bgr, size, interpolation=cv2.INTER_AREA),
        cv2.resize(cutout.alpha, size, interpolation=cv2.INTER_AREA),
        cutout.bottom_cut,
        cutout.full_body,
    )


def overlay(image: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """The label over a darkened photo, for checking labels by eye."""
    shown = (image * 0.3).astype(np.uint8)
    keep = alpha >= 0.5
    shown[keep] = image[keep]
    return shown


class SampleWriter:
    """Image (JPEG) and label (8-bit PNG) pairs into ``images/`` and ``masks/``, counted by
    kind."""

    def __init__(self, folder: Path) -> None:
        self.images, self.masks = folder / "images", folder / "masks"
        self.images.mkdir(parents=True, exist_ok=True)
        self.masks.mkdir(parents=True, exist_ok=True)
        self.counts: dict[str, int] = {}

    def __call__(self, kind: str, name: str, image: np.ndarray, label: np.ndarray) -> None:
        cv2.imwrite(str(self.images / f"{name}.jpg"), image, [cv2.IMWRITE_JPEG_QUALITY, 92])
        cv2.imwrite(str(self.masks / f"{name}.png"), np.round(label * 255).astype(np.uint8))
        self.counts[kind] = self.counts.get(kind, 0) + 1


def photo_samples(key: str, image, alpha, crops: int, write: SampleWriter, rng) -> None:
    """The photo as the app sees it, ``crops`` crops of every shape around its person (every
    second one a scene crop: any scale, the head anywhere), and its person-free part as a
    frame of its own."""
    frame, label = as_the_app_sees_it(image, alpha)
    write("whole", f"{key}_whole", webcam_degrade(frame, rng), label)
    for i in range(crops):
        crop = scene_crop if i % 2 else webcam_crop
        frame, label = crop(image, alpha, *random_shape(rng), rng)
        write("crops", f"{key}_crop{i}", frame, label)
    region = free_region(alpha)
    if region is not None:
        x, y, w, h = region
        frame, _ = as_the_app_sees_it(image[y : y + h, x : x + w], alpha[y : y + h, x : x + w])
        write("no_person", f"{key}_free", webcam_degrade(frame, rng), np.zeros(frame.shape[:2]))


def pick_background(empty_rooms: list, wallpapers: list, rng) -> np.ndarray:
    """A scene for a composite or a frame with nobody: a painted-out room, a wallpaper or a
    procedural one, colour-shifted as often and as far as the pasted people are.

    People in composites get per-channel colour gains (clothing of every colour); when only
    they did, a strongly tinted region was itself a sign of a person, and the model took red
    shop fronts, brick and orange trees for people (the ghost and no-person failures)."""
    pick = rng.random()
    if pick < 0.5 and empty_rooms:
        scene = empty_rooms[int(rng.integers(len(empty_rooms)))]
    elif pick < 0.8 and wallpapers:
        scene = wallpapers[int(rng.integers(len(wallpapers)))]
    else:
        scene = bg.procedural(rng)
    if rng.random() < TINT_CHANCE:
        scene = jitter_colour(scene, rng, strength=TINT)
    return scene


@dataclass
class PhotoOutcome:
    """What one photo gave: its samples are already written; the rest goes back to the
    main process (cut-out and painted-out room for the composites, a contact-sheet tile)."""

    kind: str  # "kept", "nobody" or "dropped"
    why: str = ""
    masked: bool = False
    cutout: Cutout | None = None
    room: np.ndarray | None = None
    tile: np.ndarray | None = None
    counts: dict[str, int] | None = None


@dataclass(frozen=True)
class PhotoJob:
    source: PhotoSource
    number: int  # the photo's index in its source; with the source's, it seeds the rng
    path: Path


class PhotoLabeller:
    """Labels one photo and writes its samples. Every photo draws from its own generator,
    seeded by (seed, source, photo), so the data is the same for any number of workers."""

    def __init__(
        self,
        out: Path,
        sources_dir: Path,
        held_out: list[int],
        crops: int,
        seed: int,
        threads,
        snap_labels: bool = False,
        zoomed_labels: bool = False,
    ) -> None:
        self.general, self.landscape = (
            Teacher(0, num_threads=threads),
            Teacher(1, num_threads=threads),
        )
        self.refiner = EdgeRefiner(work_width=MAX_SIDE) if snap_labels else None
        self.zoomed_labels = zoomed_labels
        self.out, self.sources_dir, self.held_out = out, sources_dir, held_out
        self.crops, self.seed = crops, seed

    def __call__(self, job: PhotoJob) -> PhotoOutcome:
        source, path = job.source, job.path
        rng = np.random.default_rng([self.seed, SOURCES.index(source), job.number])
        write = SampleWriter(self.out / "train")
        image = load_photo(path)
        if image is None:
            return PhotoOutcome("dropped", f"{source.name}/{path.name}: unreadable")
        if is_duplicate(difference_hash(image), self.held_out):
            return PhotoOutcome(
                "dropped", f"{source.name}/{path.name}: also in an evaluation-only source"
            )
        root = self.sources_dir / source.name
        region = annotated_people(source, root, path, image.shape)
        alpha, agreement = teacher_label(
            image, self.general, self.landscape, region, self.refiner, self.zoomed_labels
        )
        key = f"real_{source.name}_{path.parent.name}_{path.stem.split('.rf.')[0]}"
        annotated = annotated_mask(source, root, path, image.shape)
        masked = False
        if annotated is not None:
            alpha, agreement = with_annotation(alpha, annotated), 1.0
            masked = bool(annotated.any())
        seen = (alpha >= 0.5).mean() >= NO_PERSON_BELOW
        if not seen and region is not None and region.any():
            return PhotoOutcome(
                "dropped", f"{source.name}/{path.name}: teachers miss the annotated people"
            )
        if not seen:
            # Nobody here (an annotator's word, or both teachers'): a real empty scene.
            frame, _ = as_the_app_sees_it(image, alpha)
            write(
                "no_person", f"{key}_nobody", webcam_degrade(frame, rng), np.zeros(frame.shape[:2])
            )
            room = cv2.resize(image, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
            return PhotoOutcome("nobody", masked=masked, room=room, counts=write.counts)
        if agreement < MIN_TEACHER_AGREEMENT:
            return PhotoOutcome(
                "dropped", f"{source.name}/{path.name}: teachers disagree ({agreement:.2f})"
            )
        photo_samples(key, image, alpha, self.crops + source.extra_crops, write, rng)
        tile = None
        if rng.random() < 0.02:
            tile = np.hstack(
                [cv2.resize(image, (240, 135)), cv2.resize(overlay(image, alpha), (240, 135))]
            )
        return PhotoOutcome(
            "kept",
            masked=masked,
            cutout=small_cutout(image, alpha),
            room=bg.empty_room(image, alpha),
            tile=tile,
            counts=write.counts,
        )


class SceneMaker:
    """Composites and frames with nobody, in numbered chunks, each chunk from its own
    generator (so, again, the same for any number of workers)."""

    CHUNK = 250

    def __init__(
        self,
        out: Path,
        cutouts: list,
        empty_rooms: list,
        wallpapers: list,
        seed: int,
        match_detail: float = 0.0,
        defocus_nobody: float = 0.0,
    ):
        self.out, self.cutouts, self.empty_rooms = out, cutouts, empty_rooms
        self.wallpapers, self.seed, self.match_detail = wallpapers, seed, match_detail
        self.defocus_nobody = defocus_nobody

    def __call__(self, job: tuple[str, int, int]) -> dict[str, int]:
        what, first, last = job
        rng = np.random.default_rng([self.seed, 1 if what == "composites" else 2, first])
        write = SampleWriter(self.out / "train")
        for i in range(first, last):
            width, height = random_shape(rng)
            scene = pick_background(self.empty_rooms, self.wallpapers, rng)
            # The share of samples made with match_detail (no draw at 0 or 1: the same data
            # as before the option had a share).
            share = self.match_detail
            matched = share >= 1 or (share > 0 and rng.random() < share)
            if what == "no_person":
                frame = fill_background(scene, width, height, rng)
                if matched:  # as sharp as the scenes people are pasted on
                    frame = sometimes_sharpened(frame, rng)
                # (No draw at 0: the same data as before the option.)
                if self.defocus_nobody > 0 and rng.random() < self.defocus_nobody:
                    frame = defocused(frame, rng)
                label = np.zeros((height, width))
                write("no_person", f"real_noperson{i:04d}", webcam_degrade(frame, rng), label)
            elif rng.random() < 0.5:
                frame, label = composite_anywhere(self.cutouts, scene, width, height, rng, matched)
                write("composites", f"real_composite{i:05d}", frame, label)
            else:
                cutout = self.cutouts[int(rng.integers(len(self.cutouts)))]
                frame, label = composite(cutout, scene, width, height, rng, match_detail=matched)
                write("composites", f"real_composite{i:05d}", frame, label)
        return write.counts


def _chunks(what: str, count: int) -> list[tuple[str, int, int]]:
    step = SceneMaker.CHUNK
    return [(what, first, min(first + step, count)) for first in range(0, count, step)]


_WORKER: dict = {}  # the one task object of a worker process (made by _start_worker)


def _start_worker(make) -> None:
    _WORKER["task"] = make()


def _run_task(job):
    return _WORKER["task"](job)


@contextlib.contextmanager
def forked_pool(processes: int, **options):
    """A pool of forked processes (the task's inputs, cut-outs and rooms, are shared, not
    pickled). OpenCV's thread pool does not survive a fork (a child's first parallel call
    hangs), so OpenCV is single-threaded while the pool lives, one process per core instead."""
    threads = cv2.getNumThreads()
    cv2.setNumThreads(1)
    try:
        with multiprocessing.get_context("fork").Pool(processes, **options) as pool:
            yield pool
    finally:
        cv2.setNumThreads(threads)


def run_jobs(make, jobs: list, workers: int):
    """``make()``'s task over ``jobs``, in order, in ``workers`` processes (or here, for one)."""
    if workers <= 1 or len(jobs) <= 1:
        task = make()
        yield from (task(job) for job in jobs)
        return
    with forked_pool(workers, initializer=_start_worker, initargs=(make,)) as pool:
        yield from pool.imap(_run_task, jobs, chunksize=4)


def _make_teachers() -> None:
    Teacher(0), Teacher(1)


def warm_teachers(workers: int) -> None:
    """Convert the teachers to ONNX once, before workers read the cache. With workers, in a
    forked child: a process that has run ONNX Runtime sessions is not forked safely."""
    if workers > 1:
        with forked_pool(1) as pool:
            pool.apply(_make_teachers)


def add_counts(total: dict[str, int], counts: dict[str, int] | None) -> None:
    for kind, n in (counts or {}).items():
        total[kind] = total.get(kind, 0) + n


def remove_old_samples(out: Path) -> None:
    """Deletes the samples an earlier run wrote (``real_*`` in train/), so that a source or
    option dropped since leaves nothing behind; the openpeople samples beside them stay."""
    for folder in ("images", "masks"):
        for old in (out / "train" / folder).glob("real_*"):
            old.unlink()


def add_sample_options(parser: argparse.ArgumentParser) -> None:
    """The options that change the samples, here and in the build (which passes them on, and
    remakes the samples when its own differ from the manifest's)."""
    parser.add_argument(
        "--snap-labels",
        action="store_true",
        help="snap the teachers' labels to each photo's edges (the app's guided filter)",
    )
    parser.add_argument(
        "--zoomed-labels",
        action="store_true",
        help="the teachers look at each photo mirrored too, and again closer at each person "
        "(teacher_label; label_quality scores it)",
    )
    parser.add_argument(
        "--match-detail",
        type=float,
        nargs="?",
        const=1.0,
        default=0.0,
        metavar="SHARE",
        help="pasted people no sharper than their scenes (composite.DETAIL_LOG_RATIO), in this "
        "share of the composites and frames with nobody (alone: all of them; default: "
        "%(default)s)",
    )
    parser.add_argument(
        "--defocus-nobody",
        type=float,
        nargs="?",
        const=0.5,
        default=0.0,
        metavar="SHARE",
        help="this share of the frames with nobody made from scenes out of focus "
        "(composite.DEFOCUS_SIGMA; alone: half)",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("data/people"))
    parser.add_argument("--sources-dir", type=Path, default=Path("data/sources"))
    parser.add_argument("--cache", type=Path, default=Path("data/cache"))
    parser.add_argument("--crops", type=int, default=3, help="crops per photo")
    parser.add_argument("--composites", type=int, default=4, help="composites per photo")
    parser.add_argument(
        "--no-person", type=int, default=DEFAULT_NO_PERSON, help="backgrounds with nobody"
    )
    parser.add_argument("--permissive-only", action="store_true")
    add_sample_options(parser)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="processes (the samples are the same for any number)",
    )
    args = parser.parse_args(argv)
    review = args.out / "review"
    sources = training_sources(args.permissive_only)
    manifest = {
        "sources": [],
        "evaluation_only": [asdict(s) for s in SOURCES if s.use != "train"],
        "not_used": [{"source": s, "why": why} for s, why in NOT_USED],
        "permissive_only": args.permissive_only,
        "no_person_frames": args.no_person,
        "snapped_labels": args.snap_labels,
        "zoomed_labels": args.zoomed_labels,
        "matched_detail": args.match_detail,
        "defocused_nobody": args.defocus_nobody,
        "seed": args.seed,
        "left_out_as_unclear": [
            s.name for s in SOURCES if s.use == "train" and not s.permissive and s not in sources
        ],
    }
    args.out.mkdir(parents=True, exist_ok=True)
    remove_old_samples(args.out)
    if not sources:
        print("notice: no real-photo source is left with --permissive-only; none added")
        (args.out / "real_manifest.json").write_text(json.dumps(manifest, indent=2))
        return 0
    warm_teachers(args.workers)
    held_out = evaluation_hashes(args.sources_dir)
    threads = 1 if args.workers > 1 else 2

    def labeller() -> PhotoLabeller:
        return PhotoLabeller(
            args.out,
            args.sources_dir,
            held_out,
            args.crops,
            args.seed,
            threads,
            args.snap_labels,
            args.zoomed_labels,
        )

    jobs, found = [], {}
    for source in sources:
        paths = list_photos(source_folder(source, args.sources_dir), source.roboflow)
        found[source.name] = len(paths)
        paths = paths[:: source.every]
        jobs += [PhotoJob(source, i, path) for i, path in enumerate(paths)]
    progress = ProgressBar(len(jobs), "photos")
    counts: dict[str, int] = {}
    tallies = {s.name: {"kept": 0, "nobody": 0, "masked": 0} for s in sources}
    cutouts, empty_rooms, sheet, dropped = [], [], [], []
    for job, outcome in zip(jobs, run_jobs(labeller, jobs, args.workers)):
        progress.update()
        add_counts(counts, outcome.counts)
        if outcome.kind == "dropped":
            dropped.append(outcome.why)
            continue
        tally = tallies[job.source.name]
        tally[outcome.kind] += 1
        tally["masked"] += outcome.masked
        if outcome.cutout is not None:
            cutouts.append(outcome.cutout)
        empty_rooms.append(outcome.room)
        if outcome.tile is not None and len(sheet) < 24:
            sheet.append(outcome.tile)
    progress.close()
    used = [
        {
            **asdict(source),
            "photos_found": found[source.name],
            "photos_used": tallies[source.name]["kept"] + tallies[source.name]["nobody"],
            "photos_with_people": tallies[source.name]["kept"],
            "photos_with_nobody": tallies[source.name]["nobody"],
            "photos_with_annotators_masks": tallies[source.name]["masked"],
        }
        for source in sources
    ]
    if not cutouts:
        raise SystemExit("No usable real photos: check the sources (see --sources-dir).")
    wallpapers = [
        image
        for image in (bg.load_background(p) for p in bg.fetch_wallpapers(args.cache))
        if image is not None
    ]

    def scene_maker() -> SceneMaker:
        return SceneMaker(
            args.out,
            cutouts,
            empty_rooms,
            wallpapers,
            args.seed,
            args.match_detail,
            args.defocus_nobody,
        )

    scene_jobs = _chunks("composites", args.composites * len(cutouts))
    scene_jobs += _chunks("no_person", args.no_person)
    for made in run_jobs(scene_maker, scene_jobs, args.workers):
        add_counts(counts, made)
    if sheet:
        review.mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(review / "real_photo_labels.jpg"), np.vstack(sheet))
    manifest.update(sources=used, dropped=dropped, samples=counts)
    (args.out / "real_manifest.json").write_text(json.dumps(manifest, indent=2))
    print(json.dumps({"samples": counts, "dropped": len(dropped)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
