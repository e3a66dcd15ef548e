"""Post-training int8 quantization of an exported model, with an agreement check that fails it.

Why: on a 2-core laptop CPU the person U-Net's 3×3 convolutions are most of a frame's model
time, and ONNX Runtime runs them about 1.3× faster in int8 (ratio printed by
``benchmarks/models.py``). The time saved buys a larger input, which is what sharpens the
mask's edges (the model card has the figures).

How: static QDQ quantization (weights per channel, activations per tensor, ranges from a
percentile of their histograms over training images), with 7-bit weights
(``reduce_range``) so that CPUs without VNNI instructions (AVX2's 16-bit intermediate sums)
cannot saturate. The first convolution, which sees the raw image, and the head (the last
convolution and everything after it: the upsampling and the sigmoid) stay float: they are a
sliver of the time, and the head's output is the mask itself. Input, output and contract
metadata are unchanged, so the app cannot tell the models apart except by speed.
"""

from __future__ import annotations

import os
import random
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import cv2
import numpy as np

from softfocus.app.letterbox import letterbox
from softfocus.model.contract import METADATA_KEY, ModelContract

CALIBRATION_IMAGES = 200
CHECK_IMAGES = 60
PERCENTILE = 99.999
# The int8 model must agree with the float one: pooled IoU of their masks (p ≥ 0.5) over the
# check images, and mean |difference| of their probabilities. Rounding moves a boundary pixel
# here and there (agreement about 0.95 on the person model, with no loss against
# annotators' masks); a broken quantization disagrees wholesale.
MIN_AGREEMENT = 0.9
MAX_MEAN_DIFFERENCE = 0.03
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp")


class QuantizeError(RuntimeError):
    pass


@dataclass(frozen=True)
class QuantizeReport:
    agreement: float
    mean_difference: float
    check_images: int


def sample_inputs(
    folder: str | os.PathLike, contract: ModelContract, count: int, seed: int = 0
) -> np.ndarray:
    """Up to ``count`` images from ``folder`` (a seeded sample), as the app feeds them:
    letterboxed into the model's native shape, RGB, [0, 1], NHWC float32."""
    paths = sorted(
        p for p in Path(folder).rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file()
    )
    random.Random(seed).shuffle(paths)
    width, height = contract.input_width, contract.input_height
    batch = []
    for path in paths:
        image = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if image is None or min(image.shape[:2]) < 2:
            continue
        boxed = np.empty((height, width, 3), np.uint8)
        letterbox(image, width, height, dst=boxed, scratch={})
        batch.append(cv2.cvtColor(boxed, cv2.COLOR_BGR2RGB).astype(np.float32) / 255.0)
        if len(batch) == count:
            break
    if not batch:
        raise QuantizeError(
            f"No readable images in {folder} to calibrate the int8 model on; pass the folder "
            "of training images (e.g. data/people/train/images)."
        )
    return np.stack(batch)


def calibration_and_check(
    folder: str | os.PathLike, contract: ModelContract
) -> tuple[np.ndarray, np.ndarray]:
    """Calibration images and, apart from them, the images the agreement check runs on (a
    quarter of a small folder)."""
    images = sample_inputs(folder, contract, CALIBRATION_IMAGES + CHECK_IMAGES)
    if len(images) < 2:
        raise QuantizeError(
            f"{folder} holds one readable image; calibrating int8 needs a few dozen."
        )
    check = min(CHECK_IMAGES, max(1, len(images) // 4))
    return images[:-check], images[-check:]


def float_nodes(graph) -> list[str]:
    """Names of the nodes that stay float: the first convolution, and the head: the last one
    with all that follows it, from the logits' conv on where the head has two (the sub-pixel
    head's: ``head_logits`` is upsampled and added to ``head_detail``; ONNX graphs are stored
    in topological order, and the exported nodes keep the Keras layers' names)."""
    names = [node.name for node in graph.node]
    convs = [i for i, node in enumerate(graph.node) if node.op_type == "Conv"]
    if not convs:
        return []
    head = convs[-1]
    logits = [i for i in convs if "head_logits" in names[i]]
    if logits and "head_detail" in names[head]:
        head = logits[0]
    return [names[convs[0]], *names[head:]]


def quantize_int8(
    fp32_path: str | os.PathLike,
    out_path: str | os.PathLike,
    calibration: np.ndarray,
    check: np.ndarray,
) -> QuantizeReport:
    """Write the int8 model of ``fp32_path`` to ``out_path``; raise (and write nothing) if it
    disagrees with the float model on ``check``."""
    import onnx
    import onnxruntime as ort
    from onnxruntime.quantization import (
        CalibrationDataReader,
        CalibrationMethod,
        QuantFormat,
        QuantType,
        quantize_static,
    )

    source = onnx.load(str(fp32_path))
    input_name = source.graph.input[0].name
    metadata = {p.key: p.value for p in source.metadata_props}
    if METADATA_KEY not in metadata:
        raise QuantizeError(f"{fp32_path} has no Softfocus contract; export it first.")

    class Reader(CalibrationDataReader):
        def __init__(self) -> None:
            self._batches = iter(calibration)

        def get_next(self):
            image = next(self._batches, None)
            return None if image is None else {input_name: image[None]}

    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        staged = Path(scratch) / "int8.onnx"
        quantize_static(
            str(fp32_path),
            str(staged),
            Reader(),
            quant_format=QuantFormat.QDQ,
            per_channel=True,
            reduce_range=True,
            activation_type=QuantType.QUInt8,
            weight_type=QuantType.QInt8,
            calibrate_method=CalibrationMethod.Percentile,
            nodes_to_exclude=float_nodes(source.graph),
            extra_options={"CalibPercentile": PERCENTILE},
        )
        quantized = onnx.load(str(staged))
        # The float model's metadata, as it was (the quantizer adds a key of its own), with
        # the precision recorded in the contract's provenance.
        del quantized.metadata_props[:]
        for key, value in metadata.items():
            entry = quantized.metadata_props.add()
            entry.key = key
            entry.value = value
            if key == METADATA_KEY:
                contract = ModelContract.from_json(value)
                extra = dict(contract.extra, precision="int8 (static QDQ, per-channel weights)")
                entry.value = replace(contract, extra=extra).to_json()
        quantized.producer_name = source.producer_name
        onnx.save(quantized, str(staged))

        sessions = [
            ort.InferenceSession(str(p), providers=["CPUExecutionProvider"])
            for p in (fp32_path, staged)
        ]
        outputs = [
            np.concatenate([s.run(None, {input_name: x[None]})[0] for x in check]) for s in sessions
        ]
        masks = [o >= 0.5 for o in outputs]
        union = np.logical_or(*masks).sum()
        agreement = float(np.logical_and(*masks).sum() / union) if union else 1.0
        difference = float(np.abs(outputs[0] - outputs[1]).mean())
        report = QuantizeReport(agreement, difference, len(check))
        if agreement < MIN_AGREEMENT or difference > MAX_MEAN_DIFFERENCE:
            raise QuantizeError(
                f"The int8 model disagrees with the float one (mask agreement {agreement:.3f}, "
                f"expected ≥ {MIN_AGREEMENT}; mean difference {difference:.3f}, expected ≤ "
                f"{MAX_MEAN_DIFFERENCE}); nothing was written. Export without --int8, or "
                "calibrate on images like those the model was trained on."
            )
        os.replace(staged, out_path)
    return report
