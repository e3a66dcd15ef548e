"""The one model contract shared by the exporter (training) and the app.

A Softfocus model is an ONNX file with:

* **one input**: float32, NHWC ``[1, H, W, 3]`` (the batch may be dynamic), RGB, scaled to
  [0, 1], with a fixed H×W, or, when ``input_stride`` is set, any H×W that are multiples of
  it (the app then picks the shape that fits each frame: :func:`input_size_for`);
* **one output**: NHWC ``[1, H, W, C]`` at the same H×W, either per-class probabilities
  (``C == len(classes)``, summing to 1) or, when ``output_kind == "foreground_probability"``,
  a single channel holding p(foreground);
* **metadata** in ``metadata_props`` under the key :data:`METADATA_KEY`: a JSON object (never
  evaluated as code) with the fields of :class:`ModelContract`.

Both sides import this module, so the exporter cannot write what the app cannot read. It
imports neither TensorFlow nor onnx: the app reads the metadata through ONNX Runtime.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

METADATA_KEY = "softfocus.contract"
CONTRACT_VERSION = 1
OUTPUT_PROBABILITIES = "probabilities"
OUTPUT_FOREGROUND = "foreground_probability"
OUTPUT_KINDS = (OUTPUT_PROBABILITIES, OUTPUT_FOREGROUND)
MAX_INPUT_PX = 4096  # a real-time segmenter's input; larger is a corrupt field, not a model
PIXEL_ALLOWANCE = 1.1  # a flexible-shape model may spend this much over its native pixel count
# Names of the dynamic dimensions in an exported flexible-shape graph; the app pins them per
# frame shape (ONNX Runtime's free-dimension overrides), so the graph runs as a static one.
DYNAMIC_DIMS = ("batch", "height", "width")


class ModelContractError(ValueError):
    """A model file breaks the contract; the message says what, what was expected, and the fix."""


@dataclass(frozen=True)
class ModelContract:
    """What a model promises about its input and output.

    ``foreground_classes`` and ``border_classes`` index ``classes``. The app turns the output into
    a soft alpha: p(foreground) + ½·p(border), the border being the report's third trimap class.
    ``equalize_luminance`` says the model was trained on the report's YPbPr luminance-equalised
    images, so the app must equalise its input the same way.

    ``input_stride`` 0 means a fixed ``input_height``×``input_width`` graph. A positive stride
    means the graph is fully convolutional over H and W: it takes any multiples of the stride,
    ``input_height``×``input_width`` is its native shape and pixel budget, and each frame is
    fed at the shape that holds most of it within that budget, so a portrait photo is not
    squeezed into a landscape input with two thirds of it bars.
    """

    input_height: int
    input_width: int
    classes: tuple[str, ...] = ("foreground", "background", "border")
    foreground_classes: tuple[int, ...] = (0,)
    border_classes: tuple[int, ...] = (2,)
    output_kind: str = OUTPUT_PROBABILITIES
    name: str = "unnamed"
    description: str = ""
    equalize_luminance: bool = False
    input_stride: int = 0
    version: int = CONTRACT_VERSION
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        problems = self._problems()
        if problems:
            raise ModelContractError(
                "Model metadata is invalid: "
                + "; ".join(problems)
                + ". Re-export the model with `softfocus-train export`."
            )

    def _problems(self) -> list[str]:
        problems = []
        if self.version != CONTRACT_VERSION:
            problems.append(
                f"contract version {self.version} is not supported (expected {CONTRACT_VERSION})"
            )
        sizes = (self.input_height, self.input_width, self.input_stride)
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in sizes):
            return [
                f"input size {self.input_height!r}x{self.input_width!r} (stride "
                f"{self.input_stride!r}) is not made of integers"
            ]
        indices = (*self.foreground_classes, *self.border_classes)
        if not all(isinstance(i, int) and not isinstance(i, bool) for i in indices):
            return [f"class indices {list(indices)!r} are not all integers"]
        if not all(isinstance(v, str) for v in (self.output_kind, self.name, self.description)):
            return ["output_kind, name and description must be strings"]
        if not isinstance(self.extra, dict):
            return [f"extra must be an object, found {type(self.extra).__name__}"]
        if not 8 <= self.input_height <= MAX_INPUT_PX or not 8 <= self.input_width <= MAX_INPUT_PX:
            problems.append(
                f"input size {self.input_height}x{self.input_width} is out of range (expected "
                f"8 to {MAX_INPUT_PX} a side)"
            )
        if not 0 <= self.input_stride <= 256:
            problems.append(f"input_stride {self.input_stride} is out of range (0 to 256)")
        elif self.input_stride and (
            self.input_height % self.input_stride or self.input_width % self.input_stride
        ):
            problems.append(
                f"input size {self.input_height}x{self.input_width} is not a multiple of "
                f"input_stride {self.input_stride}"
            )
        if self.output_kind not in OUTPUT_KINDS:
            problems.append(f"output_kind {self.output_kind!r} is not one of {OUTPUT_KINDS}")
        if not self.classes:
            problems.append("classes is empty")
        if not self.foreground_classes:
            problems.append("foreground_classes is empty")
        if any(not 0 <= i < len(self.classes) for i in indices):
            problems.append(
                f"class indices {list(indices)} fall outside the {len(self.classes)} classes"
            )
        return problems

    @property
    def output_channels(self) -> int:
        return 1 if self.output_kind == OUTPUT_FOREGROUND else len(self.classes)

    def input_size_for(self, frame_width: int, frame_height: int) -> tuple[int, int]:
        """(width, height) to feed a frame of this size: the native shape for a fixed-shape
        model; for a flexible one, the stride multiple that holds most of the frame."""
        if not self.input_stride:
            return self.input_width, self.input_height
        return flexible_input_size(
            self.input_stride,
            self.input_height * self.input_width,
            max(1, int(frame_width)),
            max(1, int(frame_height)),
        )

    def to_json(self) -> str:
        data = asdict(self)
        data["classes"] = list(self.classes)
        data["foreground_classes"] = list(self.foreground_classes)
        data["border_classes"] = list(self.border_classes)
        return json.dumps(data, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> ModelContract:
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, RecursionError) as error:
            raise ModelContractError(
                f"Model metadata {METADATA_KEY!r} is not valid JSON ({error}). "
                "Re-export the model with `softfocus-train export`."
            ) from None
        if not isinstance(data, dict):
            raise ModelContractError(
                f"Model metadata {METADATA_KEY!r} must be a JSON object, found "
                f"{type(data).__name__}. Re-export the model with `softfocus-train export`."
            )
        known = {f for f in cls.__dataclass_fields__}
        missing = sorted({"input_height", "input_width"} - data.keys())
        if missing:
            raise ModelContractError(
                f"Model metadata {METADATA_KEY!r} lacks {', '.join(missing)}."
                " Re-export the model with `softfocus-train export`."
            )
        kwargs = {k: v for k, v in data.items() if k in known}
        try:
            for key in ("classes", "foreground_classes", "border_classes"):
                if key in kwargs:
                    if not isinstance(kwargs[key], list):
                        raise TypeError(f"{key} must be a list")
                    kwargs[key] = tuple(kwargs[key])
            return cls(**kwargs)
        except TypeError as error:
            raise ModelContractError(
                f"Model metadata {METADATA_KEY!r} has fields of the wrong type ({error})."
                " Re-export the model with `softfocus-train export`."
            ) from None


def letterboxed_area(width: int, height: int, frame_width: int, frame_height: int) -> float:
    """Pixels of a width×height input that a letterboxed frame of this size covers."""
    scale = min(height / frame_height, width / frame_width)
    return scale * frame_width * scale * frame_height


@lru_cache(maxsize=64)
def flexible_input_size(stride: int, budget: int, frame_width: int, frame_height: int):
    """The (width, height), multiples of ``stride`` within ``budget`` pixels (and the
    allowance), on which a letterboxed frame covers the most model pixels; fewer pixels
    break a tie. A 16:9 frame keeps 224×128 at a 128×224 budget; 4:3 gets 192×160, 3:4
    gets 160×192."""
    limit = budget * PIXEL_ALLOWANCE
    best, best_key = (stride, stride), None
    for height in range(stride, MAX_INPUT_PX + 1, stride):
        for width in range(stride, MAX_INPUT_PX + 1, stride):
            if height * width > limit:
                break
            key = (letterboxed_area(width, height, frame_width, frame_height), -height * width)
            if best_key is None or key > best_key:
                best, best_key = (width, height), key
    return best


def check_io(
    contract: ModelContract,
    input_shapes: list[list[Any]],
    output_shapes: list[list[Any]],
    input_types: list[str],
    source: str = "model",
) -> None:
    """Check the graph's declared inputs/outputs against the contract.

    Shapes are as ONNX Runtime reports them: ints, or strings/None for dynamic dimensions.
    """
    fix = "Export it with `softfocus-train export`, which writes a compliant graph."
    if len(input_shapes) != 1:
        raise ModelContractError(
            f"{source} has {len(input_shapes)} inputs; expected exactly one image input. {fix}"
        )
    if len(output_shapes) != 1:
        raise ModelContractError(
            f"{source} has {len(output_shapes)} outputs; expected exactly one. {fix}"
        )
    if input_types[0] != "tensor(float)":
        raise ModelContractError(
            f"{source} input is {input_types[0]}; expected tensor(float) (float32). {fix}"
        )
    shape = input_shapes[0]
    out = output_shapes[0]
    if contract.input_stride:
        if len(shape) != 4 or any(isinstance(d, int) for d in shape[1:3]) or _dim(shape[3]) != 3:
            raise ModelContractError(
                f"{source} input shape is {shape}; its metadata says input_stride "
                f"{contract.input_stride}, so H and W must be dynamic: [N, H, W, 3]. {fix}"
            )
        if len(out) != 4 or _dim(out[3]) != contract.output_channels:
            raise ModelContractError(
                f"{source} output shape is {out}; expected [N, H, W, "
                f"{contract.output_channels}] ({contract.output_kind}). {fix}"
            )
        return
    expected_in = [contract.input_height, contract.input_width, 3]
    if len(shape) != 4 or [_dim(d) for d in shape[1:]] != expected_in:
        raise ModelContractError(
            f"{source} input shape is {shape}; expected [N, {contract.input_height}, "
            f"{contract.input_width}, 3] (NHWC RGB) as its metadata says. {fix}"
        )
    expected_out = [contract.input_height, contract.input_width, contract.output_channels]
    if len(out) != 4 or [_dim(d) for d in out[1:]] != expected_out:
        raise ModelContractError(
            f"{source} output shape is {out}; expected [N, {contract.input_height}, "
            f"{contract.input_width}, {contract.output_channels}] ({contract.output_kind}). {fix}"
        )


def _dim(value: Any) -> Any:
    return value if isinstance(value, int) else None
