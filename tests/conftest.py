from __future__ import annotations

import os
import threading

import pytest
from hypothesis import HealthCheck, settings

from softfocus.app.ui.qt_environment import prepare_qt_environment
from softfocus.model.contract import OUTPUT_PROBABILITIES
from tests.fakes import red_detector_model, write_clip

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# The fuzz suite (tests/test_fuzz.py): a fixed seed and a small budget in CI, under a minute;
# `pytest tests/test_fuzz.py --hypothesis-profile long` searches far longer, randomly.
_FUZZ_CHECKS = [HealthCheck.too_slow, HealthCheck.data_too_large]
settings.register_profile(
    "ci", max_examples=60, derandomize=True, deadline=None, database=None,
    suppress_health_check=_FUZZ_CHECKS,
)  # fmt: skip
settings.register_profile(
    "long", max_examples=2000, deadline=None, suppress_health_check=_FUZZ_CHECKS
)
settings.load_profile("ci")
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
