"""Precise cut-outs of people shot on plain backgrounds (studio photos and sheet tiles).

The chain: split a sheet into its framed tiles → model the plain background as a smooth
colour field fitted to the tile's border → key pixels far from it → GrabCut seeded by the key
and the teacher → keep the person's connected component, fill holes → a slightly feathered
alpha. The teacher alone misses hair and fingers; the key alone eats grey clothes and text.
"""

from __future__ import annotations

import cv2
import numpy as np

WORK_MAX_SIDE = 640


def find_tiles(sheet_bgr: np.ndarray, min_area_fraction: float = 0.015) -> list[tuple]:
    """(x, y, w, h) of the white-framed panels of a character or emotions sheet, inner area."""
    grey = cv2.cvtColor(sheet_bgr, cv2.COLOR_BGR2GRAY)
    white = (grey > 215).astype(np.uint8)
    contours, _hierarchy = cv2.findContours(white, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    area = sheet_bgr.shape[0] * sheet_bgr.shape[1]
    tiles = []
    for contour in contours:
        x, y, w, h = cv2.boundingRect(contour)
        if w * h < min_area_fraction * area or w * h > 0.5 * area:
            continue
        # A frame is thin: its pixel count is small against its bounding box.
        if cv2.countNonZero(white[y : y + h, x : x + w]) > 0.25 * w * h:
            continue
        inset = max(4, int(0.012 * max(w, h)))
        tiles.append((x + inset, y + inset, w - 2 * inset, h - 2 * inset))

    # A frame yields an outer and an inner contour: keep boxes that contain no other box.
    def contains(a, b):
        return (
            a != b
            and a[0] <= b[0]
            and a[1] <= b[1]
            and (a[0] + a[2] >= b[0] + b[2] and a[1] + a[3] >= b[1] + b[3])
        )

    inner = [t for t in set(tiles) if not any(contains(t, other) for other in tiles)]
    return sorted(inner, key=lambda t: (t[1] // 50, t[0]))


def _background_field(image: np.ndarray, candidate: np.ndarray) -> np.ndarray:
    """Least-squares quadratic colour field over the candidate background pixels."""
    height, width = candidate.shape
    ys, xs = np.nonzero(candidate)
    step = max(1, len(xs) // 20000)
    ys, xs = ys[::step], xs[::step]
    u, v = xs / width, ys / height
    design = np.stack([np.ones_like(u), u, v, u * u, v * v, u * v], axis=1)
    coefficients, *_ = np.linalg.lstsq(design, image[ys, xs].astype(np.float64), rcond=None)
    grid_v, grid_u = np.mgrid[0:height, 0:width]
    grid_u, grid_v = grid_u / width, grid_v / height
    full = np.stack(
        [np.ones_like(grid_u), grid_u, grid_v, grid_u**2, grid_v**2, grid_u * grid_v], axis=-1
    )
    return (full @ coefficients).astype(np.float32)


def plain_background_key(image: np.ndarray, threshold: float = 22.0) -> np.ndarray:
    """Pixels that differ from the fitted plain background (uint8 0/1)."""
    lab = cv2.cvtColor(image, cv2.COLOR_BGR2LAB).astype(np.float32)
    height, width = lab.shape[:2]
    candidate = np.zeros((height, width), bool)
    band = max(4, min(height, width) // 25)
    candidate[:band] = candidate[:, :band] = candidate[:, -band:] = True
    for _ in range(3):
        field = _background_field(lab, candidate)
        distance = np.linalg.norm(lab - field, axis=-1)
        candidate = distance < threshold * 0.6
    return (distance > threshold).astype(np.uint8)


def _largest_components(mask: np.ndarray, keep_fraction: float = 0.15) -> np.ndarray:
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    if count <= 1:
        return mask
    areas = stats[1:, cv2.CC_STAT_AREA]
    biggest = areas.max()
    keep = [i + 1 for i, a in enumerate(areas) if a >= keep_fraction * biggest]
    return np.isin(labels, keep).astype(np.uint8)


def _fill_holes(mask: np.ndarray) -> np.ndarray:
    height, width = mask.shape
    flood = np.zeros((height + 2, width + 2), np.uint8)
    flood[1:-1, 1:-1] = mask
    cv2.floodFill(flood, None, (0, 0), 1)
    holes = flood[1:-1, 1:-1] == 0
    return (mask.astype(bool) | holes).astype(np.uint8)


def cut_out(image: np.ndarray, teacher_alpha: np.ndarray | None) -> np.ndarray:
    """Soft alpha (float32 0..1, image size) of the person on a plain background."""
    height, width = image.shape[:2]
    scale = min(1.0, WORK_MAX_SIDE / max(height, width))
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    key = plain_background_key(small)
    if teacher_alpha is not None:
        teacher = cv2.resize(teacher_alpha, (small.shape[1], small.shape[0])) > 0.5
    else:
        teacher = key.astype(bool)
    key = cv2.morphologyEx(key, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8)).astype(bool)
    # Keyed pixels near the teacher's person are hair and fingers the teacher missed; keyed
    # pixels far from it are floor shadows, vignetting and caption text.
    reach = max(3, int(0.03 * max(small.shape[:2])))
    near_teacher = cv2.dilate(teacher.astype(np.uint8), np.ones((reach, reach), np.uint8)) > 0
    either = (key & near_teacher) | teacher
    kernel = np.ones((5, 5), np.uint8)
    sure_fg = cv2.erode((key & teacher).astype(np.uint8), kernel, iterations=2)
    sure_bg = cv2.dilate(either.astype(np.uint8), kernel, iterations=4) == 0
    grabcut = np.full(key.shape, cv2.GC_PR_BGD, np.uint8)
    grabcut[either] = cv2.GC_PR_FGD
    grabcut[sure_fg > 0] = cv2.GC_FGD
    grabcut[sure_bg] = cv2.GC_BGD
    try:
        background_model = np.zeros((1, 65), np.float64)
        foreground_model = np.zeros((1, 65), np.float64)
        cv2.grabCut(
            small, grabcut, None, background_model, foreground_model, 4, cv2.GC_INIT_WITH_MASK
        )
        mask = np.isin(grabcut, (cv2.GC_FGD, cv2.GC_PR_FGD)).astype(np.uint8)
    except cv2.error:
        mask = either.astype(np.uint8)
    mask = _fill_holes(_largest_components(mask))
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    alpha = cv2.resize(mask.astype(np.float32), (width, height), interpolation=cv2.INTER_LINEAR)
    sigma = max(0.6, 0.8 / scale * 0.5)
    return np.clip(cv2.GaussianBlur(alpha, (0, 0), sigma), 0.0, 1.0)


def refine_with_grabcut(image: np.ndarray, teacher_alpha: np.ndarray) -> np.ndarray:
    """A teacher mask tightened by GrabCut, for photos in rooms (no plain background)."""
    height, width = image.shape[:2]
    scale = min(1.0, WORK_MAX_SIDE / max(height, width))
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    teacher = cv2.resize(teacher_alpha, (small.shape[1], small.shape[0]))
    kernel = np.ones((5, 5), np.uint8)
    grabcut = np.full(teacher.shape, cv2.GC_PR_BGD, np.uint8)
    grabcut[teacher > 0.5] = cv2.GC_PR_FGD
    grabcut[cv2.erode((teacher > 0.9).astype(np.uint8), kernel, iterations=3) > 0] = cv2.GC_FGD
    grabcut[cv2.dilate((teacher > 0.1).astype(np.uint8), kernel, iterations=4) == 0] = cv2.GC_BGD
    background_model = np.zeros((1, 65), np.float64)
    foreground_model = np.zeros((1, 65), np.float64)
    cv2.grabCut(small, grabcut, None, background_model, foreground_model, 4, cv2.GC_INIT_WITH_MASK)
    mask = np.isin(grabcut, (cv2.GC_FGD, cv2.GC_PR_FGD)).astype(np.uint8)
    mask = _fill_holes(_largest_components(mask))
    alpha = cv2.resize(mask.astype(np.float32), (width, height), interpolation=cv2.INTER_LINEAR)
    return np.clip(cv2.GaussianBlur(alpha, (0, 0), 1.0), 0.0, 1.0)
