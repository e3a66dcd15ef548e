import cv2
import numpy as np
import pytest

from softfocus.app.preprocess import equalize_luminance as equalize_numpy
from softfocus.training.datasets import (
    DatasetError,
    Sample,
    load_dataset,
    read_oxford_pets,
    split_samples,
)
from softfocus.training.labels import mask_to_alpha
from tests.datasets import make_mask_folder, make_oxford_folder


def test_oxford_layout_is_read_with_official_splits(tmp_path):
    root = make_oxford_folder(tmp_path / "pets")
    trainval, test = read_oxford_pets(root)
    assert len(trainval) == 24 and len(test) == 8
    dataset = load_dataset(oxford=str(root), validation_fraction=0.25, seed=3)
    assert len(dataset.train) == 18 and len(dataset.validation) == 6 and len(dataset.test) == 8
    assert {s.mask_kind for s in dataset.train} == {"trimap"}


def test_split_is_deterministic_for_a_seed(tmp_path):
    root = make_mask_folder(tmp_path / "people", count=20)
    first = load_dataset(masks=str(root), seed=7)
    second = load_dataset(masks=str(root), seed=7)
    other = load_dataset(masks=str(root), seed=8)
    assert first.validation == second.validation
    assert first.validation != other.validation
    assert not set(first.train) & set(first.validation)


def test_split_keeps_both_sides_non_empty():
    samples = [Sample(f"{i}.png", f"{i}.png", "binary") for i in range(3)]
    train, validation = split_samples(samples, 0.01, 0)
    assert len(train) == 2 and len(validation) == 1


@pytest.mark.parametrize("kind", ["binary", "trimap", "alpha"])
def test_mask_kinds_are_detected(tmp_path, kind):
    dataset = load_dataset(masks=str(make_mask_folder(tmp_path / kind, count=5, kind=kind)))
    assert {s.mask_kind for s in dataset.train + dataset.validation} == {kind}


def test_labels_map_to_report_classes():
    trimap = np.array([[1, 2, 3]], np.uint8)
    assert mask_to_alpha(trimap, "trimap").tolist() == [[1.0, 0.0, 0.5]]
    assert mask_to_alpha(trimap, "trimap", border_is_foreground=True).tolist() == [[1, 0, 1]]
    assert mask_to_alpha(np.array([[0, 255]], np.uint8), "binary").tolist() == [[0, 1]]


def test_malformed_folder_lists_every_problem(tmp_path):
    root = make_mask_folder(tmp_path / "bad", count=6, kind="trimap")
    (root / "masks" / "img000.png").unlink()  # missing mask
    (root / "images" / "img001.png").write_bytes(b"not a png")  # unreadable image
    cv2.imwrite(str(root / "masks" / "img002.png"), np.ones((10, 10), np.uint8))  # wrong size
    bad_labels = cv2.imread(str(root / "masks" / "img003.png"), cv2.IMREAD_GRAYSCALE)
    bad_labels[0, 0] = 7
    cv2.imwrite(str(root / "masks" / "img003.png"), bad_labels)
    with pytest.raises(DatasetError) as missing:
        load_dataset(masks=str(root), mask_kind="trimap")
    assert "img000.png: no mask" in str(missing.value)
    (root / "images" / "img000.png").unlink()
    with pytest.raises(DatasetError) as error:
        load_dataset(masks=str(root), mask_kind="trimap")
    message = str(error.value)
    assert "3 problem(s)" in message
    assert "img001.png: unreadable image" in message
    assert "img002.png: mask is 10x10 but its image is 48x48" in message
    assert "img003.png: trimap values must be 1" in message and "[7]" in message


def test_missing_oxford_pieces_name_the_expected_layout(tmp_path):
    root = make_oxford_folder(tmp_path / "pets")
    (root / "annotations" / "test.txt").unlink()
    with pytest.raises(DatasetError, match=r"test.txt is missing.*official layout"):
        read_oxford_pets(root)
    with pytest.raises(DatasetError, match=r"folder .* is missing"):
        read_oxford_pets(tmp_path / "nowhere")


def test_equalisation_in_tensorflow_matches_the_app():
    tf = pytest.importorskip("tensorflow")
    from softfocus.training.augment import equalize_luminance as equalize_tf

    rng = np.random.default_rng(0)
    image = (rng.random((32, 48, 3)) * 0.5 + 0.2).astype(np.float32)
    ours = equalize_numpy(image)
    theirs = equalize_tf(tf.constant(image)).numpy()
    assert np.abs(ours - theirs).max() < 1e-4
    luminance = ours @ np.array([0.299, 0.587, 0.114], np.float32)
    assert luminance.max() - luminance.min() > 0.8  # the histogram is stretched


def test_augmentation_moves_image_and_mask_together(tmp_path):
    tf = pytest.importorskip("tensorflow")
    from softfocus.training.augment import AugmentConfig, prepare_pair

    image = np.zeros((64, 64, 3), np.float32)
    image[:, :32, 0] = 1.0  # red left half
    alpha = np.zeros((64, 64, 1), np.float32)
    alpha[:, :32] = 1.0  # foreground: the same half
    geometric = AugmentConfig(flip_horizontal=True, min_crop_scale=0.6, max_rotation_deg=10)
    tf.random.set_seed(0)
    for _ in range(8):
        out_image, out_alpha = prepare_pair(
            tf.constant(image), tf.constant(alpha), (32, 32), geometric, training=True
        )
        red, fg = out_image.numpy()[..., 0], out_alpha.numpy()[..., 0]
        assert np.abs(red - fg).max() < 1e-4


def test_oxford_through_tfds_without_it_says_how_to_get_the_data(tmp_path, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_tfds(name, *args, **kwargs):
        if name == "tensorflow_datasets":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_tfds)
    with pytest.raises(DatasetError, match=r"tensorflow-datasets is not installed.*--oxford DIR"):
        load_dataset(oxford=f"tfds:{tmp_path / 'pets'}")
