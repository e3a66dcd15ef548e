"""Real people for the person model: photos from public repositories, labelled by the teacher.

    .venv/bin/python -m softfocus.training.people.real_photos --out data/people \\
        [--sources-dir data/sources] [--permissive-only]

Eight synthetic identities teach a model what openpeople looks like, not what people look
like. Every photo of a real person becomes training data here through the teacher (MediaPipe
general and landscape, which must agree; the label is their mean), three ways:

* **crops**: webcam-shaped crops of the photo around the person, and the whole photo
  letterboxed as the app does;
* **composites**: the person cut out and pasted on other backgrounds *anywhere*, at any
  scale, partly out of frame on any side, sometimes two people; half of them at webcam
  framings;
* **no-person frames**: backgrounds alone and photos with the person painted out, labelled
  all background, so the model stops expecting a head at the top centre.

Sources are listed in ``SOURCES`` with their terms. Each is a folder of a git repository:
fetched with ``git clone`` into ``--sources-dir`` when the network allows, or taken from
there as it is (a snapshot brought by other means). Sources whose terms are unclear are
marked, and ``--permissive-only`` leaves them out; evaluation-only sources are never read.
"""

from __future__ import annotations

import argparse
import json
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

import cv2
import numpy as np

from softfocus.training.metrics import binary_iou
from softfocus.training.people import backgrounds as bg
from softfocus.training.people.composite import (
    NARROW_ASPECTS,
    Cutout,
    composite,
    crop_to_alpha,
    fill_background,
    jitter_colour,
    letterboxed,
    webcam_crop,
    webcam_degrade,
)
from softfocus.training.people.teacher import Teacher

TRAIN_SIZE = (448, 256)
MAX_SIDE = 960
DUPLICATE_BITS = 6  # difference hashes this close (of 64 bits) are the same photo
MIN_TEACHER_AGREEMENT = 0.8  # IoU between general and landscape; below it the photo is dropped
NO_PERSON_BELOW = 0.003  # foreground share under which a photo counts as having nobody
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")


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
        "the rest become real rooms and streets with nobody in them",
        person_boxes="object_detection/labels",
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
)


def source_folder(source: PhotoSource, sources_dir: Path) -> Path:
    """The source's photo folder, cloned on first use where the network allows."""
    root = sources_dir / source.name
    if not root.is_dir():
        print(f"fetching {source.url} into {root}", flush=True)
        try:
            subprocess.run(
                ["git", "clone", "-q", "--depth", "1", source.url, str(root)],
                check=True,
                timeout=900,
            )
        except (OSError, subprocess.SubprocessError) as error:
            raise SystemExit(
                f"Cannot fetch {source.url} ({error}). Without a network, put a snapshot of "
                f"that repository at {root} (any git checkout or export of it) and run again."
            ) from None
    folder = root / source.folder
    if not folder.is_dir():
        raise SystemExit(f"{folder} is missing: is {root} really a copy of {source.url}?")
    return folder


def difference_hash(image: np.ndarray) -> int:
    """64-bit hash that survives resizing and recompression, to spot the same photo twice."""
    grey = cv2.resize(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), (9, 8), interpolation=cv2.INTER_AREA)
    bits = (grey[:, 1:] > grey[:, :-1]).ravel()
    return int(np.packbits(bits).view(">u8")[0])


def list_photos(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)


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
    labels = root / source.person_boxes / photo.relative_to(root / source.folder)
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


def teacher_label(
    image: np.ndarray, general: Teacher, landscape: Teacher, region: np.ndarray | None = None
):
    """(alpha, agreement): the mean of both teachers and the IoU between them, both kept
    inside ``region`` where one is given."""
    a, b = general.process(image), landscape.process(image)
    if region is not None:
        a, b = a * region, b * region
    agreement = binary_iou(a >= 0.5, b >= 0.5) if (a >= 0.5).any() or (b >= 0.5).any() else 1.0
    return (a + b) / 2, agreement


def place_anywhere(cutout: Cutout, width: int, height: int, rng):
    """The person at any place and scale, partly out of frame on any side."""
    bgr, alpha = cutout.bgr, cutout.alpha
    if rng.random() < 0.5:
        bgr, alpha = bgr[:, ::-1], alpha[:, ::-1]
    scale = height * rng.uniform(0.2, 1.4) / alpha.shape[0]
    new_w, new_h = max(2, int(alpha.shape[1] * scale)), max(2, int(alpha.shape[0] * scale))
    bgr = cv2.resize(bgr, (new_w, new_h), interpolation=cv2.INTER_AREA)
    alpha = cv2.resize(alpha, (new_w, new_h), interpolation=cv2.INTER_AREA)
    x0 = int(rng.uniform(-0.4 * new_w, width - 0.6 * new_w))
    y0 = int(rng.uniform(-0.3 * new_h, height - 0.5 * new_h))
    canvas_bgr = np.zeros((height, width, 3), np.uint8)
    canvas_alpha = np.zeros((height, width), np.float32)
    sx0, sy0, dx0, dy0 = max(0, -x0), max(0, -y0), max(0, x0), max(0, y0)
    w, h = min(new_w - sx0, width - dx0), min(new_h - sy0, height - dy0)
    if w > 0 and h > 0:
        canvas_bgr[dy0 : dy0 + h, dx0 : dx0 + w] = bgr[sy0 : sy0 + h, sx0 : sx0 + w]
        canvas_alpha[dy0 : dy0 + h, dx0 : dx0 + w] = alpha[sy0 : sy0 + h, sx0 : sx0 + w]
    return canvas_bgr, canvas_alpha


def composite_anywhere(cutouts: list[Cutout], background: np.ndarray, rng):
    """One or two people placed anywhere on a background; the label is the pasted alpha."""
    width, height = TRAIN_SIZE
    frame = fill_background(background, width, height, rng)
    label = np.zeros((height, width), np.float32)
    people = 2 if len(cutouts) > 1 and rng.random() < 0.2 else 1
    for cutout in rng.choice(len(cutouts), people, replace=False):
        person, alpha = place_anywhere(cutouts[int(cutout)], width, height, rng)
        if rng.random() < 0.5:
            person = jitter_colour(person, rng, strength=0.3)
        a = alpha[..., None]
        frame = np.clip(person * a + frame * (1 - a), 0, 255).astype(np.uint8)
        label = np.maximum(label, alpha)
    return webcam_degrade(frame, rng), label


def overlay(image: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """The label over a darkened photo, for checking labels by eye."""
    shown = (image * 0.3).astype(np.uint8)
    keep = alpha >= 0.5
    shown[keep] = image[keep]
    return shown


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("data/people"))
    parser.add_argument("--sources-dir", type=Path, default=Path("data/sources"))
    parser.add_argument("--cache", type=Path, default=Path("data/cache"))
    parser.add_argument("--crops", type=int, default=6, help="webcam crops per photo")
    parser.add_argument("--composites", type=int, default=12, help="composites per photo")
    parser.add_argument("--no-person", type=int, default=400, help="frames with nobody")
    parser.add_argument("--permissive-only", action="store_true")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    train = args.out / "train"
    review = args.out / "review"
    sources = training_sources(args.permissive_only)
    manifest = {
        "sources": [],
        "evaluation_only": [asdict(s) for s in SOURCES if s.use != "train"],
        "not_used": [{"source": s, "why": why} for s, why in NOT_USED],
        "permissive_only": args.permissive_only,
        "left_out_as_unclear": [
            s.name for s in SOURCES if s.use == "train" and not s.permissive and s not in sources
        ],
    }
    args.out.mkdir(parents=True, exist_ok=True)
    if not sources:
        print("notice: no real-photo source is left with --permissive-only; none added")
        (args.out / "real_manifest.json").write_text(json.dumps(manifest, indent=2))
        return 0
    general, landscape = Teacher(0), Teacher(1)
    photos, cutouts, empty_rooms, used, dropped = [], [], [], [], []
    held_out = evaluation_hashes(args.sources_dir)
    for source in sources:
        folder = source_folder(source, args.sources_dir)
        paths = list_photos(folder)
        kept = nobody = 0
        for path in paths:
            image = load_photo(path)
            if image is None:
                dropped.append(f"{source.name}/{path.name}: unreadable")
                continue
            if is_duplicate(difference_hash(image), held_out):
                dropped.append(f"{source.name}/{path.name}: also in an evaluation-only source")
                continue
            region = annotated_people(source, args.sources_dir / source.name, path, image.shape)
            alpha, agreement = teacher_label(image, general, landscape, region)
            key = f"real_{source.name}_{path.parent.name}_{path.stem}"
            if (alpha >= 0.5).mean() < NO_PERSON_BELOW:
                empty_rooms.append(image)
                nobody += 1
                continue
            if agreement < MIN_TEACHER_AGREEMENT:
                dropped.append(f"{source.name}/{path.name}: teachers disagree ({agreement:.2f})")
                continue
            photos.append((key, image, alpha))
            cutouts.append(crop_to_alpha(image, alpha, full_body=False))
            empty_rooms.append(bg.empty_room(image, alpha))
            kept += 1
        used.append(
            {
                **asdict(source),
                "photos_found": len(paths),
                "photos_used": kept + nobody,
                "photos_with_people": kept,
                "photos_with_nobody": nobody,
            }
        )
    if not photos:
        raise SystemExit("No usable real photos: check the sources (see --sources-dir).")
    wallpapers = [
        image
        for image in (bg.load_background(p) for p in bg.fetch_wallpapers(args.cache))
        if image is not None
    ]

    def background() -> np.ndarray:
        pick = rng.random()
        if pick < 0.35 and empty_rooms:
            return empty_rooms[int(rng.integers(len(empty_rooms)))]
        if pick < 0.7 and wallpapers:
            return wallpapers[int(rng.integers(len(wallpapers)))]
        return bg.procedural(rng)

    def write(name: str, image: np.ndarray, label: np.ndarray) -> None:
        (train / "images").mkdir(parents=True, exist_ok=True)
        (train / "masks").mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(train / "images" / f"{name}.jpg"), image, [cv2.IMWRITE_JPEG_QUALITY, 92])
        cv2.imwrite(str(train / "masks" / f"{name}.png"), np.round(label * 255).astype(np.uint8))

    counts = {"crops": 0, "composites": 0, "no_person": 0}
    width, height = TRAIN_SIZE
    for key, image, alpha in photos:
        for i in range(args.crops):
            frame, label = webcam_crop(image, alpha, width, height, rng)
            write(f"{key}_crop{i}", frame, label)
        aspect = NARROW_ASPECTS[int(rng.integers(len(NARROW_ASPECTS)))]
        h = image.shape[0]
        w = min(image.shape[1], int(h * aspect))
        x0 = int(rng.integers(0, image.shape[1] - w + 1))
        frame, label = letterboxed(image[:, x0 : x0 + w], alpha[:, x0 : x0 + w], width, height)
        write(f"{key}_whole", webcam_degrade(frame, rng), label)
        counts["crops"] += args.crops + 1
    for i in range(args.composites * len(photos)):
        if rng.random() < 0.5:
            frame, label = composite_anywhere(cutouts, background(), rng)
        else:
            cutout = cutouts[int(rng.integers(len(cutouts)))]
            frame, label = composite(cutout, background(), width, height, rng)
        write(f"real_composite{i:05d}", frame, label)
        counts["composites"] += 1
    for i in range(args.no_person):
        frame = fill_background(background(), width, height, rng)
        write(f"real_noperson{i:04d}", webcam_degrade(frame, rng), np.zeros((height, width)))
        counts["no_person"] += 1
    sheet = [
        np.hstack([cv2.resize(image, (240, 135)), cv2.resize(overlay(image, alpha), (240, 135))])
        for _, image, alpha in photos[:: max(1, len(photos) // 24)]
    ]
    review.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(review / "real_photo_labels.jpg"), np.vstack(sheet))
    manifest.update(sources=used, dropped=dropped, samples=counts)
    (args.out / "real_manifest.json").write_text(json.dumps(manifest, indent=2))
    print(json.dumps({"samples": counts, "dropped": len(dropped)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
