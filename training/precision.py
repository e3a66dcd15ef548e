"""Training arithmetic: bfloat16 mixed precision where the CPU runs it natively.

On a CPU with AVX512-BF16 or AMX (recent Xeons and EPYCs, the machines this project builds
on), oneDNN runs bfloat16 convolutions natively, and a full-size training step of the person
network costs about 0.78 of the float32 one (batch 16 at 160×288 on 2 cores: 231 against
298 ms; at 128×224 0.86, at 96×160 the same), while the variables, BatchNorm statistics,
the sigmoid head and the loss stay float32. A CPU without it would emulate bfloat16, slower
than float32, so ``auto`` picks it only where the flags say it is native.

It is not the default: the person model's build on 2 cores is bound by data loading, not by
the network. A full build in bfloat16 (2026-12-04) trained in 71 minutes, as the float32 one
did, with figures within build-to-build variance (the model card lists them). It pays where
the step is the bottleneck: more cores, or a leaner input pipeline.

What leaves training is float32 always: ``as_float32`` rebuilds a loaded model with float32
layers and the same weights, so the ONNX export, its parity check and the evaluation see no
bfloat16 anywhere.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

FLOAT32 = "float32"
MIXED_BFLOAT16 = "mixed_bfloat16"
AUTO = "auto"
PRECISIONS = (AUTO, FLOAT32, MIXED_BFLOAT16)
_NATIVE_BF16_FLAGS = ("avx512_bf16", "amx_bf16")


def cpu_has_native_bf16(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    """Whether the CPU lists a bfloat16 instruction set (Linux; elsewhere: no)."""
    try:
        text = cpuinfo.read_text(errors="replace")
    except OSError:
        return False
    for line in text.splitlines():
        if line.startswith("flags"):
            flags = set(line.split(":", 1)[-1].split())
            return any(flag in flags for flag in _NATIVE_BF16_FLAGS)
    return False


def resolve_precision(name: str, cpuinfo: Path = Path("/proc/cpuinfo")) -> str:
    """``auto`` → mixed_bfloat16 on a CPU with native bfloat16, else float32."""
    if name not in PRECISIONS:
        raise ValueError(f"unknown precision {name!r}; choose one of {', '.join(PRECISIONS)}")
    if name != AUTO:
        return name
    return MIXED_BFLOAT16 if cpu_has_native_bf16(cpuinfo) else FLOAT32


@contextlib.contextmanager
def dtype_policy(name: str) -> Iterator[None]:
    """Keras's dtype policy is process-wide; set it for the models built inside, then put
    back what was there."""
    import keras

    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(name)
    try:
        yield
    finally:
        keras.config.set_dtype_policy(previous)


def as_float32(model):
    """``model`` itself when every layer computes in float32, else a float32 copy of it with
    the same weights (a mixed-precision checkpoint's variables are float32 already)."""
    import keras

    from softfocus.training.losses import CUSTOM_OBJECTS

    if all(layer.dtype_policy.name == FLOAT32 for layer in model.layers):
        return model
    config = model.get_config()
    for layer in config["layers"]:
        layer["config"]["dtype"] = FLOAT32
    # From the architecture alone: a clone would also rebuild the optimizer and the loss.
    copy = keras.Model.from_config(config, custom_objects=CUSTOM_OBJECTS)
    copy.set_weights(model.get_weights())
    return copy
