"""The CPU saver: identical frames reuse the mask up to the cap, a changed frame runs the model."""

from softfocus.app.inference_saver import MAX_SKIPPED, InferenceSaver
from softfocus.app.pipeline import FramePipeline
from softfocus.app.segmenter import Segmenter
from softfocus.app.settings import PipelineSettings
from tests.fakes import person_frame


def decisions(saver, frames, skip_still=True, every=1):
    made = []
    for frame in frames:
        infer = saver.should_infer(frame, skip_still, every)
        if infer:
            saver.inferred(frame)
        made.append(infer)
    return made


def test_identical_frames_skip_up_to_the_cap():
    frame = person_frame(160, 120)[0]
    made = decisions(InferenceSaver(), [frame] * (2 * MAX_SKIPPED + 3))
    assert made[0]
    assert made[1 : MAX_SKIPPED + 1] == [False] * MAX_SKIPPED
    assert made[MAX_SKIPPED + 1]  # the cap: the model runs again
    assert sum(made) == 3


def test_a_changed_frame_runs_the_model():
    still, _ = person_frame(160, 120)
    moved, _ = person_frame(160, 120, shift=30)
    assert decisions(InferenceSaver(), [still, still, moved]) == [True, False, True]


def test_saver_off_runs_every_frame_and_efficiency_every_nth():
    frame = person_frame(160, 120)[0]
    assert all(decisions(InferenceSaver(), [frame] * 6, skip_still=False))
    assert decisions(InferenceSaver(), [frame] * 6, skip_still=False, every=3) == [
        True, False, True, False, False, True
    ]  # fmt: skip


def test_pipeline_reuses_the_mask_but_composites_every_frame(tiny_model):
    frames = [person_frame(160, 120)[0]] * 5
    with Segmenter(tiny_model) as segmenter:
        pipeline = FramePipeline(segmenter)
        settings = PipelineSettings(effect="blur", kernel_size_px=21)
        inferred = [pipeline.process(f, settings).timings_ms["inferred"] for f in frames]
        assert inferred == [1.0, 0.0, 0.0, 0.0, 0.0]
        # A frame of another size always gets the model.
        other = pipeline.process(person_frame(96, 64)[0], settings)
        assert other.timings_ms["inferred"] == 1.0 and other.frame_bgr.shape == (64, 96, 3)
    assert pipeline.saver.frames_inferred == 2
