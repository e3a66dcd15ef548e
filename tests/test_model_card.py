"""The person model card's figures come from the build's own run, and so do its verdicts."""

from softfocus.training.people import model_card
from softfocus.training.people.model_card import pipeline_total_ms, render_weaknesses


def real_report(iou, boundary, no_person, ghost, app_flicker):
    def row(mean_iou, boundary_f, no_person_area, ghost_area, below_half):
        return dict(
            mean_iou=mean_iou,
            boundary_f=boundary_f,
            no_person_area=no_person_area,
            ghost_area=ghost_area,
            below_half=below_half,
            images=290,
        )

    return {
        "photos": {
            "softfocus": row(iou, boundary, no_person, ghost, 17),
            "mediapipe_general": row(0.877, 0.640, 0.024, 0.002, 9),
            "mediapipe_landscape": row(0.868, 0.610, 0.078, 0.002, 10),
        },
        "flicker": {
            "softfocus_app": app_flicker,
            "mediapipe_general_raw": 0.0054,
            "mediapipe_landscape_raw": 0.0068,
        },
    }


def test_the_weaknesses_say_by_how_much_a_target_is_missed():
    text = render_weaknesses(real_report(0.807, 0.511, 0.0405, 0.029, 0.0060))
    assert "0.807 against 0.868 (target missed by 0.061)" in text
    assert "0.511 against 0.610 (target missed by 0.099)" in text
    assert "17 of 290 photos below IoU 0.5 against 10" in text
    assert "4.05% predicted foreground (target 2 %: missed by 2.05%)" in text
    assert "2.90% (target 1 %: missed by 1.90%)" in text
    assert "raw 0.0054 (target missed by 0.0006)" in text  # the steadier teacher is the bar


def test_the_weaknesses_say_met_only_where_a_target_is_met():
    figures = render_weaknesses(real_report(0.90, 0.65, 0.015, 0.005, 0.0050)).split("\n")[:2]
    assert not any("missed" in line for line in figures)
    assert sum(line.count("target met") for line in figures) == 3
    assert sum(line.count(": met") for line in figures) == 2


def test_without_a_real_photo_run_the_card_keeps_the_written_weaknesses():
    assert "contact sheet" in render_weaknesses(None)


def test_the_speed_targets_are_judged_from_the_same_run():
    report = real_report(0.80, 0.51, 0.028, 0.028, 0.0050)
    report["time_ms"] = {"softfocus": 3.02, "mediapipe_general": 4.76, "mediapipe_landscape": 2.79}
    pipeline = pipeline_total_ms("segment 2.56 ms + refine, blur and blend 6.90 ms = **9.47 ms**")
    speed = render_weaknesses(report, pipeline).split("\n")[2]
    assert "3.02 ms against MediaPipe landscape's 2.79 ms" in speed
    assert "(target missed by 0.23 ms)" in speed
    assert "9.47 ms (target 6 ms: missed by 3.47 ms)" in speed
    report["time_ms"]["softfocus"] = 2.50
    assert "(target met)" in render_weaknesses(report).split("\n")[2]
    assert pipeline_total_ms("see benchmarks/pipeline.py") is None


def test_the_architecture_line_describes_the_preset_the_run_was_fitted_with():
    from dataclasses import asdict

    from softfocus.model.presets import get_preset

    person = model_card.architecture_line(asdict(get_preset("person")))
    lean = model_card.architecture_line(asdict(get_preset("person_lean")))
    assert "2× conv 3×3" in person and "(16, 24, 40, 64 filters)" in person
    assert "concatenated" in person
    assert "1× at the first, 2× below" in lean and "(16, 32, 48, 80 filters)" in lean
    assert "added" in lean
    assert "bridge" not in person
    bridged = model_card.architecture_line(asdict(get_preset("person", bridge_filters=96)))
    assert "2× conv bridge (96 filters) at 1/32" in bridged
    assert "separable" not in bridged
    separable = model_card.architecture_line(asdict(get_preset("person_separable")))
    assert "(16, 32, 96, 192 filters), a 2× conv bridge (192 filters) at 1/32" in separable
    assert "depthwise-separable convs below the first level" in separable
    assert "sub-pixel" not in person
    sharp = model_card.architecture_line(asdict(get_preset("person_sharp")))
    assert sharp.endswith(
        "bilinear ×2 plus a sub-pixel head (a 1×1 conv's logit for each pixel "
        "of the 2×2 cell, by DepthToSpace)"
    )


def test_the_training_row_says_how_many_epochs_trained_small():
    assert model_card.progressive_note({"low_res_epochs": 0}) == ""
    assert model_card.progressive_note({}) == ""  # runs from before progressive resizing
    note = model_card.progressive_note({"low_res_epochs": 28, "low_res_scale": 0.75})
    assert note == " (the first 28 at 0.75 the input size per side)"


def test_the_data_section_says_whether_pasted_people_were_defocused():
    assert model_card.pasted_detail_note(0.0) == ""
    assert model_card.pasted_detail_note(1.0).startswith(", each pasted person defocused")
    assert model_card.pasted_detail_note(0.5).startswith(", 50% of the pasted people defocused")


def test_the_data_section_says_whether_the_teachers_looked_closer():
    assert model_card.teacher_looks_note(False) == ""
    assert "mirrored too and again closer at each person" in model_card.teacher_looks_note(True)
