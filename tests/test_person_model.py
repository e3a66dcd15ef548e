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
    assert (contract.input_height, contract.input_width) == (128, 224)
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
