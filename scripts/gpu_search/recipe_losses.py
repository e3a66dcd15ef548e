"""The person recipe's two losses in ``keras.ops``, for ``search.py`` on a machine without
TensorFlow: the edge-weighted BCE + Dice (gen9's recipe) and its hard-pixel form (gen10 on,
the shipped recipe's). ``training/losses.py`` holds the originals in TensorFlow; the tests
check that the two give the same loss, so a GPU run trains what the CPU build trains.

Targets are soft alphas in [0, 1] here (``search.py`` scales its uint8 masks first).
"""

from __future__ import annotations

import math

import keras
from keras import ops

# As training/losses.py (which this file cannot import: it imports TensorFlow).
EDGE_WEIGHT = 4.0
EDGE_BAND_PX = 3
HARD_BELOW = 0.7
HARD_MIN_SHARE = 0.1


def _edge_weights(y_true):
    size = 2 * EDGE_BAND_PX + 1
    band = ops.max_pool(y_true, size, 1, "same") + ops.max_pool(-y_true, size, 1, "same")
    return 1.0 + EDGE_WEIGHT * band[..., 0]


def _soft_dice(y_true, y_pred):
    intersection = ops.sum(y_true * y_pred, axis=[1, 2, 3])
    total = ops.sum(y_true + y_pred, axis=[1, 2, 3])
    return 1.0 - ops.mean((2 * intersection + 1.0) / (total + 1.0))


def edge_bce_dice(y_true, y_pred):
    """``edge_weighted_bce_dice_loss``."""
    weights = _edge_weights(y_true)
    bce = keras.losses.binary_crossentropy(y_true, y_pred)
    return ops.sum(bce * weights) / ops.sum(weights) + 0.5 * _soft_dice(y_true, y_pred)


def hard_edge_bce_dice(y_true, y_pred):
    """``hard_edge_bce_dice_loss``: the edge-weighted BCE, less each label's own entropy, over
    the pixels whose label's side the model gives under ``HARD_BELOW``, plus soft Dice."""
    eps = keras.config.epsilon()
    y = ops.clip(y_true, eps, 1 - eps)
    p = ops.clip(y_pred, eps, 1 - eps)
    kl = (y * ops.log(y / p) + (1 - y) * ops.log((1 - y) / (1 - p)))[..., 0]
    weights = _edge_weights(y_true)
    hard = ops.cast(kl > -math.log(HARD_BELOW), kl.dtype)
    normaliser = ops.maximum(ops.sum(weights * hard), HARD_MIN_SHARE * ops.sum(weights))
    return ops.sum(weights * hard * kl) / normaliser + 0.5 * _soft_dice(y_true, y_pred)


LOSSES = {"edge_bce_dice": edge_bce_dice, "hard_edge_bce_dice": hard_edge_bce_dice}
