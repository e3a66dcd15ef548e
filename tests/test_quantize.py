"""int8 export: smaller arithmetic, same contract, checked against the float model."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("tensorflow")
import onnx
import onnxruntime as ort

from softfocus.app.segmenter import Segmenter
from softfocus.model.presets import get_preset
from softfocus.training.augment import AugmentConfig
from softfocus.training.datasets import load_dataset
from softfocus.training.evaluate import evaluate_model
from softfocus.training.quantize import float_nodes
from softfocus.training.train import FitOptions, fit
from tests.datasets import make_mask_folder

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def flexible_run(tmp_path_factory):
    """A tiny flexible-input sigmoid U-Net fitted on a small mask folder."""
    data = make_mask_folder(tmp_path_factory.mktemp("people"), count=24)
    dataset = load_dataset(masks=str(data), validation_fraction=0.25, seed=0)
    run_dir = tmp_path_factory.mktemp("run")
    options = FitOptions(
        run_dir=run_dir,
        epochs=6,
        batch_size=6,
        learning_rate=0.01,
        augment=AugmentConfig.none(),
        verbose=0,
        foreground_name="person",
    )
    fit(get_preset("tiny", head="sigmoid", flexible_input=True), dataset, options)
    return data, dataset, run_dir


def _export(run_dir: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    model = str(run_dir / "model.keras")
    return subprocess.run(
        [sys.executable, "-m", "softfocus.training", "export", model, "-o", str(out), *extra],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


@pytest.mark.slow
def test_int8_export_keeps_the_contract_and_scores_as_the_float_model(flexible_run, tmp_path):
    data, dataset, run_dir = flexible_run
    fp32, int8 = tmp_path / "fp32.onnx", tmp_path / "int8.onnx"
    assert _export(run_dir, fp32).returncode == 0
    result = _export(run_dir, int8, "--int8", "--calibration", str(data / "images"))
    assert result.returncode == 0, result.stderr[-2000:]
    assert "mask agreement" in result.stdout

    graph = onnx.load(str(int8)).graph
    ops = [node.op_type for node in graph.node]
    assert "QuantizeLinear" in ops and "DequantizeLinear" in ops
    # every convolution but the first and the head reads int8 weights
    weights = {i.name for i in graph.initializer if i.data_type == onnx.TensorProto.INT8}
    convs = [node for node in graph.node if node.op_type == "Conv"]
    dequantized = {node.output[0] for node in graph.node if node.op_type == "DequantizeLinear"}
    assert convs[0].input[1] not in dequantized and convs[-1].input[1] not in dequantized
    assert all(c.input[1] in dequantized for c in convs[1:-1]) and weights

    with Segmenter(fp32) as a, Segmenter(int8) as b:
        assert b.contract.input_size_for(640, 480) == a.contract.input_size_for(640, 480)
        assert b.contract.classes == a.contract.classes
        assert b.contract.extra["precision"].startswith("int8")
        frame = np.full((120, 160, 3), 40, np.uint8)
        frame[40:, 50:110] = (40, 60, 230)
        assert b.process(frame).shape == (120, 160)
    float_scores = evaluate_model(fp32, dataset.validation)
    int8_scores = evaluate_model(int8, dataset.validation)
    assert int8_scores["foreground_iou"] == pytest.approx(float_scores["foreground_iou"], abs=0.02)


@pytest.mark.slow
def test_input_size_sets_the_apps_pixel_budget(flexible_run, tmp_path):
    _, _, run_dir = flexible_run
    out = tmp_path / "wide.onnx"
    result = _export(run_dir, out, "--input-size", "48x24")
    assert result.returncode == 0, result.stderr[-2000:]
    native = tmp_path / "native.onnx"
    assert _export(run_dir, native).returncode == 0
    with Segmenter(out) as wide, Segmenter(native) as trained:
        assert (wide.contract.input_width, wide.contract.input_height) == (48, 24)
        # a 16:9 frame gets more model pixels, within the new budget's allowance
        w, h = wide.input_size_for(1280, 720)
        tw, th = trained.input_size_for(1280, 720)
        assert tw * th < w * h <= 48 * 24 * 1.1
        assert wide.process_lowres(np.zeros((4 * h, 4 * w, 3), np.uint8)).shape == (h, w)


@pytest.mark.slow
@pytest.mark.parametrize(
    "options, message",
    [
        (["--int8"], "--int8 needs --calibration"),
        (["--int8", "--calibration", "EMPTY"], "No readable images"),
        (["--input-size", "50x24"], "multiples of the model's stride"),
        (["--input-size", "wide"], "must look like 288x160"),
        (["--logit-scale", "40"], "--logit-scale must be between 0.1 and 10"),
    ],
)
def test_bad_export_options_get_a_message_and_write_nothing(
    flexible_run, tmp_path, options, message
):
    _, _, run_dir = flexible_run
    (tmp_path / "empty").mkdir()
    options = [str(tmp_path / "empty") if o == "EMPTY" else o for o in options]
    out = tmp_path / "model.onnx"
    result = _export(run_dir, out, *options)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()


def test_a_logit_scale_sharpens_the_mask_and_keeps_where_it_crosses_half(flexible_run, tmp_path):
    _, _, run_dir = flexible_run
    plain, sharp = tmp_path / "plain.onnx", tmp_path / "sharp.onnx"
    assert _export(run_dir, plain).returncode == 0
    result = _export(run_dir, sharp, "--logit-scale", "2.5")
    assert result.returncode == 0, result.stderr[-2000:]
    image = np.random.default_rng(0).random((1, 64, 96, 3), dtype=np.float32)
    outputs = []
    for path in (plain, sharp):
        session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        outputs.append(session.run(None, {session.get_inputs()[0].name: image})[0])
    p, q = (np.clip(o, 1e-6, 1 - 1e-6) for o in outputs)
    logit, sharper = np.log(p / (1 - p)), np.log(q / (1 - q))
    unclipped = np.abs(2.5 * logit) < 10  # float32 saturates beyond
    assert np.allclose(sharper[unclipped], 2.5 * logit[unclipped], atol=0.02, rtol=0.01)
    assert ((p >= 0.5) == (q >= 0.5)).mean() > 0.999
    assert Segmenter(sharp).contract.extra["logit_scale"] == 2.5


def test_float_nodes_are_the_first_conv_and_the_head():
    helper = onnx.helper
    nodes = [
        helper.make_node("Transpose", ["x"], ["t"], name="in"),
        helper.make_node("Conv", ["t", "w0"], ["c0"], name="first"),
        helper.make_node("Conv", ["c0", "w1"], ["c1"], name="middle"),
        helper.make_node("Conv", ["c1", "w2"], ["c2"], name="head"),
        helper.make_node("Resize", ["c2"], ["r"], name="up"),
        helper.make_node("Sigmoid", ["r"], ["y"], name="p"),
    ]
    graph = helper.make_graph(nodes, "g", [], [])
    assert float_nodes(graph) == ["first", "head", "up", "p"]


def test_a_sub_pixel_heads_two_convs_stay_float():
    helper = onnx.helper
    nodes = [
        helper.make_node("Conv", ["x", "w0"], ["c0"], name="m/stem_conv/convolution"),
        helper.make_node("Conv", ["c0", "w1"], ["c1"], name="m/head_conv1/convolution"),
        helper.make_node("Conv", ["c1", "w2"], ["c2"], name="m/head_logits/BiasAdd"),
        helper.make_node("Resize", ["c2"], ["r"], name="m/head_resize/Resize"),
        helper.make_node("Conv", ["c1", "w3"], ["c3"], name="m/head_detail/BiasAdd"),
        helper.make_node("DepthToSpace", ["c3"], ["d"], name="m/head_subpixel/DepthToSpace"),
        helper.make_node("Add", ["r", "d"], ["y"], name="m/head_sharpen/Add"),
    ]
    graph = helper.make_graph(nodes, "g", [], [])
    assert float_nodes(graph) == [nodes[0].name, *(n.name for n in nodes[2:])]
