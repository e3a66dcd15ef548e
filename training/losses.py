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


def loss_and_metrics(config: UNetConfig) -> tuple:
    """The loss and an ``accuracy`` metric (pixel accuracy) named the same for every head."""
    if config.head == HEAD_SIGMOID:
        return bce_dice_loss, [
            keras.metrics.MeanMetricWrapper(pixel_accuracy_sigmoid, name="accuracy")
        ]
    return keras.losses.SparseCategoricalCrossentropy(), [
        keras.metrics.SparseCategoricalAccuracy(name="accuracy")
    ]


CUSTOM_OBJECTS = {
    "pixel_accuracy_sigmoid": pixel_accuracy_sigmoid,
    "bce_dice_loss": bce_dice_loss,
    "soft_dice_loss": soft_dice_loss,
    "BilinearUpsample": BilinearUpsample,
}
