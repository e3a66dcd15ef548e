"""Where things live: bundled assets beside the code, the user's files where their platform
expects them.

Bundled assets resolve from this file, so the same expression finds them in a source checkout
(``app/`` beside ``assets/``) and in an installed wheel (``softfocus/app`` beside
``softfocus/assets``). User files go through platformdirs: on Linux the XDG locations the app
always used (``~/.config/softfocus``, ``~/.local/share/softfocus``), on Windows and macOS
their own (``%APPDATA%``, ``~/Library/Application Support``). Functions, not constants, so a
changed environment (tests, XDG variables) is read when it matters.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "softfocus"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
ASSETS_DIR = PROJECT_ROOT / "assets"
DEFAULT_MODEL_PATH = ASSETS_DIR / "models" / "person.onnx"
DEMO_CLIP_PATH = ASSETS_DIR / "demo.mp4"
BACKDROPS_DIR = ASSETS_DIR / "backdrops"
ICON_PATH = ASSETS_DIR / "softfocus.svg"


def _dirs() -> platformdirs.PlatformDirs:
    return platformdirs.PlatformDirs(APP_NAME, appauthor=False, roaming=True)


def legacy_settings_path() -> Path:
    """Where every release before native paths kept settings, on every platform."""
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(Path.home(), ".config")
    return Path(base) / APP_NAME / "settings.json"


def settings_path(dirs: platformdirs.PlatformDirs | None = None) -> Path:
    """The settings file: the platform's config folder, or the old file where one exists
    and the new place has none yet (it keeps being used, so nothing is lost)."""
    native = (dirs or _dirs()).user_config_path / "settings.json"
    legacy = legacy_settings_path()
    if not native.exists() and legacy.exists():
        return legacy
    return native


def imported_models_dir(dirs: platformdirs.PlatformDirs | None = None) -> Path:
    """Models brought in with ``softfocus-train import``; the GUI's Model menu lists them."""
    return (dirs or _dirs()).user_data_path / "models"


def snapshots_dir(dirs: platformdirs.PlatformDirs | None = None) -> Path:
    return (dirs or _dirs()).user_pictures_path
