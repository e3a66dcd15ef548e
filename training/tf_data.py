"""Streaming tf.data pipelines over sample lists: parallel decode, augment, batch, prefetch.

Only file paths live in memory, so a 100k-image folder trains the same as a tiny one.
"""

from __future__ import annotations

import tensorflow as tf

from softfocus.model.presets import HEAD_SIGMOID, UNetConfig
from softfocus.training.augment import AugmentConfig, prepare_pair
from softfocus.training.datasets import KIND_INDEX, Sample


def _lookup_tables(border_is_foreground: bool) -> tf.Tensor:
    """[3, 256] LUT: row = mask kind (trimap, binary, alpha), column = mask value → alpha."""
    trimap = [0.0] * 256
    trimap[1], trimap[2], trimap[3] = 1.0, 0.0, 1.0 if border_is_foreground else 0.5
    binary = [0.0] + [1.0] * 255
    alpha = [v / 255.0 for v in range(256)]
    return tf.constant([trimap, binary, alpha], tf.float32)


def alpha_to_target(alpha: tf.Tensor, config: UNetConfig) -> tf.Tensor:
    """Sigmoid heads learn the alpha; softmax heads a class map (fg 0, bg 1, border 2)."""
    if config.head == HEAD_SIGMOID:
        return alpha
    classes = tf.fill(tf.shape(alpha), 2)
    classes = tf.where(alpha >= 0.75, 0, classes)
    classes = tf.where(alpha <= 0.25, 1, classes)
    if config.num_classes == 2:
        classes = tf.where(classes == 2, 0, classes)
    return tf.cast(classes, tf.int32)


def make_dataset(
    samples: list[Sample],
    config: UNetConfig,
    batch_size: int,
    augment: AugmentConfig,
    training: bool,
    border_is_foreground: bool = False,
    equalize: bool = False,
    seed: int = 42,
    alpha_targets: bool = False,
) -> tf.data.Dataset:
    """Batches of (image, target); ``alpha_targets`` yields the soft alpha for every head."""
    images = [s.image_path for s in samples]
    masks = [s.mask_path for s in samples]
    kinds = [KIND_INDEX[s.mask_kind] for s in samples]
    tables = _lookup_tables(border_is_foreground)
    size = (config.input_height, config.input_width)

    def load(image_path, mask_path, kind):
        image = tf.io.decode_image(tf.io.read_file(image_path), channels=3, expand_animations=False)
        mask = tf.io.decode_image(tf.io.read_file(mask_path), channels=1, expand_animations=False)
        alpha = tf.gather(tables[kind], tf.cast(mask, tf.int32))
        image = tf.image.convert_image_dtype(image, tf.float32)
        image, alpha = prepare_pair(image, alpha, size, augment, training, equalize)
        return image, alpha if alpha_targets else alpha_to_target(alpha, config)

    dataset = tf.data.Dataset.from_tensor_slices((images, masks, kinds))
    if training:
        dataset = dataset.shuffle(len(images), seed=seed, reshuffle_each_iteration=True)
    dataset = dataset.map(load, num_parallel_calls=tf.data.AUTOTUNE, deterministic=not training)
    return dataset.batch(batch_size).prefetch(tf.data.AUTOTUNE)
