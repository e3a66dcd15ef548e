import cv2
import numpy as np

from softfocus.app.compositor import Compositor
from softfocus.app.downscale import FrameHalvings, shrink
from softfocus.app.mask_refine import MaskRefiner
from softfocus.app.pipeline import FramePipeline
from softfocus.app.segmenter import Segmenter
from softfocus.app.settings import PipelineSettings


def _scene(width: int, height: int) -> np.ndarray:
    """Smooth colour fields with hard-edged shapes: what a webcam frame holds at 2:1 steps."""
    rng = np.random.default_rng(1)
    coarse = rng.integers(0, 256, (height // 40, width // 40, 3), dtype=np.uint8)
    frame = cv2.resize(coarse, (width, height), interpolation=cv2.INTER_CUBIC)
    cv2.circle(frame, (width // 2, height // 3), height // 6, (200, 180, 150), -1)
    cv2.rectangle(frame, (width // 8, height // 2), (width // 3, height - 10), (20, 30, 40), -1)
    return frame


def test_exact_halvings_are_area_averages():
    frame = _scene(1280, 720)
    expected = cv2.resize(frame, (320, 180), interpolation=cv2.INTER_AREA)
    assert np.abs(shrink(frame, 320, 180).astype(int) - expected).max() <= 1


def test_a_last_step_under_two_to_one_stays_within_a_grey_level_or_two_of_area():
    for width, height, target in ((1280, 720, (288, 160)), (720, 1280, (160, 288))):
        frame = _scene(width, height)
        got = shrink(frame, *target, scratch={}).astype(np.float32)
        area = cv2.resize(frame, target, interpolation=cv2.INTER_AREA).astype(np.float32)
        assert got.shape == area.shape
        assert np.abs(got - area).mean() < 2.0
        # no aliasing: the flat regions are as smooth as area's
        assert np.abs(np.diff(got, axis=1)).mean() <= 1.1 * np.abs(np.diff(area, axis=1)).mean()


def test_a_reused_scratch_and_destination_give_the_same_result():
    frame = _scene(1280, 720)
    scratch: dict = {}
    dst = np.empty((160, 288, 3), np.uint8)
    first = shrink(frame, 288, 160, dst=dst, scratch=scratch).copy()
    assert np.array_equal(shrink(frame, 288, 160, dst=dst, scratch=scratch), first)
    assert np.array_equal(shrink(frame, 288, 160), first)


def test_shared_halvings_are_made_once_and_give_the_same_pixels():
    frame = _scene(1280, 720)
    halvings = FrameHalvings()
    halvings.begin(frame)
    quarter = shrink(frame, 320, 180, shared=halvings)
    half = shrink(frame, 640, 360, shared=halvings)
    assert half is halvings.level(1) and quarter is halvings.level(2)  # not made twice
    # a stage that shrinks the half further goes on down the same chain
    assert shrink(half, 320, 180, shared=halvings) is quarter
    assert np.array_equal(half, shrink(frame, 640, 360))
    assert np.array_equal(quarter, shrink(frame, 320, 180))
    assert np.array_equal(shrink(frame, 288, 160, shared=halvings), shrink(frame, 288, 160))
    # an image that is not the frame or one of its halvings is shrunk on its own
    other = _scene(1280, 720)[::-1].copy()
    assert np.array_equal(shrink(other, 640, 360, shared=halvings), shrink(other, 640, 360))


def test_a_new_frame_in_the_same_buffer_gets_new_halvings():
    buffer = _scene(1280, 720)
    halvings = FrameHalvings()
    halvings.begin(buffer)
    first = shrink(buffer, 640, 360, shared=halvings).copy()
    buffer[:] = buffer[::-1]  # a camera writing the next frame into the same array
    halvings.begin(buffer)
    assert np.array_equal(shrink(buffer, 640, 360, shared=halvings), shrink(buffer, 640, 360))
    assert not np.array_equal(first, shrink(buffer, 640, 360, shared=halvings))
    halvings.begin(None)
    assert halvings.level_of(buffer) is None


def test_the_pipeline_halves_each_frame_once_for_all_stages_and_draws_the_same_picture(
    tiny_model, monkeypatch
):
    frame = _scene(1280, 720)
    settings = PipelineSettings(effect="blur", kernel_size_px=51, smoothing=0.0)
    # the stages one by one, each halving the frame itself
    with Segmenter(tiny_model) as segmenter:
        alpha = segmenter.process_lowres(frame)
        alpha = MaskRefiner().refine(alpha, settings, output_width=1280, frame_bgr=frame)
        expected = Compositor().compose(frame, alpha, settings).copy()
        pipeline = FramePipeline(segmenter)
        reads = []
        resize = cv2.resize

        def counting(source, *args, **kwargs):
            if source is frame:
                reads.append(source.shape)
            return resize(source, *args, **kwargs)

        monkeypatch.setattr(cv2, "resize", counting)
        result = pipeline.process(frame, settings)
        monkeypatch.setattr(cv2, "resize", resize)
    assert np.array_equal(result.frame_bgr, expected)
    assert len(reads) == 1  # one halving of the full frame, for the model, guide and blur
    assert pipeline._halvings.level_of(frame) is None  # nothing of it is kept for the next


def test_an_exact_area_thumbnail_matches_one_direct_area_resize():
    # The still-scene threshold was measured on direct area thumbnails (app.inference_saver).
    frame = _scene(1280, 720)
    direct = cv2.resize(frame, (64, 36), interpolation=cv2.INTER_AREA).astype(int)
    halvings = FrameHalvings()
    halvings.begin(frame)
    for scratch, shared in ((None, None), ({}, None), ({}, halvings)):
        got = shrink(frame, 64, 36, scratch=scratch, exact_area=True, shared=shared).astype(int)
        assert np.abs(got - direct).max() <= 1
