import numpy as np

from softfocus.app.mask_refine import MaskRefiner
from softfocus.app.settings import PipelineSettings


def flickering_masks(count=30, seed=0):
    rng = np.random.default_rng(seed)
    base = np.full((36, 64), 0.1, np.float32)
    base[8:, 20:44] = 0.9
    for _ in range(count):
        yield np.clip(base + rng.normal(0, 0.1, base.shape).astype(np.float32), 0, 1)


def mean_change(settings):
    refiner = MaskRefiner()
    previous = None
    changes = []
    for mask in flickering_masks():
        out = refiner.refine(mask, settings).copy()
        if previous is not None:
            changes.append(np.abs(out - previous).mean())
        previous = out
    return float(np.mean(changes))


def test_smoothing_reduces_frame_to_frame_change():
    off = PipelineSettings(smoothing=0.0, feather_px=0.0)
    on = PipelineSettings(smoothing=0.8, feather_px=0.0)
    assert mean_change(on) < 0.6 * mean_change(off)


def test_smoothing_still_follows_real_motion():
    refiner = MaskRefiner()
    settings = PipelineSettings(smoothing=0.9, feather_px=0.0)
    left = np.zeros((36, 64), np.float32)
    left[:, :32] = 1.0
    right = left[:, ::-1].copy()
    refiner.refine(left.copy(), settings)
    moved = refiner.refine(right.copy(), settings)
    # A full swing of the mask is motion, not noise: it is followed within one frame.
    assert np.abs(moved - right).max() < 1e-5


def test_soft_threshold_maps_band_to_zero_and_one():
    refiner = MaskRefiner()
    settings = PipelineSettings(smoothing=0.0, feather_px=0.0, mask_low=0.3, mask_high=0.7)
    alpha = np.array([[0.1, 0.3, 0.5, 0.7, 0.9]], np.float32)
    out = refiner.refine(alpha.copy(), settings)
    assert np.allclose(out, [[0, 0, 0.5, 1, 1]], atol=1e-6)


def test_feathering_softens_a_hard_edge():
    alpha = np.zeros((40, 40), np.float32)
    alpha[:, 20:] = 1.0
    sharp = MaskRefiner().refine(alpha.copy(), PipelineSettings(smoothing=0, feather_px=0))
    soft = MaskRefiner().refine(alpha.copy(), PipelineSettings(smoothing=0, feather_px=3))
    assert set(np.unique(sharp)) <= {0.0, 1.0}
    assert 0.05 < soft[20, 19] < 0.5 < soft[20, 20] < 0.95


def test_reset_forgets_the_previous_mask():
    refiner = MaskRefiner()
    settings = PipelineSettings(smoothing=0.9, feather_px=0.0)
    refiner.refine(np.zeros((8, 8), np.float32), settings)
    refiner.reset()
    out = refiner.refine(np.full((8, 8), 0.68, np.float32), settings)
    assert np.allclose(out, 0.95)  # 0.68 through the 0.3..0.7 threshold, no memory of 0
