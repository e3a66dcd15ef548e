"""Predictions as soft alphas from a Keras model or an exported ONNX model, for scoring."""

from __future__ import annotations

import numpy as np

from softfocus.model.contract import OUTPUT_FOREGROUND, ModelContract


def probabilities_to_alpha(output: np.ndarray, contract: ModelContract) -> np.ndarray:
    """N×H×W×C model output → N×H×W alpha = p(fg) + ½·p(border), the app's rule."""
    if contract.output_kind == OUTPUT_FOREGROUND:
        return output[..., 0]
    weights = np.zeros(output.shape[-1], np.float32)
    weights[list(contract.foreground_classes)] = 1.0
    weights[list(contract.border_classes)] = 0.5
    return output @ weights


class OnnxPredictor:
    def __init__(self, path: str) -> None:
        from softfocus.app.segmenter import load_session

        self.session, self.contract = load_session(path)
        self.input_name = self.session.get_inputs()[0].name

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        outputs = [self.session.run(None, {self.input_name: item[None]})[0] for item in batch]
        return np.concatenate(outputs, axis=0)
