"""Specks dropped, holes filled, and the smoother never brings a dropped speck back."""

import cv2
import numpy as np

from softfocus.app import mask_cleanup
from softfocus.app.mask_cleanup import clean_mask
from softfocus.app.mask_refine import MaskRefiner
from softfocus.app.settings import PipelineSettings


def person_with_speck(hole=False):
    mask = np.zeros((128, 224), np.float32)
    cv2.ellipse(mask, (112, 128), (50, 70), 0, 180, 360, 1.0, -1)  # shoulders
    cv2.circle(mask, (112, 50), 22, 1.0, -1)  # head
    cv2.circle(mask, (200, 15), 4, 0.9, -1)  # a speck far from the person
    if hole:
        cv2.circle(mask, (112, 100), 3, 0.0, -1)
    return mask


def test_far_speck_is_dropped_and_the_person_kept():
    mask = person_with_speck()
    cleaned = clean_mask(mask.copy(), 0.03)
    assert cleaned[15, 200] == 0.0
    assert cleaned[50, 112] == 1.0 and cleaned[110, 112] == 1.0


def test_small_component_next_to_the_person_stays():
    mask = person_with_speck()
    cv2.circle(mask, (172, 70), 4, 1.0, -1)  # a hand, just off the shoulder
    cleaned = clean_mask(mask.copy(), 0.03)
    assert cleaned[70, 172] == 1.0


def test_hole_inside_the_person_is_filled():
    cleaned = clean_mask(person_with_speck(hole=True), 0.03)
    assert cleaned[100, 112] == 1.0


def test_empty_and_full_masks_stay_as_they_are():
    empty = np.zeros((128, 224), np.float32)
    assert not clean_mask(empty.copy(), 0.03).any()
    full = np.ones((128, 224), np.float32)
    assert clean_mask(full.copy(), 0.03).all()


def test_smoothing_never_brings_a_dropped_speck_back():
    refiner = MaskRefiner()
    settings = PipelineSettings(smoothing=0.9, feather_px=0)
    for frame in range(20):
        mask = person_with_speck() if frame % 2 == 0 else person_with_speck() * 0
        out = refiner.refine(mask, settings)
        assert out[15, 200] == 0.0, frame


def test_cleanup_can_be_turned_off():
    out = MaskRefiner().refine(person_with_speck(), PipelineSettings(cleanup=False, feather_px=0))
    assert out[15, 200] > 0.5


def unsure_blob(mask, centre, value):
    cv2.circle(mask, centre, 30, value, -1)
    return mask


def test_an_unsure_blob_is_dropped_however_large():
    empty_room = unsure_blob(np.zeros((128, 224), np.float32), (60, 60), 0.6)
    assert not clean_mask(empty_room.copy(), 0.03, 0.65).any()
    sure = unsure_blob(np.zeros((128, 224), np.float32), (60, 60), 0.8)
    assert clean_mask(sure.copy(), 0.03, 0.65)[60, 60] == np.float32(0.8)
    assert clean_mask(empty_room.copy(), 0.03)[60, 60] > 0.5  # the gate is off by default


def test_the_person_outlives_a_larger_unsure_blob():
    # A big unsure blob no longer counts as "the person", so a small sure person next to it is
    # not dropped as a speck of it.
    mask = np.zeros((128, 224), np.float32)
    cv2.rectangle(mask, (0, 0), (120, 127), 0.6, -1)  # an out-of-focus wall
    cv2.circle(mask, (190, 100), 12, 1.0, -1)  # a small, far person
    cleaned = clean_mask(mask.copy(), 0.03, 0.65)
    assert cleaned[100, 190] == 1.0 and not cleaned[:, :121].any()


def test_the_app_drops_unsure_blobs_by_default():
    room = unsure_blob(person_with_speck(), (30, 30), 0.55)
    out = MaskRefiner().refine(room, PipelineSettings(smoothing=0, feather_px=0))
    assert out[30, 30] == 0.0 and out[50, 112] == 1.0
    settings = PipelineSettings.from_dict({"min_component_mean": "nonsense"})
    assert settings.min_component_mean == 0.65
    assert PipelineSettings(min_component_mean=5).min_component_mean == 0.9


def test_a_person_kept_last_frame_does_not_blink_out():
    refiner = MaskRefiner()
    settings = PipelineSettings(smoothing=0, feather_px=0)
    sure = unsure_blob(np.zeros((128, 224), np.float32), (60, 60), 0.8)
    wavering = unsure_blob(np.zeros((128, 224), np.float32), (60, 60), 0.6)
    refiner.refine(sure, settings)
    assert refiner.refine(wavering, settings)[60, 60] > 0.5  # held: it was there a frame ago
    assert refiner.refine(wavering * 0.85, settings)[60, 60] == 0  # 0.51: too unsure even so
    refiner.reset()
    assert refiner.refine(wavering, settings)[60, 60] == 0  # a fresh unsure blob is not held


def test_a_second_person_kept_last_frame_is_held_too():
    refiner = MaskRefiner()
    settings = PipelineSettings(smoothing=0, feather_px=0)
    refiner.refine(unsure_blob(person_with_speck(), (30, 30), 0.8), settings)
    out = refiner.refine(unsure_blob(person_with_speck(), (30, 30), 0.6), settings)
    assert out[30, 30] > 0.5 and out[50, 112] == 1.0


def person_away_from_the_edges():
    """A person standing in the middle of the frame (none of their box on the frame's edge),
    with a hole inside, a gap between arm and body open to the side, and a hole too large
    to fill."""
    mask = np.zeros((160, 288), np.float32)
    cv2.rectangle(mask, (100, 30), (180, 140), 1.0, -1)
    cv2.circle(mask, (140, 60), 3, 0.0, -1)  # a small hole
    cv2.rectangle(mask, (101, 90), (115, 120), 0.0, -1)  # an open gap: touches the box's side
    mask[90:120, 100] = 0.0
    cv2.rectangle(mask, (130, 95), (165, 130), 0.0, -1)  # a hole over 1 % of the frame
    return mask


def test_holes_are_found_wherever_the_person_stands():
    cleaned = clean_mask(person_away_from_the_edges(), 0.03)
    assert cleaned[60, 140] == 1.0
    assert cleaned[105, 108] == 0.0  # open to the room around the person
    assert cleaned[110, 150] == 0.0  # too large: a gap the person makes, not a hole


def noisy_frame():
    """A person, an unsure blob, and far more specks than the few-component path takes (a dim,
    noisy frame), each speck with a small hole of its own."""
    mask = person_away_from_the_edges()
    unsure_blob(mask, (250, 40), 0.55)
    for i in range(mask_cleanup.FEW_COMPONENTS + 8):
        x, y = 8 + 14 * (i % 4), 8 + 14 * (i // 4)
        mask[y : y + 5, x : x + 5] = 0.95
        mask[y + 2, x + 2] = 0.0
    return mask


def test_many_components_are_cleaned_as_a_few_are(monkeypatch):
    mask = noisy_frame()
    many = clean_mask(mask.copy(), 0.03, 0.65)
    assert many[:100, :60].max() == 0.0  # every speck, far from the person, dropped
    assert many[40, 250] == 0.0  # the unsure blob dropped
    assert many[60, 140] == 1.0 and many[35, 105] == 1.0  # the person, hole filled
    monkeypatch.setattr(mask_cleanup, "FEW_COMPONENTS", 10_000)
    np.testing.assert_array_equal(clean_mask(mask.copy(), 0.03, 0.65), many)
    monkeypatch.setattr(mask_cleanup, "FEW_COMPONENTS", 0)
    np.testing.assert_array_equal(clean_mask(mask.copy(), 0.03, 0.65), many)
