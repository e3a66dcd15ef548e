import cv2
import numpy as np

from softfocus.app.downscale import shrink


def _scene(width: int, height: int) -> np.ndarray:
    """Smooth colour fields with hard-edged shapes: what a webcam frame holds at 2:1 steps."""
    rng = np.random.default_rng(1)
    coarse = rng.integers(0, 256, (height // 40, width // 40, 3), dtype=np.uint8)
    frame = cv2.resize(coarse, (width, height), interpolation=cv2.INTER_CUBIC)
    cv2.circle(frame, (width // 2, height // 3), height // 6, (200, 180, 150), -1)
    cv2.rectangle(frame, (width // 8, height // 2), (width // 3, height - 10), (20, 30, 40), -1)
    return frame


def test_exact_halvings_are_area_averages():
    frame = _scene(1280, 720)
    expected = cv2.resize(frame, (320, 180), interpolation=cv2.INTER_AREA)
    assert np.abs(shrink(frame, 320, 180).astype(int) - expected).max() <= 1


def test_a_last_step_under_two_to_one_stays_within_a_grey_level_or_two_of_area():
    for width, height, target in ((1280, 720, (288, 160)), (720, 1280, (160, 288))):
        frame = _scene(width, height)
        got = shrink(frame, *target, scratch={}).astype(np.float32)
        area = cv2.resize(frame, target, interpolation=cv2.INTER_AREA).astype(np.float32)
        assert got.shape == area.shape
        assert np.abs(got - area).mean() < 2.0
        # no aliasing: the flat regions are as smooth as area's
        assert np.abs(np.diff(got, axis=1)).mean() <= 1.1 * np.abs(np.diff(area, axis=1)).mean()


def test_a_reused_scratch_and_destination_give_the_same_result():
    frame = _scene(1280, 720)
    scratch: dict = {}
    dst = np.empty((160, 288, 3), np.uint8)
    first = shrink(frame, 288, 160, dst=dst, scratch=scratch).copy()
    assert np.array_equal(shrink(frame, 288, 160, dst=dst, scratch=scratch), first)
    assert np.array_equal(shrink(frame, 288, 160), first)
