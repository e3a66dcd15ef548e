"""Pack a sample of the person training set, and the real-photo evaluation set, for a run on
a lent GPU machine (``run.sh``).

Such a machine takes at most 64 MiB of files with each call and has no TensorFlow, so the
samples travel pre-sized to the shape each trains at (the app's flexible input size), as
WebP with 16-level masks: about 6 KB a sample at 160×288 (person_wide; 5 KB at the person
preset's 128×224), 8,500 samples in 53 MB, with the 290 evaluation photos (5 MB) and the
wheels under the limit. Run here, in the project's venv, after ``scripts/dev.sh
person-model`` has prepared ``data/people``.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

import cv2
import numpy as np

from softfocus.model.contract import flexible_input_size
from softfocus.model.presets import get_preset
from softfocus.training.datasets import read_mask_folder
from softfocus.training.people.evaluate_real import load_photo_set


def pack(pairs, out: Path, name: str, config, lossy: bool) -> None:
    """``name.bin`` holds each image then its mask, encoded; ``name_index.npy`` one row per
    sample: image offset, image length, mask offset, mask length, height, width."""
    budget = config.input_height * config.input_width
    blobs, index, offset = [], [], 0
    for image, mask in pairs:
        width, height = flexible_input_size(config.stride, budget, image.shape[1], image.shape[0])
        image = cv2.resize(image, (width, height), interpolation=cv2.INTER_AREA)
        mask = cv2.resize(mask, (width, height), interpolation=cv2.INTER_AREA)
        if lossy:
            encoded = cv2.imencode(".webp", image, [cv2.IMWRITE_WEBP_QUALITY, 80])[1]
            mask = ((mask.astype(np.int32) + 8) // 17 * 17).clip(0, 255).astype(np.uint8)
        else:
            encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 92])[1]
        image_bytes = encoded.tobytes()
        mask_bytes = cv2.imencode(".png", mask, [cv2.IMWRITE_PNG_COMPRESSION, 9])[1].tobytes()
        blobs += [image_bytes, mask_bytes]
        index.append(
            (offset, len(image_bytes), offset + len(image_bytes), len(mask_bytes), height, width)
        )
        offset += len(image_bytes) + len(mask_bytes)
    (out / f"{name}.bin").write_bytes(b"".join(blobs))
    np.save(out / f"{name}_index.npy", np.array(index, np.int64))
    print(f"{name}: {len(index)} samples, {offset / 1e6:.1f} MB")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("data/people/train"))
    parser.add_argument(
        "--photos", type=Path, default=Path("data/sources/human-segmentation-dataset")
    )
    parser.add_argument("--out", type=Path, default=Path(".gpu"))
    parser.add_argument("--count", type=int, default=8500, help="training samples to pack")
    parser.add_argument(
        "--preset",
        default="person_wide",
        help="the shipped recipe's; search.py's configs name theirs",
    )
    args = parser.parse_args(argv)
    config = get_preset(args.preset)
    args.out.mkdir(parents=True, exist_ok=True)
    samples = read_mask_folder(args.data, "alpha")
    random.Random(0).shuffle(samples)
    chosen = samples[: args.count]
    print(f"{len(samples)} training samples, packing {len(chosen)}")
    pairs = (
        (
            cv2.imread(str(s.image_path), cv2.IMREAD_COLOR),
            cv2.imread(str(s.mask_path), cv2.IMREAD_GRAYSCALE),
        )
        for s in chosen
    )
    pack(pairs, args.out, "train", config, lossy=True)
    photos = load_photo_set(args.photos)
    pack(
        ((image, mask.astype(np.uint8) * 255) for _, image, mask in photos),
        args.out,
        "photos",
        config,
        lossy=False,
    )


if __name__ == "__main__":
    main()
