"""Edge-aware upsampling of the mask: a fast guided filter (He, Sun 2015) steered by the frame.

The model's mask is 224 pixels wide; stretched bilinearly to 1280 it blurs across the real
edge of hair and shoulders. The guided filter fits, in each small window of the low-resolution
mask, a linear map from the frame's luminance to the mask, then applies those maps at a higher
resolution, so the mask's edges snap to the frame's. Coefficients are solved at the mask's
resolution and applied at up to ``work_width`` pixels, which keeps the cost to a fraction of a
millisecond.
"""

from __future__ import annotations

import cv2
import numpy as np

from softfocus.app.buffers import reuse_buffer
from softfocus.app.downscale import shrink

DEFAULT_WORK_WIDTH = 640
RADIUS_PX = 3  # at mask resolution
EPSILON = 1e-2  # regularisation: larger = steadier on noisy frames, less edge-following


class EdgeRefiner:
    def __init__(self, work_width: int = DEFAULT_WORK_WIDTH) -> None:
        self.work_width = work_width
        # Work-resolution buffers kept across frames: a fresh 1 MB array per frame costs
        # page faults every frame (large allocations are mmap'ed and returned on free).
        self._buffers: dict[str, np.ndarray] = {}
        self._halvings: dict = {}

    def _buffer(self, name: str, shape: tuple[int, ...], dtype=np.float32) -> np.ndarray:
        self._buffers[name] = reuse_buffer(self._buffers.get(name), shape, dtype)
        return self._buffers[name]

    def apply(self, alpha: np.ndarray, frame_bgr: np.ndarray) -> np.ndarray:
        """``alpha`` (low-resolution float32) refined at up to ``work_width`` pixels wide."""
        height, width = frame_bgr.shape[:2]
        work_w = min(self.work_width, width)
        work_h = max(2, round(height * work_w / width))
        if work_w <= alpha.shape[1]:
            return alpha
        small = shrink(frame_bgr, work_w, work_h, scratch=self._halvings)
        grey = cv2.cvtColor(
            small, cv2.COLOR_BGR2GRAY, dst=self._buffer("grey", (work_h, work_w), np.uint8)
        )
        grey_work = self._buffer("grey_work", (work_h, work_w))
        np.multiply(grey, np.float32(1 / 255), out=grey_work, casting="unsafe")
        # The guide at mask resolution: bilinear is enough for a regression target, and
        # several times cheaper than an area resize by a non-integer ratio.
        guide = cv2.resize(
            grey_work, (alpha.shape[1], alpha.shape[0]), interpolation=cv2.INTER_LINEAR
        )
        window = (2 * RADIUS_PX + 1, 2 * RADIUS_PX + 1)
        mean_guide = cv2.boxFilter(guide, -1, window)
        mean_alpha = cv2.boxFilter(alpha, -1, window)
        covariance = cv2.boxFilter(guide * alpha, -1, window) - mean_guide * mean_alpha
        variance = cv2.boxFilter(guide * guide, -1, window) - mean_guide * mean_guide
        slope = covariance / (variance + EPSILON)
        offset = mean_alpha - slope * mean_guide
        slope = cv2.resize(
            cv2.boxFilter(slope, -1, window),
            (work_w, work_h),
            dst=self._buffer("slope", (work_h, work_w)),
        )
        offset = cv2.resize(
            cv2.boxFilter(offset, -1, window),
            (work_w, work_h),
            dst=self._buffer("offset", (work_h, work_w)),
        )
        out = self._buffer("out", (work_h, work_w))
        np.multiply(slope, grey_work, out=out)
        out += offset
        return np.clip(out, 0.0, 1.0, out=out)
