"""Where frames come from: a camera by index, a video file, or a still image.

Every source has ``read() -> frame_bgr`` and raises instead of returning junk:
:class:`EndOfStream` when a file ran out, :class:`SourceError` when a device or file failed.
:class:`ReconnectingSource` turns failures of a live camera into status messages and
reopens it with back-off, so an unplugged camera never spins a core or kills the app.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np

from softfocus.app.backdrops import IMAGE_SUFFIXES, load_image
from softfocus.app.errors import InputError

VIDEO_SUFFIXES = (".mp4", ".avi", ".mov", ".mkv", ".webm", ".m4v", ".mpg", ".mpeg", ".wmv")
DEFAULT_FPS = 30.0


class SourceError(InputError):
    """The source could not be opened or stopped delivering frames."""


class EndOfStream(Exception):
    """A finite source (a file that does not loop) has no more frames."""


class SourceStopped(Exception):
    """``stop_event`` was set while waiting for the source."""


class FrameSource(Protocol):
    fps: float
    description: str

    def read(self) -> np.ndarray: ...

    def close(self) -> None: ...


class _Pacer:
    """Sleeps so frames come out at the source's own rate (like a camera would deliver them)."""

    def __init__(self, fps: float) -> None:
        self.period_s = 1.0 / fps if fps > 0 else 0.0
        self._next = None

    def wait(self) -> None:
        if self.period_s <= 0:
            return
        now = time.perf_counter()
        if self._next is None or now - self._next > 0.5:  # start, or we fell far behind
            self._next = now
        delay = self._next - now
        if delay > 0:
            time.sleep(delay)
        self._next += self.period_s


def _quietly(open_capture: Callable[[], cv2.VideoCapture]) -> cv2.VideoCapture:
    """Open a capture without OpenCV's own warnings: a missing camera prints several lines of
    backend internals to the terminal; we report it ourselves in one sentence."""
    logging = cv2.utils.logging
    previous = logging.getLogLevel()
    logging.setLogLevel(logging.LOG_LEVEL_SILENT)
    try:
        return open_capture()
    finally:
        logging.setLogLevel(previous)


class CameraSource:
    """A camera by index (``cv2.VideoCapture``), optionally at a requested resolution."""

    def __init__(self, index: int, width: int | None = None, height: int | None = None) -> None:
        self.index = index
        self.description = f"camera {index}"
        self._capture = _quietly(lambda: cv2.VideoCapture(index))
        if not self._capture.isOpened():
            self._capture.release()
            raise SourceError(
                f"No camera found at index {index}; plug one in, pick another camera, "
                "or play a video file with --source FILE."
            )
        if width and height:
            self._capture.set(cv2.CAP_PROP_FRAME_WIDTH, width)
            self._capture.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
        fps = self._capture.get(cv2.CAP_PROP_FPS)
        self.fps = fps if 1 <= fps <= 240 else DEFAULT_FPS

    def read(self) -> np.ndarray:
        ok, frame = self._capture.read()
        if not ok or frame is None:
            raise SourceError(f"{self.description} stopped delivering frames (unplugged?).")
        return frame

    def close(self) -> None:
        self._capture.release()


class VideoFileSource:
    """A video file, played once or looped, paced at its own fps or as fast as it decodes."""

    def __init__(self, path: str | os.PathLike, loop: bool = False, paced: bool = False) -> None:
        self.path = Path(path)
        self.description = self.path.name
        self.loop = loop
        if not self.path.is_file():
            raise SourceError(f"The video {self.path} does not exist; check the path.")
        self._capture = cv2.VideoCapture(str(self.path))
        ok, first = self._capture.read() if self._capture.isOpened() else (False, None)
        if not ok or first is None:
            self._capture.release()
            raise SourceError(
                f"The video {self.path.name} cannot be decoded (corrupt or unsupported); "
                "use an MP4 (H.264/MPEG-4) or AVI file."
            )
        self._pending: np.ndarray | None = first
        fps = self._capture.get(cv2.CAP_PROP_FPS)
        self.fps = fps if 1 <= fps <= 240 else DEFAULT_FPS
        count = int(self._capture.get(cv2.CAP_PROP_FRAME_COUNT))
        self.frame_count = count if count > 0 else None
        self.size = (first.shape[1], first.shape[0])
        self._pacer = _Pacer(self.fps if paced else 0.0)

    def read(self) -> np.ndarray:
        self._pacer.wait()
        if self._pending is not None:
            frame, self._pending = self._pending, None
            return frame
        ok, frame = self._capture.read()
        if ok and frame is not None:
            return frame
        if not self.loop:
            raise EndOfStream(self.description)
        self._capture.set(cv2.CAP_PROP_POS_FRAMES, 0)
        ok, frame = self._capture.read()
        if not ok or frame is None:
            raise SourceError(f"The video {self.path.name} could not be rewound to loop it.")
        return frame

    def close(self) -> None:
        self._capture.release()


class ImageSource:
    """A still image: once, or repeated at ``fps`` like a camera pointed at a photo."""

    def __init__(self, path: str | os.PathLike, loop: bool = False, fps: float = DEFAULT_FPS):
        self.path = Path(path)
        self.description = self.path.name
        self.fps = fps
        self.loop = loop
        self._image = load_image(self.path, "input image")
        self.size = (self._image.shape[1], self._image.shape[0])
        self._delivered = False
        self._pacer = _Pacer(fps if loop else 0.0)

    def read(self) -> np.ndarray:
        if self._delivered and not self.loop:
            raise EndOfStream(self.description)
        self._pacer.wait()
        self._delivered = True
        return self._image.copy()

    def close(self) -> None:
        pass


def open_source(
    spec: str | int | os.PathLike,
    loop: bool = False,
    paced: bool = False,
    width: int | None = None,
    height: int | None = None,
) -> FrameSource:
    """A camera for an int (or digit string), else a video or image file by its suffix."""
    if isinstance(spec, int) or (isinstance(spec, str) and spec.isdigit()):
        return CameraSource(int(spec), width, height)
    path = Path(spec)
    suffix = path.suffix.lower()
    if suffix in IMAGE_SUFFIXES:
        return ImageSource(path, loop=loop)
    if suffix in VIDEO_SUFFIXES or path.is_file():
        return VideoFileSource(path, loop=loop, paced=paced)
    raise SourceError(
        f"{path} is neither a camera index nor an existing video or image file; "
        "pass a camera number (0, 1, …) or a file path."
    )


class ReconnectingSource:
    """A source that survives failures: it reports them and reopens with exponential back-off.

    ``read()`` blocks until a frame arrives, ``stop_event`` is set (raises SourceStopped), or
    ``max_attempts`` reopenings in a row failed (raises SourceError). Waiting happens on
    ``stop_event``, so a stop request interrupts the back-off at once.
    """

    def __init__(
        self,
        opener: Callable[[], FrameSource],
        on_status: Callable[[str], None] = lambda message: None,
        stop_event: threading.Event | None = None,
        initial_backoff_s: float = 0.5,
        max_backoff_s: float = 5.0,
        max_attempts: int | None = None,
    ) -> None:
        self._opener = opener
        self._on_status = on_status
        self._stop = stop_event or threading.Event()
        self.initial_backoff_s = initial_backoff_s
        self.max_backoff_s = max_backoff_s
        self.max_attempts = max_attempts
        self._source: FrameSource | None = None
        self.fps = DEFAULT_FPS
        self.description = "source"
        self.failures = 0

    def read(self) -> np.ndarray:
        backoff = self.initial_backoff_s
        attempts = 0
        while not self._stop.is_set():
            try:
                if self._source is None:
                    self._source = self._opener()
                    self.fps = self._source.fps
                    self.description = self._source.description
                    if attempts:
                        self._on_status(f"{self.description} reconnected.")
                frame = self._source.read()
                return frame
            except EndOfStream:
                raise
            except Exception as error:  # any failure of a device is a reason to reopen it
                self.failures += 1
                attempts += 1
                self._close_current()
                if self.max_attempts is not None and attempts >= self.max_attempts:
                    raise SourceError(f"{error} Gave up after {attempts} attempts.") from None
                self._on_status(f"{error} Retrying in {backoff:.1f} s…")
                if self._stop.wait(backoff):
                    break
                backoff = min(backoff * 2, self.max_backoff_s)
        raise SourceStopped()

    def _close_current(self) -> None:
        if self._source is not None:
            try:
                self._source.close()
            finally:
                self._source = None

    def close(self) -> None:
        self._close_current()
