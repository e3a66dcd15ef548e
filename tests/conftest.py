from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import threading

import pytest

from model.contract import OUTPUT_PROBABILITIES
from tests.fakes import red_detector_model, write_clip


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
