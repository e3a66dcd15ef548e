"""softfocus-train import: foreign ONNX and TFLite models become Softfocus models."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

from softfocus.app.model_catalog import imported_models
from softfocus.app.segmenter import Segmenter
from softfocus.training.cli import main as train_main
from tests.fakes import person_frame

ROOT = Path(__file__).resolve().parent.parent


def foreign_onnx(path: Path) -> Path:
    """A 'PyTorch-style' model: NCHW, BGR, 0..255 in; two-class logits (background, person)
    out, NCHW, at half resolution. Its person is anything red: logit = (R − 128) / 8."""
    nodes = [
        helper.make_node("Slice", ["x", "s2", "s3", "a1"], ["red"]),  # channel 2 = R in BGR
        helper.make_node("Sub", ["red", "mid"], ["centred"]),
        helper.make_node("Div", ["centred", "eight"], ["person"]),
        helper.make_node("Neg", ["person"], ["background"]),
        helper.make_node("Concat", ["background", "person"], ["logits"], axis=1),
        helper.make_node("AveragePool", ["logits"], ["y"], kernel_shape=[2, 2], strides=[2, 2]),
    ]
    consts = {"s2": [2], "s3": [3], "a1": [1]}
    inits = [helper.make_tensor(k, TensorProto.INT64, [1], v) for k, v in consts.items()]
    inits += [
        helper.make_tensor("mid", TensorProto.FLOAT, [], [128.0]),
        helper.make_tensor("eight", TensorProto.FLOAT, [], [8.0]),
    ]
    graph = helper.make_graph(
        nodes,
        "foreign",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 48, 64])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2, 24, 32])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)])
    model.ir_version = 8
    onnx.save(model, str(path))
    return path


def test_onnx_import_wraps_layout_channels_range_and_output(tmp_path, capsys):
    source = foreign_onnx(tmp_path / "foreign.onnx")
    out = tmp_path / "models" / "red.onnx"
    args = ["import", str(source), "-o", str(out), "--layout", "nchw", "--channels", "bgr"]
    args += ["--range", "0,255", "--output-layout", "nchw", "--output-meaning", "class-logits"]
    args += ["--foreground-class", "1", "--licence", "MIT (test)"]
    assert train_main(args) == 0, capsys.readouterr().err
    frame, truth = person_frame(160, 120)
    with Segmenter(out) as segmenter:
        assert segmenter.input_size == (64, 48)
        alpha = segmenter.process(frame)
    inside = cv2.erode(truth, np.ones((9, 9), np.uint8)) > 0
    outside = cv2.dilate(truth, np.ones((9, 9), np.uint8)) == 0
    assert alpha[inside].mean() > 0.9 and alpha[outside].mean() < 0.1
    entries = imported_models(out.parent)
    assert [(e.name, e.licence) for e in entries] == [("foreign", "MIT (test)")]


def test_import_of_a_bad_file_is_one_clean_line(tmp_path, capsys):
    junk = tmp_path / "junk.onnx"
    junk.write_bytes(b"not a model")
    assert train_main(["import", str(junk), "-o", str(tmp_path / "x.onnx")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "not a readable ONNX file" in err[0]
    assert not (tmp_path / "x.onnx").exists()


@pytest.mark.slow
def test_tflite_import_matches_tensorflow_on_a_transposed_convolution(tmp_path):
    tf = pytest.importorskip("tensorflow")
    keras = tf.keras
    inputs = keras.Input((16, 24, 3), batch_size=1)
    x = keras.layers.Conv2D(4, 3, strides=2, padding="same", activation="relu")(inputs)
    x = keras.layers.Conv2DTranspose(4, 2, strides=2, padding="same")(x)
    outputs = keras.layers.Conv2D(1, 1, activation="sigmoid")(x)
    model = keras.Model(inputs, outputs)
    tflite = tf.lite.TFLiteConverter.from_keras_model(model).convert()
    source = tmp_path / "tiny.tflite"
    source.write_bytes(tflite)
    out = tmp_path / "tiny.onnx"
    assert train_main(["import", str(source), "-o", str(out)]) == 0
    rng = np.random.default_rng(0)
    image = rng.random((1, 16, 24, 3), dtype=np.float32)
    expected = model.predict(image, verbose=0)[0, :, :, 0]
    import onnxruntime as ort

    session = ort.InferenceSession(str(out), providers=["CPUExecutionProvider"])
    got = session.run(None, {"image": image})[0][0, :, :, 0]
    assert np.abs(got - expected).max() < 1e-4


def mediapipe_python() -> str | None:
    """A Python with mediapipe installed: $SOFTFOCUS_MEDIAPIPE_PYTHON or the teacher venv.
    mediapipe pins protobuf<5, so it never shares the test environment."""
    candidates = (os.environ.get("SOFTFOCUS_MEDIAPIPE_PYTHON"), ROOT / ".venv-teacher/bin/python")
    for python in filter(None, candidates):
        if shutil.which(str(python)):
            check = subprocess.run([str(python), "-c", "import mediapipe"], capture_output=True)
            if check.returncode == 0:
                return str(python)
    return None


MEDIAPIPE_RUN = """
import os, sys, numpy as np, cv2, mediapipe as mp
folder = os.path.dirname(mp.__file__) + "/modules/selfie_segmentation"
print(folder)
out = sys.argv[1]
for selection, (w, h) in ((0, (256, 256)), (1, (256, 144))):
    for i, path in enumerate(sys.argv[2:]):
        image = cv2.resize(cv2.imread(path), (w, h), interpolation=cv2.INTER_AREA)
        with mp.solutions.selfie_segmentation.SelfieSegmentation(model_selection=selection) as s:
            mask = s.process(cv2.cvtColor(image, cv2.COLOR_BGR2RGB)).segmentation_mask
        cv2.imwrite(f"{out}/in_{selection}_{i}.png", image)
        np.save(f"{out}/mp_{selection}_{i}.npy", mask)
"""


@pytest.mark.slow
def test_mediapipe_selfie_segmentation_imports_and_matches_mediapipe(tmp_path):
    python = mediapipe_python()
    if python is None:
        pytest.skip("no Python with mediapipe (set SOFTFOCUS_MEDIAPIPE_PYTHON)")
    pytest.importorskip("tf2onnx")
    # Real frames: the bundled demo clip (a photographed person on a real room).
    capture = cv2.VideoCapture(str(ROOT / "assets" / "demo.mp4"))
    images = []
    for index in range(3):
        capture.set(cv2.CAP_PROP_POS_FRAMES, index * 40)
        ok, frame = capture.read()
        assert ok
        images.append(tmp_path / f"frame{index}.png")
        cv2.imwrite(str(images[-1]), frame)
    capture.release()
    run = subprocess.run(
        [python, "-c", MEDIAPIPE_RUN, str(tmp_path), *map(str, images)],
        capture_output=True,
        text=True,
        check=True,
    )
    folder = Path(run.stdout.strip().splitlines()[0])
    import onnxruntime as ort

    for selection, name in ((0, "selfie_segmentation"), (1, "selfie_segmentation_landscape")):
        out = tmp_path / f"{name}.onnx"
        args = ["import", str(folder / f"{name}.tflite"), "-o", str(out), "--licence", "Apache-2.0"]
        assert train_main(args) == 0
        session = ort.InferenceSession(str(out), providers=["CPUExecutionProvider"])
        for index in range(len(images)):
            image = cv2.imread(str(tmp_path / f"in_{selection}_{index}.png"))
            rgb = cv2.cvtColor(image, cv2.COLOR_BGR2RGB).astype(np.float32)[None] / 255
            ours = session.run(None, {"image": rgb})[0][0, :, :, 0]
            theirs = np.load(tmp_path / f"mp_{selection}_{index}.npy")
            assert np.abs(ours - theirs).max() < 1e-3, (name, index)


def test_imported_models_are_listed_in_the_model_menu(qtbot, tmp_path, monkeypatch, tiny_model):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    from softfocus.app.paths import imported_models_dir

    folder = imported_models_dir()
    source = foreign_onnx(tmp_path / "foreign.onnx")
    args = ["import", str(source), "--name", "red-people", "--layout", "nchw"]
    args += ["--channels", "bgr", "--range", "0,255", "--output-layout", "nchw"]
    args += ["--output-meaning", "class-logits", "--licence", "CC-BY-4.0"]
    assert train_main(args) == 0
    assert (folder / "red-people.onnx").is_file()
    from PySide6.QtCore import Qt

    from softfocus.app.settings_store import SettingsStore
    from softfocus.app.ui.main_window import MainWindow

    window = MainWindow(
        SettingsStore(tmp_path / "settings.json"),
        source_override=str(tmp_path / "none.png"),
        model_override=str(tiny_model),
    )
    qtbot.addWidget(window)
    labels = [window.model_box.itemText(i) for i in range(window.model_box.count())]
    assert "red-people (imported)" in labels
    index = labels.index("red-people (imported)")
    assert window.model_box.itemData(index, Qt.ItemDataRole.ToolTipRole) == "CC-BY-4.0"
    window.close()


def test_app_cli_never_needs_tensorflow_for_an_imported_model():
    code = "import sys, softfocus.app.model_catalog; assert 'tensorflow' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
