"""Keras → ONNX under the model contract, with a parity check that fails the export."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from softfocus.model.contract import (
    DYNAMIC_DIMS,
    METADATA_KEY,
    OUTPUT_FOREGROUND,
    OUTPUT_PROBABILITIES,
    ModelContract,
)
from softfocus.model.presets import HEAD_SIGMOID, UNetConfig

PARITY_TOLERANCE = 1e-4
OPSET = 17


class ExportError(RuntimeError):
    pass


def contract_for(
    config: UNetConfig,
    foreground_name: str = "foreground",
    name: str | None = None,
    description: str = "",
    equalize: bool = False,
    extra: dict | None = None,
) -> ModelContract:
    if config.head == HEAD_SIGMOID:
        classes, border, kind = (foreground_name, "background"), (), OUTPUT_FOREGROUND
    elif config.num_classes == 3:
        classes, border, kind = (
            (foreground_name, "background", "border"),
            (2,),
            OUTPUT_PROBABILITIES,
        )
    else:
        classes, border, kind = (foreground_name, "background"), (), OUTPUT_PROBABILITIES
    return ModelContract(
        input_height=config.input_height,
        input_width=config.input_width,
        classes=classes,
        foreground_classes=(0,),
        border_classes=border,
        output_kind=kind,
        name=name or config.name,
        description=description,
        equalize_luminance=equalize,
        input_stride=config.stride if config.flexible_input else 0,
        extra=dict(extra or {}, preset=config.name),
    )


def export_onnx(
    model,
    contract: ModelContract,
    path: str | os.PathLike,
    parity_inputs: np.ndarray | None = None,
) -> float:
    """Write ``path``; returns the Keras-vs-ONNX Runtime max abs difference (≤ 1e-4 or raise)."""
    import onnx
    import onnxruntime as ort
    import tensorflow as tf
    import tf2onnx

    height, width = contract.input_height, contract.input_width
    flexible = bool(contract.input_stride)
    shape = (None, None, None, 3) if flexible else (None, height, width, 3)
    spec = [tf.TensorSpec(shape, tf.float32, name="image")]
    function = tf.function(lambda image: model(image, training=False), input_signature=spec)
    proto, _ = tf2onnx.convert.from_function(function, input_signature=spec, opset=OPSET)
    if flexible:  # named, so the app can pin them per frame shape
        for value in (proto.graph.input[0], proto.graph.output[0]):
            for dim, name in zip(value.type.tensor_type.shape.dim, DYNAMIC_DIMS):
                dim.dim_param = name
    entry = proto.metadata_props.add()
    entry.key, entry.value = METADATA_KEY, contract.to_json()
    proto.producer_name = "softfocus-train"
    if flexible:
        proto = _faster_graph(proto, contract)
    onnx.checker.check_model(proto)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(proto, str(path))

    rng = np.random.default_rng(0)
    inputs = rng.random((2, height, width, 3), dtype=np.float32)
    if parity_inputs is not None and len(parity_inputs):
        inputs = np.concatenate([inputs, parity_inputs.astype(np.float32)], axis=0)
    batches = [inputs]
    if flexible:  # and at a shape of the other orientation
        stride = contract.input_stride
        batches.append(rng.random((1, width // stride * stride, height, 3), dtype=np.float32))
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    difference = 0.0
    for batch in batches:
        onnx_out = np.concatenate(
            [session.run(None, {session.get_inputs()[0].name: x[None]})[0] for x in batch]
        )
        keras_out = model.predict(batch, verbose=0)
        difference = max(difference, float(np.abs(onnx_out - keras_out).max()))
    if difference > PARITY_TOLERANCE:
        path.unlink(missing_ok=True)
        raise ExportError(
            f"ONNX and Keras disagree by {difference:.2e} (> {PARITY_TOLERANCE:.0e}); "
            "the export was deleted. Check the model uses only layers tf2onnx converts."
        )
    return difference


def _faster_graph(proto, contract: ModelContract):
    """``proto`` with its transposed convolutions rewritten (training/onnx_rewrite.py) when
    the rewrite gives the same outputs; a flexible model only, whose inputs are always
    multiples of the stride (the rewrite drops the pad that other sizes would need)."""
    import onnx

    from softfocus.training.onnx_rewrite import (
        TOLERANCE,
        rewrite_transposed_convs,
        same_outputs,
    )

    candidate = onnx.ModelProto()
    candidate.CopyFrom(proto)
    if not rewrite_transposed_convs(candidate):
        return proto
    height, width, stride = contract.input_height, contract.input_width, contract.input_stride
    shapes = [(height, width), (width // stride * stride, height // stride * stride)]
    difference = same_outputs(proto.SerializeToString(), candidate.SerializeToString(), shapes)
    return candidate if difference <= TOLERANCE else proto
