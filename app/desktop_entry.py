"""``softfocus --install-desktop-entry``: start Softfocus from the Linux launcher.

A user install (pipx, ``pip install --user``) puts the ``softfocus`` command on PATH but no
launcher entry; this writes a freedesktop ``.desktop`` file and the icon into the user's data
folder ($XDG_DATA_HOME, ~/.local/share by default), where every desktop looks for them.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from softfocus.app.errors import SoftfocusError
from softfocus.app.paths import ICON_PATH

DESKTOP_FILE = "softfocus.desktop"
ICON_NAME = "softfocus"


def _data_home() -> Path:
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


def desktop_entry(command: str) -> str:
    return "\n".join(
        [
            "[Desktop Entry]",
            "Type=Application",
            "Name=Softfocus",
            "GenericName=Webcam background blur",
            "Comment=Blur or replace the background behind you on video calls",
            f"Exec={command}",
            f"Icon={ICON_NAME}",
            "Terminal=false",
            "Categories=AudioVideo;Video;",
            "Keywords=webcam;camera;blur;background;video call;",
            "StartupWMClass=softfocus",
            "",
        ]
    )


def install_desktop_entry(data_home: Path | None = None) -> Path:
    """Write the launcher entry and icon; returns the .desktop file's path."""
    if not sys.platform.startswith("linux"):
        raise SoftfocusError(
            "Desktop entries are for Linux launchers; on Windows and macOS start `softfocus` "
            "from a terminal or pin it to the taskbar/dock."
        )
    data_home = data_home or _data_home()
    command = shutil.which("softfocus") or f"{sys.executable} -m softfocus.app"
    applications = data_home / "applications"
    icons = data_home / "icons" / "hicolor" / "scalable" / "apps"
    applications.mkdir(parents=True, exist_ok=True)
    icons.mkdir(parents=True, exist_ok=True)
    if ICON_PATH.is_file():
        shutil.copyfile(ICON_PATH, icons / f"{ICON_NAME}.svg")
    entry = applications / DESKTOP_FILE
    entry.write_text(desktop_entry(command), encoding="utf-8")
    return entry
