"""Optional input preprocessing a model can ask for in its contract (numpy/OpenCV)."""

from __future__ import annotations

import numpy as np


def equalize_luminance(rgb: np.ndarray) -> np.ndarray:
    """The report's histogram equalisation of Y in YPbPr, colour (Pb, Pr) kept.

    ``rgb`` float32 H×W×3 in [0, 1]; returns the same. Mirrors
    ``softfocus.training.augment.equalize_luminance``, so a model sees at run time what it
    trained on.
    """
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    y = 0.299 * r + 0.587 * g + 0.114 * b
    pb = (b - y) / 1.772
    pr = (r - y) / 1.402
    bins = np.clip(np.round(y * 255.0), 0, 255).astype(np.int32)
    histogram = np.bincount(bins.ravel(), minlength=256)
    cdf = np.cumsum(histogram).astype(np.float32)
    cdf_min = cdf[histogram > 0].min()
    lut = np.clip((cdf - cdf_min) / max(cdf[-1] - cdf_min, 1.0), 0.0, 1.0)
    y_eq = lut[bins]
    r2 = y_eq + 1.402 * pr
    b2 = y_eq + 1.772 * pb
    g2 = (y_eq - 0.299 * r2 - 0.114 * b2) / 0.587
    return np.clip(np.stack([r2, g2, b2], axis=-1), 0.0, 1.0).astype(np.float32)
