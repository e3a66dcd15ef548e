"""The transposed-convolution rewrite gives the float graph's outputs, in fewer, faster ops."""

import numpy as np
import pytest

pytest.importorskip("onnx")
import onnx
from onnx import TensorProto, helper, numpy_helper

from softfocus.training.onnx_rewrite import rewrite_transposed_convs, same_outputs, subpixel_weights


def _decoder_step(c_in: int = 3, c_out: int = 5) -> onnx.ModelProto:
    """What tf2onnx writes for a stride-2 'same' Conv2DTranspose before a skip Concat:
    ConvTranspose → Slice (first 2H×2W) → Pad (zero here) → Concat with the skip."""
    rng = np.random.default_rng(0)
    weights = rng.normal(size=(c_in, c_out, 3, 3)).astype(np.float32)
    bias = rng.normal(size=c_out).astype(np.float32)
    nodes = [
        helper.make_node("Transpose", ["image"], ["x"], perm=[0, 3, 1, 2]),
        helper.make_node("ConvTranspose", ["x", "w", "b"], ["up"], name="ct",
                         strides=[2, 2], kernel_shape=[3, 3], dilations=[1, 1]),
        helper.make_node("Shape", ["x"], ["shape"]),
        helper.make_node("Slice", ["shape", "two", "four"], ["hw"]),
        helper.make_node("Mul", ["hw", "two"], ["ends"]),
        helper.make_node("Slice", ["up", "zeros", "ends", "axes"], ["cropped"], name="crop"),
        helper.make_node("Pad", ["cropped", "no_pads"], ["padded"], name="pad"),
        helper.make_node("Resize", ["x", "", "scales"], ["skip"], mode="nearest"),
        helper.make_node("Concat", ["padded", "skip"], ["joined"], axis=1),
        helper.make_node("Transpose", ["joined"], ["out"], perm=[0, 2, 3, 1]),
    ]  # fmt: skip
    constants = {
        "w": weights, "b": bias,
        "two": np.array([2], np.int64), "four": np.array([4], np.int64),
        "zeros": np.array([0, 0], np.int64), "axes": np.array([2, 3], np.int64),
        "no_pads": np.zeros(8, np.int64), "scales": np.array([1, 1, 2, 2], np.float32),
    }  # fmt: skip
    graph = helper.make_graph(
        nodes,
        "decoder",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["batch", "h", "w", 3])],
        [helper.make_tensor_value_info("out", TensorProto.FLOAT, ["batch", "h", "w", "c"])],
        [numpy_helper.from_array(v, k) for k, v in constants.items()],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def test_subpixel_rewrite_keeps_the_outputs_and_drops_the_crop():
    model = _decoder_step()
    before = model.SerializeToString()
    assert rewrite_transposed_convs(model) == 1
    ops = [node.op_type for node in model.graph.node]
    assert "ConvTranspose" not in ops and "Pad" not in ops and ops.count("Slice") == 0
    assert ops.count("DepthToSpace") == 1
    onnx.checker.check_model(model)
    # any multiple of the stride, either orientation
    assert same_outputs(before, model.SerializeToString(), [(8, 12), (12, 8), (6, 6)]) < 1e-5


def test_subpixel_weights_put_each_tap_in_its_phase():
    weights = np.arange(2 * 1 * 3 * 3, dtype=np.float32).reshape(2, 1, 3, 3)
    kernel, bias = subpixel_weights(weights, np.array([7.0], np.float32))
    assert kernel.shape == (4, 2, 2, 2) and bias.tolist() == [7.0] * 4
    # the odd-odd phase (channel 3) reads only the centre tap, from the current pixel
    assert kernel[3, :, 1, 1].tolist() == weights[:, 0, 1, 1].tolist()
    assert not kernel[3, :, 0, :].any() and not kernel[3, :, :, 0].any()
    # the even-even phase reads the four corners
    assert kernel[0, :, 0, 0].tolist() == weights[:, 0, 2, 2].tolist()
    assert kernel[0, :, 1, 1].tolist() == weights[:, 0, 0, 0].tolist()


def test_graphs_without_the_pattern_are_left_alone():
    model = _decoder_step()
    for node in model.graph.node:
        if node.op_type == "ConvTranspose":
            node.attribute.append(helper.make_attribute("output_padding", [1, 1]))
    before = model.SerializeToString()
    assert rewrite_transposed_convs(model) == 0
    assert model.SerializeToString() == before
