"""Person-dataset preparation on synthetic images (the teacher is not needed here)."""

import cv2
import numpy as np
import pytest

from softfocus.training.labels import alpha_to_trimap
from softfocus.training.people.composite import (
    DETAIL_LOG_RATIO,
    composite,
    crop_to_alpha,
    detail,
    frame_person,
    paste,
    scene_crop,
    webcam_crop,
)
from softfocus.training.people.cutout import cut_out, find_tiles
from softfocus.training.people.sources import HELDOUT_PEOPLE, TRAIN_PEOPLE


def studio_shot(width=300, height=400):
    """A 'person' (head and shoulders) on a plain grey studio background with a vignette."""
    y, x = np.mgrid[0:height, 0:width]
    vignette = 120 - 25 * (((x - width / 2) / width) ** 2 + ((y - height / 2) / height) ** 2)
    image = np.repeat(vignette[..., None], 3, axis=2).astype(np.uint8)
    truth = np.zeros((height, width), np.uint8)
    cv2.ellipse(truth, (width // 2, 150), (60, 80), 0, 0, 360, 1, -1)  # head
    cv2.ellipse(truth, (width // 2, height), (130, 140), 0, 180, 360, 1, -1)  # shoulders
    image[truth > 0] = (60, 110, 200)
    image[truth > 0] += np.random.default_rng(0).integers(
        0, 20, (int(truth.sum()), 3), dtype=np.uint8
    )
    return image, truth


def test_held_out_people_are_never_in_training():
    assert not set(TRAIN_PEOPLE) & set(HELDOUT_PEOPLE)
    assert set(HELDOUT_PEOPLE) == {"P009", "P010"}


def test_cut_out_on_plain_background_recovers_the_person():
    image, truth = studio_shot()
    alpha = cut_out(image, teacher_alpha=None)
    assert alpha.shape == truth.shape and alpha.dtype == np.float32
    predicted = alpha >= 0.5
    iou = (predicted & (truth > 0)).sum() / (predicted | (truth > 0)).sum()
    assert iou > 0.95


def test_sheet_tiles_are_found_once_each():
    sheet = np.full((400, 600, 3), 128, np.uint8)
    boxes = [(20, 20, 160, 160), (220, 20, 160, 160), (420, 20, 160, 160)]
    for x, y, w, h in boxes:
        cv2.rectangle(sheet, (x, y), (x + w, y + h), (250, 250, 250), 4)
    tiles = find_tiles(sheet)
    assert len(tiles) == 3
    assert all(20 < x < 440 and 20 < y < 40 for x, y, _, _ in tiles)


def test_trimap_has_the_reports_three_labels():
    alpha = np.zeros((40, 40), np.float32)
    alpha[10:30, 10:30] = 1.0
    trimap = alpha_to_trimap(alpha, band_px=2)
    assert set(np.unique(trimap)) == {1, 2, 3}
    assert trimap[20, 20] == 1 and trimap[0, 0] == 2 and trimap[10, 20] == 3


def test_composite_label_is_exactly_the_pasted_alpha():
    image, truth = studio_shot()
    cutout = crop_to_alpha(image, truth.astype(np.float32), full_body=False)
    background = np.full((300, 500, 3), (20, 200, 20), np.uint8)
    rng = np.random.default_rng(3)
    frame, alpha = composite(cutout, background, 224, 128, rng, degrade=False)
    assert frame.shape == (128, 224, 3) and alpha.shape == (128, 224)
    assert alpha.dtype == np.float32 and alpha.min() >= 0 and alpha.max() <= 1
    # Where the label says background, the frame is the (green) background; where it says
    # person, it is the person's colour: the label is the paste.
    assert np.abs(frame[alpha == 0].astype(int) - (20, 200, 20)).max() <= 1
    assert (frame[alpha == 1][:, 1] < 150).all()


def test_match_detail_defocuses_a_person_sharper_than_the_scene_and_only_then():
    """A pasted person full of fine texture on a soft scene is blurred until it holds at most
    exp(DETAIL_LOG_RATIO's top) the scene's texture; one already softer is pasted as it is;
    without the option the paste is the plain alpha blend. Background pixels stay the scene."""
    rng = np.random.default_rng(0)
    height, width = 128, 224
    alpha = np.zeros((height, width), np.float32)
    cv2.ellipse(alpha, (112, 70), (40, 60), 0, 0, 360, 1.0, -1)
    speckled = rng.integers(0, 256, (height, width, 3)).astype(np.uint8)
    soft_scene = cv2.GaussianBlur(
        rng.integers(0, 256, (height, width, 3)).astype(np.uint8), (0, 0), 2
    )
    soft_scene = soft_scene.astype(np.float32)
    inside = cv2.erode((alpha > 0.9).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    outside = alpha < 0.1

    def ratio(frame):
        gray = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY).astype(np.float32)
        scene_gray = cv2.cvtColor(soft_scene.astype(np.uint8), cv2.COLOR_BGR2GRAY)
        return detail(gray, inside) / detail(scene_gray.astype(np.float32), outside)

    plain = paste(speckled, alpha, soft_scene, rng)
    a = alpha[..., None]
    assert np.array_equal(
        plain, np.clip(speckled * a + soft_scene * (1 - a), 0, 255).astype(np.uint8)
    )
    assert ratio(plain) > 5
    matched = paste(speckled, alpha, soft_scene, rng, match_detail=True)
    assert ratio(matched) <= np.exp(DETAIL_LOG_RATIO[1]) * 1.05
    assert np.array_equal(matched[outside], plain[outside])

    sharp_scene = rng.integers(0, 256, (height, width, 3)).astype(np.float32)
    calm = np.full((height, width, 3), 120, np.uint8)
    kept = paste(calm, alpha, sharp_scene, rng, match_detail=True)
    assert np.array_equal(kept, paste(calm, alpha, sharp_scene, rng))


def test_webcam_framing_runs_the_body_off_the_bottom_edge():
    image, truth = studio_shot()
    cutout = crop_to_alpha(image, truth.astype(np.float32), full_body=False)
    rng = np.random.default_rng(0)
    for _ in range(10):
        _, alpha = frame_person(cutout, 224, 128, rng)
        assert alpha[-1].max() > 0.5  # never floating with a straight cut above the edge


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_room_crops_are_webcam_shaped(seed):
    image, truth = studio_shot(600, 800)
    frame, label = webcam_crop(
        image, truth.astype(np.float32), 448, 256, np.random.default_rng(seed)
    )
    assert frame.shape == (256, 448, 3) and label.shape == (256, 448)
    assert label.max() > 0.5


def test_scene_crops_put_the_head_low_as_well_as_high():
    # A pedestrian down the street: the photo has room above the head.
    image = np.full((600, 900, 3), 120, np.uint8)
    alpha = np.zeros((600, 900), np.float32)
    alpha[300:560, 420:480] = 1.0
    rng = np.random.default_rng(0)
    tops = []
    for _ in range(60):
        frame, label = scene_crop(image, alpha, 448, 256, rng)
        assert frame.shape == (256, 448, 3) and label.shape == (256, 448)
        rows = np.flatnonzero((label > 0.5).any(axis=1))
        if len(rows):
            tops.append(rows[0] / label.shape[0])
    tops = np.array(tops)
    assert len(tops) >= 50  # the person is in (nearly) every crop
    assert (tops >= 0.3).mean() > 0.25  # the head low in the frame, often
    assert (tops <= 0.1).mean() > 0.15  # and near the top (or cut by it), too


def test_texture_variants_change_texture_only_away_from_the_outline():
    """texture_cue's four frames: the photo as shot; the background sharpened or defocused
    beyond the margin; the person defocused inside the inset; the outline's own band as shot
    in all four, so a change in the model's mask is the texture's doing."""
    from softfocus.training.people.texture_cue import INSET_PX, MARGIN_PX, texture_variants

    rng = np.random.default_rng(1)
    image = cv2.GaussianBlur(rng.integers(0, 256, (120, 160, 3)).astype(np.uint8), (0, 0), 1.0)
    truth = np.zeros((120, 160), bool)
    truth[30:100, 50:110] = True
    frames = texture_variants(image, truth)
    assert frames["as shot"] is image
    band = np.zeros_like(truth)
    band[30 - MARGIN_PX + 1 : 100 + MARGIN_PX - 1, 50 - MARGIN_PX + 1 : 110 + MARGIN_PX - 1] = True
    band[30 + INSET_PX : 100 - INSET_PX, 50 + INSET_PX : 110 - INSET_PX] = False
    away = np.ones_like(truth)
    away[30 - MARGIN_PX : 100 + MARGIN_PX, 50 - MARGIN_PX : 110 + MARGIN_PX] = False

    def texture(frame, where):
        gray = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY).astype(np.float32)
        return detail(gray, where)

    for frame in frames.values():
        assert np.array_equal(frame[band], image[band])
    assert texture(frames["background sharpened"], away) > 1.5 * texture(image, away)
    assert texture(frames["background defocused"], away) < 0.5 * texture(image, away)
    inner = np.zeros_like(truth)
    inner[40:90, 60:100] = True
    assert texture(frames["person defocused"], inner) < 0.5 * texture(image, inner)
    assert np.array_equal(frames["person defocused"][away], image[away])
