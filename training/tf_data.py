"""Streaming tf.data pipelines over sample lists: parallel decode, augment, batch, prefetch.

Only file paths live in memory, so a 100k-image folder trains the same as a tiny one.
"""

from __future__ import annotations

import tensorflow as tf

from softfocus.model.contract import flexible_input_size
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


def sample_sizes(
    samples: list[Sample], config: UNetConfig, scale: float = 1.0
) -> list[tuple[int, int]]:
    """(height, width) each sample trains at: the preset's shape, or for a flexible-input
    preset the shape the app would feed a frame of that sample's aspect ratio, so training
    sees portrait inputs exactly where the app will make them. ``scale`` shrinks each side
    (to multiples of the stride) for the cheap low-resolution epochs of progressive resizing."""
    if not config.flexible_input:
        if scale != 1.0:
            raise ValueError(f"preset {config.name!r} has a fixed input: it trains at one size")
        return [(config.input_height, config.input_width)] * len(samples)
    from PIL import Image  # reads only the header

    budget = round(config.input_height * config.input_width * scale * scale)
    sizes = []
    for sample in samples:
        with Image.open(sample.image_path) as image:
            width, height = image.size
        w, h = flexible_input_size(config.stride, budget, width, height)
        sizes.append((h, w))
    return sizes


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
    size_scale: float = 1.0,
    autotune: bool = False,
) -> tf.data.Dataset:
    """Batches of (image, target); ``alpha_targets`` yields the soft alpha for every head;
    ``size_scale`` < 1 trains at smaller inputs (see ``sample_sizes``); ``autotune`` turns
    tf.data's autotuner on (off by default, see below)."""
    images = [s.image_path for s in samples]
    masks = [s.mask_path for s in samples]
    kinds = [KIND_INDEX[s.mask_kind] for s in samples]
    tables = _lookup_tables(border_is_foreground)
    sizes = sample_sizes(samples, config, size_scale)

    fixed = None if config.flexible_input else (config.input_height, config.input_width)

    def load(image_path, mask_path, kind, size):
        size = fixed or size
        image = tf.io.decode_image(tf.io.read_file(image_path), channels=3, expand_animations=False)
        mask = tf.io.decode_image(tf.io.read_file(mask_path), channels=1, expand_animations=False)
        alpha = tf.gather(tables[kind], tf.cast(mask, tf.int32))
        image = tf.image.convert_image_dtype(image, tf.float32)
        image, alpha = prepare_pair(image, alpha, size, augment, training, equalize)
        return image, alpha if alpha_targets else alpha_to_target(alpha, config)

    dataset = tf.data.Dataset.from_tensor_slices((images, masks, kinds, sizes))
    if training:
        dataset = dataset.shuffle(len(images), seed=seed, reshuffle_each_iteration=True)
    dataset = dataset.map(load, num_parallel_calls=tf.data.AUTOTUNE, deterministic=not training)
    if len(set(sizes)) > 1:  # a batch holds one shape
        dataset = dataset.group_by_window(
            key_func=lambda image, _target: tf.cast(
                tf.shape(image)[0] * 8192 + tf.shape(image)[1], tf.int64
            ),
            reduce_func=lambda _key, window: window.batch(batch_size),
            window_size=batch_size,
        )
    else:
        dataset = dataset.batch(batch_size)
    # tf.data's autotuner off: on 2 cores its threads and the training step's starve each
    # other, and a step then takes a fixed extra wait (the person network at 0.583 the size:
    # 205 ms a step with it, 126-134 without, the network alone about 115;
    # benchmarks/training_input.py). The map still runs as many calls as there are cores.
    options = tf.data.Options()
    options.autotune.enabled = autotune
    return dataset.prefetch(tf.data.AUTOTUNE).with_options(options)
