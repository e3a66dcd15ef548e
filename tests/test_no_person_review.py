"""The no-person review splits a run's frames by the bystander list, from the run's own data."""

import json

import cv2
import numpy as np

from softfocus.training.people import no_person_review
from softfocus.training.people.no_person_review import BYSTANDERS, read_stems, split_means


def test_the_shipped_list_is_stems_without_comments():
    stems = read_stems(BYSTANDERS)
    assert len(stems) == 30 and all(stem.isdigit() for stem in stems)


def test_frames_split_by_their_photo():
    everything, kept, shown = split_means([0.1, 0.3, 0.5], ["1", "2", "3"], {"2"})
    assert np.isclose(everything, 0.3) and np.isclose(kept, 0.3) and np.isclose(shown, 0.3)
    assert split_means([0.2], ["1"], set())[2] is None


def test_the_review_reads_a_run_and_its_photos(tmp_path, capsys):
    for folder in ("images", "masks"):
        (tmp_path / "photos" / folder).mkdir(parents=True)
    for stem in ("a", "b"):
        cv2.imwrite(str(tmp_path / "photos" / "images" / f"{stem}.png"), np.zeros((8, 8, 3)))
        cv2.imwrite(str(tmp_path / "photos" / "masks" / f"{stem}.png"), np.zeros((8, 8)))
    row = {"no_person_per_frame": [0.0, 0.4], "no_person_photos": [0, 1]}
    (tmp_path / "real.json").write_text(json.dumps({"photos": {"softfocus": row}}))
    (tmp_path / "list.txt").write_text("# a hand in view\nb\n")
    code = no_person_review.main(
        [str(tmp_path / "real.json"), "--photos", str(tmp_path / "photos"),
         "--bystanders", str(tmp_path / "list.txt")]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0 and "1 show a listed bystander" in out
    assert "all 20.00%; without bystanders 0.00%; on the bystander frames 40.00%" in out
