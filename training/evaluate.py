"""``evaluate``: the same metrics for a Keras model or an exported ONNX model.

Pixel accuracy and per-class IoU over the model's classes (truth classes come from the soft
alpha: ≥ 0.75 foreground, ≤ 0.25 background, else border), plus binary foreground IoU and the
boundary F-score, both from the alpha thresholded at 0.5.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from softfocus.model.contract import OUTPUT_FOREGROUND, ModelContract
from softfocus.training.datasets import Sample
from softfocus.training.labels import alpha_to_classes
from softfocus.training.metrics import (
    binary_iou,
    boundary_f_score,
    confusion_matrix,
    scores_from_confusion,
)
from softfocus.training.predict import probabilities_to_alpha

BOUNDARY_TOLERANCE_AT_640_PX = 3.0


def predicted_classes(output: np.ndarray, contract: ModelContract) -> np.ndarray:
    if contract.output_kind == OUTPUT_FOREGROUND:
        return np.where(output[..., 0] >= 0.5, 0, 1)
    return output.argmax(-1)


def score_predictions(truth_alphas, outputs, contract: ModelContract) -> dict:
    """Metrics for a batch of truths (N×H×W alpha) and raw model outputs (N×H×W×C)."""
    return score_batches([(truth_alphas, outputs)], contract)


def score_batches(batches, contract: ModelContract) -> dict:
    """Metrics over (truths, outputs) batches, which may differ in shape: a flexible-input
    model is fed each sample at the shape the app would give a frame of its aspect."""
    if contract.output_kind == OUTPUT_FOREGROUND:
        names = [contract.classes[0], "background"]
    else:
        names = list(contract.classes)
    confusion = np.zeros((len(names), len(names)), np.int64)
    ious, boundaries = [], []
    for truth_alphas, outputs in batches:
        if contract.output_kind == OUTPUT_FOREGROUND or len(names) == 2:
            truth_classes = np.where(truth_alphas >= 0.5, 0, 1)
        else:
            truth_classes = alpha_to_classes(truth_alphas)
        confusion += confusion_matrix(
            truth_classes, predicted_classes(outputs, contract), len(names)
        )
        alphas = probabilities_to_alpha(outputs, contract)
        tolerance = max(BOUNDARY_TOLERANCE_AT_640_PX * truth_alphas.shape[2] / 640, 1.0)
        for truth, predicted in zip(truth_alphas >= 0.5, alphas >= 0.5):
            ious.append(binary_iou(truth, predicted))
            boundaries.append(boundary_f_score(truth, predicted, tolerance))
    scores = scores_from_confusion(confusion, names)
    scores["foreground_iou"] = float(np.mean(ious))
    scores["boundary_f"] = float(np.mean(boundaries))
    return scores


def evaluate_model(
    model_path: str | Path,
    samples: list[Sample],
    border_is_foreground: bool = False,
    batch_size: int = 16,
) -> dict:
    from softfocus.training.augment import AugmentConfig
    from softfocus.training.tf_data import make_dataset

    model_path = Path(model_path)
    if model_path.suffix == ".onnx":
        from softfocus.training.predict import OnnxPredictor

        predictor = OnnxPredictor(str(model_path))
        contract = predictor.contract
        predict = predictor
    else:
        import keras

        from softfocus.model.presets import UNetConfig
        from softfocus.training.export import contract_for
        from softfocus.training.losses import CUSTOM_OBJECTS
        from softfocus.training.precision import as_float32

        run = json.loads((model_path.parent / "config.json").read_text())
        preset = run["preset"]
        preset["filters"] = tuple(preset["filters"])
        contract = contract_for(
            UNetConfig(**preset),
            run.get("foreground_name", "foreground"),
            equalize=run.get("equalize", False),
        )
        model = as_float32(keras.models.load_model(model_path, custom_objects=CUSTOM_OBJECTS))

        def predict(batch):
            return model.predict(batch, verbose=0)

    from softfocus.model.presets import UNetConfig

    # Only the input shape matters here. A flexible-input contract gets a config of the
    # same stride, so each sample is fed the shape the app would feed it.
    stride = contract.input_stride
    flexible = stride > 1 and stride & (stride - 1) == 0  # a U-Net's stride: a power of two
    shape_config = UNetConfig(
        name="eval",
        input_height=contract.input_height,
        input_width=contract.input_width,
        filters=(1,) * (stride.bit_length() - 1 if flexible else 1),
        flexible_input=flexible,
    )
    data = make_dataset(
        samples,
        shape_config,
        batch_size,
        AugmentConfig.none(),
        False,
        border_is_foreground,
        contract.equalize_luminance,
        alpha_targets=True,
    )
    batches = [
        (np.asarray(alphas)[..., 0], np.asarray(predict(np.asarray(images))))
        for images, alphas in data
    ]
    scores = score_batches(batches, contract)
    scores["model"] = str(model_path)
    scores["samples"] = len(samples)
    return scores


def format_table(scores: dict) -> str:
    lines = [f"{'metric':<24}{'value':>8}", "-" * 32]
    lines.append(f"{'pixel accuracy':<24}{scores['pixel_accuracy']:>8.3f}")
    for name, value in scores["iou"].items():
        lines.append(f"{'IoU ' + name:<24}{value:>8.3f}")
    lines.append(f"{'mean IoU':<24}{scores['mean_iou']:>8.3f}")
    lines.append(f"{'foreground IoU':<24}{scores['foreground_iou']:>8.3f}")
    lines.append(f"{'boundary F (3px@640)':<24}{scores['boundary_f']:>8.3f}")
    return "\n".join(lines)
