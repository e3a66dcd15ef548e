"""``softfocus-train import``: a foreign segmentation model made into a Softfocus model.

The app reads one model contract (model/CONTRACT.md): NHWC float RGB in [0, 1] at a fixed
size in, p(foreground) out at the same size. Other people's models take NCHW, BGR, [-1, 1] or
[0, 255] and give logits, background probabilities or class scores. Rather than teach the app
every convention, the import wraps the foreign graph in a few ONNX nodes (channel order,
range, layout before it; activation, class, layout and size after it) and writes the contract
into the result, so the app runs it like any model of its own.

TFLite files go through tf2onnx first. MediaPipe's Selfie Segmentation models use one custom
op, ``Convolution2DTransposeBias`` (a transposed convolution with a bias), which tf2onnx does
not know; :func:`convolution_transpose_bias` converts it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from softfocus.model.contract import METADATA_KEY, OUTPUT_FOREGROUND, ModelContract

LAYOUTS = ("nhwc", "nchw")
CHANNEL_ORDERS = ("rgb", "bgr")
OUTPUT_MEANINGS = ("foreground", "background", "foreground-logit", "class-scores", "class-logits")
OPSET = 14  # HardSwish, used by MediaPipe, needs 14


class ModelImportError(ValueError):
    """The foreign model cannot be imported as described; the message says why and what to
    pass instead."""


@dataclass(frozen=True)
class ForeignModel:
    """How the foreign model wants its input and what its output means."""

    layout: str = "nhwc"
    channels: str = "rgb"
    value_range: tuple[float, float] = (0.0, 1.0)
    input_size: tuple[int, int] | None = None  # (height, width) where the model's is dynamic
    output_layout: str = "nhwc"
    output: str = "foreground"
    foreground_class: int = 1
    name: str = "imported"
    description: str = ""
    licence: str = ""
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        for value, allowed, what in (
            (self.layout, LAYOUTS, "input layout"),
            (self.output_layout, LAYOUTS, "output layout"),
            (self.channels, CHANNEL_ORDERS, "channel order"),
            (self.output, OUTPUT_MEANINGS, "output meaning"),
        ):
            if value not in allowed:
                raise ModelImportError(
                    f"Unknown {what} {value!r}; choose one of {', '.join(allowed)}."
                )


def convolution_transpose_bias(ctx, node, name, args) -> None:
    """tf2onnx handler for MediaPipe's TFLite custom op ``Convolution2DTransposeBias``.

    Inputs: x NHWC, weights OHWI, bias [O]. Its options (padding, strides) are packed as a raw
    C struct that tf2onnx cannot read, so the strides come from the tensors' shapes, which the
    TFLite file records, and the output size is given explicitly (ONNX then derives SAME-style
    pads). Becomes Transpose → ConvTranspose → Transpose, weights transposed to IOHW.
    """
    input_shape = ctx.get_shape(node.input[0])
    output_shape = ctx.get_shape(node.output[0])
    kernel_shape = ctx.get_shape(node.input[1])  # O, kH, kW, I
    shapes = (input_shape, output_shape, kernel_shape)
    if any(shape is None or len(shape) != 4 or None in shape or -1 in shape for shape in shapes):
        raise ModelImportError(
            f"Convolution2DTransposeBias {name}: shapes unknown (input {input_shape}, output "
            f"{output_shape}, weights {kernel_shape}); pass --input-size so they can be inferred."
        )
    strides = [output_shape[1] // input_shape[1], output_shape[2] // input_shape[2]]
    # Weights may arrive through a dequantise node (MediaPipe stores them as float16), so
    # they are transposed by a node, which ONNX Runtime folds at load time.
    ctx.insert_new_node_on_input(node, "Transpose", node.input[1], perm=[3, 0, 1, 2])
    kernel = (kernel_shape[1], kernel_shape[2])
    node.type = "ConvTranspose"
    node.set_attr("strides", strides)
    node.set_attr("kernel_shape", [int(kernel[0]), int(kernel[1])])
    node.set_attr("output_shape", [int(output_shape[1]), int(output_shape[2])])
    for attribute in list(node.attr):
        if attribute not in ("strides", "kernel_shape", "output_shape"):
            del node.attr[attribute]
    ctx.insert_new_node_on_input(node, "Transpose", node.input[0], perm=[0, 3, 1, 2])
    nchw_out = [int(output_shape[0]), int(output_shape[3]), *map(int, output_shape[1:3])]
    ctx.set_shape(node.output[0], nchw_out)
    back = ctx.insert_new_node_on_output("Transpose", node.output[0], perm=[0, 2, 3, 1])
    ctx.set_shape(back.output[0], output_shape)
    ctx.copy_dtype(node.output[0], back.output[0])


# tf2onnx names TFLite ops TFL_<code>, custom ones included.
CUSTOM_OP_HANDLERS = {
    "TFL_Convolution2DTransposeBias": (convolution_transpose_bias, []),
    "Convolution2DTransposeBias": (convolution_transpose_bias, []),
}


def tflite_to_onnx(path: Path):
    """A TFLite file as an ONNX ModelProto (tf2onnx, with MediaPipe's custom op handled)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tf2onnx

    try:
        proto, _ = tf2onnx.convert.from_tflite(
            str(path), opset=OPSET, custom_op_handlers=CUSTOM_OP_HANDLERS
        )
    except Exception as error:  # tf2onnx raises bare Exceptions and ValueErrors alike
        raise ModelImportError(
            f"{path.name} could not be converted from TFLite ({str(error).splitlines()[0]}). "
            "Check it is a complete .tflite file."
        ) from None
    return proto


def load_foreign(path: Path):
    import onnx

    if not path.is_file():
        raise ModelImportError(f"{path} does not exist; pass an .onnx or .tflite file.")
    if path.suffix.lower() == ".tflite":
        return tflite_to_onnx(path)
    try:
        return onnx.load(str(path))
    except Exception:
        raise ModelImportError(
            f"{path.name} is not a readable ONNX file; pass an .onnx or .tflite model."
        ) from None


def _dims(value_info) -> list:
    return [
        d.dim_value if d.HasField("dim_value") else None
        for d in value_info.type.tensor_type.shape.dim
    ]


def wrap(proto, spec: ForeignModel):
    """The foreign graph behind pre- and post-processing nodes, under the contract."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    graph = proto.graph
    initializer_names = {i.name for i in graph.initializer}
    inputs = [i for i in graph.input if i.name not in initializer_names]
    if len(inputs) != 1 or len(graph.output) != 1:
        raise ModelImportError(
            f"The model has {len(inputs)} inputs and {len(graph.output)} outputs; only "
            "single-image, single-mask models can be imported."
        )
    foreign_in, foreign_out = inputs[0], graph.output[0]
    dims = _dims(foreign_in)
    if len(dims) != 4:
        raise ModelImportError(f"The model's input has shape {dims}; expected 4 dimensions.")
    height, width = (dims[1], dims[2]) if spec.layout == "nhwc" else (dims[2], dims[3])
    if spec.input_size:
        height, width = spec.input_size
    if not height or not width:
        raise ModelImportError("The model's input size is dynamic; pass --input-size HxW.")
    channel_axis = 3 if spec.layout == "nhwc" else 1
    if (dims[channel_axis] or 3) != 3:
        raise ModelImportError(
            f"The model's input has {dims[channel_axis]} channels on the {spec.layout} channel "
            "axis; check --layout."
        )

    nodes, inits = [], []

    def const(name: str, values, dtype=np.float32):
        inits.append(numpy_helper.from_array(np.asarray(values, dtype=dtype), name))
        return name

    current = "image"
    if spec.channels == "bgr":
        nodes.append(helper.make_node("Gather", [current, const("sf_bgr", [2, 1, 0], np.int64)],
                                      ["sf_swapped"], axis=3))  # fmt: skip
        current = "sf_swapped"
    low, high = spec.value_range
    if (low, high) != (0.0, 1.0):
        nodes.append(helper.make_node("Mul", [current, const("sf_scale", high - low)], ["sf_m"]))
        nodes.append(helper.make_node("Add", ["sf_m", const("sf_offset", low)], ["sf_ranged"]))
        current = "sf_ranged"
    if spec.layout == "nchw":
        nodes.append(helper.make_node("Transpose", [current], ["sf_nchw"], perm=[0, 3, 1, 2]))
        current = "sf_nchw"
    nodes.append(helper.make_node("Identity", [current], [foreign_in.name]))
    pre = nodes

    nodes = []
    current = foreign_out.name
    if spec.output_layout == "nchw":
        nodes.append(helper.make_node("Transpose", [current], ["sf_nhwc"], perm=[0, 2, 3, 1]))
        current = "sf_nhwc"
    if spec.output == "class-logits":
        nodes.append(helper.make_node("Softmax", [current], ["sf_softmax"], axis=-1))
        current = "sf_softmax"
    if spec.output.startswith("class-"):
        index = spec.foreground_class
        nodes.append(helper.make_node(
            "Slice",
            [current, const("sf_s0", [index], np.int64), const("sf_s1", [index + 1], np.int64),
             const("sf_sa", [3], np.int64)],
            ["sf_class"],
        ))  # fmt: skip
        current = "sf_class"
    if spec.output == "foreground-logit":
        nodes.append(helper.make_node("Sigmoid", [current], ["sf_sigmoid"]))
        current = "sf_sigmoid"
    if spec.output == "background":
        nodes.append(helper.make_node("Sub", [const("sf_one", 1.0), current], ["sf_fg"]))
        current = "sf_fg"
    # Same size as the input, as the contract says (many models answer at a lower resolution).
    nodes.append(helper.make_node(
        "Resize",
        [current, "", "", const("sf_size", [1, height, width, 1], np.int64)],
        ["sf_resized"],
        mode="linear",
    ))  # fmt: skip
    nodes.append(helper.make_node("Clip", ["sf_resized", const("sf_lo", 0.0),
                                           const("sf_hi", 1.0)], ["alpha"]))  # fmt: skip

    new_graph = helper.make_graph(
        pre + list(graph.node) + nodes,
        spec.name,
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["N", height, width, 3])],
        [helper.make_tensor_value_info("alpha", TensorProto.FLOAT, ["N", height, width, 1])],
        list(graph.initializer) + inits,
        value_info=list(graph.value_info),
    )
    opsets = [o for o in proto.opset_import if o.domain not in ("", "ai.onnx")]
    version = max([OPSET] + [o.version for o in proto.opset_import if o.domain in ("", "ai.onnx")])
    model = helper.make_model(new_graph, opset_imports=[helper.make_opsetid("", version), *opsets])
    model.ir_version = min(proto.ir_version or 8, 9) if proto.ir_version else 8
    extra = dict(spec.extra)
    if spec.licence:
        extra["licence"] = spec.licence
    contract = ModelContract(
        input_height=int(height),
        input_width=int(width),
        classes=("person", "background"),
        foreground_classes=(0,),
        border_classes=(),
        output_kind=OUTPUT_FOREGROUND,
        name=spec.name,
        description=spec.description,
        extra=extra,
    )
    entry = model.metadata_props.add()
    entry.key, entry.value = METADATA_KEY, contract.to_json()
    onnx.checker.check_model(model)
    return model


def import_model(source: Path, output: Path, spec: ForeignModel) -> ModelContract:
    """Convert, wrap, save, and prove the result loads and runs in the app's Segmenter."""
    import onnx

    from softfocus.app.segmenter import Segmenter

    model = wrap(load_foreign(source), spec)
    output.parent.mkdir(parents=True, exist_ok=True)
    temporary = output.with_name(f".{output.name}.part")
    onnx.save(model, str(temporary))
    try:
        with Segmenter(temporary) as segmenter:
            frame = np.full((spec.input_size or (64, 64)) + (3,), 128, np.uint8)
            alpha = segmenter.process(frame)
            if not np.isfinite(alpha).all():
                raise ModelImportError(
                    f"The imported {source.name} gives non-finite output; check --range and "
                    "--output."
                )
            contract = segmenter.contract
        os.replace(temporary, output)
    finally:
        temporary.unlink(missing_ok=True)
    return contract
