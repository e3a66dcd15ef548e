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
    from softfocus.app.ui.tray import TrayController, tray_available

    prepare_qt_environment()

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Softfocus")
    window = MainWindow(
        SettingsStore(args.settings),
        source_override=args.source,
        num_threads=args.threads,
        model_override=str(args.model) if args.model else None,
    )
    if tray_available():
        window.attach_tray(TrayController(window))
    if getattr(args, "tray", False) and tray_available():
        window.hide_to_tray()  # the capture runs; no preview is drawn until shown
    else:
        if getattr(args, "tray", False):
            print(
                "softfocus: this desktop has no system tray; showing the window instead.",
                file=sys.stderr,
            )
        window.show()
    # Ctrl+C in the terminal, or SIGTERM from a service manager: quit as the tray's Quit
    # would, and exit 128 + the signal number, as a shell expects.
    signals = QuitOnSignals(lambda _signum: window.quit_app())
    try:
        status = app.exec()
    finally:
        signals.restore()
    if signals.received is not None:
        return 128 + signals.received
    return status
