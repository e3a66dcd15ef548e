"""A dependency-free progress bar for the terminal (stderr), quiet when not a TTY-free log."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressBar:
    def __init__(self, total: int | None, label: str, stream: TextIO | None = None) -> None:
        self.total = total
        self.label = label
        self.stream = stream or sys.stderr
        self.count = 0
        self._start = time.perf_counter()
        self._last_draw = 0.0

    def update(self, step: int = 1) -> None:
        self.count += step
        now = time.perf_counter()
        if now - self._last_draw >= 0.1 or self.count == self.total:
            self._last_draw = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        rate = self.count / max(now - self._start, 1e-6)
        if self.total:
            done = min(self.count / self.total, 1.0)
            bar = "#" * int(done * 30)
            text = f"\r{self.label} [{bar:<30}] {self.count}/{self.total} {rate:5.1f}/s"
        else:
            text = f"\r{self.label} {self.count} {rate:5.1f}/s"
        self.stream.write(text)
        self.stream.flush()

    def close(self) -> None:
        self._draw(time.perf_counter())
        self.stream.write("\n")
        self.stream.flush()
