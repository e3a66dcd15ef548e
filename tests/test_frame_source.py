import threading

import numpy as np
import pytest

from softfocus.app.frame_source import (
    EndOfStream,
    ImageSource,
    ReconnectingSource,
    SourceError,
    SourceStopped,
    VideoFileSource,
    open_source,
)


def test_video_file_ends_with_end_of_stream(clip_path):
    source = VideoFileSource(clip_path)
    frames = []
    with pytest.raises(EndOfStream):
        while True:
            frames.append(source.read())
    assert len(frames) == 12
    assert frames[0].shape == (120, 160, 3)


def test_looping_video_wraps_around(clip_path):
    source = VideoFileSource(clip_path, loop=True)
    assert len([source.read() for _ in range(30)]) == 30


def test_missing_and_corrupt_files_are_source_errors(tmp_path):
    with pytest.raises(SourceError, match="does not exist"):
        VideoFileSource(tmp_path / "missing.mp4")
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"\x00" * 1000)
    with pytest.raises(SourceError, match="cannot be decoded"):
        open_source(broken)
    with pytest.raises(SourceError, match="neither a camera"):
        open_source(tmp_path / "nothing.xyz")


def test_image_source_once_or_looping(tmp_path):
    import cv2

    path = tmp_path / "still.png"
    cv2.imwrite(str(path), np.zeros((20, 30, 3), np.uint8))
    once = ImageSource(path)
    once.read()
    with pytest.raises(EndOfStream):
        once.read()
    looping = ImageSource(path, loop=True, fps=1000)
    assert all(looping.read().shape == (20, 30, 3) for _ in range(3))


class FlakySource:
    """Delivers `good` frames, then fails, like a camera being unplugged."""

    fps = 30.0
    description = "flaky camera"

    def __init__(self, good: int):
        self.remaining = good

    def read(self):
        if self.remaining <= 0:
            raise SourceError("flaky camera stopped delivering frames.")
        self.remaining -= 1
        return np.zeros((4, 4, 3), np.uint8)

    def close(self):
        pass


def test_reconnecting_source_reports_and_recovers():
    opened = []
    messages = []

    def opener():
        opened.append(1)
        if len(opened) in (2, 3):  # unplugged: the next two openings fail
            raise SourceError("No camera found at index 0.")
        return FlakySource(good=2)

    source = ReconnectingSource(opener, messages.append, initial_backoff_s=0.001)
    frames = [source.read() for _ in range(4)]
    assert len(frames) == 4
    assert len(opened) == 4
    assert any("Retrying" in m for m in messages)
    assert any("reconnected" in m for m in messages)


def test_reconnecting_source_gives_up_after_max_attempts():
    def opener():
        raise SourceError("No camera found at index 3.")

    source = ReconnectingSource(opener, initial_backoff_s=0.001, max_attempts=3)
    with pytest.raises(SourceError, match="Gave up after 3 attempts"):
        source.read()


def test_reconnecting_source_backs_off_and_stops_promptly():
    stop = threading.Event()
    attempts = []

    def opener():
        attempts.append(1)
        raise SourceError("dead")

    source = ReconnectingSource(opener, stop_event=stop, initial_backoff_s=0.05, max_backoff_s=10)
    timer = threading.Timer(0.5, stop.set)
    timer.start()
    with pytest.raises(SourceStopped):
        source.read()
    # Back-off doubles 0.05, 0.1, 0.2, 0.4: a handful of attempts, not a busy loop.
    assert 2 <= len(attempts) <= 6
