"""Training steps fed by the real input pipeline, with tf.data's autotuner on and off, in turns.

    python benchmarks/training_input.py [--data data/people/train] [--scale 0.583]
                                        [--steps 100] [--rounds 2] [--preset person_wide]

Each round fits the preset for ``--steps`` steps (batch 16, the person recipe's augmentation)
on the same samples, once with tf.data's autotuner and once without (what training uses), and
prints milliseconds a step; the last line is the median ratio. On 2 cores the autotuner's
threads and the step's starve each other and steps stall by a fixed amount. Without
``--data`` (or where the folder is missing) a generated folder of 448×256 scenes stands in.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def generated_folder(root: Path, count: int = 256) -> Path:
    """Scenes with a person-shaped blob, the size of the person data's samples."""
    rng = np.random.default_rng(0)
    (root / "images").mkdir(parents=True)
    (root / "masks").mkdir()
    for i in range(count):
        coarse = rng.integers(0, 256, (8, 14, 3), dtype=np.uint8)
        image = cv2.resize(coarse, (448, 256), interpolation=cv2.INTER_CUBIC)
        mask = np.zeros((256, 448), np.uint8)
        cv2.ellipse(mask, (224 + i % 50, 256), (90, 200), 0, 180, 360, 255, -1)
        cv2.circle(mask, (224 + i % 50, 70), 45, 255, -1)
        image[mask > 0] = (60, 90, 200)
        cv2.imwrite(str(root / "images" / f"s{i:04d}.jpg"), image)
        cv2.imwrite(str(root / "masks" / f"s{i:04d}.png"), mask)
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("data/people/train"))
    parser.add_argument("--scale", type=float, default=0.583, help="input size per side")
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--samples", type=int, default=4000)
    parser.add_argument("--preset", default="person_wide")
    args = parser.parse_args()

    import keras

    from softfocus.model.presets import get_preset
    from softfocus.model.unet import build_unet
    from softfocus.training.augment import AugmentConfig
    from softfocus.training.datasets import check_samples, read_mask_folder
    from softfocus.training.losses import loss_and_metrics
    from softfocus.training.tf_data import make_dataset

    with tempfile.TemporaryDirectory() as scratch:
        folder = args.data if (args.data / "images").is_dir() else None
        if folder is None:
            folder = generated_folder(Path(scratch) / "scenes")
        samples = read_mask_folder(folder)
        rng = np.random.default_rng(0)
        picked = rng.permutation(len(samples))[: args.samples]
        samples = check_samples([samples[i] for i in picked], str(folder))
        config = get_preset(args.preset)
        print(f"data: {folder} ({len(samples)} samples), preset {config.name}, scale {args.scale}")
        model = build_unet(config)
        loss, metrics = loss_and_metrics(config)
        model.compile(optimizer=keras.optimizers.Adam(1e-3), loss=loss, metrics=metrics)
        per_step: dict[bool, list[float]] = {True: [], False: []}
        for round_ in range(args.rounds):
            for autotune in (True, False):
                data = make_dataset(
                    samples,
                    config,
                    16,
                    AugmentConfig.default(),
                    training=True,
                    size_scale=args.scale,
                    autotune=autotune,
                ).repeat()
                model.fit(data, epochs=1, steps_per_epoch=10, verbose=0)  # warm
                start = time.perf_counter()
                model.fit(data, epochs=1, steps_per_epoch=args.steps, verbose=0)
                ms = (time.perf_counter() - start) / args.steps * 1000
                per_step[autotune].append(ms)
                state = "on " if autotune else "off"
                print(f"round {round_ + 1}, autotune {state}: {ms:7.1f} ms a step")
    on, off = statistics.median(per_step[True]), statistics.median(per_step[False])
    print(f"median: autotune on {on:.1f} ms, off {off:.1f} ms a step ({on / off:.2f}x)")


if __name__ == "__main__":
    main()
