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
    config = get_preset("person_wide")  # the default: the shipped recipe's
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

    trained = build_unet(get_preset("person_wide"))
    trained.save_weights(tmp_path / "w.weights.h5")
    load_script("import_weights").main([str(tmp_path / "w.weights.h5"), str(tmp_path / "run")])
    run = json.loads((tmp_path / "run" / "config.json").read_text())
    assert run["preset"]["name"] == "person_wide" and run["foreground_name"] == "person"
    output = tmp_path / "person.onnx"
    assert train_cli(["export", str(tmp_path / "run" / "model.keras"), "-o", str(output)]) == 0

    from softfocus.app.segmenter import Segmenter

    with Segmenter(output) as segmenter:  # the app takes it: the contract holds
        alpha = segmenter.process(np.zeros((72, 128, 3), np.uint8))
    assert alpha.shape == (72, 128)


@pytest.mark.parametrize(
    "name, original",
    [
        ("edge_bce_dice", "edge_weighted_bce_dice_loss"),
        ("hard_edge_bce_dice", "hard_edge_bce_dice_loss"),
    ],
)
def test_the_search_trains_on_the_recipes_own_losses(name, original):
    """The keras.ops losses a GPU run trains on give the TensorFlow recipe's loss, on soft
    labels with edges, on confident mistakes and on a frame with nobody."""
    pytest.importorskip("tensorflow")
    from softfocus.training import losses

    reference = getattr(losses, original)
    ported = load_script("recipe_losses").LOSSES[name]
    rng = np.random.default_rng(0)
    y_true = np.zeros((3, 32, 48, 1), np.float32)
    y_true[0, 8:28, 12:30] = 1.0
    y_true[1] = cv2.GaussianBlur((rng.random((32, 48)) > 0.6).astype(np.float32), (5, 5), 1)[
        ..., None
    ]  # soft, many edges; image 2 has nobody
    y_pred = np.clip(rng.random(y_true.shape), 0.01, 0.99).astype(np.float32)
    y_pred[0, 8:28, 12:30] = 0.95  # the person found; some confident background mistakes
    y_pred[2, :10, :10] = 0.98
    expected = float(reference(y_true, y_pred))
    assert float(ported(y_true, y_pred)) == pytest.approx(expected, rel=1e-5)
    assert expected > 0
