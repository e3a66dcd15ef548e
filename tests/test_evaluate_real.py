"""The real-photo evaluation's timing: every method on the same frames, in blocks that take
turns."""

import numpy as np

from softfocus.training.people.evaluate_real import time_methods


def test_methods_are_timed_in_turns_on_the_same_frames():
    calls = []
    pairs = [(str(i), np.full((36, 64, 3), i, np.uint8), None) for i in range(4)]
    methods = {
        "a": lambda frame: calls.append(("a", int(frame[0, 0, 0]), frame.shape)),
        "b": lambda frame: calls.append(("b", int(frame[0, 0, 0]), frame.shape)),
    }
    times = time_methods(pairs, methods, repeats=2, count=4)
    assert set(times) == {"a", "b"} and all(t >= 0 for t in times.values())
    # blocks of every frame, taking turns: a a a a b b b b a a a a b b b b
    assert [c[0] for c in calls] == (["a"] * 4 + ["b"] * 4) * 2
    assert [c[1] for c in calls[:4]] == [c[1] for c in calls[4:8]] == [0, 1, 2, 3]
    assert {c[2] for c in calls} == {(720, 1280, 3)}
