"""The main window: preview, effect and blur controls, backdrops, camera, model, virtual camera.

Widgets hold no state of their own: the window keeps one ``AppSettings`` snapshot, every
control builds a new one, and the worker reads the pipeline part once per frame.
"""

from __future__ import annotations

import collections
import contextlib
import time
from dataclasses import replace
from pathlib import Path

import cv2
from PySide6.QtCore import QByteArray, QEvent, QSignalBlocker, QSize, Qt, QTimer
from PySide6.QtGui import QIcon, QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from softfocus.app.backdrops import BUILTIN_BACKDROPS, BUILTIN_PREFIX, load_backdrop, render_builtin
from softfocus.app.errors import SoftfocusError
from softfocus.app.frame_source import CameraSource, open_source
from softfocus.app.live import LiveSession
from softfocus.app.model_catalog import imported_models
from softfocus.app.paths import (
    DEFAULT_MODEL_PATH,
    DEMO_CLIP_PATH,
    imported_models_dir,
    snapshots_dir,
)
from softfocus.app.segmenter import Segmenter
from softfocus.app.settings_store import AppSettings, SettingsStore
from softfocus.app.ui.bridge import SessionBridge, to_qimage
from softfocus.app.ui.preview import PreviewWidget
from softfocus.app.virtual_camera import BackendRegistry, VirtualCameraError, default_registry
from softfocus.model.contract import ModelContractError

EFFECT_LABELS = [("None", "none"), ("Blur", "blur"), ("Replace", "replace"), ("Outline", "outline")]
RESOLUTIONS = ["640x480", "1280x720", "1920x1080"]
DEMO_SOURCE = "demo"
OPEN_MODEL = "__open__"
# The CPU saver's choices: (label, skip_still, inference_every).
EFFICIENCY_CHOICES = [
    ("Full rate", False, 1),
    ("Skip still frames", True, 1),
    ("Model every 2nd frame", True, 2),
    ("Model every 3rd frame", True, 3),
]
NO_CAMERA_LABEL = "No camera found"


def list_cameras() -> list[tuple[str, str]] | None:
    """(index, name) of the cameras that exist; [] when there is none; None when this Qt
    cannot tell (no QtMultimedia backend), and the user may still try camera 0."""
    try:
        from PySide6.QtMultimedia import QMediaDevices

        return [
            (str(i), device.description()) for i, device in enumerate(QMediaDevices.videoInputs())
        ]
    except Exception:  # QtMultimedia missing or no backend
        return None


class MainWindow(QMainWindow):
    def __init__(
        self,
        store: SettingsStore,
        source_override: str | None = None,
        registry: BackendRegistry | None = None,
        snapshot_dir: Path | None = None,
        num_threads: int = 2,
        model_override: str | None = None,
    ) -> None:
        super().__init__()
        self.setWindowTitle("Softfocus")
        self._store = store
        loaded = store.load()
        self.settings: AppSettings = loaded.settings
        if model_override:
            self.settings = replace(self.settings, model_path=model_override)
        self._source_override = source_override
        self._registry = registry or default_registry()
        self._snapshot_dir = snapshot_dir or snapshots_dir()
        self._num_threads = num_threads
        self._session: LiveSession | None = None
        self._inferred_recent: collections.deque[bool] = collections.deque(maxlen=30)
        self._segmenter: Segmenter | None = None
        self._virtual_camera = None
        self._tray = None  # a TrayController, where the desktop has a tray
        self._quitting = False
        self._shut = False
        self._bridge = SessionBridge(self)
        self._bridge.frame_ready.connect(self._show_frame)
        self._bridge.status.connect(self._show_status)
        self._bridge.errored.connect(self._show_status)
        self._bridge.ended.connect(self._source_ended)
        self.last_dialog: QMessageBox | None = None
        self.frames_shown = 0
        self.latencies_ms: collections.deque[float] = collections.deque(maxlen=2000)
        self.last_info: dict = {}
        self._save_timer = QTimer(self, singleShot=True, interval=400)
        self._save_timer.timeout.connect(self.save_settings)
        self._build()
        self._load_model(self.settings.model_path, initial=True)
        self._fill_backdrops()
        self._sync_controls()
        if self.settings.window_geometry:
            self.restoreGeometry(QByteArray.fromBase64(self.settings.window_geometry.encode()))
        else:
            self.resize(1100, 640)
        if loaded.notice:
            self._show_problem("Settings reset", loaded.notice)
        self.start_source()

    # ----- layout -----------------------------------------------------------------------
    def _build(self) -> None:
        central = QWidget(self)
        layout = QHBoxLayout(central)
        left = QVBoxLayout()
        self.banner = QFrame(central)
        self.banner.setFrameShape(QFrame.Shape.StyledPanel)
        banner_layout = QHBoxLayout(self.banner)
        self.banner_label = QLabel("", self.banner)
        self.banner_label.setWordWrap(True)
        self.retry_button = QPushButton("Retry camera", self.banner)
        self.retry_button.clicked.connect(self.retry_camera)
        self.demo_button = QPushButton("Play demo clip", self.banner)
        self.demo_button.clicked.connect(self.play_demo)
        banner_layout.addWidget(self.banner_label, 1)
        banner_layout.addWidget(self.retry_button)
        banner_layout.addWidget(self.demo_button)
        self.banner.hide()
        self.preview = PreviewWidget(central)
        left.addWidget(self.banner)
        left.addWidget(self.preview, 1)
        layout.addLayout(left, 1)

        panel = QWidget(central)
        panel.setFixedWidth(300)
        form = QFormLayout(panel)
        self.effect_box = QComboBox(panel)
        for label, effect in EFFECT_LABELS:
            self.effect_box.addItem(label, effect)
        self.effect_box.currentIndexChanged.connect(self._effect_changed)
        form.addRow("Effect", self.effect_box)

        self.kernel_slider = QSlider(Qt.Orientation.Horizontal, panel)
        # Slider position p shows kernel 2p + 1: only odd sizes can ever be chosen.
        self.kernel_slider.setRange(0, 75)
        self.kernel_slider.valueChanged.connect(self._kernel_changed)
        self.kernel_label = QLabel(panel)
        row = QHBoxLayout()
        row.addWidget(self.kernel_slider, 1)
        row.addWidget(self.kernel_label)
        form.addRow("Blur strength", row)

        self.backdrop_list = QListWidget(panel)
        self.backdrop_list.setViewMode(QListWidget.ViewMode.IconMode)
        self.backdrop_list.setIconSize(QSize(96, 54))
        self.backdrop_list.setFixedHeight(150)
        self.backdrop_list.setMovement(QListWidget.Movement.Static)
        self.backdrop_list.currentItemChanged.connect(self._backdrop_changed)
        self.add_backdrop_button = QPushButton("Add image…", panel)
        self.add_backdrop_button.clicked.connect(self._ask_backdrop)
        form.addRow("Backdrop", self.backdrop_list)
        form.addRow("", self.add_backdrop_button)

        self.camera_box = QComboBox(panel)
        self.camera_box.activated.connect(self._camera_chosen)
        form.addRow("Camera", self.camera_box)
        self.resolution_box = QComboBox(panel)
        self.resolution_box.addItems(RESOLUTIONS)
        self.resolution_box.activated.connect(self._resolution_chosen)
        form.addRow("Resolution", self.resolution_box)
        self.mirror_box = QCheckBox("Mirror view", panel)
        self.mirror_box.toggled.connect(self._mirror_changed)
        form.addRow("", self.mirror_box)
        self.edges_box = QCheckBox("Follow edges (sharper hair)", panel)
        self.edges_box.toggled.connect(self._edges_changed)
        form.addRow("", self.edges_box)
        self.cleanup_box = QCheckBox("Remove specks from the mask", panel)
        self.cleanup_box.setToolTip(
            "Drop small patches the model mistakes for you, away from you; fill small holes."
        )
        self.cleanup_box.toggled.connect(self._cleanup_changed)
        form.addRow("", self.cleanup_box)
        self.edge_colour_box = QCheckBox("Clean edges on backdrops", panel)
        self.edge_colour_box.setToolTip(
            "Over a replacement backdrop, estimate the person's own colour at the soft edge "
            "instead of keeping the old room's."
        )
        self.edge_colour_box.toggled.connect(self._edge_colour_changed)
        form.addRow("", self.edge_colour_box)
        self.light_wrap_slider = QSlider(Qt.Orientation.Horizontal, panel)
        self.light_wrap_slider.setRange(0, 10)  # light_wrap in tenths
        self.light_wrap_slider.setToolTip("How much of the backdrop's light spills onto your edge")
        self.light_wrap_slider.valueChanged.connect(self._light_wrap_changed)
        form.addRow("Light wrap", self.light_wrap_slider)

        self.efficiency_box = QComboBox(panel)
        for label, skip_still, every in EFFICIENCY_CHOICES:
            self.efficiency_box.addItem(label, (skip_still, every))
        self.efficiency_box.setToolTip(
            "Save CPU (and battery): reuse the last mask while you sit still, or run the model "
            "on every 2nd or 3rd frame only. The background still moves at the full frame rate."
        )
        self.efficiency_box.activated.connect(self._efficiency_chosen)
        form.addRow("CPU saver", self.efficiency_box)

        self.model_box = QComboBox(panel)
        self.model_box.activated.connect(self._model_chosen)
        form.addRow("Model", self.model_box)

        self.virtual_camera_box = QCheckBox("Virtual camera", panel)
        self.virtual_camera_box.toggled.connect(self._virtual_camera_toggled)
        form.addRow("Send to call", self.virtual_camera_box)
        self.virtual_camera_hint = QLabel("", panel)
        self.virtual_camera_hint.setWordWrap(True)
        self.virtual_camera_hint.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
        )
        form.addRow(self.virtual_camera_hint)

        self.snapshot_button = QPushButton("Snapshot", panel)
        self.snapshot_button.clicked.connect(self.snapshot)
        form.addRow(self.snapshot_button)
        shortcuts = QLabel("B blur on/off · N next backdrop · S snapshot · M mirror", panel)
        shortcuts.setWordWrap(True)
        form.addRow(shortcuts)
        layout.addWidget(panel)
        self.setCentralWidget(central)

        self.fps_label = QLabel("", self)
        self.model_label = QLabel("", self)
        self.statusBar().addPermanentWidget(self.fps_label)
        self.statusBar().addPermanentWidget(self.model_label)
        for key, action in (
            ("B", self.toggle_blur),
            ("N", self.next_backdrop),
            ("S", self.snapshot),
            ("M", self.mirror_box.toggle),
        ):
            QShortcut(QKeySequence(key), self, activated=action)

    def _fill_backdrops(self) -> None:
        with QSignalBlocker(self.backdrop_list):
            self.backdrop_list.clear()
            for name in BUILTIN_BACKDROPS:
                self._add_backdrop_item(
                    render_builtin(name, 160, 90), name, f"{BUILTIN_PREFIX}{name}"
                )
            for path in self.settings.user_backdrops:
                try:
                    image = load_backdrop(path)
                except SoftfocusError:
                    continue  # a remembered file that went away is quietly skipped
                self._add_backdrop_item(cv2.resize(image, (160, 90)), Path(path).name, path)
        self._select_backdrop(self.settings.pipeline.backdrop_path)

    def _add_backdrop_item(self, thumbnail, label: str, key: str) -> None:
        item = QListWidgetItem(QIcon(QPixmap.fromImage(to_qimage(thumbnail))), label)
        item.setData(Qt.ItemDataRole.UserRole, key)
        self.backdrop_list.addItem(item)

    def _fill_cameras(self) -> None:
        self.camera_box.clear()
        cameras = list_cameras()
        for index, name in cameras or ():
            self.camera_box.addItem(name, index)
        if cameras is None:
            self.camera_box.addItem("Camera 0", "0")
        elif not cameras:
            self.camera_box.addItem(NO_CAMERA_LABEL, None)
            self.camera_box.model().item(self.camera_box.count() - 1).setEnabled(False)
        if DEMO_CLIP_PATH.is_file():
            self.camera_box.addItem("Demo clip", DEMO_SOURCE)
        if self._source_override and not self._source_override.isdigit():
            self.camera_box.addItem(Path(self._source_override).name, self._source_override)

    def _fill_models(self) -> None:
        self.model_box.clear()
        self.model_box.addItem("Person (bundled)", "")
        for entry in imported_models(imported_models_dir()):
            self.model_box.addItem(f"{entry.name} (imported)", str(entry.path))
            if entry.licence:
                self.model_box.setItemData(
                    self.model_box.count() - 1, entry.licence, Qt.ItemDataRole.ToolTipRole
                )
        if self.settings.model_path and self.model_box.findData(self.settings.model_path) < 0:
            self.model_box.addItem(Path(self.settings.model_path).name, self.settings.model_path)
        self.model_box.addItem("Open model…", OPEN_MODEL)

    def _sync_controls(self) -> None:
        """Show the current settings in the widgets without triggering their handlers."""
        pipeline = self.settings.pipeline
        widgets = (
            self.effect_box,
            self.kernel_slider,
            self.mirror_box,
            self.edges_box,
            self.cleanup_box,
            self.edge_colour_box,
            self.light_wrap_slider,
            self.efficiency_box,
            self.resolution_box,
            self.model_box,
            self.camera_box,
        )
        with contextlib.ExitStack() as blocked:
            for widget in widgets:
                blocked.enter_context(QSignalBlocker(widget))
            index = self.effect_box.findData(pipeline.effect)
            self.effect_box.setCurrentIndex(index if index >= 0 else 1)  # 'mask': show Blur
            self.kernel_slider.setValue((pipeline.kernel_size_px - 1) // 2)
            self.kernel_label.setText(f"{pipeline.kernel_size_px} px")
            self.mirror_box.setChecked(pipeline.mirror)
            self.edges_box.setChecked(pipeline.edge_refine)
            self.cleanup_box.setChecked(pipeline.cleanup)
            self.edge_colour_box.setChecked(pipeline.edge_colour)
            self.light_wrap_slider.setValue(round(pipeline.light_wrap * 10))
            self.efficiency_box.setCurrentIndex(efficiency_index(pipeline))
            if self.settings.resolution in RESOLUTIONS:
                self.resolution_box.setCurrentText(self.settings.resolution)
            self._fill_models()
            self.model_box.setCurrentIndex(
                max(0, self.model_box.findData(self.settings.model_path or ""))
            )
            self._fill_cameras()
            source = self._source_override or self.settings.camera
            index = self.camera_box.findData(source)
            if index < 0:  # the saved camera is gone: show what plays instead
                index = self.camera_box.findData(DEMO_SOURCE)
            self.camera_box.setCurrentIndex(max(0, index))
        self._select_backdrop(pipeline.backdrop_path)

    def _select_backdrop(self, key: str | None) -> None:
        with QSignalBlocker(self.backdrop_list):
            for row in range(self.backdrop_list.count()):
                if self.backdrop_list.item(row).data(Qt.ItemDataRole.UserRole) == key:
                    self.backdrop_list.setCurrentRow(row)

    # ----- settings ---------------------------------------------------------------------
    def apply_settings(self, settings: AppSettings) -> None:
        self.settings = settings
        if self._session is not None:
            self._session.set_settings(settings.pipeline)
        self._save_timer.start()

    def save_settings(self) -> None:
        geometry = bytes(self.saveGeometry().toBase64()).decode()
        self.settings = replace(self.settings, window_geometry=geometry)
        try:
            self._store.save(self.settings)
        except OSError as error:
            self._show_status(f"Settings could not be saved: {error}")

    def _effect_changed(self, index: int) -> None:
        self.apply_settings(self.settings.with_pipeline(effect=self.effect_box.itemData(index)))

    def _kernel_changed(self, position: int) -> None:
        kernel = 2 * position + 1
        self.kernel_label.setText(f"{kernel} px")
        self.apply_settings(self.settings.with_pipeline(kernel_size_px=kernel))

    def _mirror_changed(self, checked: bool) -> None:
        self.apply_settings(self.settings.with_pipeline(mirror=checked))

    def _edges_changed(self, checked: bool) -> None:
        self.apply_settings(self.settings.with_pipeline(edge_refine=checked))

    def _cleanup_changed(self, checked: bool) -> None:
        self.apply_settings(self.settings.with_pipeline(cleanup=checked))

    def _edge_colour_changed(self, checked: bool) -> None:
        self.apply_settings(self.settings.with_pipeline(edge_colour=checked))

    def _light_wrap_changed(self, tenths: int) -> None:
        self.apply_settings(self.settings.with_pipeline(light_wrap=tenths / 10))

    def _efficiency_chosen(self, index: int) -> None:
        skip_still, every = self.efficiency_box.itemData(index)
        self.apply_settings(
            self.settings.with_pipeline(skip_still=skip_still, inference_every=every)
        )

    def _backdrop_changed(self, item: QListWidgetItem | None, previous=None) -> None:
        if item is None:
            return
        key = item.data(Qt.ItemDataRole.UserRole)
        try:
            load_backdrop(key)  # check it here, so a bad file gets a dialog
        except SoftfocusError as error:
            self._show_problem("Backdrop not usable", str(error))
            self._select_backdrop(self.settings.pipeline.backdrop_path)
            return
        self.apply_settings(self.settings.with_pipeline(backdrop_path=key, effect="replace"))
        with QSignalBlocker(self.effect_box):
            self.effect_box.setCurrentIndex(self.effect_box.findData("replace"))

    def add_backdrop(self, path: str) -> bool:
        """Add a user image to the gallery (remembered) and use it; False if it is unusable."""
        try:
            load_backdrop(path)
        except SoftfocusError as error:
            self._show_problem("Backdrop not usable", str(error))
            return False
        if path not in self.settings.user_backdrops:
            self.settings = replace(
                self.settings, user_backdrops=(*self.settings.user_backdrops, path)
            )
        self.apply_settings(self.settings.with_pipeline(backdrop_path=path, effect="replace"))
        self._fill_backdrops()
        self._sync_controls()
        return True

    def _ask_backdrop(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            "Choose a backdrop image",
            str(Path.home()),
            "Images (*.png *.jpg *.jpeg *.bmp *.webp)",
        )
        if path:
            self.add_backdrop(path)

    def toggle_blur(self) -> None:
        self.set_blur(self.settings.pipeline.effect != "blur")

    def set_blur(self, on: bool) -> None:
        self.apply_settings(self.settings.with_pipeline(effect="blur" if on else "none"))
        self._sync_controls()

    def next_backdrop(self) -> None:
        count = self.backdrop_list.count()
        if count:
            self.backdrop_list.setCurrentRow((self.backdrop_list.currentRow() + 1) % count)

    # ----- model ------------------------------------------------------------------------
    def _load_model(self, path: str | None, initial: bool = False) -> bool:
        model_path = Path(path) if path else DEFAULT_MODEL_PATH
        try:
            segmenter = Segmenter(model_path, num_threads=self._num_threads)
        except ModelContractError as error:
            self._show_problem("Model not usable", str(error))
            if initial:
                self._segmenter = None
                self.model_label.setText("no model: video passes through")
            return False
        self._segmenter = segmenter
        if self._session is not None:
            self._session.set_segmenter(segmenter)
        self.model_label.setText(f"model: {segmenter.contract.name}")
        if not initial:
            self.apply_settings(replace(self.settings, model_path=path or None))
        return True

    def load_model(self, path: str | None) -> bool:
        """Switch models; a bad file shows a dialog and the previous model stays."""
        ok = self._load_model(path)
        self._sync_controls()
        return ok

    def _model_chosen(self, index: int) -> None:
        data = self.model_box.itemData(index)
        if data == OPEN_MODEL:
            path, _ = QFileDialog.getOpenFileName(
                self, "Choose a Softfocus model", str(Path.home()), "ONNX models (*.onnx)"
            )
            if path:
                self.load_model(path)
            else:
                self._sync_controls()
        else:
            self.load_model(data or None)

    # ----- sources ----------------------------------------------------------------------
    def _source_spec(self) -> str:
        return self._source_override or self.settings.camera

    def _opener(self, spec: str):
        width, height = (int(v) for v in self.settings.resolution.split("x"))
        if spec == DEMO_SOURCE:
            return lambda: open_source(DEMO_CLIP_PATH, loop=True, paced=True)
        if spec.isdigit():
            return lambda: CameraSource(int(spec), width, height)
        return lambda: open_source(spec, loop=True, paced=True)

    def start_source(self, spec: str | None = None) -> None:
        """(Re)start capture from ``spec``; with no camera, offer the demo clip."""
        self.stop_session()
        spec = spec or self._source_spec()
        opener = self._opener(spec)
        try:
            first = opener()  # open once here, so "no camera" is known before any thread
            first.close()
        except SoftfocusError as error:
            self._no_source(spec, str(error))
            return
        self.banner.hide()
        self.preview.set_message("")
        self._session = LiveSession(
            opener,
            self._segmenter,
            self.settings.pipeline,
            self._bridge.on_frame,
            self._bridge.on_status,
            self._bridge.on_error,
            self._bridge.on_ended,
        )
        self._session.start()

    def _no_source(self, spec: str, message: str) -> None:
        if spec.isdigit() and DEMO_CLIP_PATH.is_file() and self._source_override is None:
            # The brief: with no camera, play the bundled demo clip, and say so.
            self.start_source(DEMO_SOURCE)
            self.banner_label.setText("No camera found — playing the demo clip.")
            self.banner.show()
            return
        self.preview.set_message("No camera found" if spec.isdigit() else message)
        self.banner_label.setText(message)
        self.demo_button.setVisible(DEMO_CLIP_PATH.is_file())
        self.banner.show()

    def retry_camera(self) -> None:
        self._source_override = None
        self._fill_cameras()
        self.start_source(self.settings.camera if self.settings.camera != DEMO_SOURCE else "0")

    def play_demo(self) -> None:
        self.start_source(DEMO_SOURCE)

    def _camera_chosen(self, index: int) -> None:
        spec = self.camera_box.itemData(index)
        self._source_override = None if spec in ("0", DEMO_SOURCE) or str(spec).isdigit() else spec
        self.apply_settings(replace(self.settings, camera=spec))
        self.start_source(spec)

    def _resolution_chosen(self, index: int) -> None:
        self.apply_settings(replace(self.settings, resolution=self.resolution_box.itemText(index)))
        self.start_source()

    def stop_session(self) -> None:
        if self._session is not None:
            self._session.stop()
            self._session = None

    def _source_ended(self) -> None:
        self._show_status("The video ended.")

    # ----- frames and status ------------------------------------------------------------
    def _show_frame(self, image: QImage, info: dict) -> None:
        if not image.isNull():  # null while the window is hidden: nothing to draw
            self.preview.set_image(image)
        self.frames_shown += 1
        self.latencies_ms.append((time.perf_counter() - info["captured_at"]) * 1000)
        self.last_info = info
        if self.banner.isVisible() and "reconnect" in self.banner_label.text().lower():
            self.banner.hide()
        timings = info["timings"]
        stages = " ".join(
            f"{k} {timings[k]:.1f}" for k in ("segment", "refine", "blur", "blend") if k in timings
        )
        if "inferred" in timings:  # the CPU saver: how many recent frames ran the model
            self._inferred_recent.append(timings["inferred"] > 0)
        model_runs = (
            f" · model {sum(self._inferred_recent)}/{len(self._inferred_recent)}"
            if self._inferred_recent
            else ""
        )
        if self.isVisible():
            self.fps_label.setText(
                f"{info['fps']:.1f} fps · {stages} ms{model_runs} · dropped {info['dropped']}"
            )
        if self._virtual_camera is None and self.virtual_camera_box.isChecked():
            self._open_virtual_camera(*info["size"])

    def _show_status(self, message: str) -> None:
        self.statusBar().showMessage(message, 8000)
        lowered = message.lower()
        if "retrying" in lowered or "stopped delivering" in lowered:
            self.banner_label.setText(message)
            self.demo_button.hide()
            self.banner.show()
        elif "reconnected" in lowered:
            self.banner_label.setText(message)
            QTimer.singleShot(2000, self.banner.hide)

    def _show_problem(self, title: str, text: str) -> None:
        """A non-blocking dialog (the app keeps running behind it)."""
        box = QMessageBox(
            QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, self
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.last_dialog = box
        self.statusBar().showMessage(text, 8000)

    def snapshot(self) -> Path | None:
        frame = self._bridge.last_frame()
        if frame is None:
            self._show_status("No frame yet to save.")
            return None
        self._snapshot_dir.mkdir(parents=True, exist_ok=True)
        path = self._snapshot_dir / time.strftime("softfocus-%Y%m%d-%H%M%S.png")
        counter = 1
        while path.exists():
            path = path.with_name(f"{path.stem.split('_')[0]}_{counter}.png")
            counter += 1
        cv2.imwrite(str(path), frame)
        self._show_status(f"Saved {path}")
        return path

    # ----- virtual camera ---------------------------------------------------------------
    def _virtual_camera_toggled(self, checked: bool) -> None:
        if not checked:
            self._close_virtual_camera()
            self.virtual_camera_hint.setText("")
        elif self.last_info:
            self._open_virtual_camera(*self.last_info["size"])
        self.apply_settings(replace(self.settings, virtual_camera=checked))

    def set_virtual_camera(self, on: bool) -> None:
        self.virtual_camera_box.setChecked(on)  # its handler opens or closes the device

    def virtual_camera_on(self) -> bool:
        return self.virtual_camera_box.isChecked()

    def _open_virtual_camera(self, width: int, height: int) -> None:
        fps = 30.0
        try:
            name, camera = self._registry.open(width, height, fps)
        except VirtualCameraError as error:
            with QSignalBlocker(self.virtual_camera_box):
                self.virtual_camera_box.setChecked(False)
            self.virtual_camera_hint.setText(str(error))
            self._show_status(str(error))
            return
        self._virtual_camera = camera
        self._bridge.set_virtual_camera(camera)
        self.virtual_camera_hint.setText(f"Sending to {getattr(camera, 'device', name)}.")

    def _close_virtual_camera(self) -> None:
        camera, self._virtual_camera = self._virtual_camera, None
        self._bridge.set_virtual_camera(None)
        if camera is not None:
            try:
                camera.close()
            except Exception as error:
                self._show_status(f"Virtual camera closed with an error: {error}")

    # ----- tray and shutdown ------------------------------------------------------------
    def attach_tray(self, tray) -> None:
        """With a tray icon, closing the window may leave the app running, so the app quits
        explicitly (``quit_app``) rather than when its last window closes."""
        self._tray = tray
        QApplication.instance().setQuitOnLastWindowClosed(False)

    def ask_keep_in_tray(self) -> bool:
        """Asked once, the first time the window closes while the virtual camera is on."""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Keep Softfocus running?",
            "The virtual camera is on. Keep Softfocus running in the system tray, so your call "
            "keeps its blurred video? (You will not be asked again; quit from the tray icon.)",
            parent=self,
        )
        keep = box.addButton("Keep running in the tray", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        return box.clickedButton() is keep

    def hide_to_tray(self) -> None:
        self.hide()
        self._bridge.set_preview(False)

    def show_from_tray(self) -> None:
        self.show()
        self.raise_()
        self.activateWindow()

    def quit_app(self) -> None:
        """Quit for real (tray menu, Ctrl+C): the window closes without asking."""
        self._quitting = True
        self.close()
        if not self.isVisible():  # hidden windows get no close event: clean up here
            self._shut_down()
        quit_application()

    def showEvent(self, event) -> None:
        self._bridge.set_preview(True)
        super().showEvent(event)

    def hideEvent(self, event) -> None:
        self._bridge.set_preview(False)
        super().hideEvent(event)

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.Type.WindowStateChange:  # minimised: no preview either
            self._bridge.set_preview(not self.isMinimized())
        super().changeEvent(event)

    def _keep_in_tray(self) -> bool:
        tray = self._tray
        if self._quitting or tray is None or not tray.visible:
            return False
        if not self.virtual_camera_on():
            return False
        if self.settings.close_to_tray is None:
            self.settings = replace(self.settings, close_to_tray=self.ask_keep_in_tray())
            self.save_settings()
        return bool(self.settings.close_to_tray)

    def _shut_down(self) -> None:
        if self._shut:
            return
        self._shut = True
        self.stop_session()
        self._close_virtual_camera()
        self.save_settings()
        tray = self._tray
        if tray is not None:
            tray.remove()

    def closeEvent(self, event) -> None:
        if self._keep_in_tray():
            event.ignore()
            self.hide_to_tray()
            self._tray.refresh()
            return
        self._shut_down()
        super().closeEvent(event)
        if self._tray is not None and not self._quitting:  # quit_app quits by itself
            quit_application()


def quit_application() -> None:
    QApplication.instance().quit()


def efficiency_index(pipeline) -> int:
    """The CPU-saver choice that shows these settings (every Nth wins over skip-still)."""
    for index, (_, skip_still, every) in enumerate(EFFICIENCY_CHOICES):
        if every == pipeline.inference_every and (every > 1 or skip_still == pipeline.skip_still):
            return index
    return 1
