"""Sending frames to a video call through a virtual camera, with backends registered by name.

pyvirtualcam drives v4l2loopback on Linux and OBS Virtual Camera on Windows and macOS. Where
none works, ``open_virtual_camera`` raises one error that says why each backend failed and
what to install, and the app keeps running.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Protocol

import numpy as np

from softfocus.app.errors import SoftfocusError

LINUX_HINT = (
    "install v4l2loopback and load it: sudo apt install v4l2loopback-dkms && "
    'sudo modprobe v4l2loopback devices=1 exclusive_caps=1 card_label="Softfocus"'
)
OTHER_HINT = "install OBS Studio (28 or newer), start its Virtual Camera once, then try again"


class VirtualCameraError(SoftfocusError):
    pass


class VirtualCamera(Protocol):
    device: str

    def send(self, frame_bgr: np.ndarray) -> None: ...

    def close(self) -> None: ...


class PyVirtualCamBackend:
    def __init__(self, width: int, height: int, fps: float) -> None:
        import pyvirtualcam

        self._camera = pyvirtualcam.Camera(
            width, height, fps, fmt=pyvirtualcam.PixelFormat.BGR, print_fps=False
        )
        self.device = self._camera.device

    def send(self, frame_bgr: np.ndarray) -> None:
        self._camera.send(frame_bgr)

    def close(self) -> None:
        self._camera.close()


Factory = Callable[[int, int, float], VirtualCamera]


class BackendRegistry:
    """Backends by name, tried in order; tests register fakes here (no global registry)."""

    def __init__(self) -> None:
        self._factories: dict[str, Factory] = {}

    def register(self, name: str, factory: Factory) -> None:
        self._factories[name] = factory

    def names(self) -> list[str]:
        return list(self._factories)

    def open(self, width: int, height: int, fps: float) -> tuple[str, VirtualCamera]:
        failures = []
        for name, factory in self._factories.items():
            try:
                return name, factory(width, height, fps)
            except Exception as error:  # each backend fails in its own way
                failures.append(f"{name}: {str(error).strip() or type(error).__name__}")
        hint = LINUX_HINT if sys.platform.startswith("linux") else OTHER_HINT
        reasons = "; ".join(failures) or "no backend is registered"
        raise VirtualCameraError(f"No virtual camera is available ({reasons}). To fix: {hint}.")


def default_registry() -> BackendRegistry:
    registry = BackendRegistry()
    registry.register("pyvirtualcam", PyVirtualCamBackend)
    return registry
