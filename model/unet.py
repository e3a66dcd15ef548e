"""The U-Net in Keras 3, built by a loop over a preset's filter counts.

Imports TensorFlow/Keras: only the training package imports this module, never the app.
Every layer gets a stable name (``enc2_conv1``, ``dec3_concat``, ``head_up`` …) so weights,
shapes in tests and nodes in the exported graph can be found by name.
"""

from __future__ import annotations

import keras
import tensorflow as tf
from keras import layers

from softfocus.model.presets import HEAD_SIGMOID, UNetConfig

# Keras' default (0.99) needs hundreds of steps before the moving statistics used at inference
# match the batches; CPU-sized runs have few steps per epoch, so they converge faster with 0.9.
BN_MOMENTUM = 0.9


@keras.saving.register_keras_serializable(package="softfocus")
class DepthToSpace(layers.Layer):
    """Channels to a ``block``×``block`` cell of pixels (tf.nn.depth_to_space, NHWC; ONNX's
    DepthToSpace in DCR order): the sub-pixel head's logits put in place."""

    def __init__(self, block: int = 2, **kwargs) -> None:
        super().__init__(**kwargs)
        self.block = block

    def call(self, x):
        return tf.nn.depth_to_space(x, self.block)

    def compute_output_shape(self, input_shape):
        scaled = [None if d is None else d * self.block for d in input_shape[1:3]]
        return (input_shape[0], *scaled, input_shape[3] // self.block**2)

    def get_config(self) -> dict:
        return {**super().get_config(), "block": self.block}


@keras.saving.register_keras_serializable(package="softfocus")
class BilinearUpsample(layers.Layer):
    """×``factor`` bilinear upsampling that also works on a dynamic H×W (Keras' UpSampling2D
    needs static sizes in graph mode, so a flexible-input model could not be traced)."""

    def __init__(self, factor: int = 2, **kwargs) -> None:
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, x):
        return tf.image.resize(x, tf.shape(x)[1:3] * self.factor, method="bilinear")

    def compute_output_shape(self, input_shape):
        scaled = [None if d is None else d * self.factor for d in input_shape[1:3]]
        return (input_shape[0], *scaled, input_shape[3])

    def get_config(self) -> dict:
        return {**super().get_config(), "factor": self.factor}


def _conv_block(x, filters: int, count: int, prefix: str, slope: float, separable: bool = False):
    conv = layers.SeparableConv2D if separable else layers.Conv2D
    for index in range(1, count + 1):
        x = conv(filters, 3, padding="same", use_bias=False, name=f"{prefix}_conv{index}")(x)
        x = layers.BatchNormalization(momentum=BN_MOMENTUM, name=f"{prefix}_bn{index}")(x)
        x = layers.LeakyReLU(negative_slope=slope, name=f"{prefix}_act{index}")(x)
    return x


def build_unet(config: UNetConfig) -> keras.Model:
    if config.flexible_input:
        inputs = keras.Input((None, None, 3), name="image")
    else:
        inputs = keras.Input((config.input_height, config.input_width, 3), name="image")
    x = inputs
    slope = config.leaky_relu_slope
    if config.stem_stride > 1:
        # Halving resolution first divides the cost of every later layer by four; the
        # background matte does not need full-resolution features.
        x = layers.Conv2D(
            config.stem_filters or config.filters[0],
            3,
            strides=config.stem_stride,
            padding="same",
            use_bias=False,
            name="stem_conv",
        )(x)
        x = layers.BatchNormalization(momentum=BN_MOMENTUM, name="stem_bn")(x)
        x = layers.LeakyReLU(negative_slope=slope, name="stem_act")(x)

    def separable(level: int) -> bool:
        return 0 < config.separable_from_level <= level

    skips = []
    for level, filters in enumerate(config.filters):
        convs = config.first_level_convs if level == 0 and config.first_level_convs else None
        x = _conv_block(
            x, filters, convs or config.convs_per_block, f"enc{level}", slope, separable(level)
        )
        skips.append(x)
        x = layers.MaxPooling2D(2, name=f"enc{level}_pool")(x)

    if config.bridge_filters:
        # Two 3×3 convs at 1/32 of the input reach across the whole frame: whether a blob
        # beside a head is more of that person or a sign behind them is decided here.
        x = _conv_block(
            x,
            config.bridge_filters,
            config.convs_per_block,
            "bridge",
            slope,
            separable(len(config.filters)),
        )

    # Decoder: back up to the second level's resolution, one stage per deeper level.
    for level in range(len(config.filters) - 1, 0, -1):
        filters = config.filters[level - 1]
        x = layers.Conv2DTranspose(filters, 3, strides=2, padding="same", name=f"dec{level}_up")(x)
        x = layers.Concatenate(name=f"dec{level}_concat")([x, skips[level]])
        x = _conv_block(
            x, filters, config.convs_per_block, f"dec{level}", slope, separable(level - 1)
        )

    x = layers.Conv2DTranspose(config.filters[0], 3, strides=2, padding="same", name="head_up")(x)
    if config.head_skip and config.head_merge == "add":
        x = layers.Add(name="head_add")([x, skips[0]])
    elif config.head_skip:
        x = layers.Concatenate(name="head_concat")([x, skips[0]])
        x = _conv_block(x, config.filters[0], 1, "head", slope)
    features = x
    x = layers.Conv2D(config.output_channels, 1, name="head_logits")(x)
    if config.stem_stride > 1 and config.flexible_input:
        x = BilinearUpsample(config.stem_stride, name="head_resize")(x)
    elif config.stem_stride > 1:
        x = layers.UpSampling2D(config.stem_stride, interpolation="bilinear", name="head_resize")(x)
    if config.head_subpixel and config.stem_stride > 1:
        cell = config.stem_stride
        detail = layers.Conv2D(
            config.output_channels * cell * cell, 1, kernel_initializer="zeros", name="head_detail"
        )(features)
        detail = DepthToSpace(cell, name="head_subpixel")(detail)
        x = layers.Add(name="head_sharpen")([x, detail])
    activation = "sigmoid" if config.head == HEAD_SIGMOID else "softmax"
    outputs = layers.Activation(activation, name="probabilities", dtype="float32")(x)
    return keras.Model(inputs, outputs, name=f"unet_{config.name}")
