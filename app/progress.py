"""A dependency-free progress bar for stderr.

On a terminal it redraws one line in place ten times a second. Anywhere else (a pipe, a log
file, CI) carriage returns would pile hundreds of frames onto one line of the log, so it
writes a whole line now and then instead: the first update, then every ``LOG_INTERVAL_S``.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

TERMINAL_INTERVAL_S = 0.1
LOG_INTERVAL_S = 5.0


class ProgressBar:
    def __init__(self, total: int | None, label: str, stream: TextIO | None = None) -> None:
        self.total = total
        self.label = label
        self.stream = stream or sys.stderr
        isatty = getattr(self.stream, "isatty", None)
        self._terminal = bool(isatty and isatty())
        self._interval = TERMINAL_INTERVAL_S if self._terminal else LOG_INTERVAL_S
        self.count = 0
        self._start = time.perf_counter()
        self._last_draw: float | None = None

    def update(self, step: int = 1) -> None:
        self.count += step
        now = time.perf_counter()
        due = self._last_draw is None or now - self._last_draw >= self._interval
        if due or (self._terminal and self.count == self.total):
            self._last_draw = now
            self._draw(now)

    def _text(self, now: float) -> str:
        rate = self.count / max(now - self._start, 1e-6)
        if self.total:
            done = min(self.count / self.total, 1.0)
            bar = "#" * int(done * 30)
            return f"{self.label} [{bar:<30}] {self.count}/{self.total} {rate:5.1f}/s"
        return f"{self.label} {self.count} {rate:5.1f}/s"

    def _draw(self, now: float) -> None:
        text = self._text(now)
        self.stream.write(f"\r{text}" if self._terminal else f"{text}\n")
        self.stream.flush()

    def close(self) -> None:
        """The final count, and the line ended."""
        self._draw(time.perf_counter())
        if self._terminal:
            self.stream.write("\n")
            self.stream.flush()
