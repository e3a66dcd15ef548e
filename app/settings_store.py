"""Settings that survive restarts: versioned JSON, written atomically, read forgivingly.

A corrupt, unreadable or future-versioned file never stops the app: it falls back to defaults
and says so once (``LoadedSettings.notice``), and the bad file is kept aside for inspection.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from softfocus.app.paths import settings_path
from softfocus.app.settings import PipelineSettings

SETTINGS_VERSION = 1


@dataclass(frozen=True)
class AppSettings:
    """Everything the user chose: the pipeline's snapshot plus the app around it."""

    pipeline: PipelineSettings = field(default_factory=PipelineSettings)
    camera: str = "0"  # camera index, or a file path given with --source
    resolution: str = "1280x720"
    model_path: str | None = None  # None: the bundled person model
    user_backdrops: tuple[str, ...] = ()
    window_geometry: str = ""  # Qt's saveGeometry(), base64
    virtual_camera: bool = False
    # Closing the window while the virtual camera is on: None = ask (once), True = keep
    # running in the tray, False = quit.
    close_to_tray: bool | None = None

    def with_pipeline(self, **changes: Any) -> AppSettings:
        return replace(self, pipeline=replace(self.pipeline, **changes))

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["user_backdrops"] = list(self.user_backdrops)
        return {"version": SETTINGS_VERSION, "settings": data}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AppSettings:
        body = data.get("settings", {})
        if not isinstance(body, dict):
            raise ValueError("'settings' is not an object")
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in body.items() if k in known}
        pipeline = values.pop("pipeline", {})
        values["pipeline"] = PipelineSettings.from_dict(
            pipeline if isinstance(pipeline, dict) else {}
        )
        backdrops = values.get("user_backdrops", ())
        values["user_backdrops"] = (
            tuple(str(b) for b in backdrops) if isinstance(backdrops, list | tuple) else ()
        )
        for key in ("camera", "resolution", "window_geometry"):
            if key in values:
                values[key] = str(values[key])
        if values.get("model_path") is not None:
            values["model_path"] = str(values["model_path"])
        if "virtual_camera" in values:
            values["virtual_camera"] = bool(values["virtual_camera"])
        if values.get("close_to_tray") is not None:
            values["close_to_tray"] = bool(values["close_to_tray"])
        return cls(**values)


@dataclass(frozen=True)
class LoadedSettings:
    settings: AppSettings
    notice: str | None = None


def default_settings_path() -> Path:
    return settings_path()


class SettingsStore:
    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path else default_settings_path()

    def load(self) -> LoadedSettings:
        if not self.path.exists():
            return LoadedSettings(AppSettings())
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
            version = data.get("version")
            if version != SETTINGS_VERSION:
                raise ValueError(f"version {version!r}, expected {SETTINGS_VERSION}")
            return LoadedSettings(AppSettings.from_json(data))
        except (OSError, ValueError, TypeError, RecursionError) as error:
            kept = self.path.with_suffix(".json.bad")
            try:
                os.replace(self.path, kept)
            except OSError:
                kept = self.path
            return LoadedSettings(
                AppSettings(),
                f"Your settings file could not be read ({error}); defaults are in use. "
                f"The old file was kept as {kept.name}.",
            )

    def save(self, settings: AppSettings) -> None:
        """Write to a temporary file and rename it over the old one: never a half-written file."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".settings-")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump(settings.to_json(), stream, indent=2)
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
