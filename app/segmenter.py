"""Person segmentation with ONNX Runtime on the CPU, under the model contract."""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType

import cv2
import numpy as np
import onnxruntime as ort

from softfocus.app.downscale import FrameHalvings
from softfocus.app.letterbox import letterbox, unbox
from softfocus.app.preprocess import equalize_luminance
from softfocus.model.contract import (
    DYNAMIC_DIMS,
    METADATA_KEY,
    OUTPUT_FOREGROUND,
    ModelContract,
    ModelContractError,
    check_io,
)

ALPHA_FLOOR = 1e-6
MAX_SHAPES = 4  # sessions kept for a flexible-shape model (a video needs one, a photo folder a few)


def _session_options(num_threads: int, pinned: tuple[int, int] | None) -> ort.SessionOptions:
    options = ort.SessionOptions()
    options.intra_op_num_threads = max(1, int(num_threads))
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3
    # ONNX Runtime's pool threads busy-wait after each run for the next one. A live camera runs
    # the model once every 33 ms, so they spin through the gap on a core the blur, the blend
    # and the video call itself need: about 0.9 of a core per second of video on a 2-core
    # machine (benchmarks/cpu.py), for a wake-up well under a millisecond faster.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    if pinned is not None:
        # With H and W known, ONNX Runtime folds the graph's shape arithmetic away: a
        # flexible model then runs as fast as one exported at that shape.
        for name, value in zip(DYNAMIC_DIMS, (1, pinned[1], pinned[0])):
            options.add_free_dimension_override_by_name(name, value)
    return options


def load_session(
    model_path: str | os.PathLike, num_threads: int = 2
) -> tuple[ort.InferenceSession, ModelContract]:
    """Open an ONNX model and check it against the contract before any frame reaches it."""
    path = Path(model_path)
    if not path.is_file():
        raise ModelContractError(
            f"Model file {path} does not exist. Pass --model with the path of an exported "
            "Softfocus .onnx model, or omit it to use the bundled person model."
        )
    try:
        session = ort.InferenceSession(
            str(path),
            sess_options=_session_options(num_threads, None),
            providers=["CPUExecutionProvider"],
        )
    except Exception as error:  # ORT raises several private exception types.
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error)
        raise ModelContractError(
            f"{path.name} is not a loadable ONNX model ({first_line}). Expected a .onnx file "
            "exported by `softfocus-train export`; check the file is complete and not another "
            "format."
        ) from None
    metadata = session.get_modelmeta().custom_metadata_map
    if METADATA_KEY not in metadata:
        raise ModelContractError(
            f"{path.name} is an ONNX model but lacks the Softfocus contract metadata "
            f"({METADATA_KEY!r}). Expected a model exported by `softfocus-train export`; "
            "re-export it, or add the metadata with model.contract (see model/CONTRACT.md)."
        )
    contract = ModelContract.from_json(metadata[METADATA_KEY])
    check_io(
        contract,
        [list(i.shape) for i in session.get_inputs()],
        [list(o.shape) for o in session.get_outputs()],
        [i.type for i in session.get_inputs()],
        source=path.name,
    )
    return session, contract


class _Lane:
    """One input shape's session and the buffers a frame passes through, reused frame to
    frame."""

    def __init__(self, session: ort.InferenceSession, width: int, height: int) -> None:
        self.session = session
        self.input_name = session.get_inputs()[0].name
        self.size = (width, height)
        self.resized = np.empty((height, width, 3), np.uint8)
        self.rgb = np.empty((height, width, 3), np.uint8)
        self.input = np.empty((1, height, width, 3), np.float32)
        self.scratch: dict = {}  # letterbox's halvings


class Segmenter:
    """``process(frame_bgr) -> alpha``: a soft foreground matte for one frame.

    Usable as a context manager. ``process_lowres`` returns the matte at the model's own
    resolution, so that refinement can run on a few thousand pixels instead of a million.
    A flexible-shape model (contract ``input_stride``) is fed each frame at the shape that
    fits it, one pinned session per shape.
    """

    def __init__(self, model_path: str | os.PathLike, num_threads: int = 2) -> None:
        self.model_path = Path(model_path)
        self._num_threads = num_threads
        session, self.contract = load_session(model_path, num_threads)
        native = (self.contract.input_width, self.contract.input_height)
        self._lanes: dict[tuple[int, int], _Lane] = {}
        self._model_bytes = b""
        if self.contract.input_stride:
            # Later shapes open from these bytes: the file was checked once, and a model
            # replaced or deleted on disk mid-stream changes nothing here.
            self._model_bytes = self.model_path.read_bytes()
        else:
            self._lanes[native] = _Lane(session, *native)
        fg = list(self.contract.foreground_classes)
        border = list(self.contract.border_classes)
        self._weights = None
        if self.contract.output_kind != OUTPUT_FOREGROUND:
            weights = np.zeros(len(self.contract.classes), np.float32)
            weights[fg] = 1.0
            weights[border] = 0.5
            self._weights = weights

    @property
    def input_size(self) -> tuple[int, int]:
        """(width, height) the model sees on a frame of its native shape."""
        return self.contract.input_width, self.contract.input_height

    def input_size_for(self, frame_width: int, frame_height: int) -> tuple[int, int]:
        """(width, height) the model sees on a frame of this size."""
        return self.contract.input_size_for(frame_width, frame_height)

    def _lane(self, size: tuple[int, int]) -> _Lane:
        lane = self._lanes.pop(size, None)
        if lane is None:
            options = _session_options(self._num_threads, pinned=size)
            session = ort.InferenceSession(
                self._model_bytes, sess_options=options, providers=["CPUExecutionProvider"]
            )
            lane = _Lane(session, *size)
            while len(self._lanes) >= MAX_SHAPES:
                self._lanes.pop(next(iter(self._lanes)))
        self._lanes[size] = lane  # most recently used last
        return lane

    def run_model(self, batch: np.ndarray) -> np.ndarray:
        """The bare model on an NHWC float32 batch (no letterbox, no clean-up): for timing the
        network alone."""
        lane = self._lane((batch.shape[2], batch.shape[1]))
        return lane.session.run(None, {lane.input_name: batch})[0]

    def process_lowres(
        self, frame_bgr: np.ndarray, halvings: FrameHalvings | None = None
    ) -> np.ndarray:
        """Alpha in [0, 1], float32, at the model's resolution and the frame's aspect ratio.

        Frames of another shape than the model are letterboxed, not squashed (app.letterbox).
        ``halvings``: the frame's halvings, shared with the pipeline's other stages.
        """
        _check_frame(frame_bgr)
        if min(frame_bgr.shape[:2]) < 2:
            # OpenCV's area resize and border modes want two pixels a side; a 1-pixel-wide
            # image is still an image, so repeat its pixels rather than refuse it.
            frame_bgr = np.repeat(np.repeat(frame_bgr, 2, axis=0), 2, axis=1)
        lane = self._lane(self.input_size_for(frame_bgr.shape[1], frame_bgr.shape[0]))
        _, box = letterbox(
            frame_bgr, *lane.size, dst=lane.resized, scratch=lane.scratch, shared=halvings
        )
        cv2.cvtColor(lane.resized, cv2.COLOR_BGR2RGB, dst=lane.rgb)
        np.multiply(lane.rgb, np.float32(1.0 / 255.0), out=lane.input[0], casting="unsafe")
        if self.contract.equalize_luminance:
            lane.input[0] = equalize_luminance(lane.input[0])
        output = lane.session.run(None, {lane.input_name: lane.input})[0][0]
        alpha = output[..., 0] if self._weights is None else output @ self._weights
        alpha = np.ascontiguousarray(unbox(alpha, box), dtype=np.float32)
        # A confident sigmoid says 1e-30 for background; products of such values in the refine
        # chain turn denormal and make float arithmetic several times slower. 1e-6 is
        # invisible in an 8-bit matte and keeps every later product normal.
        return np.clip(alpha, ALPHA_FLOOR, 1.0, out=alpha)

    def process(self, frame_bgr: np.ndarray) -> np.ndarray:
        """Alpha in [0, 1], float32, H×W of the frame."""
        alpha = self.process_lowres(frame_bgr)
        height, width = frame_bgr.shape[:2]
        return cv2.resize(alpha, (width, height), interpolation=cv2.INTER_LINEAR)

    def close(self) -> None:
        self._lanes.clear()

    def __enter__(self) -> Segmenter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _check_frame(frame_bgr: np.ndarray) -> None:
    if not isinstance(frame_bgr, np.ndarray) or frame_bgr.dtype != np.uint8:
        raise ValueError(
            f"frame_bgr must be a uint8 numpy array, got "
            f"{getattr(frame_bgr, 'dtype', type(frame_bgr).__name__)}; convert with "
            "np.clip(x, 0, 255).astype(np.uint8)."
        )
    if frame_bgr.ndim != 3 or frame_bgr.shape[2] != 3 or min(frame_bgr.shape[:2]) < 1:
        raise ValueError(
            f"frame_bgr must be H×W×3 (BGR), got shape {frame_bgr.shape}; "
            "convert grey or BGRA frames with cv2.cvtColor first."
        )
