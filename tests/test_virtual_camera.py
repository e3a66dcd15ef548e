import numpy as np
import pytest

from softfocus.app.virtual_camera import BackendRegistry, VirtualCameraError, default_registry


class FakeCamera:
    def __init__(self, width, height, fps):
        self.device = "/dev/video-fake"
        self.size, self.fps, self.frames, self.closed = (width, height), fps, [], False

    def send(self, frame_bgr):
        assert frame_bgr.shape == (self.size[1], self.size[0], 3)
        self.frames.append(frame_bgr)

    def close(self):
        self.closed = True


def test_first_working_backend_is_used():
    registry = BackendRegistry()

    def broken(width, height, fps):
        raise RuntimeError("device busy")

    registry.register("broken", broken)
    registry.register("fake", FakeCamera)
    name, camera = registry.open(64, 48, 30)
    assert name == "fake"
    camera.send(np.zeros((48, 64, 3), np.uint8))
    assert len(camera.frames) == 1


def test_no_backend_lists_every_reason_and_the_fix():
    registry = BackendRegistry()

    def missing(width, height, fps):
        raise RuntimeError("v4l2loopback device not found")

    registry.register("pyvirtualcam", missing)
    with pytest.raises(VirtualCameraError) as error:
        registry.open(640, 480, 30)
    message = str(error.value)
    assert "pyvirtualcam: v4l2loopback device not found" in message
    assert "modprobe v4l2loopback" in message or "OBS" in message


def test_real_backend_fails_cleanly_without_v4l2loopback():
    # This machine has no v4l2loopback module: the real backend must explain, not crash.
    registry = default_registry()
    try:
        _, camera = registry.open(320, 240, 30)
    except VirtualCameraError as error:
        assert "To fix" in str(error)
    else:  # a machine with a virtual camera: it must then accept frames
        camera.send(np.zeros((240, 320, 3), np.uint8))
        camera.close()
