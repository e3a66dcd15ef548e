"""Halo-free blur and replacement edges: what they promise, on flat synthetic scenes."""

import cv2
import numpy as np
import pytest

from softfocus.app.blur import BackgroundBlur
from softfocus.app.compositor import Compositor
from softfocus.app.settings import PipelineSettings

BACKGROUND_BGR = (40, 160, 230)
PERSON_BGR = (120, 30, 10)


def flat_scene(width=320, height=240):
    """A flat dark-blue 'person' disc on a flat orange wall; returns (frame, alpha, silhouette)."""
    silhouette = np.zeros((height, width), np.uint8)
    cv2.circle(silhouette, (width // 2, height // 2), height // 3, 1, -1)
    frame = np.empty((height, width, 3), np.uint8)
    frame[:] = BACKGROUND_BGR
    frame[silhouette > 0] = PERSON_BGR
    return frame, silhouette.astype(np.float32), silhouette


def ring_outside(silhouette, inner_px, outer_px):
    distance = cv2.distanceTransform((silhouette == 0).astype(np.uint8), cv2.DIST_L2, 5)
    return (distance >= inner_px) & (distance <= outer_px)


@pytest.mark.parametrize("kernel", [3, 9, 31, 51, 101, 151])
def test_halo_free_blur_keeps_the_background_colour_next_to_the_person(kernel):
    frame, alpha, silhouette = flat_scene()
    # α as the model gives it: lower resolution than the frame.
    alpha_lowres = cv2.resize(alpha, (160, 120), interpolation=cv2.INTER_AREA)
    new = BackgroundBlur().apply(frame, kernel, person_alpha=alpha_lowres)
    error = np.abs(new.astype(int) - BACKGROUND_BGR).max(axis=2)
    assert error[ring_outside(silhouette, 2, 12)].max() <= 2
    # The first pixel out: the blur's weight is low there and its 8-bit rounding shows.
    assert error[ring_outside(silhouette, 1, 2)].max() <= 6
    plain = BackgroundBlur().apply(frame, kernel)
    plain_error = np.abs(plain.astype(int) - BACKGROUND_BGR).max(axis=2)
    if kernel >= 9:  # the plain blur mixes the person in (the test proves the difference)
        assert plain_error[ring_outside(silhouette, 1, 12)].max() > 30


def test_halo_free_compositing_leaves_the_person_and_far_background_alone():
    frame, alpha, silhouette = flat_scene()
    out = Compositor().compose(frame, alpha, PipelineSettings(effect="blur", kernel_size_px=51))
    inside = cv2.erode(silhouette, np.ones((5, 5), np.uint8)) > 0
    assert np.array_equal(out[inside], frame[inside])
    assert np.abs(out[ring_outside(silhouette, 2, 60)].astype(int) - BACKGROUND_BGR).max() <= 2


def soft_scene():
    """A textured frame and a feathered α with 0, 1 and soft pixels."""
    rng = np.random.default_rng(1)
    frame = rng.integers(0, 256, (240, 320, 3), dtype=np.uint8)
    hard = np.zeros((240, 320), np.float32)
    cv2.rectangle(hard, (100, 60), (220, 239), 1.0, -1)
    alpha = cv2.GaussianBlur(hard, (15, 15), 0)
    alpha[alpha < 0.01] = 0.0
    alpha[alpha > 0.99] = 1.0
    return frame, alpha


@pytest.mark.parametrize(
    "changes",
    [dict(edge_colour=True, light_wrap=0.0), dict(edge_colour=False, light_wrap=1.0), dict()],
    ids=["edge-colour", "light-wrap", "both"],
)
def test_edge_treatments_touch_only_the_soft_band(changes):
    frame, alpha = soft_scene()
    backdrop = np.full((240, 320, 3), (0, 200, 0), np.uint8)
    outputs = {}
    for name, settings in {
        "plain": PipelineSettings(effect="replace", edge_colour=False, light_wrap=0.0),
        "treated": PipelineSettings(effect="replace", **changes),
    }.items():
        compositor = Compositor()
        compositor.set_backdrop(backdrop)
        outputs[name] = compositor.compose(frame, alpha, settings).copy()
    alpha_u8 = np.clip(alpha * 255 + 0.5, 0, 255).astype(np.uint8)
    hard = (alpha_u8 == 0) | (alpha_u8 == 255)
    assert np.array_equal(outputs["treated"][hard], outputs["plain"][hard])
    assert not np.array_equal(outputs["treated"][~hard], outputs["plain"][~hard])


def test_edge_colour_removes_the_old_background_from_the_soft_edge():
    """A person of one colour, feathered over a white wall, put on black: the edge must not
    stay whitish (the old wall) but fade from the person's colour to black."""
    _, alpha = soft_scene()
    person = np.array((30, 60, 200), np.float32)
    frame = (alpha[..., None] * person + (1 - alpha[..., None]) * 255 + 0.5).astype(np.uint8)
    ideal = alpha[..., None] * person
    band = (alpha > 0.1) & (alpha < 0.9)
    errors = {}
    for edge_colour in (False, True):
        compositor = Compositor()
        compositor.set_backdrop(np.zeros((240, 320, 3), np.uint8))
        settings = PipelineSettings(effect="replace", edge_colour=edge_colour, light_wrap=0.0)
        out = compositor.compose(frame, alpha, settings)
        errors[edge_colour] = np.abs(out.astype(np.float32) - ideal)[band].mean()
    assert errors[True] < errors[False] / 4


@pytest.mark.parametrize("shape", [(1, 1), (2, 3), (7, 1), (240, 320)])
@pytest.mark.parametrize("alpha_value", [0.0, 1.0])
@pytest.mark.parametrize("kernel", [1, 151])
@pytest.mark.parametrize("effect", ["blur", "replace"])
def test_odd_shapes_and_constant_masks(shape, alpha_value, kernel, effect):
    frame = np.random.default_rng(0).integers(0, 256, (*shape, 3), dtype=np.uint8)
    alpha = np.full(shape, alpha_value, np.float32)
    settings = PipelineSettings(effect=effect, kernel_size_px=kernel)
    out = Compositor().compose(frame, alpha, settings)
    assert out.shape == frame.shape
    if alpha_value == 1.0:
        assert np.array_equal(out, frame)
