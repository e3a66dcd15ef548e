"""Separable Gaussian blur, computed at reduced resolution when the kernel is large.

A Gaussian is separable, so the report blurred with two 1-D passes (vertical, then horizontal):
2·k multiply-adds a pixel instead of k². For big kernels we go further: the blurred background
holds no fine detail, so we shrink the frame, blur it with a proportionally smaller kernel and
scale it back up. The result stays within a couple of grey levels of the full-resolution blur
at a small fraction of the cost (see tests/test_blur.py and benchmarks/pipeline.py).

Blurring the whole frame lets the person's colours bleed into the background around them (a
dark halo round dark hair, a blue glow beside a denim jacket). Given the person's alpha, the
blur is a normalised convolution instead: ``blur(frame·w) / blur(w)`` with ``w = 1 − α``
(α slightly dilated), so each background pixel averages background pixels only. It runs in
the same shrunk domain, on one four-channel float image (B·w, G·w, R·w, w), one blur call.
"""

from __future__ import annotations

import functools

import cv2
import numpy as np

from softfocus.app.buffers import reuse_buffer
from softfocus.app.downscale import FrameHalvings, shrink

MIN_KERNEL_PX = 1
MAX_KERNEL_PX = 151
# Below this kernel size the full-resolution blur is already cheap and exact.
FULL_RES_MAX_KERNEL_PX = 7
MIN_SMALL_SIGMA_PX = {2: 0.85, 4: 0.85, 8: 1.25}
# Where the person covers (nearly) the whole kernel, blur(w) → 0 and the ratio is noise; below
# this weight the pixel's own colour fills in (unseen anyway: the person is drawn over it).
WEIGHT_FLOOR = 0.02
WEIGHT_FLOOR_U8 = round(WEIGHT_FLOOR * 255)
# How far the person mask is grown before it is cut out of the blur, in full-frame pixels: the
# model's edge sits a pixel or two inside the hair, whose colour must stay out too.
DILATE_PX = 2
# A pixel counts as background for the halo-free blur where the person's α is below this.
BACKGROUND_BELOW_ALPHA = 0.25


def clamp_kernel_size(kernel_size_px: float | int) -> int:
    """Nearest valid kernel: odd, within [1, 151]. Never raises on odd user input."""
    try:
        value = round(float(kernel_size_px))
    except (TypeError, ValueError, OverflowError):
        return MIN_KERNEL_PX
    value = min(max(value, MIN_KERNEL_PX), MAX_KERNEL_PX)
    if value % 2 == 0:
        value = value + 1 if value < MAX_KERNEL_PX else value - 1
    return value


def gaussian_sigma(kernel_size_px: int) -> float:
    """OpenCV's sigma for a kernel size, so our blur matches ``cv2.GaussianBlur(k, 0)``."""
    return 0.3 * ((kernel_size_px - 1) * 0.5 - 1) + 0.8


def separable_gaussian(
    image: np.ndarray,
    kernel_size_px: int,
    sigma: float | None = None,
    dst: np.ndarray | None = None,
    scratch: np.ndarray | None = None,
) -> np.ndarray:
    """Two 1-D Gaussian passes, vertical then horizontal; borders reflect (OpenCV's default).

    With no sigma it uses OpenCV's sigma for the kernel size. ``scratch`` holds the vertical
    pass (same shape as ``image``); pass one in to avoid an allocation.
    """
    kernel_size_px = clamp_kernel_size(kernel_size_px)
    if dst is None:
        dst = np.empty_like(image)
    if scratch is None:
        scratch = np.empty_like(image)
    if kernel_size_px == 1:
        np.copyto(dst, image)
        return dst
    sigma = 0.0 if sigma is None else float(sigma)
    # A 1×k kernel is a vertical pass, k×1 a horizontal one; GaussianBlur's fixed-point path
    # makes each pass cheaper than a generic float filter, and the result matches
    # cv2.GaussianBlur(k×k) exactly (tests/test_blur.py).
    cv2.GaussianBlur(image, (1, kernel_size_px), sigmaX=0, sigmaY=sigma, dst=scratch)
    cv2.GaussianBlur(scratch, (kernel_size_px, 1), sigmaX=sigma, sigmaY=0, dst=dst)
    return dst


def reduction_factor(kernel_size_px: int, width: int, height: int) -> int:
    """How much to shrink a frame before blurring with this kernel (1 = full resolution).

    The factor is a power of two that divides both sides, because OpenCV's exact 2:1 area
    resize is several times faster than any other ratio, so shrinking is a short chain of
    halvings. Each factor needs the Gaussian to stay wide enough in small pixels
    (MIN_SMALL_SIGMA_PX) that bilinear upsampling has nothing sharp left to reproduce; an 8×
    upsample spreads its error further, so it asks for more.
    """
    if kernel_size_px <= FULL_RES_MAX_KERNEL_PX:
        return 1
    sigma = gaussian_sigma(kernel_size_px)
    factor = 1
    for candidate, min_small_sigma in MIN_SMALL_SIGMA_PX.items():
        if sigma / candidate < min_small_sigma:
            break
        if width % candidate or height % candidate:
            break
        factor = candidate
    return factor


class BackgroundBlur:
    """Blurs whole frames, reusing its buffers from frame to frame (no per-frame allocation)."""

    def __init__(self) -> None:
        self._halvings: dict = {}
        self._small_blurred: np.ndarray | None = None
        self._scratch: np.ndarray | None = None
        self._out: np.ndarray | None = None
        self._cut_buffers: dict[str, np.ndarray] = {}
        self._small_buffers: dict[str, np.ndarray] = {}
        self._halvings4: dict = {}
        self._halvings3: dict = {}

    def apply(
        self,
        frame_bgr: np.ndarray,
        kernel_size_px: int,
        person_alpha: np.ndarray | None = None,
        halvings: FrameHalvings | None = None,
    ) -> np.ndarray:
        """The blurred frame; the returned buffer is reused by the next call. ``halvings``:
        the frame's halvings, shared with the pipeline's other stages.

        With ``person_alpha`` (float32 0..1, any resolution of the frame's aspect) the person
        is left out of the blur (a normalised convolution): the background around them keeps
        its own colour instead of a halo of theirs.
        """
        kernel_size_px = clamp_kernel_size(kernel_size_px)
        self._out = reuse_buffer(self._out, frame_bgr.shape, frame_bgr.dtype)
        height, width = frame_bgr.shape[:2]
        factor = reduction_factor(kernel_size_px, width, height)
        if person_alpha is not None and kernel_size_px > 1:
            return self._apply_masked(frame_bgr, kernel_size_px, person_alpha, factor, halvings)
        if factor == 1:
            self._scratch = reuse_buffer(self._scratch, frame_bgr.shape, frame_bgr.dtype)
            return separable_gaussian(
                frame_bgr, kernel_size_px, dst=self._out, scratch=self._scratch
            )
        # factor is a power of two dividing both sides: shrink lands on it by halvings alone.
        small = shrink(
            frame_bgr, width // factor, height // factor, scratch=self._halvings, shared=halvings
        )
        self._small_blurred = reuse_buffer(self._small_blurred, small.shape, frame_bgr.dtype)
        self._scratch = reuse_buffer(self._scratch, small.shape, frame_bgr.dtype)
        # Area-averaging by `factor` already smooths by about factor/√12 px; the rest of the
        # variance is the Gaussian we still owe, measured in small pixels.
        sigma = gaussian_sigma(kernel_size_px)
        sigma_small = np.sqrt(max(sigma**2 - factor**2 / 12.0, 0.25)) / factor
        small_kernel = clamp_kernel_size(2 * int(np.ceil(3 * sigma_small)) + 1)
        separable_gaussian(
            small, small_kernel, sigma=sigma_small, dst=self._small_blurred, scratch=self._scratch
        )
        return cv2.resize(
            self._small_blurred, (width, height), dst=self._out, interpolation=cv2.INTER_LINEAR
        )

    def _apply_masked(
        self,
        frame_bgr: np.ndarray,
        kernel_size_px: int,
        person_alpha: np.ndarray,
        factor: int,
        halvings: FrameHalvings | None = None,
    ) -> np.ndarray:
        """The normalised convolution, in 8-bit fixed point like the plain blur.

        The weight is binary (background where α < BACKGROUND_BELOW_ALPHA, the person grown by
        DILATE_PX; both chosen on benchmarks/rendering.py), so "premultiplying" is a masked
        copy rather than a multiply; colour and weight blur together as one four-channel 8-bit
        image in OpenCV's fixed-point Gaussian, and the division is one saturating
        ``cv2.divide``. Floats would cost several times as much.
        """
        height, width = frame_bgr.shape[:2]
        small_w, small_h = width // factor, height // factor
        # The person is cut out after one halving, not at the blur's resolution: a pixel of
        # the shrunk frame that straddles the silhouette would carry the person's colour into
        # the average however it were weighted. The halving is the one the plain blur makes.
        cut_factor = min(factor, 2)
        cut_w, cut_h = width // cut_factor, height // cut_factor
        cut = frame_bgr
        if cut_factor > 1:
            cut = shrink(frame_bgr, cut_w, cut_h, scratch=self._halvings, shared=halvings)
        b = self._buffers(self._cut_buffers, CUT_BUFFERS, cut_h, cut_w)
        alpha = person_alpha
        if alpha.shape[:2] != (cut_h, cut_w):
            alpha = cv2.resize(
                alpha, (cut_w, cut_h), dst=b["alpha"], interpolation=cv2.INTER_LINEAR
            )
        # numpy, not cv2.compare: OpenCV 5 refuses some array-vs-scalar comparisons.
        background = np.less(alpha, BACKGROUND_BELOW_ALPHA, out=b["background"]).view(np.uint8)
        sigma = gaussian_sigma(kernel_size_px)
        # Grown by at most half a sigma: a small kernel's neighbourhood must not be cut away.
        radius = int(min(DILATE_PX, 0.5 * sigma) / cut_factor + 0.5)
        if radius:
            cv2.erode(background, _disc(radius), dst=background)  # = dilating the person
        # (B, G, R, 255) on the background, zero on the person.
        cv2.cvtColor(cut, cv2.COLOR_BGR2BGRA, dst=b["bgra"])
        b["cut_out"].fill(0)
        cv2.copyTo(b["bgra"], background, dst=b["cut_out"])
        stacked = shrink(b["cut_out"], small_w, small_h, scratch=self._halvings4)
        # The frame at the blur's resolution: the fallback colour where the person covers all.
        # (read-only, like ``cut``: either may be a shared halving)
        small = (
            cut
            if factor == 1
            else shrink(cut, small_w, small_h, scratch=self._halvings3, shared=halvings)
        )
        s = self._buffers(self._small_buffers, SMALL_BUFFERS, small_h, small_w)
        if factor == 1:
            sigma_small, small_kernel = sigma, kernel_size_px
        else:
            sigma_small = np.sqrt(max(sigma**2 - factor**2 / 12.0, 0.25)) / factor
            small_kernel = clamp_kernel_size(2 * int(np.ceil(3 * sigma_small)) + 1)
        blurred = separable_gaussian(
            stacked, small_kernel, sigma=sigma_small, dst=s["blurred"], scratch=s["scratch"]
        )
        weight_sum = cv2.extractChannel(blurred, 3, dst=s["weight_sum"])
        cv2.merge([weight_sum] * 4, dst=s["weight_sum4"])
        cv2.divide(blurred, s["weight_sum4"], dst=s["ratio"], scale=255)
        small_out = cv2.cvtColor(s["ratio"], cv2.COLOR_BGRA2BGR, dst=s["small_out"])
        # Where the person covers (nearly) the whole kernel the ratio is noise, or 0/0: the
        # pixel keeps its own colour there (the person is drawn over it anyway).
        covered = np.less(weight_sum, WEIGHT_FLOOR_U8, out=s["covered"]).view(np.uint8)
        cv2.copyTo(small, covered, dst=small_out)
        if factor == 1:
            np.copyto(self._out, small_out)
            return self._out
        return cv2.resize(small_out, (width, height), dst=self._out, interpolation=cv2.INTER_LINEAR)

    @staticmethod
    def _buffers(kept: dict, layout: dict, height: int, width: int) -> dict[str, np.ndarray]:
        for name, (channels, dtype) in layout.items():
            shape = (height, width) if channels == 1 else (height, width, channels)
            kept[name] = reuse_buffer(kept.get(name), shape, dtype)
        return kept


# Buffers of the halo-free blur: name → (channels, dtype), at the cut-out's resolution and at
# the blur's.
CUT_BUFFERS = {
    "alpha": (1, np.float32),
    "background": (1, np.bool_),
    "bgra": (4, np.uint8),
    "cut_out": (4, np.uint8),
}
SMALL_BUFFERS = {
    "blurred": (4, np.uint8),
    "scratch": (4, np.uint8),
    "weight_sum": (1, np.uint8),
    "weight_sum4": (4, np.uint8),
    "ratio": (4, np.uint8),
    "covered": (1, np.bool_),
    "small_out": (3, np.uint8),
}


@functools.lru_cache(maxsize=8)
def _disc(radius: int) -> np.ndarray:
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
