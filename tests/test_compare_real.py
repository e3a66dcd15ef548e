"""The paired comparison of two real-photo evaluation runs."""

import json

import numpy as np
import pytest

from softfocus.training.people.compare_real import main, paired_difference


def _run(path, ious, landscape):
    path.write_text(
        json.dumps(
            {
                "photos_source": "photos",
                "photos": {
                    "softfocus": {"iou_per_photo": list(ious)},
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


def test_a_missing_or_malformed_run_is_a_message_not_a_traceback(tmp_path, capsys):
    a = _run(tmp_path / "a.json", [0.5], [0.9])
    (tmp_path / "bad.json").write_text("{not json")
    assert main([str(a), str(tmp_path / "bad.json")]) == 2
    assert main([str(a), str(tmp_path / "none.json")]) == 2
    (tmp_path / "old.json").write_text(json.dumps({"photos": {"softfocus": {"mean_iou": 0.8}}}))
    assert main([str(a), str(tmp_path / "old.json")]) == 2
    err = capsys.readouterr().err
    assert err.count("error:") == 3 and "Traceback" not in err
