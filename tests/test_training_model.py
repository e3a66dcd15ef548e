"""The U-Net, fit/resume, export and evaluation, on tiny generated data (CPU, seconds)."""

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest

pytest.importorskip("tensorflow")
import keras

from softfocus.app.segmenter import Segmenter
from softfocus.model.contract import OUTPUT_PROBABILITIES, ModelContract
from softfocus.model.presets import get_preset
from softfocus.training.augment import AugmentConfig
from softfocus.training.datasets import load_dataset
from softfocus.training.evaluate import evaluate_model, score_predictions
from softfocus.training.export import contract_for, export_onnx
from softfocus.training.losses import CUSTOM_OBJECTS
from softfocus.training.metrics import boundary_f_score
from softfocus.training.tf_data import make_dataset
from softfocus.training.train import FitOptions, fit
from tests.datasets import make_mask_folder, make_oxford_folder

ROOT = Path(__file__).resolve().parent.parent

# The report's table: (layer, output shape without batch).
REPORT_SHAPES = [
    ("enc0_act2", (128, 128, 32)),
    ("enc0_pool", (64, 64, 32)),
    ("enc1_act2", (64, 64, 64)),
    ("enc2_act2", (32, 32, 128)),
    ("enc3_act2", (16, 16, 256)),
    ("enc4_act2", (8, 8, 512)),
    ("enc4_pool", (4, 4, 512)),
    ("dec4_up", (8, 8, 256)),
    ("dec4_concat", (8, 8, 768)),
    ("dec4_act2", (8, 8, 256)),
    ("dec3_act2", (16, 16, 128)),
    ("dec2_act2", (32, 32, 64)),
    ("dec1_act2", (64, 64, 32)),
    ("head_up", (128, 128, 32)),
    ("probabilities", (128, 128, 3)),
]


def test_report_preset_matches_the_reports_table():
    from softfocus.model.unet import build_unet

    model = build_unet(get_preset("report"))
    for name, shape in REPORT_SHAPES:
        assert tuple(model.get_layer(name).output.shape[1:]) == shape, name
    convs = [layer for layer in model.layers if layer.__class__.__name__ == "Conv2D"]
    assert len(convs) == 5 * 2 + 4 * 2 + 1
    assert get_preset("report").learning_rate == 0.01
    assert (get_preset("report").batch_size, get_preset("report").epochs) == (64, 40)


def test_realtime_preset_is_webcam_shaped_with_a_single_channel_head():
    from softfocus.model.unet import build_unet

    model = build_unet(get_preset("realtime"))
    assert tuple(model.input.shape[1:]) == (128, 224, 3)
    assert tuple(model.output.shape[1:]) == (128, 224, 1)
    assert model.count_params() < 500_000


def test_lean_person_preset_spends_less_at_full_resolution_and_more_deep_down():
    """One conv at the first level and an added (not concatenated) head skip; the model keeps
    the person contract's shape rules (any multiple of 32, one sigmoid channel)."""
    import numpy as np

    from softfocus.model.unet import build_unet

    lean, person = get_preset("person_lean"), get_preset("person")
    model = build_unet(lean)
    names = {layer.name for layer in model.layers}
    assert {"enc0_conv1", "head_add"} <= names
    assert not {"enc0_conv2", "head_concat", "head_conv1"} & names
    assert "enc1_conv2" in names  # the other levels keep two convs
    assert model.get_layer("enc3_conv2").output.shape[-1] == 80
    assert build_unet(person).get_layer("head_concat") is not None
    out = model.predict(np.zeros((1, 96, 160, 3), np.float32), verbose=0)
    assert out.shape == (1, 96, 160, 1)
    assert lean.stride == person.stride == 32
    with pytest.raises(ValueError, match="head_merge"):
        get_preset("person", head_merge="multiply")


def test_a_bridge_block_runs_at_the_pooled_bottom_and_keeps_the_shape_rules():
    """The bridge convolves the deepest pooling's output (1/32 of the input) before the first
    upsampling; any multiple of 32 still goes in and comes out at the same size."""
    import numpy as np

    from softfocus.model.unet import build_unet

    config = get_preset("person", bridge_filters=48)
    model = build_unet(config)
    assert model.get_layer("bridge_conv1").output.shape[-1] == 48
    assert model.get_layer("bridge_conv2").input.shape[-1] == 48
    out = model.predict(np.zeros((1, 96, 160, 3), np.float32), verbose=0)
    assert out.shape == (1, 96, 160, 1)
    assert config.stride == 32
    assert "bridge_conv1" not in {layer.name for layer in build_unet(get_preset("person")).layers}


def test_separable_levels_use_depthwise_convs_below_the_first_level_and_keep_the_shape():
    """``separable_from_level`` swaps the 3×3 convs of that level and deeper (encoder, decoder
    stage and bridge) for depthwise-separable ones; the levels above stay full convs, and at
    the same widths the network holds far fewer weights."""
    import numpy as np
    from keras import layers

    from softfocus.model.unet import build_unet

    full = build_unet(get_preset("person_separable", separable_from_level=0))
    model = build_unet(get_preset("person_separable"))
    kinds = {layer.name: type(layer) for layer in model.layers}
    for name in ("stem_conv", "enc0_conv1"):
        assert kinds[name] is layers.Conv2D
    for name in ("enc1_conv1", "enc3_conv2", "bridge_conv1", "dec3_conv1", "dec2_conv2"):
        assert kinds[name] is layers.SeparableConv2D
    # dec1 climbs back to the first level's width, a full-conv level.
    assert kinds["dec1_conv1"] is layers.Conv2D
    assert model.count_params() < full.count_params() / 3
    out = model.predict(np.zeros((1, 96, 160, 3), np.float32), verbose=0)
    assert out.shape == (1, 96, 160, 1)
    assert get_preset("person_separable").stride == 32


@pytest.fixture(scope="module")
def trained_run(tmp_path_factory):
    """One short fit of the tiny preset on a tiny Oxford-layout folder, shared by tests."""
    root = make_oxford_folder(tmp_path_factory.mktemp("pets"), trainval=64, test=16)
    dataset = load_dataset(oxford=str(root), validation_fraction=0.25, seed=0)
    run_dir = tmp_path_factory.mktemp("run")
    options = FitOptions(
        run_dir=run_dir,
        epochs=6,
        batch_size=8,
        learning_rate=0.01,
        augment=AugmentConfig.report(),
        verbose=0,
        foreground_name="pet",
    )
    history = fit(get_preset("tiny"), dataset, options)
    return root, dataset, run_dir, history, options


@pytest.mark.slow
def test_fit_learns_and_writes_the_run_folder(trained_run):
    _, _dataset, run_dir, history, _ = trained_run
    # The majority class (background) covers about 70% of pixels in these scenes.
    assert history["val_accuracy"][-1] > 0.85
    assert (
        history["val_accuracy"][-1] > history["val_accuracy"][0]
        or history["val_accuracy"][0] > 0.85
    )
    for name in (
        "model.keras",
        "checkpoint.keras",
        "history.json",
        "state.json",
        "config.json",
        "curves.png",
        "samples.png",
    ):
        assert (run_dir / name).is_file(), name
    assert json.loads((run_dir / "state.json").read_text()) == {"epochs_done": 6}


@pytest.mark.slow
def test_resume_continues_from_the_checkpoint(trained_run):
    _, dataset, run_dir, history, options = trained_run
    options.epochs = 8
    resumed = fit(get_preset("tiny"), dataset, options)
    assert len(resumed["loss"]) == 8
    assert resumed["loss"][:6] == history["loss"][:6]
    assert json.loads((run_dir / "state.json").read_text()) == {"epochs_done": 8}


@pytest.mark.slow
def test_export_passes_parity_and_the_apps_contract_check(trained_run, tmp_path):
    _root, dataset, run_dir, _, _ = trained_run
    out = tmp_path / "pets.onnx"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "softfocus.training",
            "export",
            str(run_dir / "model.keras"),
            "-o",
            str(out),
            "--name",
            "tiny-pets",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "parity" in result.stdout
    with Segmenter(out) as segmenter:
        assert segmenter.contract.name == "tiny-pets"
        assert segmenter.contract.classes == ("pet", "background", "border")
        assert segmenter.contract.output_kind == OUTPUT_PROBABILITIES
        image = np.zeros((96, 96, 3), np.uint8)
        assert segmenter.process(image).shape == (96, 96)

    # The ONNX model scores the same as the Keras one on the same samples.

    keras_scores = evaluate_model(run_dir / "model.keras", dataset.test)
    onnx_scores = evaluate_model(out, dataset.test)
    assert onnx_scores["pixel_accuracy"] == pytest.approx(keras_scores["pixel_accuracy"], abs=1e-3)
    assert onnx_scores["pixel_accuracy"] > 0.8


def test_mask_folder_trains_the_sigmoid_head(tmp_path):
    root = make_mask_folder(tmp_path / "people", count=8, kind="alpha")
    dataset = load_dataset(masks=str(root), validation_fraction=0.25)
    config = get_preset("tiny", head="sigmoid")
    options = FitOptions(
        run_dir=tmp_path / "run", epochs=1, batch_size=4, learning_rate=0.01, verbose=0
    )
    history = fit(config, dataset, options)
    assert "val_accuracy" in history and len(history["loss"]) == 1


def test_edge_weighted_loss_charges_an_error_on_the_outline_more_than_inside(tmp_path):
    from softfocus.training.losses import bce_dice_loss, edge_weighted_bce_dice_loss

    label = np.zeros((1, 32, 32, 1), np.float32)
    label[:, 8:24, 8:24] = 1.0
    on_outline, inside = label.copy(), label.copy()
    on_outline[:, 8:24, 8] = 0.0  # the same 16 pixels wrong: on the edge...
    inside[:, 12:20, 14:16] = 0.0  # ...or deep inside the person
    edge_cost = float(edge_weighted_bce_dice_loss(label, np.clip(on_outline, 0.05, 0.95)))
    far_cost = float(edge_weighted_bce_dice_loss(label, np.clip(inside, 0.05, 0.95)))
    assert edge_cost > far_cost
    # with nothing wrong, the weighting changes nothing
    perfect = np.clip(label, 0.05, 0.95)
    assert float(edge_weighted_bce_dice_loss(label, perfect)) == pytest.approx(
        float(bce_dice_loss(label, perfect)), rel=1e-5
    )
    # a run folder trained with it loads again
    root = make_mask_folder(tmp_path / "people", count=8, kind="alpha")
    config = get_preset("tiny", head="sigmoid", loss="edge_bce_dice")
    fit(
        config,
        load_dataset(masks=str(root), validation_fraction=0.25),
        FitOptions(run_dir=tmp_path / "run", epochs=1, batch_size=4, learning_rate=0.01, verbose=0),
    )
    keras.models.load_model(tmp_path / "run" / "model.keras", custom_objects=CUSTOM_OBJECTS)
    with pytest.raises(ValueError, match="loss"):
        get_preset("tiny", loss="focal")


def test_hard_pixel_loss_charges_only_what_is_still_wrong():
    from softfocus.training.losses import edge_weighted_bce_dice_loss, hard_edge_bce_dice_loss

    label = np.zeros((2, 32, 32, 1), np.float32)
    label[:, 8:24, 8:24] = 1.0
    label[1, 8:24, 20:24] = 0.5  # a soft teacher label: right when the prediction equals it
    settled = np.where(label == 1.0, 0.95, np.where(label == 0.0, 0.05, 0.5)).astype(np.float32)
    dice_only = float(hard_edge_bce_dice_loss(label, settled))
    # every pixel settled: only the Dice term is left (no BCE floor from the soft label)
    wrong = settled.copy()
    wrong[0, 0:4, 0:8] = 0.9  # a confident false person in a corner: 32 of 2,048 pixels
    hard_cost = float(hard_edge_bce_dice_loss(label, wrong)) - dice_only
    mean_cost = float(edge_weighted_bce_dice_loss(label, wrong)) - float(
        edge_weighted_bce_dice_loss(label, settled)
    )
    assert hard_cost > 5 * mean_cost > 0  # paid in full, not as a share of every pixel
    # a few hard pixels give a small loss, not a whole batch's worth (the normaliser's floor)
    assert hard_cost < float(np.log(1 / 0.1))
    assert dice_only < 0.1


def _sorted_lovasz(label: np.ndarray, prediction: np.ndarray) -> float:
    """The Lovász-softmax loss as the paper writes it (Berman et al. 2018): a full sort per image
    and class, the classes present only."""
    losses = []
    for truth, probability in zip(
        label.reshape(len(label), -1), prediction.reshape(len(label), -1)
    ):
        per_class = []
        for labels, p in (
            ((truth >= 0.5) * 1.0, probability),
            ((truth < 0.5) * 1.0, 1 - probability),
        ):
            if labels.max() == 0:
                continue
            errors = np.abs(labels - p)
            order = np.argsort(-errors, kind="stable")
            ranked = labels[order]
            union = ranked.sum() + np.cumsum(1 - ranked)
            jaccard = 1 - (ranked.sum() - np.cumsum(ranked)) / union
            per_class.append(float(errors[order] @ np.diff(jaccard, prepend=0.0)))
        losses.append(np.mean(per_class))
    return float(np.mean(losses))


def test_lovasz_loss_is_the_papers_and_pays_each_images_iou():
    from softfocus.training.losses import hard_edge_bce_lovasz_loss, lovasz_loss

    rng = np.random.default_rng(0)
    label = (rng.random((3, 24, 40, 1)) > 0.6).astype(np.float32)
    label[1] = 0.0  # a frame with nobody: only its background counts
    prediction = rng.random(label.shape).astype(np.float32)
    # binned ranks give the sorted loss (to well within a bin's width)
    assert float(lovasz_loss(label, prediction)) == pytest.approx(
        _sorted_lovasz(label, prediction), abs=1e-3
    )
    assert float(lovasz_loss(label, label)) == 0.0
    # on a hard (0/1) prediction it is 1 − IoU, averaged over the classes present
    hard = (rng.random(label.shape) > 0.5).astype(np.float32)
    ious = []
    for truth, guess in zip(label >= 0.5, hard >= 0.5):
        per_class = [
            (t & g).sum() / (t | g).sum() for t, g in ((truth, guess), (~truth, ~guess)) if t.any()
        ]
        ious.append(np.mean(per_class))
    assert float(lovasz_loss(label, hard)) == pytest.approx(1 - np.mean(ious), abs=1e-5)
    # the loss that carries it is finite on the same batch
    assert np.isfinite(float(hard_edge_bce_lovasz_loss(label, prediction)))


def test_fit_takes_another_loss_than_the_presets(tmp_path):
    from softfocus.training.cli import main as cli_main

    root = make_mask_folder(tmp_path / "people", count=8, kind="alpha")
    run_dir = tmp_path / "run"
    assert (
        cli_main(
            [
                "fit",
                "--preset",
                "person",
                "--masks",
                str(root),
                "--mask-kind",
                "alpha",
                "--validation-split",
                "0.25",
                "--run-dir",
                str(run_dir),
                "--epochs",
                "1",
                "--batch-size",
                "4",
                "--loss",
                "hard_edge_bce_dice",
                "--quiet",
            ]
        )
        == 0
    )
    config = json.loads((run_dir / "config.json").read_text())
    assert config["preset"]["loss"] == "hard_edge_bce_dice"
    keras.models.load_model(run_dir / "model.keras", custom_objects=CUSTOM_OBJECTS)


def _person_folder(root: Path, sizes: list[tuple[int, int]]):
    """A mask folder of dark images, each (width, height) in ``sizes``, with a red block for
    a person in its lower middle; loaded with a quarter held out for validation."""
    (root / "images").mkdir(parents=True)
    (root / "masks").mkdir()
    rng = np.random.default_rng(0)
    for i, (width, height) in enumerate(sizes):
        image = rng.integers(0, 60, (height, width, 3), dtype=np.uint8)
        mask = np.zeros((height, width), np.uint8)
        mask[height // 4 :, width // 4 : 3 * width // 4] = 255
        image[mask > 0] = (40, 60, 230)
        cv2.imwrite(str(root / "images" / f"s{i}.png"), image)
        cv2.imwrite(str(root / "masks" / f"s{i}.png"), mask)
    return load_dataset(masks=str(root), validation_fraction=0.25)


def test_a_sub_pixel_head_starts_as_the_bilinear_one_and_exports_every_pixel_its_own(tmp_path):
    """``head_subpixel`` adds a zero-initialised logit for each full-resolution pixel of the
    stem's cell, so an untrained network is the bilinear head's exactly; once those weights
    move, neighbouring pixels within a cell differ, and the export (flexible, with the
    logits scaled) keeps parity at any multiple of the stride."""
    import numpy as np

    from softfocus.model.unet import build_unet
    from softfocus.training.cli import scale_logits

    sharp_config = get_preset("tiny", head="sigmoid", stem_stride=2, head_subpixel=True)
    plain = build_unet(replace(sharp_config, head_subpixel=False))
    sharp = build_unet(sharp_config)
    for layer in plain.layers:
        sharp.get_layer(layer.name).set_weights(layer.get_weights())
    x = np.random.default_rng(0).random((2, 32, 32, 3), np.float32)
    np.testing.assert_allclose(sharp.predict(x, verbose=0), plain.predict(x, verbose=0), atol=1e-6)

    detail = sharp.get_layer("head_detail")
    assert detail.get_weights()[0].shape[-1] == 4  # one logit a pixel of the 2×2 cell
    rng = np.random.default_rng(1)
    detail.set_weights([rng.normal(0, 1, w.shape).astype(np.float32) for w in detail.get_weights()])
    before = sharp.predict(x, verbose=0)
    assert np.abs(before - plain.predict(x, verbose=0)).max() > 0.05
    logit = np.log(before / (1 - before))
    scale_logits(sharp, sharp_config, 2.0)  # both of the head's convs: a temperature, exactly
    after = sharp.predict(x, verbose=0)
    np.testing.assert_allclose(np.log(after / (1 - after)), 2 * logit, atol=1e-3, rtol=1e-3)

    flexible = replace(sharp_config, flexible_input=True)
    model = build_unet(flexible)
    model.set_weights(sharp.get_weights())
    assert export_onnx(model, contract_for(flexible, "person"), tmp_path / "sharp.onnx") <= 1e-4


def test_a_flexible_input_model_trains_on_every_shape_and_the_app_feeds_each_frame_its_own(
    tmp_path, monkeypatch
):
    # Samples stored portrait and landscape train as portrait and landscape batches; the
    # export keeps H and W open, and the app feeds a portrait frame a portrait input.
    dataset = _person_folder(tmp_path / "people", [(64, 32), (32, 64)] * 4)
    config = get_preset("tiny", head="sigmoid", flexible_input=True)
    batches = make_dataset(dataset.train, config, 2, AugmentConfig.none(), training=False)
    # each at the shape the app would feed a frame of its aspect, within 32×32's pixels
    assert {tuple(x.shape[1:3]) for x, _ in batches} == {(24, 44), (44, 24)}
    options = FitOptions(
        run_dir=tmp_path / "run", epochs=2, batch_size=2, learning_rate=0.01, verbose=0
    )
    fit(config, dataset, options)
    model = keras.models.load_model(tmp_path / "run" / "model.keras", custom_objects=CUSTOM_OBJECTS)
    out = tmp_path / "flexible.onnx"
    contract = contract_for(config, "person")
    assert contract.input_stride == config.stride == 4
    assert export_onnx(model, contract, out) <= 1e-4  # at the native and a portrait shape
    with Segmenter(out) as segmenter:
        assert segmenter.input_size_for(640, 480) != segmenter.input_size_for(480, 640)
        portrait, landscape = np.zeros((64, 32, 3), np.uint8), np.zeros((32, 64, 3), np.uint8)
        assert segmenter.process(portrait).shape == (64, 32)
        assert segmenter.process(landscape).shape == (32, 64)
        # the portrait frame's matte is as tall as a portrait input (44), not a landscape one
        assert segmenter.process_lowres(portrait).shape[0] == 44
    # and the evaluation feeds each sample the shape the app would, as training did
    from softfocus.training import predict

    fed = []
    run_model = predict.OnnxPredictor.__call__
    monkeypatch.setattr(
        predict.OnnxPredictor,
        "__call__",
        lambda self, b: fed.append(b.shape[1:3]) or run_model(self, b),
    )
    scores = evaluate_model(out, dataset.train)
    assert set(fed) == {(24, 44), (44, 24)} and scores["samples"] == len(dataset.train)
    keras_scores = evaluate_model(tmp_path / "run" / "model.keras", dataset.train)
    assert scores["foreground_iou"] == pytest.approx(keras_scores["foreground_iou"], abs=1e-3)


def test_progressive_resizing_trains_the_first_epochs_smaller_then_at_full_size(
    tmp_path, monkeypatch
):
    dataset = _person_folder(tmp_path / "people", [(64, 32)] * 8)
    config = get_preset("tiny", head="sigmoid", flexible_input=True)
    full = make_dataset(dataset.train, config, 2, AugmentConfig.none(), training=False)
    small = make_dataset(
        dataset.train, config, 2, AugmentConfig.none(), training=False, size_scale=0.5
    )
    (full_shape,) = {tuple(x.shape[1:3]) for x, _ in full}
    (small_shape,) = {tuple(x.shape[1:3]) for x, _ in small}
    assert small_shape[0] * small_shape[1] < full_shape[0] * full_shape[1] / 2
    assert all(side % config.stride == 0 for side in small_shape)

    from softfocus.training import tf_data

    trained_at = []
    real_make_dataset = tf_data.make_dataset

    def recording(*args, **kwargs):
        if kwargs.get("training"):
            trained_at.append(kwargs.get("size_scale", 1.0))
        return real_make_dataset(*args, **kwargs)

    monkeypatch.setattr(tf_data, "make_dataset", recording)
    options = FitOptions(
        run_dir=tmp_path / "run",
        epochs=3,
        batch_size=2,
        learning_rate=0.01,
        verbose=0,
        steps_per_epoch=2,
        cosine_decay=True,
        low_res_epochs=2,
        low_res_scale=0.5,
    )
    history = fit(config, dataset, options)
    assert trained_at == [0.5, 1.0]  # one phase small, then full size
    assert len(history["loss"]) == 3  # epochs count across the phases
    written = json.loads((tmp_path / "run" / "config.json").read_text())
    assert (written["low_res_epochs"], written["low_res_scale"]) == (2, 0.5)
    # a middle phase runs between them, epochs still counted across all three
    trained_at.clear()
    options.run_dir, options.epochs = tmp_path / "run3", 4
    options.low_res_epochs, options.mid_res_epochs, options.mid_res_scale = 1, 2, 0.75
    history = fit(config, dataset, options)
    assert trained_at == [0.5, 0.75, 1.0] and len(history["loss"]) == 4
    written = json.loads((tmp_path / "run3" / "config.json").read_text())
    assert (written["mid_res_epochs"], written["mid_res_scale"]) == (2, 0.75)
    # a fixed-input preset has one size to train at
    with pytest.raises(ValueError, match="fixed input"):
        make_dataset(
            dataset.train, get_preset("tiny"), 2, AugmentConfig.none(), False, size_scale=0.5
        )


def test_evaluation_of_a_known_prediction_gives_known_numbers():
    contract = ModelContract(input_height=8, input_width=8)  # fg, bg, border
    truth = np.zeros((1, 4, 4), np.float32)
    truth[0, :, :2] = 1.0  # left half foreground
    prediction = np.zeros((1, 4, 4, 3), np.float32)
    prediction[..., 1] = 1.0  # background everywhere …
    prediction[0, :, 0, :] = [1, 0, 0]  # … but the first column foreground
    scores = score_predictions(truth, prediction, contract)
    assert scores["pixel_accuracy"] == pytest.approx(12 / 16)
    assert scores["iou"]["foreground"] == pytest.approx(4 / 8)
    assert scores["iou"]["background"] == pytest.approx(8 / 12)
    assert scores["mean_iou"] == pytest.approx((0.5 + 8 / 12) / 2)
    assert scores["foreground_iou"] == pytest.approx(0.5)


def test_boundary_f_score_tolerates_small_shifts():
    truth = np.zeros((40, 40), bool)
    truth[10:30, 10:30] = True
    shifted = np.roll(truth, 1, axis=1)
    assert boundary_f_score(truth, truth, 1) == 1.0
    assert boundary_f_score(truth, shifted, 2) == 1.0
    assert boundary_f_score(truth, np.roll(truth, 8, axis=1), 2) < 0.5


@pytest.mark.parametrize(
    "options, message",
    [
        (["--preset", "tiny", "--low-res-epochs", "2"], "needs a flexible-input preset"),
        (["--preset", "person", "--low-res-epochs", "2", "--low-res-scale", "0"], "between"),
        (["--preset", "person", "--low-res-epochs", "-1"], "0 or more"),
        (["--preset", "person", "--mid-res-epochs", "2", "--mid-res-scale", "1.5"], "between"),
        (["--preset", "tiny", "--mid-res-epochs", "2"], "needs a flexible-input preset"),
        (["--preset", "tiny", "--loss", "hard_edge_bce_dice"], "sigmoid-head presets"),
    ],
)
def test_training_cli_refuses_impossible_fit_options_with_a_message(
    tmp_path, capsys, options, message
):
    from softfocus.training.cli import main

    root = make_mask_folder(tmp_path / "data", count=3)
    with pytest.raises(SystemExit) as exit_info:
        main(["fit", "--masks", str(root), "--run-dir", str(tmp_path / "run"), *options])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "run").exists()


def test_training_cli_reports_a_malformed_folder_without_traceback(tmp_path):
    root = make_mask_folder(tmp_path / "bad", count=3)
    (root / "masks" / "img001.png").unlink()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "softfocus.training",
            "fit",
            "--preset",
            "tiny",
            "--masks",
            str(root),
            "--run-dir",
            str(tmp_path / "run"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "img001.png: no mask" in result.stderr


def test_auto_precision_is_bfloat16_only_where_the_cpu_lists_it(tmp_path):
    from softfocus.training.precision import resolve_precision

    native, plain = tmp_path / "native", tmp_path / "plain"
    native.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f avx512_bf16\n")
    plain.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f\n")
    assert resolve_precision("auto", native) == "mixed_bfloat16"
    assert resolve_precision("auto", plain) == "float32"
    assert resolve_precision("auto", tmp_path / "absent") == "float32"  # not Linux
    assert resolve_precision("float32", native) == "float32"
    with pytest.raises(ValueError, match="unknown precision"):
        resolve_precision("float16", native)


def _quick_options(run_dir: Path, **options) -> FitOptions:
    """A short fit's options: batches of 2, silent; ``options`` set the rest."""
    return FitOptions(run_dir=run_dir, batch_size=2, learning_rate=0.01, verbose=0, **options)


def test_mixed_precision_trains_in_bfloat16_and_exports_plain_float32(tmp_path):
    import onnx

    from softfocus.training.precision import as_float32

    dataset = _person_folder(tmp_path / "people", [(64, 32), (32, 64)] * 4)
    config = get_preset("tiny", head="sigmoid", flexible_input=True)
    options = _quick_options(tmp_path / "run", epochs=2, precision="mixed_bfloat16")
    history = fit(config, dataset, options)
    assert np.isfinite(history["loss"]).all()
    assert keras.config.dtype_policy().name == "float32"  # the process-wide policy is back
    assert json.loads((tmp_path / "run" / "config.json").read_text())["precision"] == (
        "mixed_bfloat16"
    )
    trained = keras.models.load_model(
        tmp_path / "run" / "model.keras", custom_objects=CUSTOM_OBJECTS
    )
    assert "mixed_bfloat16" in {layer.dtype_policy.name for layer in trained.layers}
    plain = as_float32(trained)
    assert {layer.dtype_policy.name for layer in plain.layers} == {"float32"}
    batch = np.random.default_rng(0).random((2, 24, 44, 3), dtype=np.float32)
    # the same weights: only bfloat16 rounding between the two
    assert np.abs(plain.predict(batch, verbose=0) - trained.predict(batch, verbose=0)).max() < 0.05
    out = tmp_path / "mixed.onnx"
    assert export_onnx(plain, contract_for(config, "person"), out) <= 1e-4
    graph = onnx.load(str(out)).graph
    bfloat16 = onnx.TensorProto.BFLOAT16
    assert all(
        attribute.i != bfloat16
        for node in graph.node
        if node.op_type == "Cast"
        for attribute in node.attribute
    )
    assert all(tensor.data_type != bfloat16 for tensor in graph.initializer)


def test_training_data_runs_without_tf_datas_autotuner_unless_asked(tmp_path):
    # On 2 cores the autotuner's threads stall the training step (benchmarks/training_input.py)
    dataset = _person_folder(tmp_path / "people", [(64, 32)] * 4)
    config = get_preset("tiny", head="sigmoid", flexible_input=True)
    data = make_dataset(dataset.train, config, 2, AugmentConfig.default(), training=True)
    assert data.options().autotune.enabled is False
    images, targets = next(iter(data))
    assert images.shape[0] == 2 and images.shape[1:3] == targets.shape[1:3]
    tuned = make_dataset(dataset.train, config, 2, AugmentConfig.none(), False, autotune=True)
    assert tuned.options().autotune.enabled is True


def test_weight_averaging_validates_and_keeps_the_average_and_resumes_from_the_raw_weights(
    tmp_path,
):
    dataset = _person_folder(tmp_path / "people", [(64, 32)] * 8)
    config = get_preset("tiny", head="sigmoid", flexible_input=True)
    options = _quick_options(tmp_path / "run", epochs=1, steps_per_epoch=4, ema_momentum=0.5)
    fit(config, dataset, options)
    best = keras.models.load_model(tmp_path / "run" / "model.keras", custom_objects=CUSTOM_OBJECTS)
    last = keras.models.load_model(
        tmp_path / "run" / "checkpoint.keras", custom_objects=CUSTOM_OBJECTS
    )
    assert last.optimizer.use_ema
    averages = [v.numpy() for v in last.optimizer._model_variables_moving_average]
    raw = [v.numpy() for v in last.trainable_weights]
    kept = [v.numpy() for v in best.trainable_weights]
    # the best-epoch model is the average, the resume checkpoint the raw weights beside it
    assert all(np.allclose(k, a) for k, a in zip(kept, averages, strict=True))
    assert not all(np.allclose(r, a) for r, a in zip(raw, averages, strict=True))
    written = json.loads((tmp_path / "run" / "config.json").read_text())
    assert written["ema_momentum"] == 0.5
    # across progressive-resizing phases, and resumed from the checkpoint, it runs on
    options.epochs, options.low_res_epochs, options.low_res_scale = 3, 1, 0.5
    history = fit(config, dataset, options)
    assert len(history["loss"]) == 3
