"""Mask clean-up at the model's resolution: unsure components and specks dropped, person-sized
components kept, small holes inside the person filled.

A segmentation model now and then marks a patch of background (a ghost above the head, a
poster's face) as a speck of person, and that patch then stays sharp in a blurred room. Like
the OBS background-removal plugin's contour filter, components far smaller than the person
and away from them are dropped; unlike a plain area filter, a small component near the
person (a hand, a strand of hair) stays. It runs on the raw probabilities before temporal
smoothing, so the smoother never holds a dropped speck to bring back later.

A component the model is unsure of as a whole (its mean probability low, however large) is
dropped first: on frames with nobody in them the false foreground comes as such blobs (an
out-of-focus wall, a strip of shop sign), while people the model finds at all it finds with
conviction. ``training/people/component_gate.py`` measured the trade on photos outside
training and evaluation, which set the app's default threshold.
"""

from __future__ import annotations

import cv2
import numpy as np

# A component this far from the largest one (in frame widths, between bounding boxes) is not
# part of the person, however it is shaped.
NEAR_SHARE_OF_WIDTH = 0.06
# Holes inside the person up to this share of the frame are filled (a gap between arm and body
# is usually larger and stays open).
MAX_HOLE_SHARE = 0.01
FOREGROUND_AT = 0.5
# A component that was foreground in the last frame's mask stays while its mean is within this
# of the threshold: a person the model is only just sure of must not blink in and out.
HOLD_MARGIN = 0.1


def clean_mask(
    probability: np.ndarray,
    min_component_share: float,
    min_component_mean: float = 0.0,
    previous: np.ndarray | None = None,
) -> np.ndarray:
    """``probability`` (float32 H×W, 0..1) with unsure components (mean probability under
    ``min_component_mean``, or ``HOLD_MARGIN`` under it for one that was foreground in
    ``previous``, the last frame's mask) and specks set to 0 and small holes to 1, in place.

    OpenCV's per-component statistics pass walks every pixel and costs several times the
    labelling itself, so areas and boxes are counted here from the labelled pixels alone (the
    person's, or a hole's), and a frame with one component and no holes stops after labelling.
    """
    binary = np.greater_equal(probability, FOREGROUND_AT).view(np.uint8)
    height, width = probability.shape
    count, labels = _labels(binary, 8)
    if previous is not None and previous.shape != probability.shape:
        previous = None
    if count == 2 and min_component_mean > 0:
        _drop_if_unsure(probability, binary, min_component_mean, previous)
    elif count > 2:  # background + one component needs no speck filtering
        pixels = _labelled_pixels(binary, labels, count)
        if min_component_mean > 0:
            _drop_unsure(probability, binary, pixels, count, min_component_mean, previous)
        _drop_specks(probability, binary, pixels, count, min_component_share)
    _fill_holes(probability, binary, height * width * MAX_HOLE_SHARE)
    return probability


def _labels(binary: np.ndarray, connectivity: int):
    # 16-bit labels: a model-sized mask has far fewer than 65,536 components.
    label_type = cv2.CV_32S if binary.size >= 1 << 16 else cv2.CV_16U
    return cv2.connectedComponentsWithAlgorithm(binary, connectivity, label_type, cv2.CCL_SPAGHETTI)


def _labelled_pixels(binary: np.ndarray, labels: np.ndarray, count: int):
    """(x, y, label) of every set pixel, and each label's area."""
    points = cv2.findNonZero(binary).reshape(-1, 2)  # OpenCV 4 adds a middle axis
    xs, ys = points[:, 0], points[:, 1]
    values = labels[ys, xs]
    return xs, ys, values, np.bincount(values, minlength=count)


def _unsure(mean, min_mean: float, before=None):
    """The gate's rule, for one component's mean or an array of them: under ``min_mean``, or,
    for one that was foreground in the last frame (``before``: its mean there), under
    ``min_mean - HOLD_MARGIN``."""
    unsure = mean < min_mean
    if before is not None:
        unsure &= (mean < min_mean - HOLD_MARGIN) | (before < FOREGROUND_AT)
    return unsure


def _drop_if_unsure(
    probability: np.ndarray, binary: np.ndarray, min_mean: float, previous: np.ndarray | None
) -> None:
    """The one-component frame (the usual one): a masked mean, no per-pixel listing."""
    mean = cv2.mean(probability, mask=binary)[0]
    if mean >= min_mean:
        return
    before = None if previous is None else cv2.mean(previous, mask=binary)[0]
    if not _unsure(mean, min_mean, before):
        return
    probability[binary.view(bool)] = 0.0
    binary[:] = 0


def _drop_unsure(
    probability: np.ndarray,
    binary: np.ndarray,
    pixels: tuple,
    count: int,
    min_mean: float,
    previous: np.ndarray | None,
) -> None:
    """Clears the unsure components (``_unsure``) from ``probability`` and ``binary``, and
    zeroes their areas in ``pixels`` so that the speck filter that follows sees them gone."""
    xs, ys, values, areas = pixels
    counted = np.maximum(areas, 1)  # label 0 (background) has no listed pixels
    means = np.bincount(values, weights=probability[ys, xs], minlength=count) / counted
    unsure = means < min_mean
    unsure[0] = False
    if not unsure.any():
        return
    if previous is not None:
        before = np.bincount(values, weights=previous[ys, xs], minlength=count) / counted
        unsure = _unsure(means, min_mean, before)
        unsure[0] = False
    remove = unsure[values]
    probability[ys[remove], xs[remove]] = 0.0
    binary[ys[remove], xs[remove]] = 0
    areas[unsure] = 0


def _drop_specks(
    probability: np.ndarray,
    binary: np.ndarray,
    pixels: tuple,
    count: int,
    min_component_share: float,
) -> None:
    height, width = binary.shape
    xs, ys, values, areas = pixels
    areas[0] = 0
    largest = int(np.argmax(areas))
    small = (areas > 0) & (areas < min_component_share * height * width)  # 0: dropped unsure
    small[largest] = False
    if not small.any():
        return
    # Bounding boxes (x0, y0, x1, y1) of the small components and of the person.
    boxes = np.empty((count, 4), np.int64)
    boxes[:, :2] = np.iinfo(np.int64).max
    boxes[:, 2:] = -1
    chosen = small[values] | (values == largest)
    xs_, ys_, values_ = xs[chosen].astype(np.int64), ys[chosen].astype(np.int64), values[chosen]
    np.minimum.at(boxes[:, 0], values_, xs_)
    np.minimum.at(boxes[:, 1], values_, ys_)
    np.maximum.at(boxes[:, 2], values_, xs_ + 1)
    np.maximum.at(boxes[:, 3], values_, ys_ + 1)
    near = NEAR_SHARE_OF_WIDTH * width
    drop = np.zeros(count, bool)
    for label in np.flatnonzero(small):
        drop[label] = _gap(boxes[label], boxes[largest]) > near
    if drop.any():
        remove = drop[values]
        probability[ys[remove], xs[remove]] = 0.0


def _gap(a: np.ndarray, b: np.ndarray) -> float:
    """Distance between two boxes (x0, y0, x1, y1); 0 when they overlap."""
    dx = max(b[0] - a[2], a[0] - b[2], 0)
    dy = max(b[1] - a[3], a[1] - b[3], 0)
    return float(np.hypot(dx, dy))


def _fill_holes(probability: np.ndarray, binary: np.ndarray, max_area: float) -> None:
    """Background components that do not reach the frame's edge are holes.

    The background is framed by a 1-pixel ring of background, so everything open to the edge
    is one component (the ring's label), and any other label is a hole: a frame without holes
    stops after one labelling.
    """
    framed = cv2.copyMakeBorder(binary, 1, 1, 1, 1, cv2.BORDER_CONSTANT, value=0)
    background = np.equal(framed, 0).view(np.uint8)
    count, labels = _labels(background, 4)  # 4-connected: the dual of the 8-connected person
    if count <= 2:
        return
    inner = labels[1:-1, 1:-1]
    holes = np.greater(inner, labels[0, 0]).view(np.uint8)
    xs, ys, values, areas = _labelled_pixels(holes, inner, count)
    fill = areas <= max_area
    fill[: labels[0, 0] + 1] = False
    keep = fill[values]
    probability[ys[keep], xs[keep]] = 1.0
