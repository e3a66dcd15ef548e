"""The shipped person model: under the contract, small, and sensible on a held-out person."""

from pathlib import Path

import cv2
import numpy as np
import pytest

from softfocus.app.paths import DEFAULT_MODEL_PATH
from softfocus.app.segmenter import Segmenter
from softfocus.model.contract import OUTPUT_FOREGROUND

pytestmark = pytest.mark.skipif(not DEFAULT_MODEL_PATH.is_file(), reason="no bundled model")


def held_out_photo(shot: str) -> np.ndarray:
    openpeople = pytest.importorskip("openpeople")
    path = Path(openpeople.__file__).parent / "data" / "curated" / "P009" / "assets" / f"{shot}.jpg"
    image = cv2.imread(str(path))
    assert image is not None, path
    return image


def test_bundled_model_follows_the_contract_and_is_small():
    with Segmenter(DEFAULT_MODEL_PATH) as segmenter:
        contract = segmenter.contract
    assert contract.output_kind == OUTPUT_FOREGROUND
    assert contract.classes[0] == "person"
    assert (contract.input_height, contract.input_width) == (160, 288)
    assert contract.input_stride == 32  # flexible: portrait frames get a portrait input
    assert contract.extra["precision"].startswith("int8")
    assert DEFAULT_MODEL_PATH.stat().st_size < 3 * 2**20


@pytest.mark.parametrize("shot", ["studio_portrait", "amateur_selfie"])
def test_held_out_person_gets_a_sensible_mask(shot):
    image = held_out_photo(shot)
    # Webcam-like framing: a 16:9 crop of the upper part of the photo.
    height = int(image.shape[1] * 9 / 16)
    frame = cv2.resize(image[:height], (640, 360), interpolation=cv2.INTER_AREA)
    with Segmenter(DEFAULT_MODEL_PATH) as segmenter:
        alpha = segmenter.process(frame)
    assert alpha.shape == (360, 640)
    assert alpha[200:260, 290:350].mean() > 0.8  # the face, centre of the frame
    assert alpha[:30, :40].mean() < 0.2 and alpha[:30, -40:].mean() < 0.2  # top corners


def test_a_portrait_photo_is_fed_as_a_portrait_and_keeps_its_face():
    image = held_out_photo("studio_portrait")  # square: its middle 3:4 is a portrait photo
    side = image.shape[1]
    portrait = image[:, side // 8 : side - side // 8]
    frame = cv2.resize(portrait, (480, 640), interpolation=cv2.INTER_AREA)
    with Segmenter(DEFAULT_MODEL_PATH) as segmenter:
        width, height = segmenter.input_size_for(480, 640)
        alpha = segmenter.process(frame)
    assert height > width  # not squeezed into a landscape input
    assert alpha[190:350, 190:290].mean() > 0.8, "the face must stay sharp"
    assert alpha[:40, :50].mean() < 0.2 and alpha[:40, -50:].mean() < 0.2  # top corners


def cluttered_room(width: int = 640, height: int = 360) -> np.ndarray:
    """A scene drawn here, unlike any training background: shelves, boxes, a poster, text."""
    rng = np.random.default_rng(7)
    room = np.full((height, width, 3), (170, 180, 190), np.uint8)
    for y in range(40, height, 90):  # shelves of coloured boxes and jars
        cv2.rectangle(room, (0, y + 60), (width, y + 66), (60, 80, 110), -1)
        x = 0
        while x < width:
            w = int(rng.integers(15, 60))
            h = int(rng.integers(20, 58))
            colour = rng.integers(0, 256, 3).tolist()
            if rng.random() < 0.5:
                cv2.rectangle(room, (x, y + 60 - h), (x + w, y + 60), colour, -1)
            else:
                cv2.ellipse(
                    room, (x + w // 2, y + 60 - h // 2), (w // 2, h // 2), 0, 0, 360, colour, -1
                )
            x += w + int(rng.integers(2, 12))
    cv2.rectangle(room, (430, 30), (600, 200), (30, 30, 160), -1)  # a poster
    cv2.putText(room, "SALE 50%", (440, 120), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (255, 255, 255), 3)
    return cv2.GaussianBlur(room, (3, 3), 0)


def test_no_person_frame_stays_background():
    with Segmenter(DEFAULT_MODEL_PATH) as segmenter:
        alpha = segmenter.process(cluttered_room())
    assert (alpha >= 0.5).mean() < 0.05


def test_head_below_the_top_leaves_no_ghost_above_it():
    """A held-out person small and low in the frame: nothing above their head."""
    person = held_out_photo("studio_portrait")
    room = cluttered_room()
    small = cv2.resize(person, (180, round(180 * person.shape[0] / person.shape[1])))
    top = 150  # the photo's top edge: the head is further down still
    visible = small[: room.shape[0] - top]
    room[top : top + visible.shape[0], 230:410] = visible
    with Segmenter(DEFAULT_MODEL_PATH) as segmenter:
        alpha = segmenter.process(room)
    assert (alpha[:120] >= 0.5).mean() < 0.02  # the band above the head
    assert alpha[190:260, 290:350].mean() > 0.6  # the face
