"""The gate study scores what the app's clean-up leaves: empty frames emptier, people kept."""

import cv2
import numpy as np
import pytest

from softfocus.training.people import component_gate


def frames():
    blob = np.zeros((90, 160), np.float32)
    cv2.circle(blob, (50, 40), 25, 0.6, -1)  # an unsure blob in an empty room
    person = np.zeros((90, 160), np.float32)
    cv2.ellipse(person, (80, 90), (40, 60), 0, 180, 360, 0.95, -1)
    truth = cv2.resize(person, (320, 180)) >= 0.5
    return [("nobody", blob, None, (180, 320)), ("person", person, truth, (180, 320, 3))]


def test_the_gate_empties_the_room_and_keeps_the_person():
    off = component_gate.score(frames(), 0.0, 0.03)
    on = component_gate.score(frames(), 0.65, 0.03)
    assert off["no_person"] > 0.1 and on["no_person"] == 0.0
    assert on["mean_iou"] == off["mean_iou"] > 0.95 and on["missed"] == 0


def test_a_folder_without_photos_is_refused(tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        component_gate.main(["--photos", str(tmp_path)])
    assert stop.value.code == 2 and "no photos under" in capsys.readouterr().err


def test_the_log_loss_finds_an_underconfident_models_temperature():
    truth = np.zeros((90, 160), bool)
    truth[30:, 40:120] = True
    logit = np.where(truth, 1.0, -1.0).astype(np.float32)  # p ≈ 0.73 / 0.27: too unsure
    frames_ = [("person", 1 / (1 + np.exp(-logit)), truth, (90, 160, 3))]
    table = component_gate.log_loss_by_scale(frames_, scales=(1.0, 2.0, 4.0))
    assert table[4.0][0] < table[2.0][0] < table[1.0][0]
    assert abs(table[1.0][1] - 0.731) < 0.01


def test_a_logit_offset_moves_the_masks_threshold_both_ways():
    """A positive offset grows the mask (the unsure blob passes the gate), a negative one
    shrinks it; zero leaves the probabilities as they were."""
    same = component_gate.shifted(frames(), 0.0)
    np.testing.assert_allclose(same[0][1], frames()[0][1], atol=1e-5)
    more = component_gate.score(component_gate.shifted(frames(), 2.0), 0.65, 0.03)
    less = component_gate.score(component_gate.shifted(frames(), -4.0), 0.65, 0.03)
    assert more["no_person"] > 0.1  # 0.6 → 0.92: sure enough to stay
    assert less["missed"] == 1 and less["no_person"] == 0.0  # 0.95 → 0.26: the person lost
