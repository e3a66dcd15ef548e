import cv2
import numpy as np
import pytest

from softfocus.app.blur import (
    BackgroundBlur,
    clamp_kernel_size,
    reduction_factor,
    separable_gaussian,
)


def natural_image(width=640, height=480):
    """Smooth random structure plus hard edges, like a room behind a person."""
    rng = np.random.default_rng(1)
    coarse = rng.integers(0, 256, (height // 16, width // 16, 3), dtype=np.uint8)
    image = cv2.resize(coarse, (width, height), interpolation=cv2.INTER_CUBIC)
    cv2.rectangle(image, (100, 80), (300, 300), (240, 240, 240), -1)
    return image


@pytest.mark.parametrize("kernel", [3, 5, 9, 21, 51])
def test_separable_blur_matches_opencv_gaussian(kernel):
    image = natural_image()
    ours = separable_gaussian(image, kernel)
    reference = cv2.GaussianBlur(image, (kernel, kernel), 0)
    assert np.abs(ours.astype(int) - reference.astype(int)).max() <= 1


@pytest.mark.parametrize("kernel", [21, 51, 101, 151])
def test_reduced_resolution_blur_stays_close_to_full_resolution(kernel):
    image = natural_image(1280, 720)
    assert reduction_factor(kernel, 1280, 720) > 1
    ours = BackgroundBlur().apply(image, kernel)
    reference = cv2.GaussianBlur(image, (kernel, kernel), 0)
    error = np.abs(ours.astype(int) - reference.astype(int))
    assert error.mean() <= 2.0
    assert np.percentile(error, 99) <= 10


def test_odd_frame_sizes_still_blur():
    image = natural_image(333, 251)
    out = BackgroundBlur().apply(image, 51)
    assert out.shape == image.shape
    reference = cv2.GaussianBlur(image, (51, 51), 0)
    assert np.abs(out.astype(int) - reference.astype(int)).mean() <= 2


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (0, 1),
        (-5, 1),
        (1, 1),
        (2, 3),
        (4, 5),
        (51, 51),
        (150, 151),
        (151, 151),
        (152, 151),
        (10**9, 151),
        (float("nan"), 1),
        ("abc", 1),
        (None, 1),
        (20.6, 21),
    ],
)
def test_kernel_is_clamped_to_odd_range_never_raising(given, expected):
    assert clamp_kernel_size(given) == expected


def test_blur_reuses_its_output_buffer():
    blur = BackgroundBlur()
    image = natural_image()
    first = blur.apply(image, 51)
    second = blur.apply(image, 51)
    assert first is second
    assert blur.apply(image, 5) is first


def test_kernel_one_is_identity():
    image = natural_image()
    assert np.array_equal(BackgroundBlur().apply(image, 1), image)
