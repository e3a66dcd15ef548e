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
# Up to this many components, each is found by one comparison of the label image (about
# 0.02 ms at 160×288); past it OpenCV's statistics pass, one walk over every pixel whatever
# the count, is cheaper (on the demo clip's masks with specks added, the two cross between
# 10 and 19 components).
FEW_COMPONENTS = 12


def clean_mask(
    probability: np.ndarray,
    min_component_share: float,
    min_component_mean: float = 0.0,
    previous: np.ndarray | None = None,
) -> np.ndarray:
    """``probability`` (float32 H×W, 0..1) with unsure components (mean probability under
    ``min_component_mean``, or ``HOLD_MARGIN`` under it for one that was foreground in
    ``previous``, the last frame's mask) and specks set to 0 and small holes to 1, in place.

    Every step after the labelling works inside each component's bounding box, so its cost
    follows the components' size, not the frame's: a frame with one component and no holes
    stops after labelling, and the holes are looked for only inside the foreground's box.
    """
    binary = np.greater_equal(probability, FOREGROUND_AT).view(np.uint8)
    height, width = probability.shape
    count, labels = _labels(binary, 8)
    if previous is not None and previous.shape != probability.shape:
        previous = None
    if count == 2 and min_component_mean > 0:
        _drop_if_unsure(probability, binary, min_component_mean, previous)
    elif count > 2:  # background + one component needs no speck filtering
        components = _Components(binary, labels, count)
        if min_component_mean > 0:
            _drop_unsure(probability, binary, components, min_component_mean, previous)
        _drop_specks(probability, binary, components, min_component_share)
    _fill_holes(probability, binary, height * width * MAX_HOLE_SHARE)
    return probability


def _labels(binary: np.ndarray, connectivity: int):
    # 16-bit labels: a model-sized mask has far fewer than 65,536 components.
    label_type = cv2.CV_32S if binary.size >= 1 << 16 else cv2.CV_16U
    return cv2.connectedComponentsWithAlgorithm(binary, connectivity, label_type, cv2.CCL_SPAGHETTI)


class _Components:
    """Area and bounding box (x0, y0, x1, y1) of each label of a labelled mask (row 0, the
    background, unused), and each component's pixels within its box."""

    def __init__(
        self, binary: np.ndarray, labels: np.ndarray, count: int, connectivity: int = 8
    ) -> None:
        self.labels = labels
        self.areas = np.zeros(count, np.int64)
        self.boxes = np.zeros((count, 4), np.int64)
        # Each component's pixels over its box, made once: the gate, the speck filter and the
        # clearing of two images all read them.
        self._pixels: dict[int, np.ndarray] = {}
        if count - 1 <= FEW_COMPONENTS:
            for label in range(1, count):
                whole = np.equal(labels, label)
                x, y, w, h = cv2.boundingRect(whole.view(np.uint8))
                self.boxes[label] = x, y, x + w, y + h
                self._pixels[label] = whole[y : y + h, x : x + w]
                self.areas[label] = cv2.countNonZero(self._pixels[label].view(np.uint8))
        else:
            label_type = cv2.CV_16U if labels.dtype == np.uint16 else cv2.CV_32S
            _, self.labels, stats, _ = cv2.connectedComponentsWithStatsWithAlgorithm(
                binary, connectivity, label_type, cv2.CCL_SPAGHETTI
            )
            self.areas[1:] = stats[1:, cv2.CC_STAT_AREA]
            self.boxes[:, :2] = stats[:, [cv2.CC_STAT_LEFT, cv2.CC_STAT_TOP]]
            self.boxes[:, 2:] = (
                self.boxes[:, :2] + stats[:, [cv2.CC_STAT_WIDTH, cv2.CC_STAT_HEIGHT]]
            )

    def box(self, label: int) -> tuple[slice, slice]:
        x0, y0, x1, y1 = self.boxes[label]
        return slice(y0, y1), slice(x0, x1)

    def pixels(self, label: int) -> np.ndarray:
        """The component's pixels, as a boolean mask over its bounding box."""
        if label not in self._pixels:
            self._pixels[label] = np.equal(self.labels[self.box(label)], label)
        return self._pixels[label]

    def mean(self, image: np.ndarray, label: int) -> float:
        return cv2.mean(image[self.box(label)], mask=self.pixels(label).view(np.uint8))[0]

    def clear(self, image: np.ndarray, label: int) -> None:
        image[self.box(label)][self.pixels(label)] = 0


def _unsure(mean, min_mean: float, before=None):
    """The gate's rule: a component's mean under ``min_mean``, or, for one that was foreground
    in the last frame (``before``: its mean there), under ``min_mean - HOLD_MARGIN``."""
    unsure = mean < min_mean
    if before is not None:
        unsure &= (mean < min_mean - HOLD_MARGIN) | (before < FOREGROUND_AT)
    return unsure


def _drop_if_unsure(
    probability: np.ndarray, binary: np.ndarray, min_mean: float, previous: np.ndarray | None
) -> None:
    """The one-component frame (the usual one): a masked mean over the frame."""
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
    components: _Components,
    min_mean: float,
    previous: np.ndarray | None,
) -> None:
    """Clears the unsure components (``_unsure``) from ``probability`` and ``binary``, and
    zeroes their areas so that the speck filter that follows sees them gone."""
    for label in np.flatnonzero(components.areas):
        mean = components.mean(probability, label)
        if mean >= min_mean:
            continue
        before = None if previous is None else components.mean(previous, label)
        if _unsure(mean, min_mean, before):
            components.clear(probability, label)
            components.clear(binary, label)
            components.areas[label] = 0


def _drop_specks(
    probability: np.ndarray,
    binary: np.ndarray,
    components: _Components,
    min_component_share: float,
) -> None:
    """Clears small components away from the largest (the person) from ``probability`` and
    ``binary``: the hole filling that follows must not fill a dropped speck's hole."""
    height, width = probability.shape
    areas = components.areas
    largest = int(np.argmax(areas))
    if areas[largest] == 0:  # every component was unsure
        return
    small = (areas > 0) & (areas < min_component_share * height * width)  # 0: dropped unsure
    small[largest] = False
    near = NEAR_SHARE_OF_WIDTH * width
    for label in np.flatnonzero(small):
        if _gap(components.boxes[label], components.boxes[largest]) > near:
            components.clear(probability, label)
            components.clear(binary, label)


def _gap(a: np.ndarray, b: np.ndarray) -> float:
    """Distance between two boxes (x0, y0, x1, y1); 0 when they overlap."""
    dx = max(b[0] - a[2], a[0] - b[2], 0)
    dy = max(b[1] - a[3], a[1] - b[3], 0)
    return float(np.hypot(dx, dy))


def _fill_holes(probability: np.ndarray, binary: np.ndarray, max_area: float) -> None:
    """Background components that do not reach the frame's edge are holes.

    A hole lies inside the foreground's bounding box, and everything outside that box is
    background open to the edge; so the box, framed by a 1-pixel ring of background, holds
    every hole, everything open to the edge is one component there (the ring's label), and
    any other label is a hole: a frame without holes stops after one labelling of the box.
    """
    x, y, width, height = cv2.boundingRect(binary)
    if width < 3 or height < 3:  # too small to enclose anything
        return
    framed = cv2.copyMakeBorder(
        binary[y : y + height, x : x + width], 1, 1, 1, 1, cv2.BORDER_CONSTANT, value=0
    )
    background = np.equal(framed, 0).view(np.uint8)
    count, labels = _labels(background, 4)  # 4-connected: the dual of the 8-connected person
    if count <= 2:
        return
    holes = _Components(background, labels, count, connectivity=4)
    for label in range(labels[0, 0] + 1, count):
        if holes.areas[label] <= max_area:
            y0, x0 = holes.boxes[label, 1] - 1 + y, holes.boxes[label, 0] - 1 + x
            pixels = holes.pixels(label)
            probability[y0 : y0 + pixels.shape[0], x0 : x0 + pixels.shape[1]][pixels] = 1.0
