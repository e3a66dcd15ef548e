"""Property-based tests at every door where outside data enters.

The property everywhere: a clean one-line error or a valid output; never a traceback, never
a half-written output presented as complete, and the user's settings untouched.

CI runs the ``ci`` profile (fixed seed, a small example budget, well under a minute); run
more with ``pytest tests/test_fuzz.py --hypothesis-profile long``.
"""

from __future__ import annotations

import contextlib
import json
import tempfile
from pathlib import Path

import cv2
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from softfocus.app.cli import main
from softfocus.app.compositor import Compositor
from softfocus.app.errors import InputError
from softfocus.app.pipeline import FramePipeline
from softfocus.app.segmenter import Segmenter
from softfocus.app.settings import EFFECTS, PipelineSettings
from softfocus.app.settings_store import AppSettings, SettingsStore
from softfocus.model.contract import ModelContract, ModelContractError, check_io
from tests.fakes import person_frame, red_detector_model, write_clip

# Profiles are registered in conftest.py ("ci" by default, "long" on demand); per-test
# budgets scale with the profile's.
BUDGET = settings.default.max_examples

MODEL_DIR = Path(tempfile.mkdtemp(prefix="softfocus-fuzz-"))
MODEL = red_detector_model(MODEL_DIR / "tiny.onnx")

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=True)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)

# --- softfocus process -------------------------------------------------------------------


def _image_bytes(draw) -> bytes:
    height = draw(st.integers(1, 40))
    width = draw(st.integers(1, 40))
    layout = draw(st.sampled_from(["grey", "bgr", "bgra", "grey16", "bgr16"]))
    rng = np.random.default_rng(draw(st.integers(0, 1000)))
    channels = {"grey": 1, "bgr": 3, "bgra": 4, "grey16": 1, "bgr16": 3}[layout]
    dtype = np.uint16 if layout.endswith("16") else np.uint8
    image = rng.integers(0, np.iinfo(dtype).max, (height, width, channels), dtype=dtype)
    suffix = ".png" if dtype == np.uint16 else draw(st.sampled_from([".png", ".jpg", ".bmp"]))
    ok, data = cv2.imencode(suffix, image[:, :, 0] if channels == 1 else image)
    assert ok
    return data.tobytes()


@st.composite
def process_inputs(draw):
    """(file name, bytes) of the input: valid, truncated, or random bytes of any extension."""
    kind = draw(st.sampled_from(["image", "truncated-image", "video", "truncated-video", "junk"]))
    if kind in ("image", "truncated-image"):
        data = _image_bytes(draw)
        name = "in.png"
    elif kind == "junk":
        data = draw(st.binary(max_size=300))
        name = "in" + draw(st.sampled_from([".png", ".jpg", ".mp4", ".avi", ".mkv", ".txt", ""]))
    else:
        with tempfile.TemporaryDirectory() as folder:
            clip = write_clip(
                Path(folder) / "c.avi", frames=draw(st.integers(1, 4)), width=48, height=32
            )
            data = clip.read_bytes()
        name = "in.avi"
    if kind.startswith("truncated"):
        data = data[: draw(st.integers(0, max(0, len(data) - 1)))]
    return name, data


output_names = st.sampled_from(
    [
        "out.png",
        "out.jpg",
        "out.xyz",
        "out",
        "out.mp4",
        "out.avi",
        "out.mkv",
        "sub/dir/out.png",
        "out.PNG",
        ".",
    ]
)


def _readable(path: Path) -> bool:
    if path.suffix.lower() in (".mp4", ".avi", ".mkv", ".mov", ".m4v"):
        capture = cv2.VideoCapture(str(path))
        ok, _ = capture.read()
        capture.release()
        return ok
    return cv2.imread(str(path), cv2.IMREAD_UNCHANGED) is not None


@given(
    source=process_inputs(),
    output=output_names,
    effect=st.sampled_from([*EFFECTS, "sparkle", "BLUR"]),
    kernel=st.integers(-(10**6), 10**6) | st.sampled_from([0, 1, 2, 151, 152]),
    feather=st.floats(allow_nan=True, allow_infinity=True, width=32),
)
# capsys is read (and so emptied) and the environment variable set anew in every example.
@settings(max_examples=BUDGET * 2, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_process_ends_in_a_valid_output_or_one_clean_line(
    source, output, effect, kernel, feather, capsys, monkeypatch
):
    name, data = source
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        config = folder / "config"
        settings_file = config / "softfocus" / "settings.json"
        settings_file.parent.mkdir(parents=True)
        settings_file.write_text('{"version": 1, "settings": {"camera": "0"}}')
        monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
        (folder / name).write_bytes(data)
        args = ["process", str(folder / name), "-o", str(folder / output), "--quiet"]
        # "--feather=-1e+16": with a space, argparse reads a negative exponent as an option.
        args += ["--effect", effect, f"--kernel={kernel}", f"--feather={feather}"]
        args += ["--model", str(MODEL)]
        if effect == "replace":
            args += ["--backdrop", "builtin:soft-room"]
        code = main(args)  # an exception escaping here is a traceback in the user's face
        captured = capsys.readouterr()
        problems = [
            line for line in captured.err.splitlines() if line.strip() and " note: " not in line
        ]
        assert code in (0, 2), captured.err
        if code == 2:
            assert len(problems) == 1 and problems[0].startswith("softfocus: error: "), problems
        else:
            assert not problems, problems
            written = captured.out.strip().rsplit(" to ", 1)[1]
            assert _readable(Path(written)), captured.out
        leftovers = [p.name for p in folder.rglob("*.part*")]
        assert not leftovers, "a temporary output was left behind"
        assert settings_file.read_text() == '{"version": 1, "settings": {"camera": "0"}}'


# --- the settings file ----------------------------------------------------------------------


def _check_app_settings(loaded: AppSettings) -> None:
    assert isinstance(loaded.camera, str) and isinstance(loaded.resolution, str)
    assert loaded.model_path is None or isinstance(loaded.model_path, str)
    assert all(isinstance(b, str) for b in loaded.user_backdrops)
    pipeline = loaded.pipeline
    assert pipeline.effect in EFFECTS
    assert 1 <= pipeline.kernel_size_px <= 151 and pipeline.kernel_size_px % 2 == 1
    assert 0 <= pipeline.feather_px <= 50 and 0 <= pipeline.smoothing < 1
    assert 0 <= pipeline.mask_low < pipeline.mask_high <= 1


@given(
    body=json_values,
    pipeline=st.dictionaries(
        st.sampled_from([*PipelineSettings.__dataclass_fields__, "junk"]), json_values, max_size=6
    ),
    top=st.dictionaries(
        st.sampled_from([*AppSettings.__dataclass_fields__, "junk"]), json_values, max_size=5
    ),
    version=st.sampled_from([1, 1, 1, 2, "1", None]),
)
def test_settings_loader_always_yields_valid_settings(body, pipeline, top, version):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "settings.json"
        store = SettingsStore(path)
        for document in (body, {"version": version, "settings": {**top, "pipeline": pipeline}}):
            path.write_text(json.dumps(document))
            loaded = store.load()
            _check_app_settings(loaded.settings)
            if loaded.notice is None:  # it loaded: saving and reloading gives it back
                store.save(loaded.settings)
                assert store.load().settings == loaded.settings


@given(data=st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_settings_loader_survives_non_json(data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "settings.json"
        path.write_bytes(data)
        loaded = SettingsStore(path).load()
        _check_app_settings(loaded.settings)


# --- the model contract ---------------------------------------------------------------------

contract_fields = st.fixed_dictionaries(
    {},
    optional={
        name: json_values | st.integers(-5, 300) | st.lists(st.integers(-2, 4), max_size=4)
        for name in ModelContract.__dataclass_fields__
    },
)


@given(data=contract_fields | json_values)
def test_contract_metadata_loads_or_says_why(data):
    try:
        contract = ModelContract.from_json(json.dumps(data))
    except ModelContractError as error:
        assert "\n" not in str(error)
        return
    assert isinstance(contract.input_height, int) and 8 <= contract.input_height <= 4096
    assert all(0 <= i < len(contract.classes) for i in contract.foreground_classes)


@given(text=st.text(max_size=300))
def test_contract_metadata_that_is_not_json_says_so(text):
    with contextlib.suppress(ModelContractError):
        ModelContract.from_json(text)


shapes = st.lists(st.integers(-1, 300) | st.none() | st.text(max_size=3), max_size=6)


@given(
    inputs=st.lists(shapes, max_size=3),
    outputs=st.lists(shapes, max_size=3),
    types=st.lists(
        st.sampled_from(["tensor(float)", "tensor(uint8)", "tensor(double)"]),
        min_size=1,
        max_size=3,
    ),
)
def test_model_io_check_raises_only_contract_errors(inputs, outputs, types):
    contract = ModelContract(input_height=32, input_width=32)
    with contextlib.suppress(ModelContractError):
        check_io(contract, inputs, outputs, types, source="fuzz.onnx")


@given(metadata=contract_fields.map(json.dumps) | st.text(max_size=50))
@settings(max_examples=max(10, BUDGET // 4))
def test_models_with_random_metadata_load_or_say_why(metadata):
    with tempfile.TemporaryDirectory() as folder:
        path = red_detector_model(Path(folder) / "m.onnx", metadata=metadata or "x")
        try:
            with Segmenter(path) as segmenter:
                alpha = segmenter.process(person_frame(40, 30)[0])
            assert alpha.shape == (30, 40)
        except ModelContractError:
            pass


# --- the frame pipeline ---------------------------------------------------------------------


@st.composite
def frames(draw):
    height = draw(st.integers(1, 48))
    width = draw(st.integers(1, 48))
    channels = draw(st.sampled_from([None, 1, 3, 4]))
    dtype = draw(st.sampled_from([np.uint8, np.uint16, np.float32, np.bool_]))
    fill = draw(st.sampled_from(["random", "zeros", "max"]))
    shape = (height, width) if channels is None else (height, width, channels)
    if fill == "zeros":
        return np.zeros(shape, dtype)
    if fill == "max":
        top = 1 if dtype in (np.float32, np.bool_) else np.iinfo(dtype).max
        return np.full(shape, top, dtype)
    rng = np.random.default_rng(draw(st.integers(0, 1000)))
    return (rng.random(shape) * (1 if dtype in (np.float32, np.bool_) else 255)).astype(dtype)


pipeline_settings = st.builds(
    PipelineSettings,
    effect=st.sampled_from(EFFECTS),
    kernel_size_px=st.integers(-10, 400),
    mirror=st.booleans(),
    smoothing=st.floats(-1, 2),
    feather_px=st.floats(-1, 100),
    edge_refine=st.booleans(),
)


@given(stream=st.lists(st.tuples(frames(), pipeline_settings), min_size=1, max_size=6))
@settings(max_examples=BUDGET)
def test_pipeline_takes_frames_whose_size_layout_and_dtype_change_mid_stream(stream):
    with Segmenter(MODEL) as segmenter:
        pipeline = FramePipeline(segmenter)
        for frame, frame_settings in stream:
            result = pipeline.process(frame, frame_settings)
            assert result.frame_bgr.shape == (*frame.shape[:2], 3)
            assert result.frame_bgr.dtype == np.uint8


@given(
    frame=frames(),
    alpha_value=st.sampled_from([0.0, 1.0, 0.5]),
    alpha_size=st.tuples(st.integers(1, 20), st.integers(1, 20)),
    effect_settings=pipeline_settings,
)
def test_compositor_takes_masks_all_0_or_all_1_at_any_size(
    frame, alpha_value, alpha_size, effect_settings
):
    from softfocus.app.frame_format import as_bgr_frame

    bgr = as_bgr_frame(frame)
    alpha = np.full(alpha_size, alpha_value, np.float32)
    out = Compositor().compose(bgr, alpha, effect_settings)
    assert out.shape == bgr.shape
    if alpha_value == 1.0 and effect_settings.effect in ("blur", "replace", "none"):
        assert np.array_equal(out, bgr)  # the whole frame is person: nothing changes


@pytest.mark.parametrize(
    "bad",
    [
        np.zeros((4, 4, 2), np.uint8),
        np.zeros((0, 5, 3), np.uint8),
        np.zeros((2, 2, 3, 1), np.uint8),
        np.zeros((4, 4, 3), np.complex64),
        "not a frame",
    ],
    ids=["two-channels", "empty", "four-dims", "complex", "string"],
)
def test_pipeline_refuses_what_is_not_a_frame_with_an_input_error(bad):
    with Segmenter(MODEL) as segmenter, pytest.raises(InputError, match="frame"):
        FramePipeline(segmenter).process(bad, PipelineSettings())
