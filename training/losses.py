"""Losses and the pixel-accuracy metric, for both head types."""

from __future__ import annotations

import keras
import tensorflow as tf

from softfocus.model.presets import HEAD_SIGMOID, UNetConfig
from softfocus.model.unet import BilinearUpsample


def pixel_accuracy_sigmoid(y_true, y_pred):
    return tf.reduce_mean(tf.cast(tf.equal(y_true >= 0.5, y_pred >= 0.5), tf.float32))


def soft_dice_loss(y_true, y_pred):
    axes = [1, 2, 3]
    intersection = tf.reduce_sum(y_true * y_pred, axes)
    total = tf.reduce_sum(y_true + y_pred, axes)
    return 1.0 - tf.reduce_mean((2 * intersection + 1.0) / (total + 1.0))


def bce_dice_loss(y_true, y_pred):
    bce = keras.losses.binary_crossentropy(y_true, y_pred)
    return tf.reduce_mean(bce) + 0.5 * soft_dice_loss(y_true, y_pred)


# Pixels within EDGE_BAND_PX of the label's edge count this much more in the edge-weighted loss.
EDGE_WEIGHT = 4.0
EDGE_BAND_PX = 3


def edge_band(y_true):
    """1 within ``EDGE_BAND_PX`` of an edge of the label, 0 far from any (soft labels give a
    soft band): the local range of the label in a (2·band+1)² window."""
    size = 2 * EDGE_BAND_PX + 1
    local_max = tf.nn.max_pool2d(y_true, size, 1, "SAME")
    local_min = -tf.nn.max_pool2d(-y_true, size, 1, "SAME")
    return local_max - local_min


def edge_weighted_bce_dice_loss(y_true, y_pred):
    """BCE weighted towards the label's edges, plus soft Dice.

    A person's outline is a small share of the pixels, so plain BCE is mostly paid for the
    easy interior and the far background; the outline is what the user sees (a blurred ear, a
    sharp halo of wall). The weights are normalised, so the loss keeps plain BCE's scale and
    the preset's learning rate still fits.
    """
    weights = 1.0 + EDGE_WEIGHT * edge_band(y_true)[..., 0]
    bce = keras.losses.binary_crossentropy(y_true, y_pred)
    weighted = tf.reduce_sum(bce * weights) / tf.reduce_sum(weights)
    return weighted + 0.5 * soft_dice_loss(y_true, y_pred)


LOSSES = {"bce_dice": bce_dice_loss, "edge_bce_dice": edge_weighted_bce_dice_loss}


def loss_and_metrics(config: UNetConfig) -> tuple:
    """The loss and an ``accuracy`` metric (pixel accuracy) named the same for every head."""
    if config.head == HEAD_SIGMOID:
        return LOSSES[config.loss], [
            keras.metrics.MeanMetricWrapper(pixel_accuracy_sigmoid, name="accuracy")
        ]
    return keras.losses.SparseCategoricalCrossentropy(), [
        keras.metrics.SparseCategoricalAccuracy(name="accuracy")
    ]


CUSTOM_OBJECTS = {
    "pixel_accuracy_sigmoid": pixel_accuracy_sigmoid,
    "bce_dice_loss": bce_dice_loss,
    "soft_dice_loss": soft_dice_loss,
    "edge_weighted_bce_dice_loss": edge_weighted_bce_dice_loss,
    "BilinearUpsample": BilinearUpsample,
}
