"""One frame through the whole chain: segment → refine → composite, with per-stage timings.

Plain numpy/OpenCV/ONNX Runtime, so the GUI, the headless command and the benchmark share it
and tests run it without Qt. With no segmenter (a model that failed to load) frames pass
through untouched rather than the app dying.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import cv2
import numpy as np

from softfocus.app.backdrops import load_backdrop
from softfocus.app.buffers import reuse_buffer
from softfocus.app.compositor import Compositor
from softfocus.app.downscale import FrameHalvings
from softfocus.app.errors import InputError
from softfocus.app.frame_format import as_bgr_frame
from softfocus.app.inference_saver import InferenceSaver
from softfocus.app.mask_refine import MaskRefiner
from softfocus.app.segmenter import Segmenter
from softfocus.app.settings import PipelineSettings


@dataclass
class FrameResult:
    """The composited frame (a reused buffer: copy to keep) and what each stage cost."""

    frame_bgr: np.ndarray
    timings_ms: dict[str, float] = field(default_factory=dict)
    warning: str | None = None


class FramePipeline:
    def __init__(self, segmenter: Segmenter | None) -> None:
        self.segmenter = segmenter
        self.refiner = MaskRefiner()
        self.compositor = Compositor()
        self._backdrop_key: str | None = None
        self._mirrored: np.ndarray | None = None
        self._ones: np.ndarray | None = None
        self.saver = InferenceSaver()
        self._last_lowres: np.ndarray | None = None
        self._last_shape: tuple[int, ...] | None = None
        # Each frame is halved once for the model, the edge refiner and the blur together.
        self._halvings = FrameHalvings()

    def reset(self) -> None:
        """Forget temporal state: the next frame is unrelated to the last."""
        self.refiner.reset()
        self.saver.reset()
        self._last_lowres = None
        self._last_shape = None

    def set_backdrop(self, backdrop_path: str | None) -> None:
        """Load a backdrop (path or ``builtin:NAME``); raises InputError and keeps the old one."""
        if backdrop_path == self._backdrop_key:
            return
        image = load_backdrop(backdrop_path) if backdrop_path else None
        self.compositor.set_backdrop(image)
        self._backdrop_key = backdrop_path

    def process(self, frame_bgr: np.ndarray, settings: PipelineSettings) -> FrameResult:
        """``frame_bgr`` may be any layout as_bgr_frame takes (grey, BGRA, 16-bit, 1×1 …);
        anything it cannot take raises InputError."""
        frame_bgr = as_bgr_frame(frame_bgr)
        timings: dict[str, float] = {}
        warning = None
        start = time.perf_counter()
        if settings.backdrop_path != self._backdrop_key and settings.effect == "replace":
            try:
                self.set_backdrop(settings.backdrop_path)
            except InputError as error:
                warning = str(error)
                self._backdrop_key = settings.backdrop_path  # report once, keep the old image
        if settings.mirror:
            self._mirrored = reuse_buffer(self._mirrored, frame_bgr.shape)
            frame_bgr = cv2.flip(frame_bgr, 1, dst=self._mirrored)
        try:
            self._halvings.begin(frame_bgr)
            return self._process(frame_bgr, settings, timings, warning, start)
        finally:
            self._halvings.begin(None)  # never hand this frame's halvings to the next

    def _process(
        self,
        frame_bgr: np.ndarray,
        settings: PipelineSettings,
        timings: dict[str, float],
        warning: str | None,
        start: float,
    ) -> FrameResult:
        width = frame_bgr.shape[1]
        halvings = self._halvings
        if settings.effect == "none" or self.segmenter is None:
            alpha = self._full_alpha()
            timings["segment"] = timings["refine"] = 0.0
        else:
            # The last mask is reused only for a frame of the same size (a new size, e.g. a
            # camera switch, always gets the model).
            same_size = self._last_shape == frame_bgr.shape
            # Asked every frame, so the saver counts frames and its thumbnail is this frame's.
            wanted = self.saver.should_infer(
                frame_bgr, settings.skip_still, settings.inference_every, halvings
            )
            reuse = same_size and not wanted
            if reuse:
                alpha = self._last_lowres
                timings["inferred"] = 0.0
            else:
                alpha = self.segmenter.process_lowres(frame_bgr, halvings)
                self._last_lowres = reuse_buffer(self._last_lowres, alpha.shape, np.float32)
                np.copyto(self._last_lowres, alpha)
                self._last_shape = frame_bgr.shape
                self.saver.inferred(frame_bgr, halvings)
                timings["inferred"] = 1.0
            t1 = time.perf_counter()
            timings["segment"] = (t1 - start) * 1000
            alpha = self.refiner.refine(
                alpha, settings, output_width=width, frame_bgr=frame_bgr, halvings=halvings
            )
            timings["refine"] = (time.perf_counter() - t1) * 1000
        t2 = time.perf_counter()
        if self.segmenter is None and settings.effect != "none":
            out = frame_bgr  # no model: pass the video through rather than fail
        else:
            out = self.compositor.compose(frame_bgr, alpha, settings, timings, halvings)
        end = time.perf_counter()
        timings["composite"] = (end - t2) * 1000
        timings["total"] = (end - start) * 1000
        return FrameResult(out, timings, warning)

    def _full_alpha(self) -> np.ndarray:
        if self._ones is None:
            self._ones = np.ones((2, 2), np.float32)
        return self._ones
