"""MediaPipe Selfie Segmentation as a teacher: pseudo-labels and the baseline to beat.

The .tflite model ships inside the mediapipe wheel; nothing is downloaded or committed.
"""

from __future__ import annotations

import cv2
import numpy as np


class Teacher:
    """``process(frame_bgr) -> alpha`` (float32 H×W, 0..1), like the app's Segmenter."""

    def __init__(self, model_selection: int = 0) -> None:
        import mediapipe as mp

        self.model_selection = model_selection
        self._solution = mp.solutions.selfie_segmentation.SelfieSegmentation(
            model_selection=model_selection
        )

    def process(self, frame_bgr: np.ndarray) -> np.ndarray:
        rgb = cv2.cvtColor(frame_bgr, cv2.COLOR_BGR2RGB)
        result = self._solution.process(rgb)
        return np.clip(result.segmentation_mask.astype(np.float32), 0.0, 1.0)

    def close(self) -> None:
        self._solution.close()

    def __enter__(self) -> Teacher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
