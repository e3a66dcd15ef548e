"""MediaPipe Selfie Segmentation, imported to ONNX, as teacher and baseline in the main venv.

The two .tflite files (general 256×256, landscape 144×256; Apache-2.0) come out of the
``mediapipe==0.10.14`` wheel from PyPI, are converted once by ``softfocus-train import`` and
cached under ``data/cache/teacher/``; nothing is committed. The import matches MediaPipe's
own runtime within 1.1e-4 (tests/test_model_import.py), so the teacher no longer needs
MediaPipe's own venv (its protobuf pin clashes with TensorFlow's).

As MediaPipe's own solution does, a frame is squashed to the model's input (not letterboxed).
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import cv2
import numpy as np

WHEEL = "mediapipe==0.10.14"
TFLITE = {
    "general": "selfie_segmentation.tflite",
    "landscape": "selfie_segmentation_landscape.tflite",
}
LICENCE = "Apache-2.0 (Google MediaPipe Selfie Segmentation)"


def _tflite_files(cache: Path) -> dict[str, Path]:
    """The .tflite files: from $SOFTFOCUS_MEDIAPIPE_TFLITE_DIR, the cache, or the wheel."""
    folders = [Path(p) for p in [os.environ.get("SOFTFOCUS_MEDIAPIPE_TFLITE_DIR")] if p]
    folders.append(cache / "tflite")
    for folder in folders:
        found = {name: folder / file for name, file in TFLITE.items()}
        if all(path.is_file() for path in found.values()):
            return found
    wheels = cache / "wheel"
    if not list(wheels.glob("mediapipe-*.whl")):
        print(f"fetching {WHEEL} from PyPI (for its two .tflite files)", flush=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "-q", "--no-deps", WHEEL, "-d", wheels],
            check=True,
        )
    wheel = sorted(wheels.glob("mediapipe-*.whl"))[-1]
    target = cache / "tflite"
    target.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(wheel) as archive:
        for member in archive.namelist():
            if Path(member).name in TFLITE.values():
                (target / Path(member).name).write_bytes(archive.read(member))
    return {name: target / file for name, file in TFLITE.items()}


def teacher_models(cache: Path = Path("data/cache/teacher")) -> dict[str, Path]:
    """{"general": onnx path, "landscape": onnx path}, converting on first use."""
    models = {name: cache / f"mediapipe-{name}.onnx" for name in TFLITE}
    if all(path.is_file() for path in models.values()):
        return models
    from softfocus.training.import_model import ForeignModel, import_model

    tflite = _tflite_files(cache)
    for name, output in models.items():
        if not output.is_file():
            spec = ForeignModel(
                name=f"mediapipe-{name}",
                description=f"MediaPipe Selfie Segmentation ({name}), imported",
                licence=LICENCE,
            )
            import_model(tflite[name], output, spec)
    return models


class OnnxTeacher:
    """``process(frame_bgr) -> alpha`` (float32 H×W, 0..1) like the app's Segmenter."""

    def __init__(self, model_path: Path, num_threads: int = 2) -> None:
        from softfocus.app.segmenter import load_session

        self.session, self.contract = load_session(model_path, num_threads)
        self.input_name = self.session.get_inputs()[0].name
        self.size = (self.contract.input_width, self.contract.input_height)

    def process(self, frame_bgr: np.ndarray) -> np.ndarray:
        small = cv2.resize(frame_bgr, self.size, interpolation=cv2.INTER_AREA)
        rgb = cv2.cvtColor(small, cv2.COLOR_BGR2RGB).astype(np.float32) / 255.0
        (output,) = self.session.run(None, {self.input_name: rgb[None]})
        alpha = np.squeeze(output).astype(np.float32)
        height, width = frame_bgr.shape[:2]
        return np.clip(cv2.resize(alpha, (width, height), interpolation=cv2.INTER_LINEAR), 0, 1)


def teachers(cache: Path = Path("data/cache/teacher"), num_threads: int = 2) -> dict:
    """Both MediaPipe models, by the names the evaluation tables use."""
    return {
        f"mediapipe_{name}": OnnxTeacher(path, num_threads)
        for name, path in teacher_models(cache).items()
    }
