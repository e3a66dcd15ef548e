"""Frame-sized buffers kept across frames: allocating 2.7 MB per frame is what makes a pipeline
stutter, so every stage keeps its outputs and reuses them while the frame size holds."""

from __future__ import annotations

import numpy as np


def reuse_buffer(
    buffer: np.ndarray | None, shape: tuple[int, ...], dtype: np.dtype | type = np.uint8
) -> np.ndarray:
    """``buffer`` if it already has this shape and dtype, else a new empty array."""
    if buffer is None or buffer.shape != tuple(shape) or buffer.dtype != dtype:
        return np.empty(shape, dtype)
    return buffer
