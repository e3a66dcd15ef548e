"""Pipeline settings: one immutable snapshot that the worker reads once per frame.

The UI never mutates settings; it builds a new snapshot with ``dataclasses.replace`` and hands
it over, so the worker can never see half an update. Every field is clamped on construction,
so extreme slider values or a hand-edited settings file cannot reach the pipeline.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any

from softfocus.app.blur import clamp_kernel_size

EFFECTS = ("none", "blur", "replace", "outline", "mask")
DEFAULT_KERNEL_PX = 31
MAX_FEATHER_PX = 50.0


def _clamp_float(value: Any, low: float, high: float, default: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    if math.isnan(number):
        return default
    return min(max(number, low), high)


@dataclass(frozen=True)
class PipelineSettings:
    """What the frame pipeline does to each frame.

    ``smoothing`` is how much of the previous mask survives a frame where nothing moved
    (0 = off); ``feather_px`` is the edge softening in output pixels (0 = off); ``mask_low`` and
    ``mask_high`` are the soft threshold: probabilities below ``mask_low`` become background,
    above ``mask_high`` foreground, linear in between. ``edge_refine`` snaps the mask's edges
    to the frame's (a guided filter) as it is upsampled. ``halo_free`` leaves the person out of
    the background blur (no halo of their colours round them); ``edge_colour`` and
    ``light_wrap`` (0 = off, 1 = strongest) treat the soft edge over a replacement backdrop.
    ``cleanup`` drops mask components whose mean probability is under ``min_component_mean``
    (the model unsure of them as a whole), then those smaller than ``min_component_share`` of
    the frame that lie away from the person, and fills small holes inside them. ``skip_still``
    reuses the last mask while the scene is still, ``inference_every`` runs the model on every
    Nth frame only (1 to 3): the CPU saver, see app.inference_saver.
    """

    effect: str = "blur"
    kernel_size_px: int = DEFAULT_KERNEL_PX
    backdrop_path: str | None = None
    mirror: bool = False
    smoothing: float = 0.6
    feather_px: float = 2.0
    mask_low: float = 0.3
    mask_high: float = 0.7
    edge_refine: bool = True
    halo_free: bool = True
    edge_colour: bool = True
    light_wrap: float = 0.5
    cleanup: bool = True
    min_component_share: float = 0.03
    min_component_mean: float = 0.65
    skip_still: bool = True
    inference_every: int = 1

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        effect = str(self.effect).lower()
        set_(self, "effect", effect if effect in EFFECTS else "blur")
        set_(self, "kernel_size_px", clamp_kernel_size(self.kernel_size_px))
        set_(self, "backdrop_path", str(self.backdrop_path) if self.backdrop_path else None)
        set_(self, "mirror", bool(self.mirror))
        set_(self, "edge_refine", bool(self.edge_refine))
        set_(self, "halo_free", bool(self.halo_free))
        set_(self, "edge_colour", bool(self.edge_colour))
        set_(self, "light_wrap", _clamp_float(self.light_wrap, 0.0, 1.0, 0.5))
        set_(self, "cleanup", bool(self.cleanup))
        set_(self, "skip_still", bool(self.skip_still))
        set_(self, "inference_every", int(_clamp_float(self.inference_every, 1, 3, 1)))
        set_(self, "min_component_share", _clamp_float(self.min_component_share, 0.0, 0.5, 0.03))
        set_(self, "min_component_mean", _clamp_float(self.min_component_mean, 0.0, 0.9, 0.65))
        set_(self, "smoothing", _clamp_float(self.smoothing, 0.0, 0.95, 0.6))
        set_(self, "feather_px", _clamp_float(self.feather_px, 0.0, MAX_FEATHER_PX, 2.0))
        low = _clamp_float(self.mask_low, 0.0, 0.99, 0.3)
        high = _clamp_float(self.mask_high, low + 0.01, 1.0, max(0.7, low + 0.01))
        set_(self, "mask_low", low)
        set_(self, "mask_high", high)

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PipelineSettings:
        """Unknown keys are ignored and bad values clamped, so old or edited files still load."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})
