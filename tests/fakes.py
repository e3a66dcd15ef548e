"""Test data the tests make themselves: tiny contract-honouring ONNX models, frames, clips."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import onnx
from onnx import TensorProto, helper

from softfocus.model.contract import (
    METADATA_KEY,
    OUTPUT_FOREGROUND,
    OUTPUT_PROBABILITIES,
    ModelContract,
)

SIZE = 32


def _const(name: str, values, dtype=TensorProto.FLOAT) -> onnx.TensorProto:
    array = np.asarray(values)
    return helper.make_tensor(name, dtype, array.shape, array.flatten().tolist())


def red_detector_model(
    path: Path,
    output_kind: str = OUTPUT_FOREGROUND,
    size: int = SIZE,
    metadata: str | None = None,
    output_channels: int | None = None,
) -> Path:
    """A model whose 'person' is anything red: p = sigmoid(20·(R − 0.5)) per pixel.

    Three-class models output (0.9·p, 1 − p, 0.1·p): foreground, background, border.
    """
    nodes = [
        helper.make_node("Slice", ["image", "starts", "ends", "axes"], ["red"]),
        helper.make_node("Sub", ["red", "half"], ["centred"]),
        helper.make_node("Mul", ["centred", "gain"], ["logit"]),
        helper.make_node("Sigmoid", ["logit"], ["p"]),
    ]
    inits = [
        _const("starts", [0], TensorProto.INT64),
        _const("ends", [1], TensorProto.INT64),
        _const("axes", [3], TensorProto.INT64),
        _const("half", [0.5]),
        _const("gain", [20.0]),
    ]
    channels = 1
    if output_kind == OUTPUT_PROBABILITIES:
        channels = 3
        nodes += [
            helper.make_node("Mul", ["p", "fg_share"], ["fg"]),
            helper.make_node("Sub", ["one", "p"], ["bg"]),
            helper.make_node("Mul", ["p", "border_share"], ["border"]),
            helper.make_node("Concat", ["fg", "bg", "border"], ["probs"], axis=3),
        ]
        inits += [_const("fg_share", [0.9]), _const("one", [1.0]), _const("border_share", [0.1])]
        out_name = "probs"
    else:
        out_name = "p"
    channels = output_channels or channels
    graph = helper.make_graph(
        nodes,
        "red_detector",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["N", size, size, 3])],
        [helper.make_tensor_value_info(out_name, TensorProto.FLOAT, ["N", size, size, channels])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    if metadata is None:
        metadata = ModelContract(
            input_height=size, input_width=size, output_kind=output_kind, name="red-detector"
        ).to_json()
    if metadata:
        entry = model.metadata_props.add()
        entry.key, entry.value = METADATA_KEY, metadata
    onnx.save(model, str(path))
    return path


def person_frame(
    width: int = 160, height: int = 120, shift: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """A textured blue background with a red 'person' box; returns (frame_bgr, true mask)."""
    rng = np.random.default_rng(0)
    frame = np.zeros((height, width, 3), np.uint8)
    frame[:] = (180, 120, 40)
    noise = rng.integers(0, 60, (height, width, 1), dtype=np.uint8)
    frame = cv2.add(frame, np.repeat(noise, 3, axis=2))
    mask = np.zeros((height, width), np.uint8)
    x0, y0 = width // 3 + shift, height // 4
    cv2.rectangle(mask, (x0, y0), (x0 + width // 3, height - 1), 1, -1)
    frame[mask > 0] = (30, 30, 230)
    return frame, mask


def write_clip(path: Path, frames: int = 12, width: int = 160, height: int = 120, fps: float = 15):
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, (width, height))
    for i in range(frames):
        writer.write(person_frame(width, height, shift=i)[0])
    writer.release()
    return path
