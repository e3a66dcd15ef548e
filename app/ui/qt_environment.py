"""Keeping opencv-python's bundled Qt out of PySide6's way.

Importing ``cv2`` from the opencv-python wheel points ``QT_QPA_PLATFORM_PLUGIN_PATH`` (and
``QT_QPA_FONTDIR``) at the Qt plugins it ships for its own ``imshow``. PySide6 then loads those
instead of its own and, on a real display, fails to start ("could not load the Qt platform
plugin xcb"). Call this before creating the QApplication.
"""

from __future__ import annotations

import os
from pathlib import Path


def prepare_qt_environment() -> None:
    import cv2  # noqa: F401  (its import is what sets the variables; do it now, then undo)

    for key in ("QT_QPA_PLATFORM_PLUGIN_PATH", "QT_QPA_FONTDIR"):
        value = os.environ.get(key)
        if value and "cv2" in Path(value).parts:
            del os.environ[key]
