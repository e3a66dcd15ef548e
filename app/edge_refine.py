"""Edge-aware upsampling of the mask: a fast guided filter (He, Sun 2015) steered by the frame.

The model's mask is 224 pixels wide; stretched bilinearly to 1280 it blurs across the real
edge of hair and shoulders. The guided filter fits, in each small window of the low-resolution
mask, a linear map from the frame's colour to the mask, then applies those maps at a higher
resolution, so the mask's edges snap to the frame's. Coefficients are solved at the mask's
resolution and applied at up to ``work_width`` pixels, which keeps the cost to about a
millisecond.

The guide is the frame's colour, not its luminance: a dark jumper against a dark wall of
another hue, or skin against a beige wall, is an edge in colour that luminance alone misses.
Radius and epsilon were chosen on a development set, the last 150 annotated street photos of
Clothing Co-Parsing (never the evaluation photos): against the luminance guide (radius 3,
epsilon 1e-2) boundary F rose from 0.563 to 0.603 and IoU from 0.873 to 0.880. A smaller epsilon
follows edges a little better (0.607) but passes more sensor noise into the mask (flicker).
"""

from __future__ import annotations

import cv2
import numpy as np

from softfocus.app.buffers import reuse_buffer
from softfocus.app.downscale import shrink

DEFAULT_WORK_WIDTH = 640
RADIUS_PX = 4  # at mask resolution
# Regularisation, in (colour/255)² units: larger = steadier on noisy frames, less edge-following.
EPSILON = 1e-3
_SUM_OF_CHANNELS = np.ones((1, 3), np.float32)


def _inverse_symmetric_3x3(v: list[np.ndarray]) -> tuple[list[np.ndarray], np.ndarray]:
    """Cofactors (c00, c01, c02, c11, c12, c22) and determinant of per-pixel symmetric 3×3
    matrices given as (v00, v01, v02, v11, v12, v22): closed form, so no per-pixel solve."""
    v00, v01, v02, v11, v12, v22 = v
    c00 = v11 * v22 - v12 * v12
    c01 = v02 * v12 - v01 * v22
    c02 = v01 * v12 - v02 * v11
    c11 = v00 * v22 - v02 * v02
    c12 = v02 * v01 - v00 * v12
    c22 = v00 * v11 - v01 * v01
    determinant = v00 * c00 + v01 * c01 + v02 * c02
    return [c00, c01, c02, c11, c12, c22], determinant


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
        # The guide at mask resolution: bilinear is enough for a regression target, and
        # several times cheaper than an area resize by a non-integer ratio.
        guide = cv2.resize(small, (alpha.shape[1], alpha.shape[0]), interpolation=cv2.INTER_LINEAR)
        slopes, offset = self._coefficients(alpha, guide.astype(np.float32))
        # Applied to the work-resolution frame as it is (uint8): out = Σ slope·colour + offset.
        slopes = cv2.resize(
            slopes, (work_w, work_h), dst=self._buffer("slopes", (work_h, work_w, 3))
        )
        offset = cv2.resize(offset, (work_w, work_h), dst=self._buffer("offset", (work_h, work_w)))
        product = cv2.multiply(
            slopes, small, dtype=cv2.CV_32F, dst=self._buffer("product", (work_h, work_w, 3))
        )
        out = cv2.transform(product, _SUM_OF_CHANNELS, dst=self._buffer("out", (work_h, work_w)))
        out += offset
        return np.clip(out, 0.0, 1.0, out=out)

    @staticmethod
    def _coefficients(alpha: np.ndarray, guide: np.ndarray):
        """Slopes (H×W×3, per 0..255 colour step) and offset (H×W) at the mask's resolution."""
        window = (2 * RADIUS_PX + 1, 2 * RADIUS_PX + 1)
        mean_guide = cv2.boxFilter(guide, -1, window)
        mean_alpha = cv2.boxFilter(alpha, -1, window)
        covariance = cv2.boxFilter(guide * alpha[..., None], -1, window)
        covariance -= mean_guide * mean_alpha[..., None]
        b, g, r = cv2.split(guide)
        # The six second moments in two three-channel box filters.
        moments = cv2.split(cv2.boxFilter(cv2.merge([b * b, b * g, b * r]), -1, window))
        moments += cv2.split(cv2.boxFilter(cv2.merge([g * g, g * r, r * r]), -1, window))
        means = cv2.split(mean_guide)
        variance = []
        for moment, (i, j) in zip(moments, ((0, 0), (0, 1), (0, 2), (1, 1), (1, 2), (2, 2))):
            v = moment - means[i] * means[j]
            variance.append(v + np.float32(EPSILON * 255 * 255) if i == j else v)
        (c00, c01, c02, c11, c12, c22), determinant = _inverse_symmetric_3x3(variance)
        cov = cv2.split(covariance)
        inverse_det = np.float32(1.0) / determinant
        slopes = [
            (c00 * cov[0] + c01 * cov[1] + c02 * cov[2]) * inverse_det,
            (c01 * cov[0] + c11 * cov[1] + c12 * cov[2]) * inverse_det,
            (c02 * cov[0] + c12 * cov[1] + c22 * cov[2]) * inverse_det,
        ]
        offset = mean_alpha - sum(s * m for s, m in zip(slopes, means))
        return cv2.boxFilter(cv2.merge(slopes), -1, window), cv2.boxFilter(offset, -1, window)
