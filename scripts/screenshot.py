"""README screenshot: the real window under Xvfb, on the demo clip, blur on.

xvfb-run -s "-screen 0 1200x720x24" .venv/bin/python scripts/screenshot.py assets/screenshot.png
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from softfocus.app.paths import DEMO_CLIP_PATH
from softfocus.app.settings_store import SettingsStore
from softfocus.app.ui.main_window import MainWindow
from softfocus.app.ui.qt_environment import prepare_qt_environment


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "assets/screenshot.png")
    prepare_qt_environment()
    app = QApplication([])
    settings = Path(tempfile.mkdtemp()) / "settings.json"
    window = MainWindow(SettingsStore(settings), source_override=str(DEMO_CLIP_PATH))
    window.effect_box.setCurrentIndex(1)
    window.kernel_slider.setValue(25)
    window.setGeometry(0, 0, 1180, 680)
    window.show()

    def shoot():
        screen = app.primaryScreen().grabWindow(0, 0, 0, 1180, 680)
        screen.save(str(out))
        window.close()
        app.quit()

    QTimer.singleShot(4000, shoot)
    app.exec()
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
