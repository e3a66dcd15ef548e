"""Separable Gaussian blur, computed at reduced resolution when the kernel is large.

A Gaussian is separable, so the report blurred with two 1-D passes (vertical, then horizontal):
2·k multiply-adds a pixel instead of k². For big kernels we go further: the blurred background
holds no fine detail, so we shrink the frame, blur it with a proportionally smaller kernel and
scale it back up. The result stays within a couple of grey levels of the full-resolution blur
at a small fraction of the cost (see tests/test_blur.py and benchmarks/pipeline.py).
"""

from __future__ import annotations

import cv2
import numpy as np

from softfocus.app.buffers import reuse_buffer
from softfocus.app.downscale import shrink

MIN_KERNEL_PX = 1
MAX_KERNEL_PX = 151
# Below this kernel size the full-resolution blur is already cheap and exact.
FULL_RES_MAX_KERNEL_PX = 7
MIN_SMALL_SIGMA_PX = {2: 0.85, 4: 0.85, 8: 1.25}


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

    def apply(self, frame_bgr: np.ndarray, kernel_size_px: int) -> np.ndarray:
        """The blurred frame; the returned buffer is reused by the next call."""
        kernel_size_px = clamp_kernel_size(kernel_size_px)
        self._out = reuse_buffer(self._out, frame_bgr.shape, frame_bgr.dtype)
        height, width = frame_bgr.shape[:2]
        factor = reduction_factor(kernel_size_px, width, height)
        if factor == 1:
            self._scratch = reuse_buffer(self._scratch, frame_bgr.shape, frame_bgr.dtype)
            return separable_gaussian(
                frame_bgr, kernel_size_px, dst=self._out, scratch=self._scratch
            )
        # factor is a power of two dividing both sides: shrink lands on it by halvings alone.
        small = shrink(frame_bgr, width // factor, height // factor, scratch=self._halvings)
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
