"""Preprocessing and augmentation in TensorFlow, applied identically to image and mask.

Images are float32 RGB in [0, 1], masks a soft alpha (H×W×1) in [0, 1]. Geometry (crop,
scale, flip, rotation) moves both; photometry (colour, brightness, blur, noise) touches only
the image.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import tensorflow as tf


@dataclass(frozen=True)
class AugmentConfig:
    """Each setting off at 0/False. ``default()`` is the recipe used for the person model."""

    flip_horizontal: bool = False
    flip_vertical: bool = False
    min_crop_scale: float = 1.0  # smallest crop side, as a fraction of the image side
    max_aspect_jitter: float = 0.0  # crop aspect ratio within 1 ± this
    max_rotation_deg: float = 0.0
    rotation_probability: float = 1.0  # rotating is the dearest step; not every sample needs it
    brightness: float = 0.0  # max brightness delta
    contrast: float = 0.0  # contrast factor within 1 ± this
    saturation: float = 0.0
    hue: float = 0.0
    blur_probability: float = 0.0
    max_blur_sigma: float = 1.5
    noise_probability: float = 0.0
    max_noise_std: float = 0.04

    @classmethod
    def none(cls) -> AugmentConfig:
        return cls()

    @classmethod
    def report(cls) -> AugmentConfig:
        """The report's augmentation: random flips only."""
        return cls(flip_horizontal=True, flip_vertical=True)

    @classmethod
    def default(cls) -> AugmentConfig:
        return cls(
            flip_horizontal=True,
            min_crop_scale=0.7,
            max_aspect_jitter=0.15,
            max_rotation_deg=8.0,
            rotation_probability=0.3,
            brightness=0.15,
            contrast=0.25,
            saturation=0.3,
            hue=0.03,
            blur_probability=0.2,
            noise_probability=0.3,
        )


AUGMENT_PRESETS = {
    "none": AugmentConfig.none,
    "report": AugmentConfig.report,
    "default": AugmentConfig.default,
}


def equalize_luminance(image: tf.Tensor) -> tf.Tensor:
    """The report's option: histogram-equalise Y in YPbPr, keep the colour (Pb, Pr).

    Mirrors ``softfocus.app.preprocess.equalize_luminance`` (numpy), which the app applies to models
    trained with it; tests check the two agree.
    """
    r, g, b = image[..., 0], image[..., 1], image[..., 2]
    y = 0.299 * r + 0.587 * g + 0.114 * b
    pb = (b - y) / 1.772
    pr = (r - y) / 1.402
    bins = tf.cast(tf.clip_by_value(tf.round(y * 255.0), 0, 255), tf.int32)
    histogram = tf.math.bincount(tf.reshape(bins, [-1]), minlength=256, maxlength=256)
    cdf = tf.cast(tf.cumsum(histogram), tf.float32)
    cdf_min = tf.reduce_min(tf.where(histogram > 0, cdf, tf.reduce_max(cdf)))
    denominator = tf.maximum(cdf[-1] - cdf_min, 1.0)
    lut = tf.clip_by_value((cdf - cdf_min) / denominator, 0.0, 1.0)
    y_eq = tf.gather(lut, bins)
    r2 = y_eq + 1.402 * pr
    b2 = y_eq + 1.772 * pb
    g2 = (y_eq - 0.299 * r2 - 0.114 * b2) / 0.587
    return tf.clip_by_value(tf.stack([r2, g2, b2], axis=-1), 0.0, 1.0)


def _crop_box(config: AugmentConfig, training: bool) -> tf.Tensor:
    if not training or config.min_crop_scale >= 1.0:
        return tf.constant([[0.0, 0.0, 1.0, 1.0]])
    scale = tf.random.uniform([], config.min_crop_scale, 1.0)
    aspect = tf.random.uniform([], 1 - config.max_aspect_jitter, 1 + config.max_aspect_jitter)
    height = tf.minimum(scale * tf.sqrt(aspect), 1.0)
    width = tf.minimum(scale / tf.sqrt(aspect), 1.0)
    top = tf.random.uniform([], 0.0, 1.0 - height + 1e-6)
    left = tf.random.uniform([], 0.0, 1.0 - width + 1e-6)
    return tf.stack([top, left, top + height, left + width])[None]


def _rotate(stack: tf.Tensor, degrees: float) -> tf.Tensor:
    angle = tf.random.uniform([], -degrees, degrees) * math.pi / 180.0
    height = tf.cast(tf.shape(stack)[0], tf.float32)
    width = tf.cast(tf.shape(stack)[1], tf.float32)
    cos, sin = tf.cos(angle), tf.sin(angle)
    cx, cy = (width - 1) / 2, (height - 1) / 2
    transform = tf.stack(
        [cos, -sin, cx - cos * cx + sin * cy, sin, cos, cy - sin * cx - cos * cy, 0.0, 0.0]
    )[None]
    rotated = tf.raw_ops.ImageProjectiveTransformV3(
        images=stack[None],
        transforms=transform,
        output_shape=tf.shape(stack)[:2],
        fill_value=0.0,
        interpolation="BILINEAR",
        fill_mode="REFLECT",
    )
    return rotated[0]


def _gaussian_blur(image: tf.Tensor, sigma: tf.Tensor) -> tf.Tensor:
    radius = 3
    x = tf.range(-radius, radius + 1, dtype=tf.float32)
    kernel = tf.exp(-(x**2) / (2 * sigma**2))
    kernel /= tf.reduce_sum(kernel)
    vertical = tf.tile(tf.reshape(kernel, [-1, 1, 1, 1]), [1, 1, 3, 1])
    horizontal = tf.tile(tf.reshape(kernel, [1, -1, 1, 1]), [1, 1, 3, 1])
    batch = image[None]
    batch = tf.nn.depthwise_conv2d(batch, vertical, [1, 1, 1, 1], "SAME")
    batch = tf.nn.depthwise_conv2d(batch, horizontal, [1, 1, 1, 1], "SAME")
    return batch[0]


def prepare_pair(
    image: tf.Tensor,
    alpha: tf.Tensor,
    size,
    config: AugmentConfig,
    training: bool,
    equalize: bool = False,
) -> tuple[tf.Tensor, tf.Tensor]:
    """Crop/resize to ``size`` (H, W: ints, or a tensor for per-sample shapes) and augment;
    image float [0,1] H×W×3, alpha H×W×1."""
    stack = tf.concat([image, alpha], axis=-1)
    box = _crop_box(config, training)
    stack = tf.image.crop_and_resize(stack[None], box, [0], size)[0]
    if training and config.flip_horizontal:
        stack = tf.cond(tf.random.uniform([]) < 0.5, lambda: tf.reverse(stack, [1]), lambda: stack)
    if training and config.flip_vertical:
        stack = tf.cond(tf.random.uniform([]) < 0.5, lambda: tf.reverse(stack, [0]), lambda: stack)
    if training and config.max_rotation_deg > 0 and config.rotation_probability >= 1:
        stack = _rotate(stack, config.max_rotation_deg)
    elif training and config.max_rotation_deg > 0 and config.rotation_probability > 0:
        stack = tf.cond(
            tf.random.uniform([]) < config.rotation_probability,
            lambda: _rotate(stack, config.max_rotation_deg),
            lambda: stack,
        )
    image, alpha = stack[..., :3], tf.clip_by_value(stack[..., 3:], 0.0, 1.0)
    if training:
        if config.brightness > 0:
            image = tf.image.random_brightness(image, config.brightness)
        if config.contrast > 0:
            image = tf.image.random_contrast(image, 1 - config.contrast, 1 + config.contrast)
        if config.saturation > 0:
            image = tf.image.random_saturation(image, 1 - config.saturation, 1 + config.saturation)
        if config.hue > 0:
            image = tf.image.random_hue(image, config.hue)
        if config.blur_probability > 0:
            sigma = tf.random.uniform([], 0.3, config.max_blur_sigma)
            image = tf.cond(
                tf.random.uniform([]) < config.blur_probability,
                lambda: _gaussian_blur(image, sigma),
                lambda: image,
            )
        if config.noise_probability > 0:
            std = tf.random.uniform([], 0.0, config.max_noise_std)
            image = tf.cond(
                tf.random.uniform([]) < config.noise_probability,
                lambda: image + tf.random.normal(tf.shape(image), stddev=std),
                lambda: image,
            )
        image = tf.clip_by_value(image, 0.0, 1.0)
    if equalize:
        image = equalize_luminance(image)
    static = size if isinstance(size, (tuple, list)) else (None, None)
    image.set_shape([static[0], static[1], 3])
    alpha.set_shape([static[0], static[1], 1])
    return image, alpha
