"""The Qt-free live loop: latest-frame-wins, settings snapshots, failures, prompt stop."""

import threading
import time

import numpy as np

from softfocus.app.frame_source import EndOfStream, SourceError
from softfocus.app.live import LatestFrameSlot, LiveSession
from softfocus.app.segmenter import Segmenter
from softfocus.app.settings import PipelineSettings
from tests.fakes import person_frame


class ListSource:
    fps = 30.0
    description = "list"

    def __init__(self, frames, delay_s=0.0, fail_at=None):
        self.frames, self.delay_s, self.fail_at = list(frames), delay_s, fail_at
        self.count = 0

    def read(self):
        time.sleep(self.delay_s)
        if self.fail_at is not None and self.count == self.fail_at:
            self.count += 1
            raise SourceError("list camera stopped delivering frames (unplugged?).")
        if self.count >= len(self.frames):
            raise EndOfStream("list")
        frame = self.frames[self.count % len(self.frames)]
        self.count += 1
        return frame

    def close(self):
        pass


def test_slot_keeps_only_the_newest_frame():
    slot = LatestFrameSlot()
    for i in range(5):
        slot.put(np.full((2, 2, 3), i, np.uint8), 0.0, i)
    frame, _, index = slot.take(0.1)
    assert index == 4 and frame[0, 0, 0] == 4
    assert slot.dropped == 4
    assert slot.take(0.01) is None


def wait_until(predicate, timeout_s=5.0):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return False


def test_slow_processing_drops_stale_frames_instead_of_queueing(tiny_model):
    frames = [person_frame(160, 120, shift=i % 10)[0] for i in range(200)]
    received = []

    class SlowSegmenter(Segmenter):
        def process_lowres(self, frame_bgr, halvings=None):
            time.sleep(0.02)  # slower than the 2 ms source
            return super().process_lowres(frame_bgr, halvings)

    session = LiveSession(
        lambda: ListSource(frames, delay_s=0.002),
        SlowSegmenter(tiny_model),
        PipelineSettings(),
        received.append,
    )
    session.start()
    assert wait_until(lambda: not session._capture.is_alive())
    assert session.stop()
    indices = [frame.index for frame in received]
    assert indices == sorted(indices)
    assert session.dropped > 50  # most frames were skipped, not processed late
    assert len(received) < 150


def test_settings_snapshot_reaches_the_worker(tiny_model):
    frame = person_frame(160, 120)[0]
    received = []
    session = LiveSession(
        lambda: ListSource([frame] * 10_000, delay_s=0.005),
        Segmenter(tiny_model),
        PipelineSettings(effect="none"),
        received.append,
    )
    session.start()
    assert wait_until(lambda: len(received) > 3)
    assert np.array_equal(received[-1].frame_bgr, frame)
    session.set_settings(PipelineSettings(effect="mask"))
    count = len(received)
    assert wait_until(lambda: len(received) > count + 3)
    assert set(np.unique(received[-1].frame_bgr)) <= set(range(256))
    assert not np.array_equal(received[-1].frame_bgr, frame)
    assert session.stop(timeout_s=1.0)


def test_a_failing_source_is_reported_and_reopened(tiny_model):
    frame = person_frame(96, 64)[0]
    statuses = []
    opened = []

    def opener():
        opened.append(1)
        return ListSource([frame] * 10_000, delay_s=0.002, fail_at=5 if len(opened) == 1 else None)

    received = []
    session = LiveSession(
        opener,
        Segmenter(tiny_model),
        PipelineSettings(),
        received.append,
        on_status=statuses.append,
    )
    session._source.initial_backoff_s = 0.01
    session.start()
    assert wait_until(lambda: len(opened) >= 2 and len(received) > 10)
    assert session.stop()
    assert any("stopped delivering" in s for s in statuses)


def test_a_frame_that_fails_is_reported_and_the_loop_goes_on(tiny_model):
    errors, received = [], []
    # Bad frames for ~0.3 s, so latest-frame-wins cannot skip past all of them.
    frames = [np.zeros((4, 4, 2), np.uint8)] * 30 + [person_frame(96, 64)[0]] * 10_000
    session = LiveSession(
        lambda: ListSource(frames, delay_s=0.01),
        Segmenter(tiny_model),
        PipelineSettings(),
        received.append,
        on_error=errors.append,
    )
    session.start()
    try:
        seen = wait_until(lambda: len(received) > 3 and errors)
    finally:
        assert session.stop()
    assert seen, (len(received), errors[:2], session.frames_processed, session.dropped)
    assert "could not be processed" in errors[0]


def test_stop_returns_within_a_second_even_while_reconnecting():
    def opener():
        raise SourceError("No camera found at index 9.")

    session = LiveSession(opener, None, PipelineSettings(), lambda frame: None)
    session.start()
    time.sleep(0.2)
    start = time.monotonic()
    assert session.stop(timeout_s=1.0)
    assert time.monotonic() - start < 1.0
    assert not any(t.name.startswith("softfocus-") for t in threading.enumerate())
