"""Real-photo training data: teacher-labelled crops, composites anywhere, frames with nobody."""

import argparse
import dataclasses
import json
import subprocess

import cv2
import numpy as np
import pytest

from softfocus.training.people import real_photos
from softfocus.training.people.composite import Cutout, detail
from softfocus.training.people.real_photos import PhotoSource, place_anywhere


class EllipseTeacher:
    """Stands in for MediaPipe: a person-shaped ellipse wherever the photo is not grey."""

    def __init__(self, model_selection=0, **options):
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
    return run_into(source, "out", *extra)


def run_into(source, name, *extra):
    out = source / name
    args = ["--out", str(out), "--sources-dir", str(source / "sources"), "--cache", str(source)]
    args += ["--crops", "2", "--composites", "2", "--no-person", "3", *extra]
    assert real_photos.main(args) == 0
    return out


def test_real_photos_give_labelled_samples_of_every_input_shape(source):
    out = run(source)
    images = sorted((out / "train" / "images").glob("*.jpg"))
    masks = {p.stem: p for p in (out / "train" / "masks").glob("*.png")}
    # 3 people × (whole + 2 crops + the person-free side) + the empty photo
    # + 2 composites per person + 3 backgrounds with nobody.
    assert len(images) == 3 * 4 + 1 + 3 * 2 + 3
    shapes = {(h, w) for w, h in real_photos.SHAPES}
    for image_path in images:
        image = cv2.imread(str(image_path))
        mask = cv2.imread(str(masks[image_path.stem]), cv2.IMREAD_GRAYSCALE)
        assert image.shape[:2] in shapes and mask.shape == image.shape[:2]
        assert mask.dtype == np.uint8
        if any(k in image_path.stem for k in ("noperson", "nobody", "_free")):
            assert mask.max() == 0  # nobody in the frame: all background
        elif "crop" in image_path.stem or "whole" in image_path.stem:
            assert mask.max() == 255  # the person is in every crop
    # The 400×300 photos train as the app feeds them: 4:3 at 192×160, stored twice that.
    whole = cv2.imread(str(out / "train" / "images" / "real_local-people_photos_person0_whole.jpg"))
    assert whole.shape[:2] == (320, 384)
    manifest = json.loads((out / "real_manifest.json").read_text())
    assert manifest["sources"][0]["name"] == "local-people"
    assert manifest["sources"][0]["photos_used"] == 4  # 3 people + the empty room
    assert manifest["sources"][0]["photos_with_people"] == 3
    assert manifest["sources"][0]["photos_with_nobody"] == 1
    assert manifest["samples"] == {"whole": 3, "crops": 6, "no_person": 7, "composites": 6}
    assert any("broken.jpg" in d for d in manifest["dropped"])
    assert [s["name"] for s in manifest["evaluation_only"]] == ["held-out"]


def test_annotators_masks_are_the_label_and_a_missed_person_is_not_an_empty_room(
    source, monkeypatch
):
    folder = source / "sources" / "local-people"
    (folder / "masks").mkdir()
    drawn = np.zeros((300, 400), np.uint8)
    drawn[100:300, 150:250] = 255  # the annotator's person: a box, unlike the teacher's ellipse
    cv2.imwrite(str(folder / "masks" / "person0.png"), drawn)
    (folder / "boxes").mkdir()
    (folder / "boxes" / "person1.txt").write_text("0 0.1 0.1 0.1 0.1\n")  # where nobody is
    local = real_photos.SOURCES[0]
    annotated = PhotoSource(**{**local.__dict__, "masks": "masks", "person_boxes": "boxes"})
    monkeypatch.setattr(real_photos, "SOURCES", (annotated, real_photos.SOURCES[1]))
    out = run(source)
    label = cv2.imread(
        str(out / "train" / "masks" / "real_local-people_photos_person0_whole.png"), 0
    )
    assert label.shape == (320, 384)
    # The 400×300 photo is 384×288 in the 384×320 canvas (16 px bars top and bottom); at
    # (x 145, y 220) the teacher's ellipse is person, the annotator's box is not.
    assert label[227, 192] == 255 and label[227, 139] == 0
    manifest = json.loads((out / "real_manifest.json").read_text())
    assert any("person1.jpg: teachers miss the annotated people" in d for d in manifest["dropped"])
    assert not list((out / "train" / "images").glob("*person1*"))
    assert manifest["sources"][0]["photos_with_nobody"] == 1  # still only the empty photo


def test_a_roboflow_export_counts_each_photo_once(tmp_path):
    for name in ("a_jpg.rf.111.jpg", "a_jpg.rf.222.jpg", "b_png.rf.333.jpg", "c.jpg"):
        (tmp_path / name).write_bytes(b"")
    found = [p.name for p in real_photos.list_photos(tmp_path, roboflow=True)]
    assert found == ["a_jpg.rf.111.jpg", "b_png.rf.333.jpg", "c.jpg"]
    assert len(real_photos.list_photos(tmp_path)) == 4


def test_photos_a_later_commit_removed_are_taken_from_their_commit(tmp_path):
    root = tmp_path / "repo"
    (root / "set" / "images").mkdir(parents=True)
    photo(root / "set" / "images" / "p.jpg")
    git = ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git[:3], "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "photos"], check=True)
    commit = subprocess.run(
        [*git, "rev-parse", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()
    subprocess.run([*git, "rm", "-rq", "set"], check=True)
    subprocess.run([*git, "commit", "-qm", "tidy"], check=True)
    assert not (root / "set").exists()
    source = PhotoSource(
        "repo", "https://example.invalid", "set", "?", False, "train", commit=commit
    )
    folder = real_photos.source_folder(source, tmp_path)
    assert [p.name for p in real_photos.list_photos(folder)] == ["p.jpg"]


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


def test_label_maps_beside_each_subfolder_give_only_the_person_class(tmp_path):
    # COCO's layout: images/train2017/x.jpg, its label map masks/train2017/x.png, where
    # only value 1 (person) is a person and 51 (a bowl) is not.
    root = tmp_path / "coco"
    (root / "images" / "train2017").mkdir(parents=True)
    (root / "masks" / "train2017").mkdir(parents=True)
    labels = np.zeros((100, 200), np.uint8)
    labels[20:80, 20:60] = 1
    labels[20:80, 120:180] = 51
    cv2.imwrite(str(root / "masks" / "train2017" / "x.png"), labels)
    source = PhotoSource(
        "coco", "https://example.invalid", "images", "?", False, "train", masks="masks",
        mask_class=1,
    )  # fmt: skip
    mask = real_photos.annotated_mask(
        source, root, root / "images" / "train2017" / "x.jpg", (50, 100, 3)
    )
    assert mask.shape == (50, 100)
    assert mask[25, 20] == 1 and mask[25, 75] == 0 and set(np.unique(mask)) == {0.0, 1.0}
    assert real_photos.annotated_mask(source, root, root / "images" / "y.jpg", (50, 100)) is None


def test_instance_masks_named_with_a_suffix_mark_every_pedestrian(tmp_path):
    # Penn-Fudan's layout: PNGImages/p.png and PedMasks/p_mask.png, one id per pedestrian.
    root = tmp_path / "pennfudan"
    (root / "PNGImages").mkdir(parents=True)
    (root / "PedMasks").mkdir()
    ids = np.zeros((60, 90), np.uint8)
    ids[10:50, 5:20], ids[10:50, 60:80] = 1, 2
    cv2.imwrite(str(root / "PedMasks" / "p_mask.png"), ids)
    source = PhotoSource(
        "pf", "https://example.invalid", "PNGImages", "?", False, "train", masks="PedMasks",
        mask_suffix="_mask",
    )  # fmt: skip
    mask = real_photos.annotated_mask(source, root, root / "PNGImages" / "p.png", ids.shape)
    assert mask[30, 10] == 1 and mask[30, 70] == 1 and mask[30, 40] == 0


def test_a_source_can_ask_for_more_crops_of_each_photo(source, monkeypatch):
    local = real_photos.SOURCES[0]
    more = PhotoSource(**{**local.__dict__, "extra_crops": 3})
    monkeypatch.setattr(real_photos, "SOURCES", (more, real_photos.SOURCES[1]))
    out = run(source)
    manifest = json.loads((out / "real_manifest.json").read_text())
    assert manifest["samples"]["crops"] == 3 * (2 + 3)


def test_a_wide_group_fits_a_narrow_frame():
    group = Cutout(
        np.full((40, 600, 3), 200, np.uint8), np.ones((40, 600), np.float32), False, False
    )
    rng = np.random.default_rng(0)
    for _ in range(50):
        _, label = place_anywhere(group, 256, 448, rng)
        assert label.shape == (448, 256)


def test_groups_stand_side_by_side_at_about_one_size():
    alpha = np.zeros((200, 80), np.float32)
    cv2.ellipse(alpha, (40, 100), (35, 95), 0, 0, 360, 1.0, -1)
    people = [Cutout(np.full((200, 80, 3), 200, np.uint8), alpha, False, True) for _ in range(3)]
    rng = np.random.default_rng(1)
    for _ in range(20):
        placed = real_photos.place_group(people, 448, 256, rng)
        assert len(placed) == 3
        heights, centres = [], []
        for _, label in placed:
            ys, xs = np.nonzero(label > 0.5)
            if len(ys) == 0 or ys.min() == 0 or ys.max() == 255:
                continue  # cut by the frame: its size is not its own
            heights.append(ys.max() - ys.min())
            centres.append(xs.mean())
        if len(heights) > 1:
            assert max(heights) < 1.5 * min(heights)  # one size, give or take
            assert max(centres) - min(centres) > 30  # side by side, not stacked


def test_group_composites_label_everyone():
    alpha = np.zeros((120, 50), np.float32)
    alpha[10:110, 10:40] = 1.0
    people = [Cutout(np.full((120, 50, 3), 250, np.uint8), alpha, False, True) for _ in range(4)]
    rng = np.random.default_rng(3)
    background = np.zeros((300, 500, 3), np.uint8)
    for _ in range(10):
        frame, label = real_photos.composite_anywhere(people, background, 448, 256, rng)
        bright = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY) > 50  # the people, even in low light
        inside = cv2.erode(bright.astype(np.uint8), np.ones((9, 9), np.uint8)) > 0
        # every pasted person is in the label (motion blur and JPEG at the edges aside)
        assert not inside.any() or (label[inside] >= 0.5).mean() > 0.98
        assert (label >= 0.5).sum() <= bright.sum() * 1.1 + 50


def test_scenes_are_colour_shifted_as_often_and_as_far_as_the_people_pasted_on_them():
    # A tint only people ever get is a shortcut to "person": the model took red walls for one.
    grey_room = np.full((60, 80, 3), 128, np.uint8)
    rng = np.random.default_rng(0)
    gains = []
    for _ in range(400):
        scene = real_photos.pick_background([grey_room], [grey_room], rng)
        if scene.shape == grey_room.shape and (scene == scene[0, 0]).all():  # not procedural
            gains.append(scene[0, 0].astype(float) / 128)
    gains = np.array(gains)
    shifted = np.abs(gains - 1).max(axis=1) > 0.01
    assert 0.35 < shifted.mean() < 0.65  # about as often as a person (TINT_CHANCE)
    assert np.abs(gains - 1).max() > 0.8 * real_photos.TINT  # and about as far
    assert np.abs(gains - 1).max() <= real_photos.TINT + 0.01
    assert np.array_equal(grey_room, np.full((60, 80, 3), 128, np.uint8))  # source untouched


def test_real_photos_are_the_same_for_any_number_of_workers(source, tmp_path):
    """Each photo and each chunk of composites draws from its own seeded generator, so the
    build is parallel without changing its data."""
    one = run(source, "--workers", "1")
    moved = tmp_path / "one"
    one.rename(moved)
    two = run(source, "--workers", "2")
    names = sorted(p.relative_to(moved) for p in (moved / "train").rglob("*.*"))
    assert names == sorted(p.relative_to(two) for p in (two / "train").rglob("*.*"))
    assert len(names) > 10
    for name in names:
        assert (moved / name).read_bytes() == (two / name).read_bytes(), name
    manifest = [json.loads((d / "real_manifest.json").read_text()) for d in (moved, two)]
    assert manifest[0] == manifest[1]


def test_the_build_redoes_real_photos_only_when_their_options_change(source, tmp_path, monkeypatch):
    """The person build reuses the samples on disk unless --permissive-only, --no-person,
    --snap-labels, --zoomed-labels, --match-detail, --defocus-nobody, the seed or the list of
    sources differ from what made them; a manifest from before --no-person was recorded counts
    as the default, one from before the seed was recorded is redone."""
    from softfocus.training.people import build

    out = run(source)  # three frames with nobody
    manifest = out / "real_manifest.json"
    made = manifest.read_text()
    assert json.loads(made)["no_person_frames"] == 3

    def options(
        no_person: int = 2000,
        permissive_only: bool = False,
        snap_labels: bool = False,
        zoomed_labels: bool = False,
        match_detail: float = 0.0,
        defocus_nobody: float = 0.0,
        seed: int = 0,  # the build's; its samples take seed + 1, real_photos' default
    ) -> argparse.Namespace:
        return argparse.Namespace(
            seed=seed,
            no_person=no_person,
            permissive_only=permissive_only,
            snap_labels=snap_labels,
            zoomed_labels=zoomed_labels,
            match_detail=match_detail,
            defocus_nobody=defocus_nobody,
        )

    assert build.real_photos_match(manifest, options(3))
    assert not build.real_photos_match(manifest, options())
    assert not build.real_photos_match(manifest, options(3, permissive_only=True))
    assert not build.real_photos_match(manifest, options(3, snap_labels=True))
    assert not build.real_photos_match(manifest, options(3, zoomed_labels=True))
    assert not build.real_photos_match(manifest, options(3, match_detail=1.0))
    assert not build.real_photos_match(manifest, options(3, match_detail=0.5))
    assert not build.real_photos_match(manifest, options(3, defocus_nobody=0.5))
    assert not build.real_photos_match(manifest, options(3, seed=1))
    unseeded = json.loads(made)
    del unseeded["seed"]
    manifest.write_text(json.dumps(unseeded))
    assert not build.real_photos_match(manifest, options(3))
    manifest.write_text(made)
    old = json.loads(manifest.read_text())
    del old["no_person_frames"]
    manifest.write_text(json.dumps(old))
    assert build.real_photos_match(manifest, options())
    assert not build.real_photos_match(tmp_path / "absent.json", options())
    manifest.write_text(made)
    assert build.real_photos_match(manifest, options(3))
    sources = real_photos.SOURCES
    added = dataclasses.replace(sources[0], name="more-people")
    monkeypatch.setattr(real_photos, "SOURCES", (*sources, added))
    assert not build.real_photos_match(manifest, options(3))  # a source was added
    monkeypatch.setattr(real_photos, "SOURCES", (dataclasses.replace(sources[0], every=2),))
    assert not build.real_photos_match(manifest, options(3))  # one is sampled more sparsely


def test_a_large_source_gives_every_nth_photo(source, monkeypatch):
    local, held_out = real_photos.SOURCES
    monkeypatch.setattr(real_photos, "SOURCES", (dataclasses.replace(local, every=2), held_out))
    manifest = json.loads((run(source) / "real_manifest.json").read_text())
    used = manifest["sources"][0]
    # Four readable photos and a broken one, sorted: the 1st, 3rd and 5th are taken.
    assert used["photos_found"] == 5
    assert used["photos_used"] + sum("local-people" in d for d in manifest["dropped"]) == 3


def test_a_rerun_leaves_no_samples_of_a_source_dropped_since(source, monkeypatch):
    """Samples of a source that a later run no longer uses go; openpeople's stay."""
    out = run(source)
    theirs = out / "train" / "images" / "comp00000.jpg"  # written by prepare.py, not here
    theirs.write_bytes(b"openpeople")
    assert list((out / "train" / "images").glob("real_local-people_*"))
    held_out = real_photos.SOURCES[1]
    monkeypatch.setattr(real_photos, "SOURCES", (held_out,))  # nothing left to train on
    run(source)
    for folder in ("images", "masks"):
        assert not list((out / "train" / folder).glob("real_*")), folder
    assert theirs.read_bytes() == b"openpeople"


class BlurryTeacher:
    """Stands in for MediaPipe as the real one looks at a photo's full size: the person seen
    at 64 pixels wide, stretched back, and a few pixels to the left."""

    def __init__(self, model_selection=0, **options):
        pass

    def process(self, frame):
        height, width = frame.shape[:2]
        person = EllipseTeacher().process(frame)
        small = cv2.resize(person, (64, round(64 * height / width)), interpolation=cv2.INTER_AREA)
        return np.roll(cv2.resize(small, (width, height)), -4, axis=1)


def test_snapped_labels_sit_on_the_photos_edges(source, tmp_path):
    from softfocus.app.edge_refine import EdgeRefiner
    from softfocus.training.metrics import boundary_f_score

    path = tmp_path / "one.png"
    photo(path)
    image = cv2.imread(str(path))
    truth = EllipseTeacher().process(image) >= 0.5
    teacher = BlurryTeacher()
    plain, _ = real_photos.teacher_label(image, teacher, teacher)
    snapped, agreement = real_photos.teacher_label(
        image, teacher, teacher, refiner=EdgeRefiner(work_width=real_photos.MAX_SIDE)
    )
    assert snapped.shape == plain.shape and snapped.dtype == np.float32 and agreement == 1.0
    assert snapped.min() >= 0.0 and snapped.max() <= 1.0
    assert boundary_f_score(truth, snapped >= 0.5, 2) > boundary_f_score(truth, plain >= 0.5, 2)
    # the build's option reaches the labeller and is recorded with the samples
    out = run(source, "--snap-labels")
    assert json.loads((out / "real_manifest.json").read_text())["snapped_labels"] is True


def small_people_photo() -> np.ndarray:
    """Two small people far apart on a large grey photo, as a street photo holds them."""
    image = np.full((600, 900, 3), 128, np.uint8)
    for x, y in ((200, 320), (660, 360)):
        cv2.ellipse(image, (x, y), (18, 50), 0, 0, 360, (20, 40, 220), -1)
        cv2.circle(image, (x, y - 62), 13, (90, 160, 230), -1)
    return image


def test_zoom_boxes_frame_each_person_and_skip_specks_and_large_people():
    people = np.zeros((600, 900), bool)
    people[270:370, 180:220] = True  # one person ...
    people[372:380, 185:215] = True  # ... whose feet the mask left apart
    people[300:400, 640:680] = True  # another, far off
    people[50:55, 50:55] = True  # a speck
    boxes = real_photos.zoom_boxes(people)
    assert len(boxes) == 2
    (x0, y0, x1, y1), (u0, v0, u1, v1) = sorted(boxes)
    assert x0 < 180 and x1 > 220 and y0 < 270 and y1 > 380  # padded, feet included
    assert u0 < 640 and u1 > 680 and v0 < 300 and v1 > 400
    assert x1 < u0  # the two stay apart
    close_up = np.zeros((600, 900), bool)
    close_up[20:590, 100:800] = True  # fills the frame: a closer look gains nothing
    assert real_photos.zoom_boxes(close_up) == []


def test_zoomed_labels_draw_small_people_finer_and_cancel_a_teachers_lean():
    from softfocus.training.metrics import binary_iou

    image = small_people_photo()
    truth = EllipseTeacher().process(image) >= 0.5
    teacher = BlurryTeacher()  # sees the photo 64 pixels wide, 4 pixels to the left
    plain, _ = real_photos.teacher_label(image, teacher, teacher)
    zoomed, agreement = real_photos.teacher_label(image, teacher, teacher, zoomed=True)
    assert zoomed.shape == plain.shape and zoomed.dtype == np.float32 and agreement == 1.0
    assert zoomed.min() >= 0.0 and zoomed.max() <= 1.0
    assert binary_iou(truth, zoomed >= 0.5) > binary_iou(truth, plain >= 0.5) + 0.1
    assert binary_iou(truth, zoomed >= 0.5) > 0.83
    # mirrored looks cancel the lean: the label's centre sits on the person's
    columns = np.arange(image.shape[1])
    left = slice(0, 450)
    lean = (zoomed[:, left] * columns[left]).sum() / zoomed[:, left].sum() - 200
    assert abs(lean) < 1.0
    # annotators' boxes, where a source has them, say where to look closer
    region = np.zeros(image.shape[:2], np.float32)
    region[240:400, 160:240] = 1.0  # only the left person was boxed
    boxed, _ = real_photos.teacher_label(image, teacher, teacher, region, zoomed=True)
    assert boxed[:, 450:].max() == 0
    assert binary_iou(truth[:, left], boxed[:, left] >= 0.5) > 0.83


def test_zoomed_labels_are_recorded_with_the_samples(source):
    out = run(source, "--zoomed-labels")
    assert json.loads((out / "real_manifest.json").read_text())["zoomed_labels"] is True
    assert len(list((out / "train" / "masks").glob("real_*"))) > 0


def test_defocus_nobody_softens_the_frames_with_nobody_and_nothing_else(source, monkeypatch):
    """The frames with nobody made from scenes come out of focus (all of them at share 1);
    every other sample is the same to the byte. (Without the webcam's noise, which draws
    differently after the defocus's draw.)"""
    monkeypatch.setattr(real_photos, "webcam_degrade", lambda frame, rng: frame)
    plain = run(source)
    soft = run_into(source, "soft", "--defocus-nobody", "1")
    assert json.loads((soft / "real_manifest.json").read_text())["defocused_nobody"] == 1.0
    names = sorted(p.name for p in (plain / "train" / "images").glob("*.jpg"))
    assert names == sorted(p.name for p in (soft / "train" / "images").glob("*.jpg"))
    texture = {plain: 0.0, soft: 0.0}
    for name in names:
        before, after = (cv2.imread(str(o / "train" / "images" / name)) for o in (plain, soft))
        if "noperson" in name:
            for out, image in ((plain, before), (soft, after)):
                grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY).astype(np.float32)
                texture[out] += detail(grey, grey >= 0)
        else:
            assert np.array_equal(before, after), name
    assert texture[soft] < 0.9 * texture[plain]
