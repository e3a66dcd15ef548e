"""MediaPipe Selfie Segmentation as a teacher: pseudo-labels and the baseline to beat.

It runs as ONNX in the main venv (training/people/onnx_teacher.py): the .tflite models come
out of the mediapipe wheel and are converted once; nothing is committed. ``model_selection``
0 is the general model (256×256), 1 the landscape one (144×256), as in MediaPipe's own API.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from softfocus.training.people.onnx_teacher import OnnxTeacher, teacher_models

MODELS = ("general", "landscape")


class Teacher:
    """``process(frame_bgr) -> alpha`` (float32 H×W, 0..1), like the app's Segmenter."""

    def __init__(
        self,
        model_selection: int = 0,
        cache: Path = Path("data/cache/teacher"),
        num_threads: int = 2,
    ) -> None:
        self.model_selection = model_selection
        self._model = OnnxTeacher(teacher_models(cache)[MODELS[model_selection]], num_threads)

    def process(self, frame_bgr: np.ndarray) -> np.ndarray:
        return self._model.process(frame_bgr)

    def close(self) -> None:
        pass

    def __enter__(self) -> Teacher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
