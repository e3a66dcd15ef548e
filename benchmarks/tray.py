"""CPU of the real window shown against hidden in the tray, same settings, in one run.

    QT_QPA_PLATFORM=offscreen python benchmarks/tray.py [--seconds 15]
    xvfb-run -a python benchmarks/tray.py      (QT_QPA_PLATFORM=xcb: a real X server draws)

A 1280×720 30 fps file of a person sitting still (benchmarks/cpu.py's still scene: what a
tray user in a call looks like), paced in real time, blur kernel 51. The window is shown for a
run, then hidden (what the tray's Hide and ``--tray`` do) for a run of the same length, then
shown again; the process's CPU seconds over wall seconds are printed for each. That is done
at the default settings (the CPU saver on) and again at full rate, where the model's larger
share makes the preview's part smaller. Target: hidden at least 20 % below visible at the
default settings.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QTimer

from benchmarks.cpu import demo_frames, still_scene
from benchmarks.gui import open_window
from softfocus.app.paths import DEFAULT_MODEL_PATH


def make_still_source(path: Path) -> Path:
    import cv2

    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30.0, (1280, 720))
    frames = still_scene(demo_frames(61)[60], 120)
    for frame in frames + frames[-2:0:-1]:  # forwards then back: the loop does not jump
        writer.write(frame)
    writer.release()
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL_PATH)
    parser.add_argument("--kernel", type=int, default=51)
    args = parser.parse_args()
    app, window = open_window(args.model, make_still_source)
    default = window.settings.with_pipeline(effect="blur", kernel_size_px=args.kernel)
    full_rate = default.with_pipeline(skip_still=False, inference_every=1)
    window.resize(1280, 760)
    window.show()
    phases = []
    for label, settings in (("defaults", default), ("full rate", full_rate)):
        phases += [
            (label, "visible", settings, window.show_from_tray),
            (label, "hidden", settings, window.hide_to_tray),
            (label, "visible again", settings, window.show_from_tray),
        ]
    results: list[tuple[str, str, float, int]] = []
    state: dict = {}

    def start(index: int) -> None:
        label, name, settings, action = phases[index]
        window.apply_settings(settings)
        action()
        state["label"] = label
        state.update(name=name, wall=time.perf_counter(), cpu=time.process_time())
        state["frames"] = window.frames_shown
        QTimer.singleShot(int(args.seconds * 1000), lambda: stop(index))

    def stop(index: int) -> None:
        wall = time.perf_counter() - state["wall"]
        cpu = time.process_time() - state["cpu"]
        results.append(
            (state["label"], state["name"], cpu / wall, window.frames_shown - state["frames"])
        )
        if index + 1 < len(phases):
            QTimer.singleShot(1000, lambda: start(index + 1))  # a second to settle
        else:
            window.quit_app()
            app.quit()

    QTimer.singleShot(2000, lambda: start(0))  # warm-up: model load, first frames
    app.exec()
    print(
        f"platform {app.platformName()}, still scene, kernel {args.kernel}, 1280x720 @ 30 fps "
        f"paced, {args.seconds:.0f} s each"
    )
    for first in range(0, len(results), 3):
        group = results[first : first + 3]
        visible = (group[0][2] + group[2][2]) / 2
        for label, name, cpu, frames in group:
            print(
                f"{label:10} {name:14} CPU/s {cpu:6.3f}  {cpu / visible - 1:+6.0%} vs visible  "
                f"({frames / args.seconds:.1f} frames/s processed)"
            )


if __name__ == "__main__":
    main()
