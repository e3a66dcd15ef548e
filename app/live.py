"""The live loop without Qt: capture thread → latest-frame slot → processing thread.

Capture drains the source as fast as it delivers into a one-frame slot; processing always
takes the newest frame, so a slow frame is dropped, never queued behind (latency stays one
frame). Settings arrive as an immutable snapshot swapped in by reference and read once per
frame. Every loop catches its own exceptions and reports them through a callback; ``stop()``
wakes both threads and joins them within a second.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from softfocus.app.frame_source import (
    EndOfStream,
    FrameSource,
    ReconnectingSource,
    SourceError,
    SourceStopped,
)
from softfocus.app.pipeline import FramePipeline
from softfocus.app.segmenter import Segmenter
from softfocus.app.settings import PipelineSettings

STOP_TIMEOUT_S = 1.0


class LatestFrameSlot:
    """Holds at most one frame; a newer one replaces it. Counts the frames it dropped."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._item: tuple[np.ndarray, float, int] | None = None
        self._closed = False
        self.dropped = 0

    def put(self, frame: np.ndarray, captured_at: float, index: int) -> None:
        with self._condition:
            if self._item is not None:
                self.dropped += 1
            self._item = (frame, captured_at, index)
            self._condition.notify()

    def take(self, timeout_s: float) -> tuple[np.ndarray, float, int] | None:
        with self._condition:
            if self._item is None and not self._closed:
                self._condition.wait(timeout_s)
            item, self._item = self._item, None
            return item

    def close(self) -> None:
        with self._condition:
            self._closed = True
            self._condition.notify_all()

    @property
    def closed(self) -> bool:
        return self._closed


@dataclass
class LiveFrame:
    """What the UI and the virtual camera receive for each processed frame."""

    frame_bgr: np.ndarray  # a copy owned by the receiver
    index: int
    captured_at: float
    timings_ms: dict[str, float] = field(default_factory=dict)
    fps: float = 0.0
    dropped: int = 0


class LiveSession:
    """Runs a source through a pipeline on two threads until ``stop()``.

    Callbacks run on the worker threads: the Qt layer forwards them as queued signals.
    ``on_frame(LiveFrame)``, ``on_status(str)`` for recoverable trouble (camera gone,
    reconnecting), ``on_error(str)`` for a frame that failed to process, ``on_ended()`` when a
    non-looping file ran out.
    """

    def __init__(
        self,
        opener: Callable[[], FrameSource],
        segmenter: Segmenter | None,
        settings: PipelineSettings,
        on_frame: Callable[[LiveFrame], None],
        on_status: Callable[[str], None] = lambda message: None,
        on_error: Callable[[str], None] = lambda message: None,
        on_ended: Callable[[], None] = lambda: None,
        max_reconnect_attempts: int | None = None,
    ) -> None:
        self._stop = threading.Event()
        self._slot = LatestFrameSlot()
        self._settings = settings
        self._pipeline = FramePipeline(segmenter)
        # A mailbox for a model switch: the GUI thread appends, the worker pops (both atomic).
        self._pending_segmenter: list[Segmenter | None] = []
        self._on_frame, self._on_status = on_frame, on_status
        self._on_error, self._on_ended = on_error, on_ended
        self._source = ReconnectingSource(
            opener, on_status, self._stop, max_attempts=max_reconnect_attempts
        )
        self._capture = threading.Thread(
            target=self._capture_loop, name="softfocus-capture", daemon=True
        )
        self._worker = threading.Thread(
            target=self._process_loop, name="softfocus-process", daemon=True
        )
        self.frames_processed = 0

    @property
    def settings(self) -> PipelineSettings:
        return self._settings

    def set_settings(self, settings: PipelineSettings) -> None:
        """Swap in a new snapshot; the worker picks it up at its next frame."""
        self._settings = settings

    def set_segmenter(self, segmenter: Segmenter | None) -> None:
        """Use another model from the next frame on (loaded by the caller, so errors stay there)."""
        self._pending_segmenter.append(segmenter)

    @property
    def dropped(self) -> int:
        return self._slot.dropped

    def start(self) -> None:
        self._capture.start()
        self._worker.start()

    def stop(self, timeout_s: float = STOP_TIMEOUT_S) -> bool:
        """Stop both threads; True if they ended within ``timeout_s``."""
        self._stop.set()
        self._slot.close()
        deadline = time.monotonic() + timeout_s
        for thread in (self._capture, self._worker):
            if thread.is_alive():
                thread.join(max(0.0, deadline - time.monotonic()))
        stopped = not (self._capture.is_alive() or self._worker.is_alive())
        if stopped:
            self._source.close()
        return stopped

    def is_running(self) -> bool:
        return self._capture.is_alive() or self._worker.is_alive()

    def _capture_loop(self) -> None:
        index = 0
        while not self._stop.is_set():
            try:
                frame = self._source.read()
            except SourceStopped:
                break
            except EndOfStream:
                self._on_ended()
                break
            except SourceError as error:
                self._on_status(str(error))
                break
            except Exception as error:  # never let the capture thread die silently
                self._on_status(f"Capture failed: {error}")
                if self._stop.wait(0.5):
                    break
                continue
            self._slot.put(frame, time.perf_counter(), index)
            index += 1
        self._slot.close()

    def _process_loop(self) -> None:
        fps = 0.0
        last = None
        while not self._stop.is_set():
            item = self._slot.take(timeout_s=0.1)
            if item is None:
                if self._slot.closed:
                    break
                continue
            if self._pending_segmenter:
                self._pipeline = FramePipeline(self._pending_segmenter.pop())
            frame, captured_at, index = item
            settings = self._settings  # one snapshot for the whole frame
            try:
                result = self._pipeline.process(frame, settings)
            except Exception as error:
                self._on_error(f"Frame {index} could not be processed: {error}")
                continue
            now = time.perf_counter()
            if last is not None:
                instant = 1.0 / max(now - last, 1e-6)
                fps = instant if fps == 0 else 0.9 * fps + 0.1 * instant
            last = now
            if result.warning:
                self._on_status(result.warning)
            self.frames_processed += 1
            try:
                self._on_frame(
                    LiveFrame(
                        result.frame_bgr.copy(),
                        index,
                        captured_at,
                        result.timings_ms,
                        fps,
                        self._slot.dropped,
                    )
                )
            except Exception as error:
                self._on_error(f"Frame {index} could not be shown: {error}")
