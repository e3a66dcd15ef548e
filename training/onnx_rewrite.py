"""Exact rewrites of an exported U-Net graph that ONNX Runtime runs faster on CPUs.

tf2onnx writes each stride-2, 3×3, "same"-padded Conv2DTranspose of the decoder as
ConvTranspose → Slice (crop the extra row and column) → Pad (up to the skip connection's size:
zero for inputs that are multiples of the model's stride, which is all a flexible model is
fed). ONNX Runtime has no int8 ConvTranspose kernel, so in an int8 model each one is
dequantized, run in float, and quantized again; that and the crop and pad were a fifth of the
int8 model's time. Here each becomes a 2×2 convolution whose output channels are the four
phases of the stride-2 output (output row 2m takes kernel rows 2 and 0 from input rows m − 1
and m, row 2m + 1 takes kernel row 1 from row m; columns alike), then DepthToSpace: the same
sums in another order, which quantizes like every other convolution. ``benchmarks/models.py``
prints the gain; the export's parity check against Keras still decides.
"""

from __future__ import annotations

import numpy as np

# (output phase, 2×2 kernel row) → 3×3 transposed kernel row; the missing pair is a zero tap.
_TAP = {(0, 0): 2, (0, 1): 0, (1, 1): 1}
TOLERANCE = 1e-4


def _attributes(node) -> dict:
    from onnx import helper

    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def _sole_consumer(consumers: dict, name: str, op_type: str):
    """The one node of ``op_type`` reading ``name``, ignoring shape arithmetic (Shape nodes)."""
    readers = [n for n in consumers.get(name, []) if n.op_type != "Shape"]
    if len(readers) == 1 and readers[0].op_type == op_type:
        return readers[0]
    return None


def subpixel_weights(weights: np.ndarray, bias: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A ConvTranspose's (C_in, C_out, 3, 3) kernel as a (4·C_out, C_in, 2, 2) one and its bias,
    output channel 4·c + 2·row phase + column phase (DepthToSpace's CRD order)."""
    c_in, c_out = weights.shape[:2]
    kernel = np.zeros((c_out, 2, 2, c_in, 2, 2), np.float32)
    for (a, r), kh in _TAP.items():
        for (b, c), kw in _TAP.items():
            kernel[:, a, b, :, r, c] = weights[:, :, kh, kw].T
    return kernel.reshape(4 * c_out, c_in, 2, 2), np.repeat(bias, 4).astype(np.float32)


def rewrite_transposed_convs(proto) -> int:
    """Rewrite ``proto`` (an onnx ModelProto) in place; returns how many were rewritten."""
    from onnx import helper, numpy_helper

    graph = proto.graph
    initializers = {i.name: i for i in graph.initializer}
    consumers: dict[str, list] = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    rewritten = 0
    for node in list(graph.node):
        if node.op_type != "ConvTranspose" or node.input[1] not in initializers:
            continue
        attributes = _attributes(node)
        if (
            attributes.get("strides") != [2, 2]
            or attributes.get("kernel_shape") != [3, 3]
            or attributes.get("dilations", [1, 1]) != [1, 1]
            or attributes.get("group", 1) != 1
            or {"pads", "output_padding", "output_shape", "auto_pad"} & set(attributes)
        ):
            continue
        crop = _sole_consumer(consumers, node.output[0], "Slice")
        pad = crop and _sole_consumer(consumers, crop.output[0], "Pad")
        if pad is None:
            continue
        weights = numpy_helper.to_array(initializers[node.input[1]])
        c_out = weights.shape[1]
        bias = (
            numpy_helper.to_array(initializers[node.input[2]])
            if len(node.input) > 2 and node.input[2] in initializers
            else np.zeros(c_out, np.float32)
        )
        kernel, kernel_bias = subpixel_weights(weights, bias)
        prefix = f"{node.name}_subpixel"
        graph.initializer.extend(
            [
                numpy_helper.from_array(kernel, f"{prefix}_weights"),
                numpy_helper.from_array(kernel_bias, f"{prefix}_bias"),
            ]
        )
        phases = f"{prefix}_phases"
        upsampled = pad.output[0]  # what the decoder's Concat reads, now straight from here
        position = list(graph.node).index(node)
        graph.node.insert(
            position + 1,
            helper.make_node(
                "DepthToSpace", [phases], [upsampled], name=f"{prefix}_d2s", blocksize=2,
                mode="CRD",
            ),
        )  # fmt: skip
        graph.node.insert(
            position + 1,
            helper.make_node(
                "Conv",
                [node.input[0], f"{prefix}_weights", f"{prefix}_bias"],
                [phases],
                name=prefix,
                kernel_shape=[2, 2],
                pads=[1, 1, 0, 0],
                strides=[1, 1],
            ),
        )
        for old in (pad, crop, node):
            graph.node.remove(old)
        rewritten += 1
    if rewritten:
        _prune(graph)
    return rewritten


def _prune(graph) -> None:
    """Drop nodes and initializers nothing reads any more (the crop's shape arithmetic)."""
    needed = {output.name for output in graph.output}
    kept = []
    for node in reversed(list(graph.node)):
        if any(name in needed for name in node.output):
            kept.append(node)
            needed.update(node.input)
    for node in [n for n in graph.node if n not in kept]:
        graph.node.remove(node)
    for initializer in [i for i in graph.initializer if i.name not in needed]:
        graph.initializer.remove(initializer)


def same_outputs(original: bytes, rewritten: bytes, shapes: list[tuple[int, int]]) -> float:
    """Max |difference| of two serialized models' outputs on random inputs of these H×W."""
    import onnxruntime as ort

    sessions = [
        ort.InferenceSession(m, providers=["CPUExecutionProvider"]) for m in (original, rewritten)
    ]
    name = sessions[0].get_inputs()[0].name
    rng = np.random.default_rng(0)
    difference = 0.0
    for height, width in shapes:
        x = rng.random((1, height, width, 3), dtype=np.float32)
        a, b = (s.run(None, {name: x})[0] for s in sessions)
        if a.shape != b.shape:
            return float("inf")
        difference = max(difference, float(np.abs(a - b).max()))
    return difference
