"""The real-photo evaluation: timing every method on the same frames, in blocks that take
turns; the no-person and ghost frames, scored and shown on contact sheets."""

import numpy as np

from softfocus.training.people.evaluate_real import time_methods


def test_methods_are_timed_in_turns_on_the_same_frames():
    calls = []
    pairs = [(str(i), np.full((36, 64, 3), i, np.uint8), None) for i in range(4)]
    methods = {
        "a": lambda frame: calls.append(("a", int(frame[0, 0, 0]), frame.shape)),
        "b": lambda frame: calls.append(("b", int(frame[0, 0, 0]), frame.shape)),
    }
    times = time_methods(pairs, methods, repeats=2, count=4)
    assert set(times) == {"a", "b"} and all(t >= 0 for t in times.values())
    # blocks of every frame, taking turns: a a a a b b b b a a a a b b b b
    assert [c[0] for c in calls] == (["a"] * 4 + ["b"] * 4) * 2
    assert [c[1] for c in calls[:4]] == [c[1] for c in calls[4:8]] == [0, 1, 2, 3]
    assert {c[2] for c in calls} == {(720, 1280, 3)}


def _photo(head_top: int):
    """A grey 640×400 photo with a bright person standing from ``head_top`` down."""
    image = np.full((400, 640, 3), 90, np.uint8)
    truth = np.zeros((400, 640), bool)
    truth[head_top:, 280:360] = True
    image[truth] = 200
    return image, truth


def test_no_person_and_ghost_frames_are_scored_and_shown_on_sheets(tmp_path):
    import cv2

    from softfocus.training.people.evaluate_real import false_positive_sheet, score_photos

    pairs = [(str(i), *_photo(head_top=120)) for i in range(3)]

    def bright(frame):  # the person is the bright part
        return (frame[..., 0] > 150).astype(np.float32)

    def ghostly(frame):  # also a blob in the top left corner of every frame
        alpha = bright(frame)
        alpha[:40, :40] = 1.0
        return alpha

    report = {"photos": score_photos(pairs, {"softfocus": ghostly, "other": bright})}
    ours, theirs = report["photos"]["softfocus"], report["photos"]["other"]
    assert ours["no_person_frames"] == ours["ghost_frames"] == 3
    assert ours["no_person_photos"] == ours["ghost_photos"] == [0, 1, 2]
    assert theirs["no_person_area"] == 0.0 and theirs["ghost_area"] == 0.0
    assert all(area > 0 for area in ours["no_person_per_frame"] + ours["ghost_per_frame"])
    assert theirs["iou_per_photo"] == [1.0] * 3 and max(ours["iou_per_photo"]) < 1.0
    methods = {"softfocus": ghostly, "other": bright}
    for kind in ("no_person", "ghost"):
        path = tmp_path / f"{kind}.jpg"
        false_positive_sheet(pairs, methods, report, path, kind, count=2)
        sheet = cv2.imread(str(path))
        assert sheet is not None and sheet.shape[0] == 2 * (240 + 4)  # two frames, one a row


def test_the_no_person_figure_is_also_given_without_listed_bystanders():
    from softfocus.training.people.evaluate_real import (
        add_bystander_split,
        format_report,
        score_photos,
    )
    from softfocus.training.people.model_card import render_real_table

    pairs = [(str(i), *_photo(head_top=120)) for i in range(3)]

    def blob_in_photo_1(frame):  # marks a 'bystander' only in photo 1's person-free frame
        alpha = (frame[..., 0] > 150).astype(np.float32)
        if frame[0, 0, 1] == 91:
            alpha[:] = 1.0
        return alpha

    pairs[1][1][0, 0, 1] = 91  # photo 1's top-left pixel: where its no-person frame starts
    report = {
        "photos": score_photos(pairs, {"softfocus": blob_in_photo_1}),
        "flicker": {"softfocus_app": 0.004},
        "time_ms": {"softfocus": 3.0},
    }
    ours = report["photos"]["softfocus"]
    assert ours["no_person_area"] > 0.3
    add_bystander_split(report, ["0", "1", "2"], {"1"})
    assert ours["no_person_bystander_frames"] == 1
    assert ours["no_person_area_without_bystanders"] == 0.0
    assert "| … without bystanders (2) | foreground area ↓ | 0.00% |" in format_report(report)
    assert "without bystanders (2)" in render_real_table(report)
    add_bystander_split(report, ["0", "1", "2"], {"none of these"})  # nothing listed: no row
    assert ours["no_person_bystander_frames"] == 1  # left as it was
