"""The paired comparison of two real-photo evaluation runs."""

import json

import numpy as np
import pytest

from softfocus.training.people.compare_real import main, paired_difference


def _run(path, ious, landscape, **areas):
    path.write_text(
        json.dumps(
            {
                "photos_source": "photos",
                "photos": {
                    "softfocus": {"iou_per_photo": list(ious), **areas},
                    "mediapipe_landscape": {"iou_per_photo": list(landscape)},
                },
            }
        )
    )
    return path


def test_a_consistent_gain_has_an_interval_above_zero_and_noise_one_around_it():
    rng = np.random.default_rng(0)
    a = rng.uniform(0.5, 1.0, 300)
    gain = paired_difference(a, a + 0.02 + rng.normal(0, 0.01, 300))
    assert gain.mean == pytest.approx(0.02, abs=0.003) and 0 < gain.low < gain.mean < gain.high
    noise = paired_difference(a, a + rng.normal(0, 0.05, 300))
    assert noise.low < 0 < noise.high
    with pytest.raises(ValueError):
        paired_difference(a, a[:-1])


def test_the_command_prints_the_paired_difference_and_the_gap_to_landscape(tmp_path, capsys):
    a = _run(tmp_path / "a.json", [0.5, 0.6, 0.7, 0.8], [0.9] * 4)
    b = _run(tmp_path / "b.json", [0.6, 0.7, 0.8, 0.9], [0.9] * 4)
    assert main([str(a), str(b)]) == 0
    out = capsys.readouterr().out
    assert "B - A, paired over 4 photos: +0.100 (95 % interval +0.100 to +0.100)" in out
    assert "A - MediaPipe landscape: -0.250" in out and "B - MediaPipe landscape: -0.150" in out


def test_the_areas_on_frames_with_nobody_and_above_the_head_are_compared_in_points(
    tmp_path, capsys
):
    """Where both runs kept per-frame areas, their paired difference is printed in points of
    the frame; a run from before they were kept leaves that part out."""
    a = _run(tmp_path / "a.json", [0.5], [0.9], no_person_per_frame=[0.02, 0.04, 0.0])
    b = _run(tmp_path / "b.json", [0.5], [0.9], no_person_per_frame=[0.01, 0.03, 0.0])
    assert main([str(a), str(b)]) == 0
    out = capsys.readouterr().out
    assert "foreground on the frames with nobody: A 2.00%, B 1.33%" in out
    assert "paired over 3 frames: -0.67 pts (95 % interval -1.00 to +0.00)" in out
    assert "above the head" not in out
    assert main([str(a), str(_run(tmp_path / "old.json", [0.5], [0.9]))]) == 0
    assert "nobody" not in capsys.readouterr().out


def test_a_missing_or_malformed_run_is_a_message_not_a_traceback(tmp_path, capsys):
    a = _run(tmp_path / "a.json", [0.5], [0.9])
    (tmp_path / "bad.json").write_text("{not json")
    assert main([str(a), str(tmp_path / "bad.json")]) == 2
    assert main([str(a), str(tmp_path / "none.json")]) == 2
    (tmp_path / "old.json").write_text(json.dumps({"photos": {"softfocus": {"mean_iou": 0.8}}}))
    assert main([str(a), str(tmp_path / "old.json")]) == 2
    err = capsys.readouterr().err
    assert err.count("error:") == 3 and "Traceback" not in err
