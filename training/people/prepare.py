"""Build the person dataset: cut-outs, backgrounds, training composites and held-out sets.

    .venv/bin/python -m softfocus.training.people.prepare --out data/people

Runs in the main venv (openpeople; the MediaPipe teacher as ONNX). Writes:

    cutouts/{train,heldout}/PXXX_shot[_tileN].png   RGBA cut-outs (review them)
    train/images/*.jpg, train/masks/*.png           composites + room crops (alpha 0-255)
    train/trimaps/*.png                             the same as trimaps (1 fg, 2 bg, 3 border)
    heldout/composites/{images,masks}               P009/P010 on unseen backgrounds, exact masks
    heldout/photos/{images,masks}                   P009/P010's four photos, checked masks
    heldout/flicker/*.jpg                           a still person with camera shake and noise
    review/*.png                                    contact sheets for checking masks by eye
    manifest.json
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import cv2
import numpy as np

from softfocus.training.labels import alpha_to_trimap
from softfocus.training.people import backgrounds as bg
from softfocus.training.people.composite import (
    NARROW_ASPECTS,
    Cutout,
    composite,
    crop_to_alpha,
    letterboxed,
    webcam_crop,
    webcam_degrade,
)
from softfocus.training.people.cutout import cut_out, find_tiles, refine_with_grabcut
from softfocus.training.people.sources import (
    HELDOUT_PEOPLE,
    ROOM_SHOTS,
    SHEET_SHOTS,
    STUDIO_SHOTS,
    TRAIN_PEOPLE,
    person_images,
)
from softfocus.training.people.teacher import Teacher

TRAIN_SIZE = (448, 256)  # twice the realtime model's 224×128, room for crop augmentation
EVAL_SIZE = (640, 360)
LETTERBOX_SHARE = 0.25  # the boundary F tolerance is defined at 640 px width


def _write(path: Path, image: np.ndarray, quality: int = 95) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    params = [cv2.IMWRITE_JPEG_QUALITY, quality] if path.suffix == ".jpg" else []
    cv2.imwrite(str(path), image, params)


def _alpha_u8(alpha: np.ndarray) -> np.ndarray:
    return np.clip(alpha * 255.0 + 0.5, 0, 255).astype(np.uint8)


def _review_sheet(items: list[tuple[np.ndarray, np.ndarray]], path: Path, height: int = 160):
    """Each image with its mask shown as magenta outside: a quick visual check."""
    tiles = []
    for image, alpha in items:
        a = cv2.resize(alpha, (image.shape[1], image.shape[0]))[..., None]
        view = (image * a + np.array([255, 0, 255]) * (1 - a)).astype(np.uint8)
        tiles.append(cv2.resize(view, (int(view.shape[1] * height / view.shape[0]), height)))
    rows, row, width = [], [], 0
    for tile in tiles:
        row.append(tile)
        width += tile.shape[1]
        if width > 1400:
            rows.append(np.hstack(row))
            row, width = [], 0
    if row:
        rows.append(np.hstack(row))
    if rows:
        full = max(r.shape[1] for r in rows)
        _write(path, np.vstack([np.pad(r, ((0, 0), (0, full - r.shape[1]), (0, 0))) for r in rows]))


def make_cutouts(people, teacher: Teacher, out: Path, split: str) -> list[Cutout]:
    cutouts = []
    review = []
    for item in person_images(people, STUDIO_SHOTS + SHEET_SHOTS):
        image = cv2.imread(str(item.path))
        regions = [(0, 0, image.shape[1], image.shape[0])]
        if item.shot in SHEET_SHOTS:
            regions = find_tiles(image)
        for index, (x, y, w, h) in enumerate(regions):
            tile = image[y : y + h, x : x + w]
            alpha = cut_out(tile, teacher.process(tile))
            if alpha.max() < 0.5:
                continue
            ys, xs = np.nonzero(alpha > 0.5)
            tall = (ys.max() - ys.min()) > 2.0 * (xs.max() - xs.min())
            full_body = item.shot == "studio_posture" or tall
            cutout = crop_to_alpha(tile, alpha, full_body)
            cutouts.append(cutout)
            name = item.key if len(regions) == 1 else f"{item.key}_tile{index}"
            rgba = np.dstack([cutout.bgr, _alpha_u8(cutout.alpha)])
            _write(out / "cutouts" / split / f"{name}.png", rgba)
            review.append((tile, alpha))
    _review_sheet(review, out / "review" / f"cutouts_{split}.png")
    return cutouts


def room_photos(people, teacher: Teacher):
    """(photo, teacher alpha, refined alpha) for each in-room photo, photos ≤ 960 px wide."""
    photos = []
    for item in person_images(people, ROOM_SHOTS):
        image = cv2.imread(str(item.path))
        scale = 960 / image.shape[1]
        image = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        teacher_alpha = teacher.process(image)
        photos.append((item, image, teacher_alpha, refine_with_grabcut(image, teacher_alpha)))
    return photos


def gather_backgrounds(cache: Path, rooms_train, rooms_heldout, seed: int):
    wallpapers = bg.fetch_wallpapers(cache)
    pools: dict[str, list[np.ndarray]] = {"train": [], "heldout": []}
    for index, path in enumerate(wallpapers):
        image = bg.load_background(path)
        if image is not None:
            pools["heldout" if index % 5 == 0 else "train"].append(image)
    rng = np.random.default_rng(seed)
    pools["train"] += [bg.procedural(rng) for _ in range(120)]
    pools["heldout"] += [bg.procedural(np.random.default_rng(seed + 10_000 + i)) for i in range(20)]
    pools["train"] += rooms_train
    pools["heldout"] += rooms_heldout
    return pools, len(wallpapers)


def write_pairs(folder: Path, name: str, image: np.ndarray, alpha: np.ndarray) -> None:
    """The image, its alpha (masks/, what --masks trains on) and its trimap (trimaps/)."""
    _write(folder / "images" / f"{name}.jpg", image)
    _write(folder / "masks" / f"{name}.png", _alpha_u8(alpha))
    _write(folder / "trimaps" / f"{name}.png", alpha_to_trimap(alpha))


def flicker_sequence(cutout: Cutout, background: np.ndarray, count: int, seed: int):
    """A still person; the camera shakes (sub-pixel) and its sensor is noisy."""
    rng = np.random.default_rng(seed)
    width, height = EVAL_SIZE
    base, alpha = composite(cutout, background, width, height, rng, degrade=False)
    frames = []
    for _ in range(count):
        shift = rng.normal(0, 0.8, 2)
        angle = rng.normal(0, 0.15)
        matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
        matrix[:, 2] += shift
        frame = cv2.warpAffine(base, matrix, (width, height), borderMode=cv2.BORDER_REFLECT)
        label = cv2.warpAffine(alpha, matrix, (width, height), borderMode=cv2.BORDER_REFLECT)
        noisy = frame.astype(np.float32) + rng.normal(0, 4.0, frame.shape)
        frames.append((np.clip(noisy, 0, 255).astype(np.uint8), label))
    return frames


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("data/people"))
    parser.add_argument("--cache", type=Path, default=Path("data/cache"))
    parser.add_argument("--composites", type=int, default=6000)
    parser.add_argument("--room-crops", type=int, default=25, help="crops per training photo")
    parser.add_argument("--heldout-composites", type=int, default=300)
    parser.add_argument("--flicker-frames", type=int, default=60)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    start = time.time()
    out = args.out
    rng = np.random.default_rng(args.seed)
    with Teacher(model_selection=0) as teacher:
        train_cutouts = make_cutouts(TRAIN_PEOPLE, teacher, out, "train")
        heldout_cutouts = make_cutouts(HELDOUT_PEOPLE, teacher, out, "heldout")
        train_rooms = room_photos(TRAIN_PEOPLE, teacher)
        heldout_rooms = room_photos(HELDOUT_PEOPLE, teacher)
    print(f"cut-outs: {len(train_cutouts)} train, {len(heldout_cutouts)} held out")
    pools, wallpaper_count = gather_backgrounds(
        args.cache,
        [bg.empty_room(p, a) for _, p, a, _ in train_rooms],
        [bg.empty_room(p, a) for _, p, a, _ in heldout_rooms],
        args.seed,
    )
    print(f"backgrounds: {len(pools['train'])} train, {len(pools['heldout'])} held out")

    train = out / "train"
    width, height = TRAIN_SIZE
    for i in range(args.composites):
        background = pools["train"][int(rng.integers(len(pools["train"])))]
        if rng.random() < 0.03:  # nobody in the frame
            frame, alpha = composite(train_cutouts[0], background, width, height, rng)
            frame = bg.procedural(rng, width, height) if rng.random() < 0.3 else frame
            alpha = np.zeros_like(alpha)
            frame = cv2.resize(background, (width, height))
        elif rng.random() < LETTERBOX_SHARE:
            # Portrait, square and 4:3 frames, fitted the way the app fits them.
            cutout = train_cutouts[int(rng.integers(len(train_cutouts)))]
            aspect = NARROW_ASPECTS[int(rng.integers(len(NARROW_ASPECTS)))]
            frame, alpha = composite(cutout, background, int(height * aspect), height, rng)
            frame, alpha = letterboxed(frame, alpha, width, height)
        else:
            cutout = train_cutouts[int(rng.integers(len(train_cutouts)))]
            frame, alpha = composite(cutout, background, width, height, rng)
        write_pairs(train, f"comp{i:05d}", frame, alpha)
    for item, photo, teacher_alpha, _ in train_rooms:
        for j in range(args.room_crops):
            frame, alpha = webcam_crop(photo, teacher_alpha, width, height, rng)
            write_pairs(train, f"room_{item.key}_{j:02d}", frame, alpha)
        for j in range(args.room_crops // 3):  # the whole portrait photo, letterboxed
            keep = rng.uniform(0.75, 1.0)
            top = int(rng.uniform(0, 1 - keep) * photo.shape[0])
            rows = slice(top, top + int(keep * photo.shape[0]))
            frame, alpha = letterboxed(
                webcam_degrade(photo[rows], rng), teacher_alpha[rows], width, height
            )
            write_pairs(train, f"roomfull_{item.key}_{j:02d}", frame, alpha)

    heldout = out / "heldout"
    eval_rng = np.random.default_rng(args.seed + 1)
    width, height = EVAL_SIZE
    for i in range(args.heldout_composites):
        cutout = heldout_cutouts[int(eval_rng.integers(len(heldout_cutouts)))]
        background = pools["heldout"][int(eval_rng.integers(len(pools["heldout"])))]
        frame, alpha = composite(cutout, background, width, height, eval_rng)
        write_pairs(heldout / "composites", f"heldout{i:04d}", frame, alpha)
    review = []
    for item in person_images(HELDOUT_PEOPLE, STUDIO_SHOTS):
        image = cv2.imread(str(item.path))
        scale = 640 / image.shape[1]
        image = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        with Teacher(model_selection=0) as teacher:
            alpha = cut_out(image, teacher.process(image))
        write_pairs(heldout / "photos", item.key, image, alpha)
        review.append((image, alpha))
    for item, photo, _, refined in heldout_rooms:
        scale = 640 / photo.shape[1]
        image = cv2.resize(photo, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        alpha = cv2.resize(refined, (image.shape[1], image.shape[0]))
        write_pairs(heldout / "photos", item.key, image, alpha)
        review.append((image, alpha))
    _review_sheet(review, out / "review" / "heldout_photos.png", height=320)
    portrait = next(c for c in heldout_cutouts if not c.full_body)
    for i, (frame, alpha) in enumerate(
        flicker_sequence(portrait, pools["heldout"][-1], args.flicker_frames, args.seed + 2)
    ):
        write_pairs(heldout / "flicker", f"frame{i:03d}", frame, alpha)

    manifest = {
        "train_people": TRAIN_PEOPLE,
        "heldout_people": HELDOUT_PEOPLE,
        "train_cutouts": len(train_cutouts),
        "heldout_cutouts": len(heldout_cutouts),
        "wallpapers": wallpaper_count,
        "train_backgrounds": len(pools["train"]),
        "heldout_backgrounds": len(pools["heldout"]),
        "train_composites": args.composites,
        "train_room_crops": (args.room_crops + args.room_crops // 3) * len(train_rooms),
        "heldout_composites": args.heldout_composites,
        "heldout_photos": len(review),
        "flicker_frames": args.flicker_frames,
        "seed": args.seed,
        "seconds": round(time.time() - start, 1),
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2))
    print(json.dumps(manifest, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
