"""Ctrl+C and SIGTERM end the GUI the way closing its window does.

Python runs signal handlers only when the interpreter gets control, and inside Qt's event
loop it does not: a plain ``signal.signal`` handler would wait for the next mouse move, and a
terminal's Ctrl+C seemed to do nothing. So the C-level handler writes the signal number to a
socket (``signal.set_wakeup_fd``) that Qt watches with a QSocketNotifier: Qt wakes at once,
and the window closes through its normal path (threads stopped, camera and virtual camera
released, settings saved).
"""

from __future__ import annotations

import signal
import socket
from collections.abc import Callable

from PySide6.QtCore import QObject, QSocketNotifier

HANDLED = (signal.SIGINT, signal.SIGTERM)


class QuitOnSignals(QObject):
    """While alive, SIGINT/SIGTERM call ``on_signal(signum)`` on the GUI thread."""

    def __init__(self, on_signal: Callable[[int], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._on_signal = on_signal
        self.received: int | None = None
        self._reader, self._writer = socket.socketpair()
        self._reader.setblocking(False)
        self._writer.setblocking(False)
        self._previous_fd = signal.set_wakeup_fd(self._writer.fileno(), warn_on_full_buffer=False)
        # The Python-level handler only has to exist (and not raise KeyboardInterrupt
        # somewhere inside Qt); the work happens when the notifier fires.
        self._previous = {signum: signal.signal(signum, lambda *_: None) for signum in HANDLED}
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._wake)

    def _wake(self, *_args) -> None:
        try:
            data = self._reader.recv(64)
        except BlockingIOError:
            return
        for signum in data:
            if signum in HANDLED and self.received is None:
                self.received = signum
                self._on_signal(signum)

    def restore(self) -> None:
        """Give the signals back to whoever had them."""
        self._notifier.setEnabled(False)
        signal.set_wakeup_fd(self._previous_fd)
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        self._reader.close()
        self._writer.close()
