"""benchmarks/models.py times models in turns and reports each one's own median."""

import importlib.util
import time
from pathlib import Path

import numpy as np

# Loaded by path: a module named plainly "models" on sys.path could shadow another.
_PATH = Path(__file__).resolve().parent.parent / "benchmarks" / "models.py"
_SPEC = importlib.util.spec_from_file_location("benchmark_models", _PATH)
benchmark_models = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(benchmark_models)
time_in_turns = benchmark_models.time_in_turns


class SleepySegmenter:
    def __init__(self, seconds: float) -> None:
        self.seconds, self.calls = seconds, 0

    def process_lowres(self, frame: np.ndarray) -> np.ndarray:
        self.calls += 1
        time.sleep(self.seconds)
        return frame[..., 0]


def test_each_model_gets_every_round_and_its_own_median():
    fast, slow = SleepySegmenter(0.001), SleepySegmenter(0.004)
    frames = [np.zeros((4, 4, 3), np.uint8)]
    medians = time_in_turns([fast, slow], frames, rounds=2, per_round=3)
    assert fast.calls == slow.calls == 2 * (3 + 10)  # warm-up frames run but are not timed
    assert medians[0] < medians[1] and medians[1] >= 0.004
