"""The window, offscreen, with a generated clip as the camera and a tiny model."""

import json
import os
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt

from softfocus.app.frame_source import SourceError
from softfocus.app.settings_store import SettingsStore
from softfocus.app.ui.main_window import MainWindow
from softfocus.app.virtual_camera import BackendRegistry
from tests.fakes import write_clip
from tests.test_virtual_camera import FakeCamera

WIDTH, HEIGHT = 320, 240


@pytest.fixture
def clip(tmp_path):
    return write_clip(tmp_path / "camera.avi", frames=30, width=WIDTH, height=HEIGHT, fps=30)


@pytest.fixture
def make_window(qtbot, tmp_path, tiny_model, clip):
    windows = []

    def make(registry=None, store_path=None, source=None, model=tiny_model):
        window = MainWindow(
            SettingsStore(store_path or tmp_path / "settings.json"),
            source_override=str(source or clip),
            registry=registry,
            snapshot_dir=tmp_path / "snapshots",
            model_override=str(model) if model else None,
        )
        qtbot.addWidget(window)
        window.show()
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()


def frame_of(window) -> np.ndarray:
    image = window.preview.image().convertToFormat(window.preview.image().Format.Format_RGB888)
    width, height = image.width(), image.height()
    data = np.frombuffer(image.constBits(), np.uint8, count=image.bytesPerLine() * height)
    rgb = data.reshape(height, image.bytesPerLine())[:, : width * 3].reshape(height, width, 3)
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)


def wait_frames(qtbot, window, count=4):
    start = window.frames_shown
    qtbot.waitUntil(lambda: window.frames_shown >= start + count, timeout=5000)
    return frame_of(window)


def test_effects_change_the_displayed_frame(qtbot, make_window):
    window = make_window()
    window.effect_box.setCurrentIndex(0)  # None
    plain = wait_frames(qtbot, window)
    assert plain.shape == (HEIGHT, WIDTH, 3)
    window.effect_box.setCurrentIndex(1)  # Blur
    window.kernel_slider.setValue(40)
    blurred = wait_frames(qtbot, window)
    background_noise = np.abs(np.diff(plain[:40].astype(int), axis=1)).mean()
    assert np.abs(np.diff(blurred[:40].astype(int), axis=1)).mean() < 0.5 * background_noise
    window.effect_box.setCurrentIndex(3)  # Outline
    outlined = wait_frames(qtbot, window)
    green = (outlined[..., 1] > 200) & (outlined[..., 0] < 120) & (outlined[..., 2] < 120)
    assert green.sum() > 50


def test_slider_sets_odd_kernels_the_worker_uses(qtbot, make_window):
    window = make_window()
    wait_frames(qtbot, window, 1)
    seen = set()
    for position in range(0, 76, 5):
        window.kernel_slider.setValue(position)
        seen.add(window._session.settings.kernel_size_px)
        assert window.kernel_label.text() == f"{2 * position + 1} px"
    assert all(k % 2 == 1 for k in seen) and min(seen) == 1 and max(seen) == 151
    window.effect_box.setCurrentIndex(1)
    window.kernel_slider.setValue(0)
    sharp = wait_frames(qtbot, window)
    window.kernel_slider.setValue(75)
    soft = wait_frames(qtbot, window)
    assert (
        np.abs(np.diff(soft[:40].astype(int), axis=1)).mean()
        < np.abs(np.diff(sharp[:40].astype(int), axis=1)).mean()
    )


def test_choosing_a_backdrop_shows_it_behind_the_person(qtbot, make_window, tmp_path):
    window = make_window()
    backdrop = tmp_path / "green.png"
    cv2.imwrite(str(backdrop), np.full((90, 160, 3), (0, 255, 0), np.uint8))
    assert window.add_backdrop(str(backdrop))
    assert window.effect_box.currentText() == "Replace"
    frame = wait_frames(qtbot, window)
    assert np.abs(frame[5, 5].astype(int) - (0, 255, 0)).max() <= 3  # background: backdrop
    assert frame[HEIGHT - 5, WIDTH // 2, 2] > 180  # the red 'person' stays
    assert str(backdrop) in window.settings.user_backdrops


def test_a_bad_backdrop_shows_a_dialog_and_keeps_the_previous(qtbot, make_window, tmp_path):
    window = make_window()
    window.backdrop_list.setCurrentRow(1)
    previous = window.settings.pipeline.backdrop_path
    corrupt = tmp_path / "broken.jpg"
    corrupt.write_bytes(b"not an image")
    assert not window.add_backdrop(str(corrupt))
    assert "not a readable image" in window.last_dialog.text()
    assert window.settings.pipeline.backdrop_path == previous
    wait_frames(qtbot, window)  # still running


def test_a_bad_model_shows_a_dialog_and_keeps_the_previous(qtbot, make_window, tmp_path):
    window = make_window()
    wait_frames(qtbot, window, 1)
    wrong = tmp_path / "wrong.onnx"
    wrong.write_bytes(b"nope")
    assert not window.load_model(str(wrong))
    assert "not a loadable ONNX model" in window.last_dialog.text()
    assert window._segmenter.contract.name == "red-detector"
    wait_frames(qtbot, window)


def test_virtual_camera_sends_frames_of_the_source_size(qtbot, make_window):
    cameras = []

    def factory(width, height, fps):
        cameras.append(FakeCamera(width, height, fps))
        return cameras[-1]

    registry = BackendRegistry()
    registry.register("fake", factory)
    window = make_window(registry=registry)
    wait_frames(qtbot, window, 1)
    window.virtual_camera_box.setChecked(True)
    qtbot.waitUntil(lambda: cameras and len(cameras[0].frames) >= 5, timeout=5000)
    assert cameras[0].size == (WIDTH, HEIGHT)
    window.virtual_camera_box.setChecked(False)
    assert cameras[0].closed


def test_virtual_camera_without_backend_explains_and_keeps_running(qtbot, make_window):
    registry = BackendRegistry()

    def missing(width, height, fps):
        raise RuntimeError("v4l2loopback device not found")

    registry.register("pyvirtualcam", missing)
    window = make_window(registry=registry)
    wait_frames(qtbot, window, 1)
    window.virtual_camera_box.setChecked(True)
    assert not window.virtual_camera_box.isChecked()
    assert "v4l2loopback" in window.virtual_camera_hint.text()
    wait_frames(qtbot, window)


def test_settings_survive_a_restart(qtbot, make_window, tmp_path):
    store = tmp_path / "persist.json"
    first = make_window(store_path=store)
    first.effect_box.setCurrentIndex(3)
    first.kernel_slider.setValue(30)
    first.mirror_box.setChecked(True)
    first.edges_box.setChecked(False)
    first.backdrop_list.setCurrentRow(2)
    first.effect_box.setCurrentIndex(3)
    first.resize(900, 600)
    first.close()
    saved = json.loads(store.read_text())
    assert saved["settings"]["pipeline"]["kernel_size_px"] == 61
    second = make_window(store_path=store)
    assert second.effect_box.currentText() == "Outline"
    assert second.kernel_slider.value() == 30 and second.kernel_label.text() == "61 px"
    assert second.mirror_box.isChecked()
    assert not second.edges_box.isChecked() and not second.settings.pipeline.edge_refine
    assert second.settings.pipeline.backdrop_path == first.settings.pipeline.backdrop_path
    assert second.settings.window_geometry


def test_corrupt_settings_fall_back_to_defaults_with_a_notice(qtbot, make_window, tmp_path):
    store = tmp_path / "broken.json"
    store.write_text("\x00garbage{")
    window = make_window(store_path=store)
    assert "defaults are in use" in window.last_dialog.text()
    assert window.effect_box.currentText() == "Blur"
    wait_frames(qtbot, window)


def test_a_source_that_dies_shows_a_message_and_recovers(qtbot, make_window, monkeypatch):
    frame = np.zeros((HEIGHT, WIDTH, 3), np.uint8)
    opened = []

    class Unplugged:
        fps, description = 30.0, "camera 0"

        def __init__(self, fail_after):
            self.left = fail_after

        def read(self):
            import time

            time.sleep(0.01)
            if self.left == 0:
                raise SourceError("camera 0 stopped delivering frames (unplugged?).")
            self.left -= 1
            return frame

        def close(self):
            pass

    def opener_for(self, spec):
        def opener():
            opened.append(1)
            if len(opened) == 3:
                raise SourceError("No camera found at index 0.")  # still unplugged
            return Unplugged(20 if len(opened) == 2 else -1)

        return opener

    monkeypatch.setattr(MainWindow, "_opener", opener_for)
    window = make_window()
    qtbot.waitUntil(lambda: "stopped delivering" in window.banner_label.text(), timeout=5000)
    assert window.banner.isVisible()
    qtbot.waitUntil(lambda: "reconnected" in window.banner_label.text(), timeout=8000)
    wait_frames(qtbot, window, 3)


def test_no_camera_offers_retry(qtbot, make_window, monkeypatch, tmp_path):
    monkeypatch.setattr("softfocus.app.ui.main_window.DEMO_CLIP_PATH", tmp_path / "no-demo.mp4")
    window = make_window(source="7")
    assert window.banner.isVisible()
    assert "No camera" in window.banner_label.text()
    assert window.retry_button.isVisible() and not window.demo_button.isVisible()


def test_no_camera_plays_the_demo_clip(qtbot, make_window, monkeypatch, clip):
    monkeypatch.setattr("softfocus.app.ui.main_window.DEMO_CLIP_PATH", Path(clip))
    window = make_window(source=None)
    window._source_override = None
    window.settings = window.settings.__class__(camera="9")
    window.start_source("9")
    assert "No camera found" in window.banner_label.text()
    wait_frames(qtbot, window, 2)


def test_snapshot_saves_the_processed_frame(qtbot, make_window):
    window = make_window()
    wait_frames(qtbot, window, 2)
    path = window.snapshot()
    saved = cv2.imread(str(path))
    assert saved.shape == (HEIGHT, WIDTH, 3)


def test_closing_stops_every_thread_quickly(qtbot, make_window):
    import threading
    import time

    window = make_window()
    wait_frames(qtbot, window, 2)
    start = time.monotonic()
    window.close()
    assert time.monotonic() - start < 1.5
    assert not [t for t in threading.enumerate() if t.name.startswith("softfocus-")]


def test_qt_binding_does_not_leak_references_on_emit(qtbot):
    """PySide6 6.12.0 decremented True's refcount on every emit, crashing long sessions."""
    import sys

    from softfocus.app.ui.bridge import SessionBridge

    bridge = SessionBridge()
    before = sys.getrefcount(True)
    for _ in range(200):
        bridge.status.emit("tick")
    assert sys.getrefcount(True) >= before - 5


def test_opencv_does_not_redirect_pysides_plugins():
    import os

    import cv2  # noqa: F401

    from softfocus.app.ui.qt_environment import prepare_qt_environment

    prepare_qt_environment()
    assert "cv2" not in os.environ.get("QT_QPA_PLATFORM_PLUGIN_PATH", "")


def test_no_camera_lists_one_disabled_entry(qtbot, make_window, monkeypatch):
    monkeypatch.setattr("softfocus.app.ui.main_window.list_cameras", lambda: [])
    window = make_window()
    window._fill_cameras()
    box, model = window.camera_box, window.camera_box.model()
    # Camera entries: those that are not the demo clip or a file given with --source.
    cameras = [
        (box.itemText(i), model.item(i).isEnabled())
        for i in range(box.count())
        if box.itemData(i) is None or str(box.itemData(i)).isdigit()
    ]
    assert cameras == [("No camera found", False)]


def test_sigint_closes_the_window_saving_settings(tmp_path):
    """The real command, offscreen: SIGINT ends it within 2 s with the settings file written."""
    import signal
    import subprocess
    import sys

    clip = write_clip(tmp_path / "clip.avi", frames=60, width=160, height=120, fps=30)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path)}
    process = subprocess.Popen(
        [sys.executable, "-m", "softfocus.app", "--source", str(clip)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    settings = tmp_path / "softfocus" / "settings.json"
    time.sleep(3.0)  # the window is up and playing
    assert process.poll() is None
    sent = time.monotonic()
    process.send_signal(signal.SIGINT)
    process.wait(timeout=10)
    assert time.monotonic() - sent < 2.0
    assert process.returncode in (0, 130)
    assert settings.is_file() and '"window_geometry"' in settings.read_text()


# ----- tray mode and the CPU saver's control ------------------------------------------------
class StubTray:
    """Stands in for a tray icon that is really shown (offscreen Qt has no tray)."""

    visible = True

    def __init__(self) -> None:
        self.removed = False

    def refresh(self) -> None:
        pass

    def remove(self) -> None:
        self.removed = True


@pytest.fixture
def stub_application(monkeypatch, qapp):
    """The window quits the application itself in tray mode; the test session's must survive."""
    calls = []
    monkeypatch.setattr("softfocus.app.ui.main_window.quit_application", lambda: calls.append(1))
    yield calls
    qapp.setQuitOnLastWindowClosed(True)


def fake_registry(cameras):
    def factory(width, height, fps):
        cameras.append(FakeCamera(width, height, fps))
        return cameras[-1]

    registry = BackendRegistry()
    registry.register("fake", factory)
    return registry


def test_tray_actions_change_the_settings_like_the_window_controls(
    qtbot, make_window, stub_application
):
    from softfocus.app.ui.tray import TrayController

    cameras = []
    window = make_window(registry=fake_registry(cameras))
    tray = TrayController(window)
    wait_frames(qtbot, window, 1)

    window.effect_box.setCurrentIndex(window.effect_box.findData("blur"))
    window._effect_changed(window.effect_box.currentIndex())
    tray.menu.aboutToShow.emit()
    assert tray.blur_action.isChecked()
    tray.blur_action.trigger()  # unchecks: blur off
    assert window.settings.pipeline.effect == "none"
    assert window.effect_box.currentData() == "none"
    tray.blur_action.trigger()
    assert window.settings.pipeline.effect == "blur"

    before = window.backdrop_list.currentRow()
    tray.next_backdrop_action.trigger()
    expected = window.backdrop_list.item((before + 1) % window.backdrop_list.count())
    assert window.settings.pipeline.effect == "replace"
    assert window.settings.pipeline.backdrop_path == expected.data(Qt.ItemDataRole.UserRole)

    tray.virtual_camera_action.trigger()
    assert window.virtual_camera_box.isChecked() and window.settings.virtual_camera
    qtbot.waitUntil(lambda: cameras and len(cameras[0].frames) >= 3, timeout=5000)

    tray.window_action.trigger()
    assert not window.isVisible() and tray.window_action.text() == "Show window"
    tray.window_action.trigger()
    assert window.isVisible() and tray.window_action.text() == "Hide window"

    tray.quit_action.trigger()
    assert not window.isVisible()
    assert cameras[0].closed and window._session is None
    assert stub_application == [1]


def test_hidden_window_draws_no_preview_but_keeps_feeding_the_call(
    qtbot, make_window, stub_application
):
    cameras = []
    window = make_window(registry=fake_registry(cameras))
    wait_frames(qtbot, window, 1)
    window.virtual_camera_box.setChecked(True)
    window.hide_to_tray()
    qtbot.wait(100)  # frames already in flight may still carry a picture
    shown_key = window.preview.image().cacheKey()
    sent = len(cameras[0].frames) if cameras else 0
    start = window.frames_shown
    qtbot.waitUntil(lambda: window.frames_shown >= start + 5, timeout=5000)
    assert window.preview.image().cacheKey() == shown_key  # nothing new drawn
    assert len(cameras[0].frames) >= sent + 5  # the call still gets every frame
    window.show_from_tray()
    wait_frames(qtbot, window, 3)
    assert window.preview.image().cacheKey() != shown_key


def test_closing_with_the_virtual_camera_on_asks_once_and_remembers(
    qtbot, make_window, stub_application, tmp_path
):
    cameras = []
    store = tmp_path / "tray.json"
    window = make_window(registry=fake_registry(cameras), store_path=store)
    window.attach_tray(StubTray())
    asked = []
    window.ask_keep_in_tray = lambda: asked.append(1) or True
    wait_frames(qtbot, window, 1)

    window.close()  # virtual camera off: closes for real, no question
    assert not asked and window._session is None
    assert stub_application == [1]

    window = make_window(registry=fake_registry(cameras), store_path=store)
    window.attach_tray(StubTray())
    window.ask_keep_in_tray = lambda: asked.append(1) or True
    wait_frames(qtbot, window, 1)
    window.virtual_camera_box.setChecked(True)
    qtbot.waitUntil(lambda: len(cameras) == 1 and len(cameras[0].frames) >= 2, timeout=5000)
    window.close()
    assert asked == [1] and not window.isVisible()
    sent = len(cameras[0].frames)
    qtbot.waitUntil(lambda: len(cameras[0].frames) >= sent + 3, timeout=5000)  # still running
    window.show_from_tray()
    window.close()
    assert asked == [1]  # remembered: not asked again
    assert json.loads(store.read_text())["settings"]["close_to_tray"] is True
    window.quit_app()
    assert cameras[0].closed


def test_declining_the_tray_quits(qtbot, make_window, stub_application):
    cameras = []
    window = make_window(registry=fake_registry(cameras))
    window.attach_tray(StubTray())
    window.ask_keep_in_tray = lambda: False
    wait_frames(qtbot, window, 1)
    window.virtual_camera_box.setChecked(True)
    qtbot.waitUntil(lambda: bool(cameras), timeout=5000)
    window.close()
    assert window._session is None and cameras[0].closed
    assert window.settings.close_to_tray is False


def test_real_tray_icon_where_the_desktop_has_one(qtbot, make_window):
    from softfocus.app.ui.tray import TrayController, tray_available

    if not tray_available():
        pytest.skip("no system tray on this display (offscreen or no tray host)")
    window = make_window()
    tray = TrayController(window)
    assert tray.visible
    tray.remove()


def test_efficiency_choice_reaches_the_worker(qtbot, make_window):
    window = make_window()
    index = window.efficiency_box.findText("Model every 3rd frame")
    window.efficiency_box.setCurrentIndex(index)
    window._efficiency_chosen(index)
    assert window.settings.pipeline.inference_every == 3
    window._inferred_recent.clear()
    qtbot.waitUntil(lambda: len(window._inferred_recent) >= 12, timeout=5000)
    assert sum(window._inferred_recent) <= len(window._inferred_recent) // 2
    assert "model " in window.fps_label.text()
    index = window.efficiency_box.findText("Full rate")
    window._efficiency_chosen(index)
    assert not window.settings.pipeline.skip_still
    assert window.settings.pipeline.inference_every == 1
