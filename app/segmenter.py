"""Person segmentation with ONNX Runtime on the CPU, under the model contract."""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType

import cv2
import numpy as np
import onnxruntime as ort

from softfocus.app.letterbox import letterbox, unbox
from softfocus.app.preprocess import equalize_luminance
from softfocus.model.contract import (
    METADATA_KEY,
    OUTPUT_FOREGROUND,
    ModelContract,
    ModelContractError,
    check_io,
)

ALPHA_FLOOR = 1e-6


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
    options = ort.SessionOptions()
    options.intra_op_num_threads = max(1, int(num_threads))
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3
    try:
        session = ort.InferenceSession(
            str(path), sess_options=options, providers=["CPUExecutionProvider"]
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


class Segmenter:
    """``process(frame_bgr) -> alpha``: a soft foreground matte for one frame.

    Usable as a context manager. ``process_lowres`` returns the matte at the model's own
    resolution, so that refinement can run on a few thousand pixels instead of a million.
    """

    def __init__(self, model_path: str | os.PathLike, num_threads: int = 2) -> None:
        self.model_path = Path(model_path)
        self._session, self.contract = load_session(model_path, num_threads)
        self._input_name = self._session.get_inputs()[0].name
        height, width = self.contract.input_height, self.contract.input_width
        self._resized = np.empty((height, width, 3), np.uint8)
        self._scratch: dict = {}  # letterbox's halvings, reused frame to frame
        self._rgb = np.empty((height, width, 3), np.uint8)
        self._input = np.empty((1, height, width, 3), np.float32)
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
        """(width, height) the model sees."""
        return self.contract.input_width, self.contract.input_height

    def process_lowres(self, frame_bgr: np.ndarray) -> np.ndarray:
        """Alpha in [0, 1], float32, at the model's resolution and the frame's aspect ratio.

        Frames of another shape than the model are letterboxed, not squashed (app.letterbox).
        """
        _check_frame(frame_bgr)
        if min(frame_bgr.shape[:2]) < 2:
            # OpenCV's area resize and border modes want two pixels a side; a 1-pixel-wide
            # image is still an image, so repeat its pixels rather than refuse it.
            frame_bgr = np.repeat(np.repeat(frame_bgr, 2, axis=0), 2, axis=1)
        _, box = letterbox(frame_bgr, *self.input_size, dst=self._resized, scratch=self._scratch)
        cv2.cvtColor(self._resized, cv2.COLOR_BGR2RGB, dst=self._rgb)
        np.multiply(self._rgb, np.float32(1.0 / 255.0), out=self._input[0], casting="unsafe")
        if self.contract.equalize_luminance:
            self._input[0] = equalize_luminance(self._input[0])
        output = self._session.run(None, {self._input_name: self._input})[0][0]
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
        self._session = None

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
