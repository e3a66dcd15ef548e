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


# The hard-pixel loss counts only pixels the model still gets wrong by this much: the chance
# it gives the label's side below HARD_BELOW (as in OHEM cross-entropy for segmentation). Its
# normaliser never falls below HARD_MIN_SHARE of the weight, so a batch with a few hard
# pixels left gives them a small loss rather than a whole batch's worth.
HARD_BELOW = 0.7
HARD_MIN_SHARE = 0.1


def _label_kl(y_true, y_pred):
    """Per-pixel BCE less the label's own entropy: 0 wherever the prediction equals the label,
    soft teacher labels included (their BCE never reaches 0, so they would always look hard)."""
    eps = keras.config.epsilon()
    y = tf.clip_by_value(y_true, eps, 1 - eps)
    p = tf.clip_by_value(y_pred, eps, 1 - eps)
    return (y * tf.math.log(y / p) + (1 - y) * tf.math.log((1 - y) / (1 - p)))[..., 0]


def hard_edge_bce_dice_loss(y_true, y_pred):
    """The edge-weighted loss on the hard pixels only, plus soft Dice.

    Most pixels of a frame are settled early (the far background, the middle of a jumper);
    what the person model still gets wrong on real photos is a few confident regions — a
    facade, a pillar, a strip beside the person taken as person. Plain and edge-weighted BCE
    pay those as a small share of a mean over every pixel; this pays them in full."""
    return _hard_edge_bce(y_true, y_pred) + 0.5 * soft_dice_loss(y_true, y_pred)


def _hard_edge_bce(y_true, y_pred):
    """The edge-weighted BCE (less the label's entropy) over the pixels still wrong."""
    weights = 1.0 + EDGE_WEIGHT * edge_band(y_true)[..., 0]
    kl = _label_kl(y_true, y_pred)
    hard = tf.cast(kl > -tf.math.log(HARD_BELOW), kl.dtype)
    normaliser = tf.maximum(tf.reduce_sum(weights * hard), HARD_MIN_SHARE * tf.reduce_sum(weights))
    return tf.reduce_sum(weights * hard * kl) / normaliser


# Errors are ranked in this many equal bins rather than sorted: a full sort of a 160×288 batch of
# 16 costs 25 ms a step on 2 cores, the bins about a tenth of that, and within a bin of width
# 1/1024 the order changes the loss by less than the bin's width.
LOVASZ_BINS = 1024


def lovasz_loss(y_true, y_pred):
    """The Lovász-softmax loss over the two classes (person, background) of each image: a convex
    surrogate of 1 − IoU, so each image's IoU is what is paid, as the evaluation scores it.

    Soft Dice is a relaxation of the same thing, but its gradient on a pixel shrinks with the
    prediction's confidence everywhere; Lovász weighs each pixel's error by how much it moves
    the IoU once all errors are ranked (Berman et al. 2018), so a few large wrong regions (a
    facade taken as person) are paid at their full share of the union. Classes absent from an
    image are left out, as the paper's ``classes='present'`` does: a frame with nobody pays
    only for its background.

    The Jaccard loss of getting the k worst pixels wrong is evaluated at the end of each error
    bin (from its cumulative counts of person and background pixels) and its step across the
    bin shared among the bin's pixels: the paper's gradient, summed over the bin.
    """
    batch = tf.shape(y_pred)[0]
    truth = tf.reshape(tf.cast(y_true >= 0.5, y_pred.dtype), (batch, -1))
    errors = tf.abs(truth - tf.reshape(y_pred, (batch, -1)))  # the same for either class
    # Bin 0 holds the largest errors.
    rank = LOVASZ_BINS - 1 - tf.minimum(tf.cast(errors * LOVASZ_BINS, tf.int32), LOVASZ_BINS - 1)
    segments = rank + LOVASZ_BINS * tf.range(batch)[:, None]
    count_segments = batch * LOVASZ_BINS

    def per_bin(values):
        sums = tf.math.unsorted_segment_sum(values, segments, count_segments)
        return tf.reshape(sums, (batch, LOVASZ_BINS))

    in_bin = per_bin(tf.ones_like(errors))
    person = per_bin(truth)
    background = in_bin - person  # whole counts: exact in float32
    in_bin = tf.maximum(in_bin, 1.0)
    total, count = 0.0, 0.0
    for positives, negatives in ((person, background), (background, person)):
        present = tf.reduce_sum(positives, -1, keepdims=True)
        union = present + tf.cumsum(negatives, -1)
        jaccard = 1.0 - (present - tf.cumsum(positives, -1)) / tf.maximum(union, 1.0)
        step = jaccard - tf.pad(jaccard[:, :-1], [[0, 0], [1, 0]])
        weight = tf.stop_gradient(tf.gather(step / in_bin, rank, batch_dims=1))
        is_present = tf.cast(present[:, 0] > 0, y_pred.dtype)
        total += is_present * tf.reduce_sum(errors * weight, -1)
        count += is_present
    return tf.reduce_mean(total / tf.maximum(count, 1.0))


def hard_edge_bce_lovasz_loss(y_true, y_pred):
    """``hard_edge_bce_dice_loss`` with the Lovász loss in place of soft Dice."""
    return _hard_edge_bce(y_true, y_pred) + 0.5 * lovasz_loss(y_true, y_pred)


LOSSES = {
    "bce_dice": bce_dice_loss,
    "edge_bce_dice": edge_weighted_bce_dice_loss,
    "hard_edge_bce_dice": hard_edge_bce_dice_loss,
    "hard_edge_bce_lovasz": hard_edge_bce_lovasz_loss,
}


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
    "hard_edge_bce_dice_loss": hard_edge_bce_dice_loss,
    "hard_edge_bce_lovasz_loss": hard_edge_bce_lovasz_loss,
    "BilinearUpsample": BilinearUpsample,
}
