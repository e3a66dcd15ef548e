import cv2
import numpy as np

from softfocus.app.edge_refine import EdgeRefiner
from softfocus.app.mask_refine import MaskRefiner
from softfocus.app.settings import PipelineSettings


def edge_frame(width=640, height=360, edge_x=300):
    frame = np.full((height, width, 3), 40, np.uint8)
    frame[:, :edge_x] = 210  # the 'person' is bright, left of the edge
    return frame


def transition_width(row: np.ndarray) -> int:
    """Pixels inside the app's soft-threshold band (0.3..0.7): the visible edge's width."""
    return int(np.sum((row > 0.3) & (row < 0.7)))


def test_guided_upsampling_snaps_the_mask_to_the_frames_edge():
    frame = edge_frame()
    coarse = np.zeros((36, 64), np.float32)
    coarse[:, :30] = 1.0  # the model's mask: edge near x = 300 at full width, but blurred
    coarse = cv2.GaussianBlur(coarse, (0, 0), 1.5)
    plain = cv2.resize(coarse, (640, 360))
    refined = EdgeRefiner().apply(coarse, frame)
    assert refined.shape == (360, 640)
    row = refined[180]
    assert transition_width(row) < 0.3 * transition_width(plain[180])
    crossing = int(np.argmax(row < 0.5))
    assert abs(crossing - 300) <= 3


def test_edge_refinement_is_part_of_the_refine_chain_and_can_be_turned_off():
    frame = edge_frame()
    coarse = np.zeros((36, 64), np.float32)
    coarse[:, :30] = 1.0
    on = MaskRefiner().refine(coarse.copy(), PipelineSettings(smoothing=0), frame_bgr=frame)
    off = MaskRefiner().refine(
        coarse.copy(), PipelineSettings(smoothing=0, edge_refine=False), frame_bgr=frame
    )
    assert on.shape == (360, 640) and off.shape == (36, 64)


def test_colour_guide_finds_an_edge_that_luminance_misses():
    """Red against green of the same luminance: a grey guide sees no edge at all."""
    frame = np.zeros((360, 640, 3), np.uint8)
    frame[:, :300] = (0, 0, 200)  # red (BGR), luminance ≈ 60
    frame[:, 300:] = (0, 102, 0)  # green, luminance ≈ 60
    grey = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    assert abs(int(grey[0, 0]) - int(grey[0, -1])) <= 2
    coarse = np.zeros((36, 64), np.float32)
    coarse[:, :30] = 1.0
    coarse = cv2.GaussianBlur(coarse, (0, 0), 1.5)
    row = EdgeRefiner().apply(coarse, frame)[180]
    plain = cv2.resize(coarse, (640, 360))[180]
    assert transition_width(row) < 0.3 * transition_width(plain)
    assert abs(int(np.argmax(row < 0.5)) - 300) <= 3


def test_flat_frame_leaves_the_mask_as_the_model_drew_it():
    """No colour edges to follow: the filter only smooths, it invents no edges or noise."""
    frame = np.full((360, 640, 3), 128, np.uint8)
    coarse = np.zeros((36, 64), np.float32)
    coarse[10:26, 20:44] = 1.0
    coarse = cv2.GaussianBlur(coarse, (0, 0), 1.0)
    refined = EdgeRefiner().apply(coarse, frame)
    plain = cv2.resize(coarse, (640, 360))
    assert np.all(np.isfinite(refined))
    inside, outside = refined >= 0.5, plain >= 0.5
    assert (inside & outside).sum() / (inside | outside).sum() > 0.85
    assert refined[180, 320] > 0.9 and refined[10, 10] < 0.01


def reference_coefficients(alpha: np.ndarray, guide: np.ndarray):
    """The textbook colour guided filter (He et al.), in float64 with a 3×3 solve per pixel."""
    from softfocus.app.edge_refine import EPSILON, RADIUS_PX

    def box(x):
        return cv2.boxFilter(x, -1, (2 * RADIUS_PX + 1,) * 2)

    image, p = guide.astype(np.float64), alpha.astype(np.float64)
    mean_i, mean_p = box(image), box(p)
    cov_ip = box(image * p[..., None]) - mean_i * mean_p[..., None]
    outer = image[..., :, None] * image[..., None, :]
    second = np.stack([box(outer[..., i, j]) for i in range(3) for j in range(3)], -1)
    sigma = second.reshape(*p.shape, 3, 3) - mean_i[..., :, None] * mean_i[..., None, :]
    sigma += EPSILON * 255 * 255 * np.eye(3)
    a = np.linalg.solve(sigma, cov_ip[..., None])[..., 0]
    b = mean_p - (a * mean_i).sum(-1)
    return box(a), box(b)


def test_the_in_place_guided_filter_solves_what_the_textbook_one_does():
    rng = np.random.default_rng(5)
    guide = cv2.resize(rng.integers(0, 256, (6, 8, 3), dtype=np.uint8), (56, 40))
    guide = np.clip(guide + rng.normal(0, 8, guide.shape), 0, 255).astype(np.uint8)
    alpha = cv2.GaussianBlur((rng.random((40, 56)) > 0.5).astype(np.float32), (0, 0), 2)
    refiner = EdgeRefiner()
    for _ in range(2):  # and again, on the buffers the first call left behind
        slopes, offset = refiner._coefficients(alpha, guide)
        expected_slopes, expected_offset = reference_coefficients(alpha, guide)
        np.testing.assert_allclose(slopes, expected_slopes, atol=2e-5)
        np.testing.assert_allclose(offset, expected_offset, atol=2e-4)
