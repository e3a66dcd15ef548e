import json

from softfocus.app.settings import PipelineSettings
from softfocus.app.settings_store import AppSettings, SettingsStore


def test_settings_round_trip(tmp_path):
    store = SettingsStore(tmp_path / "settings.json")
    settings = AppSettings(
        pipeline=PipelineSettings(
            effect="replace", kernel_size_px=51, mirror=True, backdrop_path="builtin:ocean"
        ),
        camera="1",
        resolution="640x480",
        model_path="/models/pets.onnx",
        user_backdrops=("/tmp/a.png",),
        window_geometry="AAAA",
        virtual_camera=True,
    )
    store.save(settings)
    loaded = store.load()
    assert loaded.notice is None
    assert loaded.settings == settings


def test_missing_file_gives_defaults_silently(tmp_path):
    loaded = SettingsStore(tmp_path / "none.json").load()
    assert loaded.settings == AppSettings() and loaded.notice is None


def test_corrupt_file_falls_back_with_a_notice_and_is_kept_aside(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text("{not json")
    loaded = SettingsStore(path).load()
    assert loaded.settings == AppSettings()
    assert "could not be read" in loaded.notice
    assert (tmp_path / "settings.json.bad").read_text() == "{not json"


def test_old_or_future_version_falls_back(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"version": 99, "settings": {}}))
    loaded = SettingsStore(path).load()
    assert loaded.settings == AppSettings() and "version 99" in loaded.notice


def test_bad_values_are_clamped_not_fatal(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(
        json.dumps(
            {
                "version": 1,
                "settings": {
                    "pipeline": {"kernel_size_px": 1000, "effect": "laser", "unknown": 1},
                    "user_backdrops": "not a list",
                    "camera": 3,
                    "extra": True,
                },
            }
        )
    )
    loaded = SettingsStore(path).load()
    assert loaded.notice is None
    assert loaded.settings.pipeline.kernel_size_px == 151
    assert loaded.settings.pipeline.effect == "blur"
    assert loaded.settings.user_backdrops == () and loaded.settings.camera == "3"


def test_save_is_atomic_and_leaves_no_temporary_files(tmp_path):
    store = SettingsStore(tmp_path / "deep" / "settings.json")
    store.save(AppSettings())
    store.save(AppSettings(camera="2"))
    assert sorted(p.name for p in (tmp_path / "deep").iterdir()) == ["settings.json"]


def test_settings_live_in_the_platforms_config_folder(tmp_path, monkeypatch):
    from platformdirs.macos import MacOS
    from platformdirs.unix import Unix

    from softfocus.app.paths import imported_models_dir, settings_path

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    linux = Unix("softfocus", appauthor=False, roaming=True)
    # Linux: unchanged from earlier releases.
    assert settings_path(linux) == tmp_path / "xdg" / "softfocus" / "settings.json"
    assert imported_models_dir(linux) == tmp_path / "data" / "softfocus" / "models"
    monkeypatch.delenv("XDG_CONFIG_HOME")  # platformdirs honours it on macOS too
    # A home of its own: on a machine where the app has run, ~/.config/softfocus/settings.json
    # exists and is (rightly) kept as the legacy file.
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    mac = MacOS("softfocus", appauthor=False, roaming=True)
    assert "Library/Application Support/softfocus" in settings_path(mac).as_posix()


def test_an_existing_settings_file_is_found_where_it_was(tmp_path, monkeypatch):
    from platformdirs.macos import MacOS

    from softfocus.app.paths import settings_path

    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    old = tmp_path / "home" / ".config" / "softfocus" / "settings.json"
    old.parent.mkdir(parents=True)
    old.write_text("{}")
    mac = MacOS("softfocus", appauthor=False, roaming=True)
    assert settings_path(mac) == old  # the new place is empty: keep using the old file
    old.unlink()
    assert "Library/Application Support" in settings_path(mac).as_posix()
