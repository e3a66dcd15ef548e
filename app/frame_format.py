"""Frames as the pipeline takes them: any image-like array in, BGR uint8 H×W×3 out.

Frames come from cameras, video files, image files and user code; a camera can switch to
grey or a 16-bit format mid-stream, an image can be 1×1 pixels. Normalising once, at the
pipeline's door, means every later stage can rely on one layout, and odd input becomes a
clear error or a valid frame instead of an exception deep inside OpenCV.
"""

from __future__ import annotations

import numpy as np

from softfocus.app.errors import InputError

# The largest side the pipeline accepts: above this a single frame is over a gigabyte in
# the blur's buffers, which is a mistake (or an attack), not a webcam.
MAX_SIDE_PX = 16384


def as_bgr_frame(frame: object) -> np.ndarray:
    """``frame`` as contiguous BGR uint8 H×W×3, or InputError saying what was wrong.

    Accepts grey (H×W or H×W×1), BGR (H×W×3) and BGRA (H×W×4, alpha dropped) in uint8,
    uint16 (scaled by 1/257), bool, or floats in 0..1 (clipped; NaN becomes 0).
    """
    if not isinstance(frame, np.ndarray):
        raise InputError(f"A frame must be a numpy array, got {type(frame).__name__}.")
    if frame.ndim == 2:
        frame = frame[:, :, None]
    if frame.ndim != 3 or frame.shape[2] not in (1, 3, 4):
        raise InputError(
            f"A frame must be H×W grey, H×W×3 BGR or H×W×4 BGRA, got shape {frame.shape}."
        )
    height, width = frame.shape[:2]
    if height < 1 or width < 1:
        raise InputError(f"A frame must hold at least one pixel, got shape {frame.shape}.")
    if max(height, width) > MAX_SIDE_PX:
        raise InputError(
            f"A {width}×{height} frame is too large; frames up to {MAX_SIDE_PX} px a side "
            "are supported. Scale it down first."
        )
    frame = _to_uint8(frame)
    if frame.shape[2] == 1:
        frame = np.repeat(frame, 3, axis=2)
    elif frame.shape[2] == 4:
        frame = frame[:, :, :3]
    return np.ascontiguousarray(frame)


def _to_uint8(frame: np.ndarray) -> np.ndarray:
    kind = frame.dtype.kind
    if frame.dtype == np.uint8:
        return frame
    if kind == "b":
        return frame.astype(np.uint8) * np.uint8(255)
    if frame.dtype == np.uint16:
        return (frame // 257).astype(np.uint8)
    if kind == "f":
        scaled = np.nan_to_num(frame.astype(np.float32), nan=0.0, posinf=1.0, neginf=0.0)
        return (np.clip(scaled, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)
    if kind in "iu":
        return np.clip(frame, 0, 255).astype(np.uint8)
    raise InputError(f"A frame's pixels must be uint8, uint16 or float in 0..1, got {frame.dtype}.")
