"""Carries a LiveSession's callbacks from its worker threads to the GUI thread as signals.

Frames cross as a ``QImage`` that owns its pixels (built and copied on the worker thread), so
the GUI never reads a numpy buffer the worker is about to reuse.
"""

from __future__ import annotations

import threading
import time

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from softfocus.app.live import LiveFrame


def to_qimage(frame_bgr: np.ndarray) -> QImage:
    """A QImage that owns a copy of the pixels (Qt reads BGR directly: no conversion pass)."""
    frame_bgr = np.ascontiguousarray(frame_bgr)
    height, width = frame_bgr.shape[:2]
    view = QImage(frame_bgr.data, width, height, 3 * width, QImage.Format.Format_BGR888)
    return view.copy()


class SessionBridge(QObject):
    """Signals: ``frame_ready(QImage, dict)``, ``status(str)``, ``errored(str)``, ``ended()``."""

    frame_ready = Signal(QImage, dict)
    status = Signal(str)
    errored = Signal(str)
    ended = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lock = threading.Lock()
        self._virtual_camera = None
        self._last_frame: np.ndarray | None = None
        self._preview = True
        self.virtual_camera_errors = 0

    def set_preview(self, enabled: bool) -> None:
        """With the window hidden nobody sees the preview: frames still go to the virtual
        camera and the status, but no QImage is built for them."""
        self._preview = enabled

    def set_virtual_camera(self, camera) -> None:
        with self._lock:
            self._virtual_camera = camera

    def last_frame(self) -> np.ndarray | None:
        with self._lock:
            return None if self._last_frame is None else self._last_frame.copy()

    # Called on the worker thread.
    def on_frame(self, live: LiveFrame) -> None:
        with self._lock:
            self._last_frame = live.frame_bgr
            camera = self._virtual_camera
        if camera is not None:
            try:
                camera.send(live.frame_bgr)
            except Exception as error:
                self.virtual_camera_errors += 1
                self.errored.emit(f"The virtual camera stopped: {error}")
                with self._lock:
                    self._virtual_camera = None
        info = {
            "index": live.index,
            "latency_ms": (time.perf_counter() - live.captured_at) * 1000,
            "captured_at": live.captured_at,
            "fps": live.fps,
            "dropped": live.dropped,
            "timings": dict(live.timings_ms),
            "size": (live.frame_bgr.shape[1], live.frame_bgr.shape[0]),
        }
        self.frame_ready.emit(to_qimage(live.frame_bgr) if self._preview else QImage(), info)

    def on_status(self, message: str) -> None:
        self.status.emit(message)

    def on_error(self, message: str) -> None:
        self.errored.emit(message)

    def on_ended(self) -> None:
        self.ended.emit()
