"""Mask clean-up, as a named chain: speck and hole clean-up → temporal smoothing →
edge-aware upsampling → soft threshold → feathering.

Smoothing comes first, on the model's raw probabilities: there, flicker is a small wobble
(0.4 ↔ 0.6) that is easy to tell from motion (0 → 1); after the threshold stretches it, the
same wobble would look like motion. Everything runs at the model's resolution (tens of
thousands of pixels), so the chain costs a few hundredths of a millisecond; the compositor
upsamples the result once.
"""

from __future__ import annotations

import cv2
import numpy as np

from softfocus.app.buffers import reuse_buffer
from softfocus.app.downscale import FrameHalvings
from softfocus.app.edge_refine import EdgeRefiner
from softfocus.app.mask_cleanup import clean_mask
from softfocus.app.settings import PipelineSettings

# A pixel whose probability moves by this much or more is taken as real motion and follows
# the new mask at once; smaller changes (sensor noise, flicker) are averaged away.
MOTION_DELTA = 0.5


class MaskRefiner:
    """Keeps the previous mask to smooth the next one; ``reset()`` between unrelated images."""

    def __init__(self) -> None:
        self._previous: np.ndarray | None = None
        self._delta: np.ndarray | None = None
        self._weight: np.ndarray | None = None
        self._edges = EdgeRefiner()
        self._thresholded: np.ndarray | None = None
        self._cleaned: np.ndarray | None = None

    def reset(self) -> None:
        self._previous = None

    def refine(
        self,
        alpha: np.ndarray,
        settings: PipelineSettings,
        output_width: int | None = None,
        frame_bgr: np.ndarray | None = None,
        halvings: FrameHalvings | None = None,
    ) -> np.ndarray:
        """Refined alpha (float32, 0..1), in a buffer reused next call.

        Same size as ``alpha``, unless ``frame_bgr`` is given and ``settings.edge_refine`` is
        on: then the mask is upsampled along the frame's edges (app.edge_refine) to up to 640
        pixels wide (``halvings``: the frame's, shared). ``output_width`` is the width of the
        frame the mask will cover, so ``feather_px`` means output pixels whatever the mask's
        resolution.
        """
        if settings.cleanup:
            # On a copy: ``alpha`` may be the segmenter's buffer, or a caller's array.
            self._cleaned = reuse_buffer(self._cleaned, alpha.shape, np.float32)
            np.copyto(self._cleaned, alpha)
            alpha = clean_mask(
                self._cleaned,
                settings.min_component_share,
                settings.min_component_mean,
                previous=self._previous,
            )
        alpha = self._smooth(alpha, settings.smoothing)
        if frame_bgr is not None and settings.edge_refine:
            alpha = self._edges.apply(alpha, frame_bgr, halvings)
            output_width = output_width or frame_bgr.shape[1]
        alpha = self._threshold(alpha, settings)
        if settings.feather_px > 0:
            scale = alpha.shape[1] / output_width if output_width else 1.0
            sigma = settings.feather_px * scale
            if sigma >= 0.2:
                # Two sigmas either side are plenty for a feather, and half the default taps.
                size = 2 * int(np.ceil(2 * sigma)) + 1
                cv2.GaussianBlur(alpha, (size, size), sigmaX=sigma, dst=alpha)
        return alpha

    def _threshold(self, alpha: np.ndarray, settings: PipelineSettings) -> np.ndarray:
        """Into a buffer of the refiner's own: ``alpha`` may be the smoother's memory."""
        self._thresholded = reuse_buffer(self._thresholded, alpha.shape, np.float32)
        out = self._thresholded
        np.subtract(alpha, np.float32(settings.mask_low), out=out)
        out *= np.float32(1.0 / (settings.mask_high - settings.mask_low))
        return np.clip(out, 0.0, 1.0, out=out)

    def _smooth(self, alpha: np.ndarray, smoothing: float) -> np.ndarray:
        previous = self._previous
        if smoothing <= 0 or previous is None or previous.shape != alpha.shape:
            self._previous = alpha.astype(np.float32, copy=True)
            return self._previous
        if self._delta is None or self._delta.shape != alpha.shape:
            self._delta = np.empty_like(alpha)
            self._weight = np.empty_like(alpha)
        delta, weight = self._delta, self._weight
        np.subtract(alpha, previous, out=delta)
        # Weight of the new mask: 1 - smoothing where still, rising to 1 with motion.
        np.abs(delta, out=weight)
        weight *= np.float32(1.0 / MOTION_DELTA)
        np.minimum(weight, 1.0, out=weight)
        weight *= np.float32(smoothing)
        weight += np.float32(1.0 - smoothing)
        delta *= weight
        previous += delta
        return previous
