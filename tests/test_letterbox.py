import numpy as np
import pytest

from softfocus.app.letterbox import fit_box, letterbox, unbox


@pytest.mark.parametrize(
    ("frame", "box"),
    [
        ((1280, 720), (0, 0, 224, 128)),  # 16:9 into 224×128 (1.75): close enough, resized
        ((640, 480), (26, 0, 171, 128)),  # 4:3: bars left and right
        ((640, 960), (69, 0, 85, 128)),  # portrait
        ((1000, 200), (0, 41, 224, 45)),
    ],  # very wide: bars top and bottom
)
def test_fit_box_keeps_the_aspect_ratio(frame, box):
    fitted = fit_box(*frame, 224, 128)
    assert (fitted.x, fitted.y, fitted.width, fitted.height) == box


def test_letterbox_and_unbox_round_trip():
    image = np.zeros((960, 640, 3), np.uint8)
    image[:, :320] = 255  # left half white
    canvas, box = letterbox(image, 224, 128)
    assert canvas.shape == (128, 224, 3)
    assert (canvas[:, : box.x] == 255).all()  # the bar repeats the white left edge
    inner = unbox(canvas[..., 0], box)
    assert inner.shape == (128, 85)
    assert inner[:, :40].min() == 255 and inner[:, 46:].max() == 0
