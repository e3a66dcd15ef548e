"""Replacement edges that look lit by the new scene, not cut out of the old one.

In the soft band of the matte (0 < α < 1) the camera saw a mix of the person and the old room:
``I = α·F + (1 − α)·B_old``. Blending ``I`` over a new backdrop keeps the old room's share, a
fringe of the wrong colour round the hair. Two fixes, both confined to that band, so pixels
where α is 0 or 1 are never touched:

* **edge colour**: estimate the person's own colour ``F = (I − (1 − α)·B_old) / α``, with
  ``B_old`` the old background blurred with the person left out (a normalised convolution),
  and blend ``F`` instead of ``I``;
* **light wrap**: let a little of the blurred backdrop spill onto that edge, ``F ← F·(1 − w) +
  blur(B_new)·w`` with ``w = strength·(1 − α)²`` growing towards the outside of the band,
  as light from the new scene would.

Only the band's pixels are gathered and computed (a few per cent of the frame), so the cost
stays under a millisecond at 1280×720.
"""

from __future__ import annotations

import cv2
import numpy as np

from softfocus.app.blur import BackgroundBlur
from softfocus.app.buffers import reuse_buffer

OLD_BACKGROUND_KERNEL_PX = 31
# Below this α the division in the colour estimate amplifies noise more than it removes fringe.
MIN_ALPHA_FOR_COLOUR = 0.15


class EdgeLight:
    """Keeps the old-background blur's buffers and the wrapped backdrop from frame to frame."""

    def __init__(self) -> None:
        self._old_background = BackgroundBlur()
        self._band = None
        self._wrap_key: tuple | None = None
        self._wrap: np.ndarray | None = None

    def wrap_source(self, backdrop_bgr: np.ndarray) -> np.ndarray:
        """The backdrop blurred wide (its light, not its detail); cached per backdrop."""
        key = (id(backdrop_bgr), backdrop_bgr.shape)
        if key != self._wrap_key:
            sigma = max(1.0, backdrop_bgr.shape[1] / 80)
            self._wrap = cv2.GaussianBlur(backdrop_bgr, (0, 0), sigmaX=sigma)
            self._wrap_key = key
        return self._wrap

    def apply(
        self,
        out_bgr: np.ndarray,
        frame_bgr: np.ndarray,
        backdrop_bgr: np.ndarray,
        alpha_u8: np.ndarray,
        alpha_lowres: np.ndarray,
        edge_colour: bool,
        light_wrap: float,
    ) -> np.ndarray:
        """Redo the band's pixels of ``out_bgr`` (the plain blend), in place."""
        if not edge_colour and light_wrap <= 0:
            return out_bgr
        self._band = reuse_buffer(self._band, alpha_u8.shape)
        cv2.inRange(alpha_u8, 1, 254, dst=self._band)
        points = cv2.findNonZero(self._band)
        if points is None:
            return out_bgr
        points = points.reshape(-1, 2)  # (x, y) pairs; OpenCV versions differ on the shape
        index = points[:, 1].astype(np.intp) * alpha_u8.shape[1] + points[:, 0]
        alpha = alpha_u8.reshape(-1)[index].astype(np.float32)[:, None] * np.float32(1 / 255)
        colour = frame_bgr.reshape(-1, 3)[index].astype(np.float32)
        if edge_colour:
            old = self._old_background.apply(
                frame_bgr, OLD_BACKGROUND_KERNEL_PX, person_alpha=alpha_lowres
            )
            old_colour = old.reshape(-1, 3)[index].astype(np.float32)
            colour -= (1 - alpha) * old_colour
            colour /= np.maximum(alpha, MIN_ALPHA_FOR_COLOUR)
            np.clip(colour, 0, 255, out=colour)
        backdrop = backdrop_bgr.reshape(-1, 3)[index].astype(np.float32)
        if light_wrap > 0:
            wrap = self.wrap_source(backdrop_bgr).reshape(-1, 3)[index].astype(np.float32)
            # (1 − α)²: the wrap is strongest at the outer edge and gone well before α = 1.
            weight = np.float32(light_wrap) * np.square(1 - alpha)
            colour += weight * (wrap - colour)
        blended = alpha * colour + (1 - alpha) * backdrop
        out_bgr.reshape(-1, 3)[index] = (blended + 0.5).astype(np.uint8)
        return out_bgr
