"""The GPU search's two ends that run here: packing samples for the trip, and bringing
trained weights back into a run folder that exports (the search itself needs JAX)."""

import importlib.util
import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from softfocus.model.contract import flexible_input_size
from softfocus.model.presets import get_preset
from tests.datasets import make_mask_folder

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts" / "gpu_search"


def load_script(name: str):
    spec = importlib.util.spec_from_file_location(f"gpu_search_{name}", SCRIPTS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_pack_sizes_each_sample_as_the_app_feeds_it(tmp_path):
    train = make_mask_folder(tmp_path / "train", count=5, kind="alpha")
    photos = make_mask_folder(tmp_path / "photos", count=3, kind="binary", seed=2)
    out = tmp_path / "pack"
    load_script("pack").main(
        ["--data", str(train), "--photos", str(photos), "--out", str(out), "--count", "4"]
    )
    config = get_preset("person")
    source = cv2.imread(str(next((train / "images").iterdir())))
    width, height = flexible_input_size(
        config.stride, config.input_height * config.input_width, source.shape[1], source.shape[0]
    )
    for name, count in (("train", 4), ("photos", 3)):
        index = np.load(out / f"{name}_index.npy")
        raw = np.fromfile(out / f"{name}.bin", np.uint8)
        assert len(index) == count
        for image_at, image_len, mask_at, mask_len, h, w in index:
            image = cv2.imdecode(raw[image_at : image_at + image_len], cv2.IMREAD_COLOR)
            mask = cv2.imdecode(raw[mask_at : mask_at + mask_len], cv2.IMREAD_GRAYSCALE)
            assert (h, w) == (height, width)
            assert image.shape == (h, w, 3) and mask.shape == (h, w)
            if name == "train":  # 16 levels travel lighter; the edges stay soft
                assert set(np.unique(mask)) <= set(range(0, 256, 17))
            assert mask.min() == 0 and mask.max() == 255


def test_imported_weights_export_as_the_person_model(tmp_path):
    pytest.importorskip("tensorflow")
    pytest.importorskip("tf2onnx")
    from softfocus.model.unet import build_unet
    from softfocus.training.cli import main as train_cli

    trained = build_unet(get_preset("person"))
    trained.save_weights(tmp_path / "w.weights.h5")
    load_script("import_weights").main([str(tmp_path / "w.weights.h5"), str(tmp_path / "run")])
    run = json.loads((tmp_path / "run" / "config.json").read_text())
    assert run["preset"]["name"] == "person" and run["foreground_name"] == "person"
    output = tmp_path / "person.onnx"
    assert train_cli(["export", str(tmp_path / "run" / "model.keras"), "-o", str(output)]) == 0

    from softfocus.app.segmenter import Segmenter

    with Segmenter(output) as segmenter:  # the app takes it: the contract holds
        alpha = segmenter.process(np.zeros((72, 128, 3), np.uint8))
    assert alpha.shape == (72, 128)
