"""The system-tray icon: Softfocus running in the background while a call reads the camera.

The menu's actions call the same window methods as the window's own controls, so a tray
action changes the settings snapshot exactly as the matching button would. The actions exist
(and can be triggered) even where the platform has no tray; only the icon is then missing.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from softfocus.app.paths import ICON_PATH


def tray_available() -> bool:
    return QSystemTrayIcon.isSystemTrayAvailable()


class TrayController(QObject):
    """Owns the tray icon and its menu for one ``MainWindow``."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self._window = window
        self.menu = QMenu()
        self.blur_action = self._add("Blur background", window.set_blur, checkable=True)
        self.next_backdrop_action = self._add("Next backdrop", window.next_backdrop)
        self.menu.addSeparator()
        self.window_action = self._add("Show window", self.toggle_window)
        self.virtual_camera_action = self._add(
            "Virtual camera", window.set_virtual_camera, checkable=True
        )
        self.menu.addSeparator()
        self.quit_action = self._add("Quit Softfocus", window.quit_app)
        self.menu.aboutToShow.connect(self.refresh)
        self.icon = QSystemTrayIcon(QIcon(str(ICON_PATH)), self)
        self.icon.setToolTip("Softfocus")
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)
        if tray_available():
            self.icon.show()
        self.refresh()

    @property
    def visible(self) -> bool:
        """Whether the icon is really in a tray (False where the platform has none)."""
        return tray_available() and self.icon.isVisible()

    def _add(self, text: str, slot, checkable: bool = False) -> QAction:
        action = QAction(text, self.menu)
        action.setCheckable(checkable)
        action.triggered.connect(slot)
        self.menu.addAction(action)
        return action

    def refresh(self) -> None:
        """Show the window's current state in the menu (it may have changed from the window)."""
        settings = self._window.settings
        self.blur_action.setChecked(settings.pipeline.effect == "blur")
        self.virtual_camera_action.setChecked(self._window.virtual_camera_on())
        self.window_action.setText("Hide window" if self._window.isVisible() else "Show window")

    def toggle_window(self) -> None:
        if self._window.isVisible():
            self._window.hide()
        else:
            self._window.show_from_tray()
        self.refresh()

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:  # a plain click
            self.toggle_window()

    def remove(self) -> None:
        self.icon.hide()
