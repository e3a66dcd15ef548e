"""The real window, offscreen, on a 30 fps 1280×720 file paced in real time.

    QT_QPA_PLATFORM=offscreen python benchmarks/gui.py [--seconds 20] [--model PATH]

Prints displayed fps (target ≥ 29.5 with blur on), the share of source frames never shown
(target ≤ 1 %), capture-to-display latency p50/p95 (target p95 ≤ 50 ms), the GUI thread's
longest stall (event-loop lateness, target ≤ 30 ms), and the resident-memory slope over the
run (MB/min; run with --seconds 300 for the 5-minute check).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import cv2
import numpy as np
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from softfocus.app.paths import DEFAULT_MODEL_PATH, DEMO_CLIP_PATH
from softfocus.app.settings_store import SettingsStore
from softfocus.app.ui.main_window import MainWindow
from softfocus.app.ui.qt_environment import prepare_qt_environment


def make_source(path: Path, seconds: float = 10.0) -> Path:
    """A 1280×720 30 fps clip: the demo clip upscaled, or moving shapes without it."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30.0, (1280, 720))
    capture = cv2.VideoCapture(str(DEMO_CLIP_PATH)) if DEMO_CLIP_PATH.is_file() else None
    for i in range(int(seconds * 30)):
        ok, frame = capture.read() if capture else (False, None)
        if not ok:
            frame = np.full((360, 640, 3), 90, np.uint8)
            cv2.circle(frame, (320 + int(100 * np.sin(i / 10)), 200), 80, (60, 90, 200), -1)
        writer.write(cv2.resize(frame, (1280, 720)))
    writer.release()
    return path


def resident_mb() -> float:
    with open("/proc/self/statm") as stream:
        pages = int(stream.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def open_window(model: Path, make_clip) -> tuple[QApplication, MainWindow]:
    """The real window on a clip written by ``make_clip(path)``, with its own settings file."""
    prepare_qt_environment()
    workdir = Path(tempfile.mkdtemp(prefix="softfocus-bench-"))
    source = make_clip(workdir / "source.avi")
    app = QApplication([])
    window = MainWindow(
        SettingsStore(workdir / "settings.json"),
        source_override=str(source),
        model_override=str(model) if model.is_file() else None,
    )
    return app, window


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL_PATH)
    parser.add_argument("--kernel", type=int, default=51)
    args = parser.parse_args()
    app, window = open_window(args.model, make_source)
    window.effect_box.setCurrentIndex(1)  # Blur
    window.kernel_slider.setValue((args.kernel - 1) // 2)
    window.resize(1280, 760)
    window.show()

    # Only the last tick and the longest gap are kept: a growing list here would show up in
    # the very memory slope this benchmark measures.
    ticks = {"last": None, "max_gap": 0.0}
    memory: list[tuple[float, float]] = []

    def tick():
        now = time.perf_counter()
        if ticks["last"] is not None:
            ticks["max_gap"] = max(ticks["max_gap"], now - ticks["last"])
        ticks["last"] = now

    timer = QTimer(app, interval=5)
    timer.timeout.connect(tick)
    memory_timer = QTimer(app, interval=1000)
    memory_timer.timeout.connect(lambda: memory.append((time.perf_counter(), resident_mb())))
    state = {}

    def begin_measuring():
        state["start"] = time.perf_counter()
        state["shown"] = window.frames_shown
        state["first_index"] = window.last_info.get("index", 0)
        window.latencies_ms.clear()
        ticks.update(last=None, max_gap=0.0)
        timer.start()
        memory_timer.start()

    def finish():
        state["end"] = time.perf_counter()
        state["shown_end"] = window.frames_shown
        state["last_index"] = window.last_info.get("index", 0)
        timer.stop()
        memory_timer.stop()
        window.close()
        app.quit()

    QTimer.singleShot(2000, begin_measuring)  # warm-up: model load, first frames
    QTimer.singleShot(int(2000 + args.seconds * 1000), finish)
    app.exec()
    timer.timeout.disconnect()
    memory_timer.timeout.disconnect()

    elapsed = state["end"] - state["start"]
    shown = state["shown_end"] - state["shown"]
    captured = state["last_index"] - state["first_index"]
    stall_ms = max(ticks["max_gap"] * 1000 - 5, 0.0)
    latencies = sorted(window.latencies_ms)
    times, rss = zip(*memory, strict=True) if memory else ((0.0,), (0.0,))
    half = len(times) // 2
    slope = (
        np.polyfit(np.array(times[half:]) / 60, rss[half:], 1)[0]
        if len(times) - half > 2
        else float("nan")
    )
    print(
        f"model: {window.model_label.text()}, kernel {args.kernel}, 1280x720 @ 30 fps paced, "
        f"{args.seconds:.0f} s"
    )
    print(f"displayed fps:        {shown / elapsed:6.2f}   (target >= 29.5)")
    print(
        f"frames not shown:     {max(0, captured - shown) / max(captured, 1) * 100:6.2f} %  "
        f"({captured} captured, {shown} shown; target <= 1 %)"
    )
    print(
        f"latency p50 / p95:    {statistics.median(latencies):6.1f} / "
        f"{latencies[int(0.95 * (len(latencies) - 1))]:.1f} ms  (target p95 <= 50 ms)"
    )
    print(f"GUI thread max stall: {stall_ms:6.1f} ms  (event-loop lateness; target <= 30 ms)")
    print(
        f"resident memory:      {rss[0]:.0f} -> {rss[-1]:.0f} MB, slope {slope:+.2f} MB/min "
        f"(second half of the run)"
    )


if __name__ == "__main__":
    main()
