import numpy as np
import pytest

from softfocus.app.segmenter import Segmenter
from softfocus.model.contract import ModelContract, ModelContractError
from tests.fakes import person_frame, red_detector_model


def test_segmenter_returns_soft_alpha_at_frame_resolution(tiny_model):
    frame, truth = person_frame(160, 120)
    with Segmenter(tiny_model) as segmenter:
        alpha = segmenter.process(frame)
    assert alpha.shape == (120, 160) and alpha.dtype == np.float32
    assert alpha.min() >= 0.0 and alpha.max() <= 1.0
    assert ((alpha > 0.5) == (truth > 0)).mean() > 0.95


def test_three_class_alpha_is_foreground_plus_half_border(tiny_model_3class):
    frame, _truth = person_frame(160, 120)
    with Segmenter(tiny_model_3class) as segmenter:
        alpha = segmenter.process_lowres(frame)
    inside = alpha[20, 16]  # the red box at model resolution (32×32)
    assert inside == pytest.approx(0.9 + 0.5 * 0.1, abs=0.02)
    assert alpha[2, 2] == pytest.approx(0.0, abs=0.02)


def test_rejects_frames_of_the_wrong_type(tiny_model):
    with Segmenter(tiny_model) as segmenter:
        with pytest.raises(ValueError, match="uint8"):
            segmenter.process(np.zeros((10, 10, 3), np.float32))
        with pytest.raises(ValueError, match="H×W×3"):
            segmenter.process(np.zeros((10, 10), np.uint8))


def test_missing_model_file(tmp_path):
    with pytest.raises(ModelContractError, match="does not exist"):
        Segmenter(tmp_path / "nope.onnx")


def test_file_that_is_not_onnx(tmp_path):
    path = tmp_path / "fake.onnx"
    path.write_bytes(b"this is not a model")
    with pytest.raises(ModelContractError, match=r"not a loadable ONNX model.*Expected"):
        Segmenter(path)


def test_model_without_contract_metadata(tmp_path):
    path = red_detector_model(tmp_path / "plain.onnx", metadata="")
    with pytest.raises(ModelContractError, match=r"lacks the Softfocus contract.*re-export"):
        Segmenter(path)


def test_metadata_that_is_not_json(tmp_path):
    path = red_detector_model(tmp_path / "bad.onnx", metadata="{nope")
    with pytest.raises(ModelContractError, match="not valid JSON"):
        Segmenter(path)


def test_metadata_size_disagrees_with_graph(tmp_path):
    metadata = ModelContract(input_height=64, input_width=64, output_kind="foreground_probability")
    path = red_detector_model(tmp_path / "wrong.onnx", metadata=metadata.to_json())
    with pytest.raises(ModelContractError, match=r"input shape .* expected \[N, 64, 64, 3\]"):
        Segmenter(path)


def test_output_channels_disagree_with_classes(tmp_path):
    path = red_detector_model(tmp_path / "wrong.onnx", output_channels=2)
    with pytest.raises(ModelContractError, match="output shape"):
        Segmenter(path)


def test_contract_round_trips_through_json():
    contract = ModelContract(input_height=144, input_width=256, name="person")
    assert ModelContract.from_json(contract.to_json()) == contract


def test_contract_rejects_impossible_metadata():
    with pytest.raises(ModelContractError, match="fall outside"):
        ModelContract(input_height=64, input_width=64, classes=("a", "b"), foreground_classes=(5,))
    with pytest.raises(ModelContractError, match="lacks input_height"):
        ModelContract.from_json('{"input_width": 3}')


def test_a_flexible_model_gets_the_input_shape_that_holds_most_of_each_frame():
    contract = ModelContract(input_height=128, input_width=224, input_stride=32)
    assert contract.input_size_for(1280, 720) == (224, 128)  # the webcam keeps its shape
    assert contract.input_size_for(640, 480) == (192, 160)  # 4:3 loses its bars
    assert contract.input_size_for(480, 640) == (160, 192)  # a portrait photo is a portrait
    assert contract.input_size_for(720, 1280) == (128, 224)
    for width, height in [(1, 1), (5000, 90), (90, 5000), (640, 640)]:
        w, h = contract.input_size_for(width, height)
        assert w % 32 == 0 and h % 32 == 0 and w * h <= 1.1 * 128 * 224
    fixed = ModelContract(input_height=128, input_width=224)
    assert fixed.input_size_for(480, 640) == (224, 128)


def test_a_flexible_contract_needs_a_graph_with_open_height_and_width(tmp_path):
    with pytest.raises(ModelContractError, match="not a multiple of input_stride 32"):
        ModelContract(input_height=100, input_width=224, input_stride=32)
    metadata = ModelContract(
        input_height=32, input_width=32, input_stride=8, output_kind="foreground_probability"
    )
    path = red_detector_model(tmp_path / "fixed.onnx", metadata=metadata.to_json())
    with pytest.raises(ModelContractError, match="H and W must be dynamic"):
        Segmenter(path)


def test_inference_threads_sleep_between_frames_instead_of_spinning(tiny_model):
    # A camera runs the model every 33 ms; spinning pool threads would hold a core through
    # each gap (benchmarks/cpu.py measures it). Every session the segmenter opens says so.
    with Segmenter(tiny_model, num_threads=2) as segmenter:
        segmenter.process(np.zeros((120, 160, 3), np.uint8))
        sessions = [lane.session for lane in segmenter._lanes.values()]
        assert sessions
        for session in sessions:
            options = session.get_session_options()
            assert options.get_session_config_entry("session.intra_op.allow_spinning") == "0"
