"""Backgrounds to paste people on: wallpapers, empty rooms, and procedural scenes.

Every source is split by a fixed rule into a training and a held-out pool, so the held-out
evaluation composites sit on backgrounds the model never saw.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import cv2
import numpy as np

WALLPAPER_PACKAGES = ("gnome-backgrounds", "plasma-workspace-wallpapers")


def fetch_wallpapers(cache: Path) -> list[Path]:
    """Debian's wallpaper packages, downloaded (not installed) and unpacked into ``cache``.

    gnome-backgrounds is CC-BY-SA 3.0, plasma-workspace-wallpapers GPL-2+/LGPL; they train the
    model and are never committed or shipped. Returns [] (with a notice) when apt is missing.
    """
    unpacked = cache / "wallpapers"
    if not unpacked.is_dir():
        debs = cache / "debs"
        debs.mkdir(parents=True, exist_ok=True)
        try:
            subprocess.run(
                ["apt-get", "download", *WALLPAPER_PACKAGES],
                cwd=debs,
                check=True,
                capture_output=True,
            )
            for deb in debs.glob("*.deb"):
                subprocess.run(["dpkg", "-x", str(deb), str(unpacked)], check=True)
        except (OSError, subprocess.CalledProcessError) as error:
            print(f"notice: no Debian wallpapers ({error}); using procedural backgrounds only")
            return []
    chosen = {}
    for path in sorted(unpacked.rglob("*")):
        if path.suffix.lower() not in (".jpg", ".png", ".webp") or "screenshot" in path.name:
            continue
        # One image per wallpaper: plasma ships many sizes of each in <name>/contents/images.
        parts = path.parts
        name = parts[parts.index("contents") - 1] if "contents" in parts else path.stem
        if "1920x1080" in path.name:
            chosen[name] = path
        chosen.setdefault(name, path)
    return [chosen[k] for k in sorted(chosen)]


def load_background(path: Path, max_width: int = 960) -> np.ndarray | None:
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if image is None:
        return None
    if image.shape[1] > max_width:
        scale = max_width / image.shape[1]
        image = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return image


def empty_room(photo: np.ndarray, person_alpha: np.ndarray) -> np.ndarray:
    """The photo with its person painted out, at half size.

    The hole is filled at low resolution (160 px), which keeps the fill plausible and costs
    a tenth of filling it at 320 px (inpainting was a third of the real-photo step's time);
    the rest of the room keeps its detail, so sharpness is no sign of where a person was."""
    half = (photo.shape[1] // 2, photo.shape[0] // 2)
    room = cv2.resize(photo, half, interpolation=cv2.INTER_AREA)
    scale = 160 / max(photo.shape[:2])
    small = cv2.resize(photo, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    hole = cv2.resize(person_alpha, (small.shape[1], small.shape[0])) > 0.2
    hole = cv2.dilate(hole.astype(np.uint8), np.ones((5, 5), np.uint8))
    filled = cv2.resize(
        cv2.inpaint(small, hole, 4, cv2.INPAINT_TELEA), half, interpolation=cv2.INTER_CUBIC
    )
    where = cv2.resize(hole.astype(np.float32), half, interpolation=cv2.INTER_LINEAR) > 0.01
    room[where] = filled[where]
    return room


def procedural(rng: np.random.Generator, width: int = 960, height: int = 540) -> np.ndarray:
    """Gradients, shapes, stripes, bokeh blobs and 'rooms' of boxes, softly blurred."""
    kind = rng.integers(0, 4)
    top, bottom = rng.integers(0, 256, 3), rng.integers(0, 256, 3)
    t = np.linspace(0, 1, height, dtype=np.float32)[:, None, None]
    image = (top * (1 - t) + bottom * t).repeat(width, axis=1).astype(np.float32)
    if kind == 0:  # room: wall, floor, furniture boxes, a bright window
        floor = int(height * rng.uniform(0.6, 0.85))
        image[floor:] = rng.integers(30, 200, 3)
        for _ in range(rng.integers(3, 9)):
            x, y = int(rng.integers(0, width)), int(rng.integers(0, floor))
            w, h = int(rng.integers(40, 300)), int(rng.integers(40, 300))
            cv2.rectangle(image, (x, y), (x + w, y + h), rng.integers(0, 256, 3).tolist(), -1)
    elif kind == 1:  # bokeh
        for _ in range(rng.integers(20, 60)):
            centre = (int(rng.integers(0, width)), int(rng.integers(0, height)))
            cv2.circle(
                image, centre, int(rng.integers(8, 80)), rng.integers(0, 256, 3).tolist(), -1
            )
    elif kind == 2:  # stripes and shelves
        for _ in range(rng.integers(5, 25)):
            x = int(rng.integers(0, width))
            cv2.rectangle(
                image,
                (x, 0),
                (x + int(rng.integers(5, 60)), height),
                rng.integers(0, 256, 3).tolist(),
                -1,
            )
    else:  # texture
        noise = rng.integers(0, 256, (height // 8, width // 8, 3)).astype(np.float32)
        image = 0.5 * image + 0.5 * cv2.resize(
            noise, (width, height), interpolation=cv2.INTER_CUBIC
        )
    sigma = float(rng.uniform(0.5, 6.0))
    image = cv2.GaussianBlur(image, (0, 0), sigma)
    return np.clip(image, 0, 255).astype(np.uint8)
