"""Fitting a frame into the model's input without distorting it.

A 128×224 model fed a 4:3 or portrait frame squashed to 16:9 sees people twice as wide as it
learned them; instead the frame is scaled to fit and the rest filled by repeating its edge
pixels, and the mask is cut back out of the same box. Frames within 5 % of the model's shape
are simply resized.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from softfocus.app.downscale import FrameHalvings, shrink

ASPECT_TOLERANCE = 0.05


@dataclass(frozen=True)
class Box:
    x: int
    y: int
    width: int
    height: int


def fit_box(frame_width: int, frame_height: int, width: int, height: int) -> Box:
    """Where a frame lands inside a width×height canvas, aspect kept and centred."""
    frame_aspect = frame_width / frame_height
    aspect = width / height
    if abs(frame_aspect / aspect - 1) <= ASPECT_TOLERANCE:
        return Box(0, 0, width, height)
    if frame_aspect < aspect:  # narrower than the model: bars left and right
        fitted = max(1, round(height * frame_aspect))
        return Box((width - fitted) // 2, 0, fitted, height)
    fitted = max(1, round(width / frame_aspect))
    return Box(0, (height - fitted) // 2, width, fitted)


def letterbox(
    image: np.ndarray,
    width: int,
    height: int,
    dst: np.ndarray | None = None,
    scratch: dict | None = None,
    shared: FrameHalvings | None = None,
) -> tuple[np.ndarray, Box]:
    """``image`` fitted into width×height, edges repeated into the bars; returns (canvas, box)."""
    box = fit_box(image.shape[1], image.shape[0], width, height)
    if box.width == width and box.height == height:
        return shrink(image, width, height, dst=dst, scratch=scratch, shared=shared), box
    fitted = shrink(image, box.width, box.height, scratch=scratch, shared=shared)
    canvas = cv2.copyMakeBorder(
        fitted,
        box.y,
        height - box.height - box.y,
        box.x,
        width - box.width - box.x,
        cv2.BORDER_REPLICATE,
    )
    if dst is not None:
        np.copyto(dst, canvas)
        return dst, box
    return canvas, box


def unbox(mask: np.ndarray, box: Box) -> np.ndarray:
    """The part of a model-sized mask that covers the frame."""
    return mask[box.y : box.y + box.height, box.x : box.x + box.width]
