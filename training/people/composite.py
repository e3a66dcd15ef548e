"""Pasting cut-out people onto backgrounds at webcam framings, then degrading like a webcam.

The label is the exact alpha that was pasted, so composites have perfect masks.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

FULL_BODY_SHARE = 0.4  # of standing cut-outs, how many stay whole (feet in view)


@dataclass(frozen=True)
class Cutout:
    """A person's RGBA cut-out; ``bottom_cut`` is True when the body runs off its bottom edge."""

    bgr: np.ndarray
    alpha: np.ndarray
    bottom_cut: bool
    full_body: bool


def crop_to_alpha(bgr: np.ndarray, alpha: np.ndarray, full_body: bool) -> Cutout:
    ys, xs = np.nonzero(alpha > 0.05)
    top, bottom = ys.min(), ys.max() + 1
    left, right = xs.min(), xs.max() + 1
    bottom_cut = bottom >= alpha.shape[0] - 3
    return Cutout(
        bgr[top:bottom, left:right].copy(),
        alpha[top:bottom, left:right].copy(),
        bool(bottom_cut),
        full_body,
    )


def fill_background(background: np.ndarray, width: int, height: int, rng) -> np.ndarray:
    bh, bw = background.shape[:2]
    scale = max(width / bw, height / bh) * rng.uniform(1.0, 1.5)
    resized = cv2.resize(background, (max(width, int(bw * scale)), max(height, int(bh * scale))))
    y = int(rng.integers(0, resized.shape[0] - height + 1))
    x = int(rng.integers(0, resized.shape[1] - width + 1))
    crop = resized[y : y + height, x : x + width]
    return crop[:, ::-1].copy() if rng.random() < 0.5 else crop.copy()


def frame_person(cutout: Cutout, width: int, height: int, rng) -> tuple[np.ndarray, np.ndarray]:
    """Place the person webcam-style: head near the top, body leaving the frame's bottom."""
    bgr, alpha = cutout.bgr, cutout.alpha
    whole_body = cutout.full_body and rng.random() < FULL_BODY_SHARE
    if cutout.full_body and not whole_body:
        # Webcams mostly see head to waist: keep the top 30-65% of a standing body.
        keep = int(alpha.shape[0] * rng.uniform(0.3, 0.65))
        bgr, alpha = bgr[:keep], alpha[:keep]
    if rng.random() < 0.5:
        bgr, alpha = bgr[:, ::-1], alpha[:, ::-1]
    if whole_body:  # someone standing back from the camera: feet inside the frame
        scale = height * rng.uniform(0.5, 0.95) / alpha.shape[0]
        head_y = (height - alpha.shape[0] * scale) * rng.uniform(0.1, 0.9)
    else:
        head_y = height * rng.uniform(0.02, 0.35)
        # The cut-out's bottom edge must leave the frame, or the person would float.
        min_scale = (height - head_y) / alpha.shape[0]
        scale = min_scale * rng.uniform(1.0, 1.6)
    new_w, new_h = max(2, int(alpha.shape[1] * scale)), max(2, int(alpha.shape[0] * scale))
    bgr = cv2.resize(bgr, (new_w, new_h), interpolation=cv2.INTER_AREA)
    alpha = cv2.resize(alpha, (new_w, new_h), interpolation=cv2.INTER_AREA)
    centre_x = width * rng.uniform(0.15, 0.85)
    x0, y0 = int(centre_x - new_w / 2), int(head_y)
    canvas_bgr = np.zeros((height, width, 3), np.uint8)
    canvas_alpha = np.zeros((height, width), np.float32)
    sx0, sy0 = max(0, -x0), max(0, -y0)
    dx0, dy0 = max(0, x0), max(0, y0)
    w = min(new_w - sx0, width - dx0)
    h = min(new_h - sy0, height - dy0)
    if w > 0 and h > 0:
        canvas_bgr[dy0 : dy0 + h, dx0 : dx0 + w] = bgr[sy0 : sy0 + h, sx0 : sx0 + w]
        canvas_alpha[dy0 : dy0 + h, dx0 : dx0 + w] = alpha[sy0 : sy0 + h, sx0 : sx0 + w]
    return canvas_bgr, canvas_alpha


def jitter_colour(bgr: np.ndarray, rng, strength: float = 0.12) -> np.ndarray:
    gains = 1 + rng.uniform(-strength, strength, 3)
    return np.clip(bgr.astype(np.float32) * gains, 0, 255).astype(np.uint8)


def webcam_degrade(image: np.ndarray, rng) -> np.ndarray:
    """Sensor noise, JPEG, motion blur, low light and white balance, each by chance."""
    out = image.astype(np.float32)
    if rng.random() < 0.5:  # white balance
        out *= 1 + rng.uniform(-0.12, 0.12, 3)
    if rng.random() < 0.3:  # low light: darker, then the camera's gain amplifies noise
        out *= rng.uniform(0.35, 0.75)
        out += rng.uniform(3, 10) * rng.standard_normal(out.shape, np.float32)
    elif rng.random() < 0.6:
        out += rng.uniform(1, 6) * rng.standard_normal(out.shape, np.float32)
    out = np.clip(out, 0, 255).astype(np.uint8)
    if rng.random() < 0.2:  # motion blur
        length = int(rng.integers(3, 10))
        kernel = np.zeros((length, length), np.float32)
        kernel[length // 2] = 1.0 / length
        rotation = cv2.getRotationMatrix2D(
            ((length - 1) / 2, (length - 1) / 2), float(rng.uniform(0, 180)), 1.0
        )
        kernel = cv2.warpAffine(kernel, rotation, (length, length))
        out = cv2.filter2D(out, -1, kernel / max(kernel.sum(), 1e-6))
    if rng.random() < 0.6:
        quality = int(rng.integers(35, 92))
        _ok, data = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, quality])
        out = cv2.imdecode(data, cv2.IMREAD_COLOR)
    return out


# Pasted people hold far more fine texture than the scenes they are pasted on: cut-outs are
# shrunk (sharper), scenes are painted-out rooms, wallpapers stretched to the frame and
# procedural blurs. Measured as log(mean |Laplacian| inside the person / outside) on 150
# training samples of each kind (2026-12-05): pasted real people +1.15 (95 % of them the
# sharper), the openpeople composites +1.08, against +0.2 to +0.25 on whole COCO and Capston2
# photos and −0.21 on Penn-Fudan's pedestrians. A model can learn "the sharp thing is the
# person" from that, and the real-photo failures are what it would do: sharp street scenes,
# facades and shelves taken as people (the model card's *Where the gap to MediaPipe is*).
# ``match_detail`` defocuses the pasted person until that ratio falls within DETAIL_LOG_RATIO
# (drawn per person) and, by chance, sharpens the scene first.
DETAIL_LOG_RATIO = (-0.3, 0.7)
DETAIL_SIGMAS = (0.5, 0.8, 1.2, 1.7)  # tried in turn, the first that reaches the ratio wins
SHARPEN_CHANCE = 0.5


def detail(gray: np.ndarray, where: np.ndarray) -> float:
    """Mean absolute Laplacian over ``where``: how much fine texture a region holds."""
    values = np.abs(cv2.Laplacian(gray, cv2.CV_32F)[where])
    return float(values.mean()) if values.size else 0.0


def unsharp(image: np.ndarray, amount: float) -> np.ndarray:
    """An unsharp mask (σ 1 px): the image with the fine texture of a sharper photo."""
    soft = cv2.GaussianBlur(image, (0, 0), 1.0)
    return cv2.addWeighted(image, 1 + amount, soft, -amount, 0)


def sometimes_sharpened(scene: np.ndarray, rng) -> np.ndarray:
    """The scene unsharp-masked at a random strength in SHARPEN_CHANCE of calls, else as is."""
    if rng.random() < SHARPEN_CHANCE:
        return unsharp(scene, rng.uniform(0.5, 1.5))
    return scene


# Gen11 (match_detail on every composite) filled less of sharp scenes with nobody and more of
# soft ones: out-of-focus backdrops took the sharp facades' place (the model card's gen11
# entry). Frames with nobody defocused as far as the pasted people are (DETAIL_SIGMAS in turn
# reach σ ≈ 2.3 px) say that softness is no sign of a person either.
DEFOCUS_SIGMA = (0.5, 2.3)


def defocused(image: np.ndarray, rng) -> np.ndarray:
    """The image out of focus by a Gaussian of random σ within DEFOCUS_SIGMA."""
    return cv2.GaussianBlur(image, (0, 0), float(rng.uniform(*DEFOCUS_SIGMA)))


def paste(
    person: np.ndarray, alpha: np.ndarray, scene: np.ndarray, rng, match_detail: bool = False
) -> np.ndarray:
    """The person (a canvas of the scene's size) over the scene by its alpha; with
    ``match_detail``, defocused as a camera focused on the scene would show it (see
    DETAIL_LOG_RATIO). The label stays the pasted alpha."""
    a = alpha[..., None]
    frame = person * a + scene * (1 - a)
    if match_detail:
        inside = cv2.erode((alpha > 0.9).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
        outside = alpha < 0.1
        if inside.sum() >= 50 and outside.sum() >= 50:
            scene_gray = cv2.cvtColor(scene, cv2.COLOR_BGR2GRAY).astype(np.float32)
            target = np.exp(rng.uniform(*DETAIL_LOG_RATIO)) * detail(scene_gray, outside)
            for sigma in DETAIL_SIGMAS:
                gray = cv2.cvtColor(np.clip(frame, 0, 255).astype(np.uint8), cv2.COLOR_BGR2GRAY)
                if detail(gray.astype(np.float32), inside) <= target:
                    break
                # The composite defocused, not the bare cut-out: its rim takes the scene's
                # colours as a real defocused edge does, never the canvas's black.
                defocused = cv2.GaussianBlur(frame, (0, 0), sigma)
                frame = defocused * a + scene * (1 - a)
    return np.clip(frame, 0, 255).astype(np.uint8)


def composite(
    cutout: Cutout,
    background: np.ndarray,
    width: int,
    height: int,
    rng,
    degrade: bool = True,
    match_detail: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """(frame_bgr uint8, alpha float32): a person pasted on a background, label exact;
    ``match_detail``: see DETAIL_LOG_RATIO."""
    scene = fill_background(background, width, height, rng)
    person, alpha = frame_person(cutout, width, height, rng)
    if rng.random() < 0.5:
        person = jitter_colour(person, rng)
    if match_detail:
        scene = sometimes_sharpened(scene, rng)
    frame = paste(person, alpha, scene.astype(np.float32), rng, match_detail)
    if degrade:
        frame = webcam_degrade(frame, rng)
    return frame, alpha


def cut_out_window(image: np.ndarray, alpha: np.ndarray, window, size, rng):
    """The window (x, y, w, h) of a photo and its label resized to size, mirrored half the
    time, degraded like a webcam: the common end of every crop."""
    x0, y0, crop_w, crop_h = window
    frame = cv2.resize(
        image[y0 : y0 + crop_h, x0 : x0 + crop_w], size, interpolation=cv2.INTER_AREA
    )
    label = cv2.resize(
        alpha[y0 : y0 + crop_h, x0 : x0 + crop_w], size, interpolation=cv2.INTER_AREA
    )
    if rng.random() < 0.5:
        frame, label = frame[:, ::-1].copy(), label[:, ::-1].copy()
    return webcam_degrade(frame, rng), label


def webcam_crop(image: np.ndarray, alpha: np.ndarray, width: int, height: int, rng):
    """A random 16:9-ish crop of a photo around its person, resized to width×height."""
    h, w = alpha.shape
    aspect = width / height
    crop_w = int(min(w, h * aspect) * rng.uniform(0.6, 1.0))
    crop_h = int(crop_w / aspect)
    ys, xs = np.nonzero(alpha > 0.5)
    if len(ys):
        top = int(ys.min())
        y0 = int(np.clip(top - crop_h * rng.uniform(0.02, 0.3), 0, h - crop_h))
        cx = int(xs.mean() + rng.uniform(-0.25, 0.25) * crop_w)
        x0 = int(np.clip(cx - crop_w // 2, 0, w - crop_w))
    else:
        y0 = int(rng.integers(0, h - crop_h + 1))
        x0 = int(rng.integers(0, w - crop_w + 1))
    return cut_out_window(image, alpha, (x0, y0, crop_w, crop_h), (width, height), rng)


def scene_crop(image: np.ndarray, alpha: np.ndarray, width: int, height: int, rng):
    """A crop of a photo at any scale, its person's head anywhere from above the frame to low
    in it, resized to width×height.

    Webcam crops keep the head near the top, and so does a full-length street photo as a
    whole; a model fed only those fills the room above a head that sits lower (a pedestrian
    down the street, someone seated) with a column of "person" up to the top edge. Photos
    with room above their people (street scenes, groups, COCO) show it here as it really is.
    """
    h, w = alpha.shape
    aspect = width / height
    crop_w = max(2, int(min(w, h * aspect) * rng.uniform(0.35, 1.0)))
    crop_h = max(2, int(crop_w / aspect))
    ys, xs = np.nonzero(alpha > 0.5)
    if len(ys):
        y0 = int(np.clip(ys.min() - crop_h * rng.uniform(-0.2, 0.8), 0, h - crop_h))
        cx = int(xs[int(rng.integers(len(xs)))] + rng.uniform(-0.4, 0.4) * crop_w)
        x0 = int(np.clip(cx - crop_w // 2, 0, w - crop_w))
    else:
        y0 = int(rng.integers(0, h - crop_h + 1))
        x0 = int(rng.integers(0, w - crop_w + 1))
    return cut_out_window(image, alpha, (x0, y0, crop_w, crop_h), (width, height), rng)


def letterboxed(frame: np.ndarray, alpha: np.ndarray, width: int, height: int):
    """A frame of another shape fitted as the app fits it (app.letterbox), label alike."""
    from softfocus.app.letterbox import letterbox

    canvas, _ = letterbox(frame, width, height)
    label, _ = letterbox(alpha, width, height)
    return canvas, label


NARROW_ASPECTS = (9 / 16, 2 / 3, 3 / 4, 1.0, 4 / 3)
