"""Starting the GUI: the QApplication, the settings store and the main window."""

from __future__ import annotations

import argparse
import sys

from softfocus.app.settings_store import SettingsStore


def run_gui(args: argparse.Namespace) -> int:
    from PySide6.QtWidgets import QApplication

    from softfocus.app.ui.main_window import MainWindow
    from softfocus.app.ui.qt_environment import prepare_qt_environment
    from softfocus.app.ui.signals import QuitOnSignals

    prepare_qt_environment()

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Softfocus")
    window = MainWindow(
        SettingsStore(args.settings),
        source_override=args.source,
        num_threads=args.threads,
        model_override=str(args.model) if args.model else None,
    )
    window.show()
    # Ctrl+C in the terminal, or SIGTERM from a service manager: close as the window's close
    # button would, and exit 128 + the signal number, as a shell expects.
    signals = QuitOnSignals(lambda _signum: window.close())
    try:
        status = app.exec()
    finally:
        signals.restore()
    if signals.received is not None:
        return 128 + signals.received
    return status
