"""Turning a frame and its foreground alpha into the picture the user sees.

Blending runs in uint8 with OpenCV (``out = frame·α + background·(1-α)``, α in 0..255), so no
float64, or even float32, frame-sized temporary exists; every buffer is kept and reused while
the frame size stays the same.
"""

from __future__ import annotations

import time

import cv2
import numpy as np

from softfocus.app.backdrops import aspect_fill, render_builtin
from softfocus.app.blur import BackgroundBlur
from softfocus.app.buffers import reuse_buffer
from softfocus.app.downscale import FrameHalvings
from softfocus.app.edge_light import EdgeLight
from softfocus.app.settings import PipelineSettings

OUTLINE_BGR = (80, 230, 80)
DEFAULT_BACKDROP = "soft-room"


class Compositor:
    """Holds the buffers and the backdrop cache; one instance per video stream."""

    def __init__(self) -> None:
        self._blur = BackgroundBlur()
        self._edge_light = EdgeLight()
        self._backdrop_source: np.ndarray | None = None
        self._backdrop_fitted: np.ndarray | None = None
        self._alpha_u8: np.ndarray | None = None
        self._alpha_full: np.ndarray | None = None
        self._alpha3: np.ndarray | None = None
        self._inverse3: np.ndarray | None = None
        self._background_part: np.ndarray | None = None
        self._out: np.ndarray | None = None

    def set_backdrop(self, image_bgr: np.ndarray | None) -> None:
        """Use this image behind the person (None: the default built-in backdrop)."""
        self._backdrop_source = image_bgr
        self._backdrop_fitted = None

    def backdrop_for(self, width: int, height: int) -> np.ndarray:
        """The backdrop aspect-filled to the frame, cached until the size or image changes."""
        fitted = self._backdrop_fitted
        if fitted is None or fitted.shape[:2] != (height, width):
            source = self._backdrop_source
            if source is None:
                fitted = render_builtin(DEFAULT_BACKDROP, width, height)
            else:
                fitted = aspect_fill(source, width, height)
            self._backdrop_fitted = fitted
        return fitted

    def compose(
        self,
        frame_bgr: np.ndarray,
        alpha: np.ndarray,
        settings: PipelineSettings,
        timings_ms: dict[str, float] | None = None,
        halvings: FrameHalvings | None = None,
    ) -> np.ndarray:
        """The output frame (a buffer reused by the next call; copy it to keep it).

        ``alpha`` is float32 in 0..1, at the frame's size or any smaller size (it is upsampled
        bilinearly, which is how the pipeline feeds it the model-resolution mask). When
        ``timings_ms`` is given, the background ("blur") and blending ("blend") stages add
        their milliseconds to it. ``halvings``: the frame's halvings, shared with the other
        stages (FramePipeline).
        """
        height, width = frame_bgr.shape[:2]
        self._out = reuse_buffer(self._out, frame_bgr.shape)
        effect = settings.effect
        if effect == "none":
            np.copyto(self._out, frame_bgr)
            return self._out
        start = time.perf_counter()
        alpha3 = self._alpha3_full(alpha, width, height)
        if effect == "mask":
            np.copyto(self._out, alpha3)
            return self._out
        if effect == "outline":
            return self._outline(frame_bgr, alpha3)
        blur_start = time.perf_counter()
        if effect == "replace":
            background = self.backdrop_for(width, height)
        else:
            person = alpha if settings.halo_free else None
            background = self._blur.apply(
                frame_bgr, settings.kernel_size_px, person_alpha=person, halvings=halvings
            )
        blur_end = time.perf_counter()
        out = self._blend(frame_bgr, background, alpha3)
        if effect == "replace":
            single = self._alpha_full if alpha.shape[:2] != (height, width) else self._alpha_u8
            self._edge_light.apply(
                out, frame_bgr, background, single, alpha, settings.edge_colour,
                settings.light_wrap,
            )  # fmt: skip
        if timings_ms is not None:
            # Upsampling α and blending are one stage: both exist only to blend.
            timings_ms["blur"] = (blur_end - blur_start) * 1000
            timings_ms["blend"] = (time.perf_counter() - blur_end + blur_start - start) * 1000
        return out

    def _alpha3_full(self, alpha: np.ndarray, width: int, height: int) -> np.ndarray:
        """α as uint8, three equal channels, at the frame's size.

        Upsampling one channel and then copying it into three is about four times cheaper
        than upsampling a three-channel image.
        """
        self._alpha_u8 = reuse_buffer(self._alpha_u8, alpha.shape[:2])
        cv2.convertScaleAbs(alpha, dst=self._alpha_u8, alpha=255.0)
        single = self._alpha_u8
        if alpha.shape[:2] != (height, width):
            self._alpha_full = reuse_buffer(self._alpha_full, (height, width))
            single = cv2.resize(
                single, (width, height), dst=self._alpha_full, interpolation=cv2.INTER_LINEAR
            )
        self._alpha3 = reuse_buffer(self._alpha3, (height, width, 3))
        return cv2.cvtColor(single, cv2.COLOR_GRAY2BGR, dst=self._alpha3)

    def _blend(
        self, frame_bgr: np.ndarray, background: np.ndarray, alpha3: np.ndarray
    ) -> np.ndarray:
        self._inverse3 = reuse_buffer(self._inverse3, alpha3.shape)
        self._background_part = reuse_buffer(self._background_part, alpha3.shape)
        cv2.bitwise_not(alpha3, dst=self._inverse3)  # 255 - α
        cv2.multiply(frame_bgr, alpha3, dst=self._out, scale=1.0 / 255.0)
        cv2.multiply(background, self._inverse3, dst=self._background_part, scale=1.0 / 255.0)
        return cv2.add(self._out, self._background_part, dst=self._out)

    def _outline(self, frame_bgr: np.ndarray, alpha3: np.ndarray) -> np.ndarray:
        """The report's edge view: the mask's contour drawn over the frame."""
        np.copyto(self._out, frame_bgr)
        binary = np.ascontiguousarray(alpha3[:, :, 0] >= 128, dtype=np.uint8)
        contours, _ = cv2.findContours(binary, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        thickness = max(2, frame_bgr.shape[1] // 320)
        cv2.drawContours(self._out, contours, -1, OUTLINE_BGR, thickness, lineType=cv2.LINE_AA)
        return self._out
