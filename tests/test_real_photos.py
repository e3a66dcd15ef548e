"""Real-photo training data: teacher-labelled crops, composites anywhere, frames with nobody."""

import json

import cv2
import numpy as np
import pytest

from softfocus.training.people import real_photos
from softfocus.training.people.composite import Cutout
from softfocus.training.people.real_photos import PhotoSource, place_anywhere


class EllipseTeacher:
    """Stands in for MediaPipe: a person-shaped ellipse wherever the photo is not grey."""

    def __init__(self, model_selection=0):
        pass

    def process(self, frame):
        return (np.abs(frame.astype(int) - 128).sum(axis=2) > 60).astype(np.float32)


def photo(path, with_person=True):
    image = np.full((300, 400, 3), 128, np.uint8)
    if with_person:
        cv2.ellipse(image, (200, 220), (70, 140), 0, 0, 360, (20, 40, 220), -1)
        cv2.circle(image, (200, 80), 40, (90, 160, 230), -1)
    cv2.imwrite(str(path), image)


@pytest.fixture
def source(tmp_path, monkeypatch):
    folder = tmp_path / "sources" / "local-people" / "photos"
    folder.mkdir(parents=True)
    for i in range(3):
        photo(folder / f"person{i}.jpg")
    photo(folder / "empty.jpg", with_person=False)
    (folder / "broken.jpg").write_bytes(b"not a jpeg")
    local = PhotoSource(
        name="local-people",
        url="https://example.invalid/people",
        folder="photos",
        licence="unclear",
        permissive=False,
        use="train",
    )
    held_out = PhotoSource(
        "held-out", "https://example.invalid/eval", "", "none", False, "evaluation"
    )
    monkeypatch.setattr(real_photos, "SOURCES", (local, held_out))
    monkeypatch.setattr(real_photos, "Teacher", EllipseTeacher)
    monkeypatch.setattr(real_photos.bg, "fetch_wallpapers", lambda cache: [])
    return tmp_path


def run(source, *extra):
    out = source / "out"
    args = ["--out", str(out), "--sources-dir", str(source / "sources"), "--cache", str(source)]
    args += ["--crops", "2", "--composites", "2", "--no-person", "3", *extra]
    assert real_photos.main(args) == 0
    return out


def test_real_photos_give_labelled_samples_of_the_training_shape(source):
    out = run(source)
    images = sorted((out / "train" / "images").glob("*.jpg"))
    masks = {p.stem: p for p in (out / "train" / "masks").glob("*.png")}
    # 3 people × (2 crops + whole) + 2 composites per person + 3 frames with nobody.
    assert len(images) == 3 * 3 + 3 * 2 + 3
    for image_path in images:
        image = cv2.imread(str(image_path))
        mask = cv2.imread(str(masks[image_path.stem]), cv2.IMREAD_GRAYSCALE)
        assert image.shape == (256, 448, 3) and mask.shape == (256, 448)
        assert mask.dtype == np.uint8
        if "noperson" in image_path.stem:
            assert mask.max() == 0  # nobody in the frame: all background
        elif "crop" in image_path.stem:
            assert mask.max() == 255  # the person is in every crop
    manifest = json.loads((out / "real_manifest.json").read_text())
    assert manifest["sources"][0]["name"] == "local-people"
    assert manifest["sources"][0]["photos_used"] == 4  # 3 people + the empty room
    assert manifest["sources"][0]["photos_with_people"] == 3
    assert manifest["sources"][0]["photos_with_nobody"] == 1
    assert any("broken.jpg" in d for d in manifest["dropped"])
    assert [s["name"] for s in manifest["evaluation_only"]] == ["held-out"]


def test_permissive_only_leaves_unclear_sources_out(source):
    out = run(source, "--permissive-only")
    assert not (out / "train" / "images").exists()
    manifest = json.loads((out / "real_manifest.json").read_text())
    assert manifest["sources"] == [] and manifest["left_out_as_unclear"] == ["local-people"]


def test_a_missing_source_without_network_says_where_to_put_it(tmp_path, monkeypatch):
    monkeypatch.setattr(real_photos.subprocess, "run", _no_network)
    source = PhotoSource("absent", "https://example.invalid/x", "in", "?", False, "train")
    with pytest.raises(SystemExit, match="put a snapshot"):
        real_photos.source_folder(source, tmp_path)


def _no_network(*args, **kwargs):
    raise OSError("network unreachable")


def test_people_are_placed_anywhere_and_partly_out_of_frame():
    alpha = np.zeros((200, 80), np.float32)
    cv2.ellipse(alpha, (40, 100), (35, 95), 0, 0, 360, 1.0, -1)
    cutout = Cutout(np.full((200, 80, 3), 200, np.uint8), alpha, False, True)
    rng = np.random.default_rng(0)
    tops, lefts, cut = [], [], 0
    for _ in range(200):
        _, label = place_anywhere(cutout, 448, 256, rng)
        ys, xs = np.nonzero(label > 0.5)
        if len(ys) == 0:
            continue
        tops.append(ys.min() / 256)
        lefts.append(xs.mean() / 448)
        cut += int(ys.min() == 0 or xs.min() == 0 or xs.max() == 447 or ys.max() == 255)
    assert min(tops) < 0.05 and max(tops) > 0.5  # heads at the top and well below it
    assert min(lefts) < 0.2 and max(lefts) > 0.8  # left and right, not only centred
    assert 0.2 < cut / len(tops) < 0.95  # often, not always, cut by the frame's edge


def test_a_training_copy_of_an_evaluation_photo_is_left_out(source):
    # A training repository that copied a held-out photo (resized, recompressed) must not
    # leak it into training: the evaluation would then measure memory, not generalisation.
    held_out = source / "sources" / "held-out"
    held_out.mkdir(parents=True)
    scene = np.tile(np.linspace(0, 255, 400, dtype=np.uint8)[None, :, None], (300, 1, 3))
    cv2.circle(scene, (120, 100), 60, (20, 40, 220), -1)
    cv2.imwrite(str(held_out / "eval.png"), scene)
    copy = cv2.resize(cv2.imread(str(held_out / "eval.png")), (200, 150))
    cv2.imwrite(str(source / "sources" / "local-people" / "photos" / "copied.jpg"), copy)
    out = run(source)
    manifest = json.loads((out / "real_manifest.json").read_text())
    assert any("copied.jpg: also in an evaluation-only source" in d for d in manifest["dropped"])
    assert manifest["sources"][0]["photos_used"] == 4  # the other photos are all still used


def test_photos_in_subfolders_are_found(source):
    nested = source / "sources" / "local-people" / "photos" / "val"
    nested.mkdir()
    photo(nested / "person9.jpg")
    out = run(source)
    manifest = json.loads((out / "real_manifest.json").read_text())
    assert manifest["sources"][0]["photos_used"] == 5
    assert list((out / "train" / "images").glob("real_local-people_val_person9_crop*.jpg"))


def test_annotated_boxes_decide_whether_anyone_is_there(tmp_path):
    # The teacher sees a person in both photos; the annotators boxed one person in a.jpg,
    # and nobody in b.jpg: b.jpg is an empty room, and a.jpg's label stays inside the box.
    root = tmp_path / "coco"
    (root / "images" / "train").mkdir(parents=True)
    (root / "labels" / "train").mkdir(parents=True)
    (root / "labels" / "train" / "a.txt").write_text("2 0.1 0.1 0.1 0.1\n0 0.5 0.5 0.5 1.0\n")
    (root / "labels" / "train" / "b.txt").write_text("2 0.5 0.5 0.2 0.2\n")
    source = PhotoSource(
        "coco", "https://example.invalid", "images", "?", False, "train", "", "labels"
    )
    shape = (100, 200, 3)
    a = real_photos.annotated_people(source, root, root / "images" / "train" / "a.jpg", shape)
    b = real_photos.annotated_people(source, root, root / "images" / "train" / "b.jpg", shape)
    c = real_photos.annotated_people(source, root, root / "images" / "train" / "c.jpg", shape)
    assert b.max() == 0 and c is None  # nobody; no annotation at all
    assert a[50, 100] == 1 and a[50, 10] == 0 and a[:, 50:150].min() == 1
    everywhere = np.full(shape, 255, np.uint8)
    alpha, _ = real_photos.teacher_label(everywhere, EllipseTeacher(), EllipseTeacher(), b)
    assert alpha.max() == 0
    alpha, agreement = real_photos.teacher_label(everywhere, EllipseTeacher(), EllipseTeacher(), a)
    assert alpha[50, 100] == 1 and alpha[50, 10] == 0 and agreement == 1.0
