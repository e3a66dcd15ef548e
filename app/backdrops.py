"""Backdrop images: loading the user's, and the built-in ones the project draws itself.

Built-in backdrops are generated from code (gradients and soft bokeh), so the project ships no
image of unknown licence and they look sharp at any size.
"""

from __future__ import annotations

import os
from pathlib import Path

import cv2
import numpy as np

from softfocus.app.errors import InputError

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".webp", ".tif", ".tiff")
BUILTIN_PREFIX = "builtin:"


def load_image(path: str | os.PathLike, what: str = "image") -> np.ndarray:
    """Read an image as BGR uint8, or raise InputError with a one-line reason and fix."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"The {what} {path} does not exist; choose an existing image file.")
    data = np.fromfile(str(path), dtype=np.uint8)
    image = cv2.imdecode(data, cv2.IMREAD_COLOR) if data.size else None
    if image is None:
        raise InputError(
            f"The {what} {path.name} is not a readable image (corrupt or not an image); "
            f"choose a PNG or JPEG file."
        )
    return image


def load_backdrop(path_or_name: str) -> np.ndarray:
    """A backdrop by file path, or a built-in one by ``builtin:NAME``."""
    if path_or_name.startswith(BUILTIN_PREFIX):
        name = path_or_name[len(BUILTIN_PREFIX) :]
        if name not in BUILTIN_BACKDROPS:
            raise InputError(
                f"There is no built-in backdrop {name!r}; choose one of "
                f"{', '.join(BUILTIN_BACKDROPS)}."
            )
        return render_builtin(name)
    return load_image(path_or_name, "backdrop")


def aspect_fill(image: np.ndarray, width: int, height: int) -> np.ndarray:
    """Scale to cover width×height, then centre-crop: never stretched, never letterboxed."""
    src_h, src_w = image.shape[:2]
    scale = max(width / src_w, height / src_h)
    crop_w = min(src_w, max(1, round(width / scale)))
    crop_h = min(src_h, max(1, round(height / scale)))
    x0 = (src_w - crop_w) // 2
    y0 = (src_h - crop_h) // 2
    crop = image[y0 : y0 + crop_h, x0 : x0 + crop_w]
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    return cv2.resize(crop, (width, height), interpolation=interpolation)


def _gradient(width: int, height: int, top_bgr: tuple, bottom_bgr: tuple) -> np.ndarray:
    t = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None, None]
    top = np.array(top_bgr, np.float32)
    bottom = np.array(bottom_bgr, np.float32)
    column = top * (1 - t) + bottom * t
    return np.repeat(column, width, axis=1).astype(np.uint8)


def _bokeh(width: int, height: int, base: np.ndarray, seed: int, palette: list) -> np.ndarray:
    rng = np.random.default_rng(seed)
    light = np.zeros((height, width, 3), np.float32)
    for _ in range(40):
        centre = (int(rng.integers(0, width)), int(rng.integers(0, height)))
        radius = int(rng.integers(width // 40, width // 10))
        colour = np.array(palette[int(rng.integers(0, len(palette)))], np.float32)
        disc = np.zeros((height, width, 3), np.float32)
        cv2.circle(disc, centre, radius, colour.tolist(), -1, lineType=cv2.LINE_AA)
        light += disc * float(rng.uniform(0.15, 0.45))
    light = cv2.GaussianBlur(light, (0, 0), sigmaX=width / 200)
    return np.clip(base.astype(np.float32) + light, 0, 255).astype(np.uint8)


def _room(width: int, height: int) -> np.ndarray:
    """A soft, out-of-focus 'room': wall, floor, a window of light and a shelf."""
    image = _gradient(width, height, (200, 215, 228), (150, 170, 190))
    floor_y = int(height * 0.78)
    image[floor_y:] = _gradient(width, height - floor_y, (90, 110, 140), (60, 80, 105))
    cv2.rectangle(
        image,
        (int(width * 0.62), int(height * 0.12)),
        (int(width * 0.9), int(height * 0.55)),
        (245, 248, 250),
        -1,
    )
    cv2.rectangle(
        image,
        (int(width * 0.08), int(height * 0.35)),
        (int(width * 0.34), int(height * 0.40)),
        (70, 100, 140),
        -1,
    )
    for i in range(6):
        x = int(width * (0.1 + 0.038 * i))
        cv2.rectangle(
            image,
            (x, int(height * 0.25)),
            (x + int(width * 0.025), int(height * 0.35)),
            (60 + 30 * i % 120, 90, 160 - 15 * i),
            -1,
        )
    return cv2.GaussianBlur(image, (0, 0), sigmaX=width / 150)


def render_builtin(name: str, width: int = 1280, height: int = 720) -> np.ndarray:
    return BUILTIN_BACKDROPS[name](width, height)


BUILTIN_BACKDROPS = {
    "dusk": lambda w, h: _gradient(w, h, (140, 80, 60), (90, 120, 230)),
    "ocean": lambda w, h: _gradient(w, h, (200, 140, 40), (90, 50, 20)),
    "studio-grey": lambda w, h: _gradient(w, h, (120, 120, 120), (60, 60, 60)),
    "bokeh-warm": lambda w, h: _bokeh(
        w, h, _gradient(w, h, (40, 40, 60), (20, 25, 35)), 7, [(80, 180, 255), (60, 120, 240)]
    ),
    "bokeh-cool": lambda w, h: _bokeh(
        w, h, _gradient(w, h, (70, 40, 30), (40, 20, 15)), 11, [(255, 200, 120), (240, 150, 90)]
    ),
    "soft-room": _room,
}
