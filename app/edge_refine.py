"""Edge-aware upsampling of the mask: a fast guided filter (He, Sun 2015) steered by the frame.

The model's mask is 224 pixels wide; stretched bilinearly to 1280 it blurs across the real
edge of hair and shoulders. The guided filter fits, in each small window of the low-resolution
mask, a linear map from the frame's colour to the mask, then applies those maps at a higher
resolution, so the mask's edges snap to the frame's. Coefficients are solved at the mask's
resolution and applied at up to ``work_width`` pixels. On a 2-core machine the colour guide
costs about 2.5 ms more a 1280×720 frame than the luminance guide did (see the README's
benchmark section); the boundary gain below is what that buys.

The guide is the frame's colour, not its luminance: a dark jumper against a dark wall of
another hue, or skin against a beige wall, is an edge in colour that luminance alone misses.
Radius and epsilon were chosen on a development set, the last 150 annotated street photos of
Clothing Co-Parsing (never the evaluation photos, but among the photos the model trains on: its
figures run higher than on unseen photos, and serve only to compare settings): against the
luminance guide (radius 3, epsilon 1e-2) boundary F rose from 0.563 to 0.603 and IoU from 0.873
to 0.880. A smaller epsilon
follows edges a little better (0.607) but passes more sensor noise into the mask (flicker).
The radius was 4 for the 128×224 model; the 160×288 one (gen8) has 1.3× finer mask pixels, so
radius 3 covers the same part of the frame, and on the same development set it follows edges
better (boundary F 0.722 → 0.727; radius 2: 0.727; IoU 0.901 either way).
"""

from __future__ import annotations

import cv2
import numpy as np

from softfocus.app.buffers import reuse_buffer
from softfocus.app.downscale import FrameHalvings, shrink

DEFAULT_WORK_WIDTH = 640
RADIUS_PX = 3  # at mask resolution (160×288 for the bundled model)
# Regularisation, in (colour/255)² units: larger = steadier on noisy frames, less edge-following.
EPSILON = 1e-3
_SUM_OF_CHANNELS = np.ones((1, 3), np.float32)
_BOX_TAPS = np.full(2 * RADIUS_PX + 1, 1 / (2 * RADIUS_PX + 1), np.float32)


# Cofactors of a symmetric 3×3 matrix (v00, v01, v02, v11, v12, v22), each p·q − s·t: the
# closed-form inverse, so there is no per-pixel solve.
_COFACTORS = (
    (3, 5, 4, 4),  # c00 = v11·v22 − v12²
    (2, 4, 1, 5),  # c01 = v02·v12 − v01·v22
    (1, 4, 2, 3),  # c02 = v01·v12 − v02·v11
    (0, 5, 2, 2),  # c11 = v00·v22 − v02²
    (2, 1, 0, 4),  # c12 = v02·v01 − v00·v12
    (0, 3, 1, 1),  # c22 = v00·v11 − v01²
)
_SYMMETRIC = ((0, 1, 2), (1, 3, 4), (2, 4, 5))  # row i of the matrix, as indices into the six


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

    def apply(
        self, alpha: np.ndarray, frame_bgr: np.ndarray, halvings: FrameHalvings | None = None
    ) -> np.ndarray:
        """``alpha`` (low-resolution float32) refined at up to ``work_width`` pixels wide;
        ``halvings``: the frame's halvings, shared with the pipeline's other stages."""
        height, width = frame_bgr.shape[:2]
        work_w = min(self.work_width, width)
        work_h = max(2, round(height * work_w / width))
        if work_w <= alpha.shape[1]:
            return alpha
        # read-only: it may be a shared halving
        small = shrink(frame_bgr, work_w, work_h, scratch=self._halvings, shared=halvings)
        # The guide at mask resolution: bilinear is enough for a regression target, and
        # several times cheaper than an area resize by a non-integer ratio.
        guide = cv2.resize(
            small,
            (alpha.shape[1], alpha.shape[0]),
            dst=self._buffer("guide", (*alpha.shape, 3), np.uint8),
            interpolation=cv2.INTER_LINEAR,
        )
        slopes, offset = self._coefficients(alpha, guide)
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

    def _coefficients(self, alpha: np.ndarray, guide_bgr: np.ndarray):
        """Slopes (H×W×3, per 0..255 colour step) and offset (H×W) at the mask's resolution.

        Every array is a contiguous plane kept across frames and written in place: the
        dozens of fresh 100 KB temporaries that plain numpy expressions make cost five times
        the arithmetic in page faults, and numpy on a strided channel view costs three times
        a plane. The window means are taken plane by plane with a separable filter of equal
        taps: OpenCV's vectorised ``sepFilter2D`` costs about half its ``boxFilter`` on float
        planes, and interleaving planes to box four at once cost more in merging and
        splitting than it saved (thirteen means: 0.57 against 1.48 ms, one run under load).
        """
        height, width = alpha.shape

        def plane(name: str) -> np.ndarray:
            return self._buffer(f"low_{name}", (height, width))

        colour = [plane(f"colour{k}") for k in range(3)]
        for k in range(3):
            np.copyto(colour[k], guide_bgr[..., k], casting="unsafe")
        b, g, r = colour
        # Raw planes, then their window means, by the same names.
        raw = {"b": b, "g": g, "r": r, "a": alpha}
        for name, (x, y) in {
            "ba": (b, alpha), "ga": (g, alpha), "ra": (r, alpha),
            "bb": (b, b), "bg": (b, g), "br": (b, r),
            "gg": (g, g), "gr": (g, r), "rr": (r, r),
        }.items():  # fmt: skip
            raw[name] = np.multiply(x, y, out=plane(f"raw_{name}"))
        mean = {name: plane(f"mean_{name}") for name in raw}
        for name, image in raw.items():
            self._box(image, mean[name])
        tmp = plane("tmp")
        # Covariance of colour channels i and j within the window, ε on the diagonal.
        variance = [plane(f"v{k}") for k in range(6)]
        for out, pair in zip(variance, ("bb", "bg", "br", "gg", "gr", "rr")):
            np.multiply(mean[pair[0]], mean[pair[1]], out=out)
            np.subtract(mean[pair], out, out=out)
            if pair[0] == pair[1]:
                out += np.float32(EPSILON * 255 * 255)
        cofactors = [plane(f"c{k}") for k in range(6)]
        for out, (p, q, s, t) in zip(cofactors, _COFACTORS):
            np.multiply(variance[p], variance[q], out=out)
            out -= np.multiply(variance[s], variance[t], out=tmp)
        inverse_det = np.multiply(variance[0], cofactors[0], out=plane("inverse_det"))
        for k in (1, 2):
            inverse_det += np.multiply(variance[k], cofactors[k], out=tmp)
        np.reciprocal(inverse_det, out=inverse_det)
        # Covariance of colour and mask.
        covariance = [plane(f"cov{k}") for k in range(3)]
        for out, c in zip(covariance, "bgr"):
            np.multiply(mean[c], mean["a"], out=out)
            np.subtract(mean[f"{c}a"], out, out=out)
        # slope = Σ⁻¹ · cov; offset = mean(mask) − slope · mean(colour).
        slopes = [plane(f"slope{k}") for k in range(3)]
        offset = plane("offset_in")
        np.copyto(offset, mean["a"])
        for slope, row, c in zip(slopes, _SYMMETRIC, "bgr"):
            np.multiply(cofactors[row[0]], covariance[0], out=slope)
            for j in (1, 2):
                slope += np.multiply(cofactors[row[j]], covariance[j], out=tmp)
            slope *= inverse_det
            offset -= np.multiply(slope, mean[c], out=tmp)
        boxed = [self._box(slope, plane(f"boxed_slope{k}")) for k, slope in enumerate(slopes)]
        stack = self._buffer("low_slopes", (height, width, 3))
        cv2.merge(boxed, dst=stack)
        return stack, self._box(offset, plane("offset"))

    @staticmethod
    def _box(image: np.ndarray, out: np.ndarray) -> np.ndarray:
        """The mean over each (2·RADIUS_PX + 1)² window, borders reflected as boxFilter's."""
        return cv2.sepFilter2D(image, -1, _BOX_TAPS, _BOX_TAPS, dst=out)
