from dataclasses import replace

import cv2
import numpy as np
import pytest

from softfocus.app.backdrops import BUILTIN_BACKDROPS, aspect_fill, load_backdrop
from softfocus.app.blur import BackgroundBlur
from softfocus.app.compositor import Compositor
from softfocus.app.errors import InputError
from softfocus.app.settings import PipelineSettings
from tests.fakes import person_frame


@pytest.fixture
def frame():
    return person_frame(320, 240)[0]


@pytest.mark.parametrize("effect", ["blur", "replace"])
def test_fully_foreground_mask_returns_the_frame_unchanged(frame, effect):
    out = Compositor().compose(
        frame, np.ones((60, 80), np.float32), PipelineSettings(effect=effect)
    )
    assert np.array_equal(out, frame)


def test_fully_background_mask_returns_the_blurred_frame(frame):
    settings = PipelineSettings(effect="blur", kernel_size_px=51)
    out = Compositor().compose(frame, np.zeros((60, 80), np.float32), settings)
    expected = BackgroundBlur().apply(frame, 51)
    # With no person the halo-free blur is the plain one, up to float vs 8-bit rounding.
    assert np.abs(out.astype(int) - expected).max() <= 2
    plain = Compositor().compose(
        frame, np.zeros((60, 80), np.float32), replace(settings, halo_free=False)
    )
    assert np.array_equal(plain, expected)


def test_fully_background_mask_returns_the_backdrop(frame):
    backdrop = np.full((480, 640, 3), (10, 200, 30), np.uint8)
    compositor = Compositor()
    compositor.set_backdrop(backdrop)
    out = compositor.compose(
        frame, np.zeros((240, 320), np.float32), PipelineSettings(effect="replace")
    )
    assert np.array_equal(out, np.full_like(frame, (10, 200, 30)))


def test_half_alpha_blends_evenly(frame):
    background = np.zeros((240, 320, 3), np.uint8)
    compositor = Compositor()
    compositor.set_backdrop(background)
    alpha = np.full((240, 320), 0.5, np.float32)
    plain = PipelineSettings(effect="replace", edge_colour=False, light_wrap=0)
    out = compositor.compose(frame, alpha, plain)
    assert np.abs(out.astype(int) - frame.astype(int) // 2).max() <= 1


def test_replace_crops_and_never_stretches():
    # A wide backdrop of circles: after aspect-fill to a square, circles must stay round.
    backdrop = np.zeros((200, 400, 3), np.uint8)
    for x in (50, 200, 350):
        cv2.circle(backdrop, (x, 100), 40, (255, 255, 255), -1)
    filled = aspect_fill(backdrop, 300, 300)
    assert filled.shape == (300, 300, 3)
    mask = (filled[:, :, 0] > 127).astype(np.uint8)
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    whole = [
        c for c in contours if cv2.boundingRect(c)[0] > 0 and sum(cv2.boundingRect(c)[::2]) < 299
    ]
    assert whole, "the centre circle should survive the crop"
    x, _y, w, h = cv2.boundingRect(whole[0])
    assert abs(w - h) <= 2
    assert abs(w - 120) <= 4  # 80 px circle scaled by 300/200


def test_backdrop_is_fitted_once_per_frame_size(frame):
    compositor = Compositor()
    compositor.set_backdrop(np.zeros((100, 100, 3), np.uint8))
    first = compositor.backdrop_for(320, 240)
    assert compositor.backdrop_for(320, 240) is first
    assert compositor.backdrop_for(640, 480).shape == (480, 640, 3)


def test_compose_reuses_buffers(frame):
    compositor = Compositor()
    alpha = np.zeros((60, 80), np.float32)
    settings = PipelineSettings(effect="blur")
    first = compositor.compose(frame, alpha, settings)
    assert compositor.compose(frame, alpha, settings) is first


def test_outline_draws_the_mask_contour(frame):
    alpha = np.zeros((240, 320), np.float32)
    alpha[60:180, 100:220] = 1.0
    out = Compositor().compose(frame, alpha, PipelineSettings(effect="outline"))
    changed = np.any(out != frame, axis=2)
    assert changed[60, 150] or changed[61, 150]  # on the top edge
    assert not changed[120, 160]  # inside is untouched
    assert not changed[5, 5]  # far outside too


def test_mask_effect_shows_alpha_as_grey(frame):
    alpha = np.zeros((240, 320), np.float32)
    alpha[:, 160:] = 1.0
    out = Compositor().compose(frame, alpha, PipelineSettings(effect="mask"))
    assert out[10, 10].tolist() == [0, 0, 0]
    assert out[10, 300].tolist() == [255, 255, 255]


def test_none_effect_is_a_copy(frame):
    out = Compositor().compose(frame, np.zeros((2, 2), np.float32), PipelineSettings(effect="none"))
    assert np.array_equal(out, frame)


@pytest.mark.parametrize("name", sorted(BUILTIN_BACKDROPS))
def test_builtin_backdrops_render(name):
    image = load_backdrop(f"builtin:{name}")
    assert image.shape == (720, 1280, 3) and image.dtype == np.uint8
    assert image.std() > 1  # not a blank image


def test_bad_backdrop_files_get_clear_messages(tmp_path):
    corrupt = tmp_path / "corrupt.png"
    corrupt.write_bytes(b"\x89PNG\r\n\x1a\n not really")
    with pytest.raises(InputError, match="not a readable image"):
        load_backdrop(str(corrupt))
    with pytest.raises(InputError, match="does not exist"):
        load_backdrop(str(tmp_path / "missing.jpg"))
    with pytest.raises(InputError, match="no built-in backdrop"):
        load_backdrop("builtin:nope")
