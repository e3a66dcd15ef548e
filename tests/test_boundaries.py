"""The pipeline is plain numpy/OpenCV/ONNX Runtime: no TensorFlow, Keras, Qt or mediapipe."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIPELINE_MODULES = [
    "softfocus.app.blur",
    "softfocus.app.compositor",
    "softfocus.app.frame_source",
    "softfocus.app.mask_refine",
    "softfocus.app.pipeline",
    "softfocus.app.segmenter",
    "softfocus.app.settings",
    "softfocus.app.process_command",
    "softfocus.app.cli",
    "softfocus.app.live",
    "softfocus.app.settings_store",
    "softfocus.app.virtual_camera",
    "softfocus.app.preprocess",
    "softfocus.app.letterbox",
    "softfocus.app.downscale",
    "softfocus.app.edge_refine",
    "softfocus.model.contract",
    "softfocus.model.presets",
]
FORBIDDEN = ["tensorflow", "keras", "tf2onnx", "mediapipe", "PySide6", "onnx"]


def test_pipeline_imports_no_framework_or_gui():
    code = (
        "import importlib, sys\n"
        f"for name in {PIPELINE_MODULES!r}:\n"
        "    importlib.import_module(name)\n"
        f"print(','.join(m for m in {FORBIDDEN!r} if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_app_sources_never_import_tensorflow():
    for path in (ROOT / "app").rglob("*.py"):
        text = path.read_text()
        for name in ("tensorflow", "keras", "tf2onnx", "mediapipe"):
            assert f"import {name}" not in text and f"from {name}" not in text, path
