"""Turning the many mask conventions into one training target (TF-free, numpy).

Every mask becomes a soft alpha in [0, 1]: 1 foreground, 0 background, 0.5 the trimap border.
Three-class heads get classes back from it (foreground, background, border — the report's
Oxford trimap labels 1/2/3 minus 1); sigmoid heads learn the alpha directly.
"""

from __future__ import annotations

import numpy as np

MASK_KINDS = ("auto", "binary", "trimap", "alpha")
TRIMAP_VALUES = {1, 2, 3}


class LabelError(ValueError):
    pass


def detect_mask_kind(values: set[int]) -> str:
    if values <= TRIMAP_VALUES:
        return "trimap"
    if values <= {0, 1} or values <= {0, 255}:
        return "binary"
    return "alpha"


def mask_to_alpha(mask: np.ndarray, kind: str = "auto", border_is_foreground: bool = False):
    """uint8 H×W mask → float32 alpha. Raises LabelError naming the offending values."""
    values = {int(v) for v in np.unique(mask)}
    if kind == "auto":
        kind = detect_mask_kind(values)
    if kind == "trimap":
        bad = values - TRIMAP_VALUES
        if bad:
            raise LabelError(
                f"trimap values must be 1 (foreground), 2 (background) or 3 (border); "
                f"found {sorted(bad)[:5]}"
            )
        lut = np.zeros(256, np.float32)
        lut[1], lut[2], lut[3] = 1.0, 0.0, 1.0 if border_is_foreground else 0.5
        return lut[mask]
    if kind == "binary":
        bad = values - {0, 1, 255}
        if bad:
            raise LabelError(
                f"binary mask values must be 0 and 1 (or 255); found {sorted(bad)[:5]}"
            )
        return (mask > 0).astype(np.float32)
    if kind == "alpha":
        return mask.astype(np.float32) / 255.0
    raise LabelError(f"unknown mask kind {kind!r}; choose one of {', '.join(MASK_KINDS)}")


def alpha_to_classes(alpha: np.ndarray) -> np.ndarray:
    """Soft alpha → class map (0 foreground, 1 background, 2 border)."""
    classes = np.full(alpha.shape, 2, np.uint8)
    classes[alpha >= 0.75] = 0
    classes[alpha <= 0.25] = 1
    return classes


def alpha_to_trimap(alpha: np.ndarray, band_px: int = 3) -> np.ndarray:
    """Soft alpha → the report's trimap: 1 foreground, 2 background, 3 a border band.

    The band covers the soft edge plus ``band_px`` pixels either side of the 0.5 contour, the
    zone where even careful masks disagree.
    """
    import cv2

    foreground = (alpha >= 0.5).astype(np.uint8)
    kernel = np.ones((2 * band_px + 1, 2 * band_px + 1), np.uint8)
    band = cv2.dilate(foreground, kernel) != cv2.erode(foreground, kernel)
    band |= (alpha > 0.05) & (alpha < 0.95)
    trimap = np.where(foreground > 0, 1, 2).astype(np.uint8)
    trimap[band] = 3
    return trimap
