"""Specks dropped, holes filled, and the smoother never brings a dropped speck back."""

import cv2
import numpy as np

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
