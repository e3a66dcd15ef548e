from __future__ import annotations

import os
import threading

import pytest

from softfocus.app.ui.qt_environment import prepare_qt_environment
from softfocus.model.contract import OUTPUT_PROBABILITIES
from tests.fakes import red_detector_model, write_clip

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
prepare_qt_environment()  # undo opencv's Qt plugin path before pytest-qt makes the QApplication


@pytest.fixture
def tiny_model(tmp_path):
    return red_detector_model(tmp_path / "tiny.onnx")


@pytest.fixture
def tiny_model_3class(tmp_path):
    return red_detector_model(tmp_path / "tiny3.onnx", output_kind=OUTPUT_PROBABILITIES)


@pytest.fixture
def clip_path(tmp_path):
    return write_clip(tmp_path / "clip.avi")


@pytest.fixture(autouse=True)
def no_leaked_threads():
    """Fail any test that leaves a Softfocus thread running (closing must stop them all)."""
    yield
    leaked = [t.name for t in threading.enumerate() if t.name.startswith("softfocus-")]
    for thread in threading.enumerate():
        if thread.name.startswith("softfocus-"):
            thread.join(1.0)
    still = [t.name for t in threading.enumerate() if t.name.startswith("softfocus-")]
    assert not still, f"threads left running: {leaked}"
