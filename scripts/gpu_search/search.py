"""Train one configuration of the person U-Net on a lent GPU machine, in a time budget.

Why it exists: the recipe trains on 2 CPU cores in a 90-minute build (gen6's: 30 full-size
epochs × 400 steps; since gen7, 46 epochs, 28 of them at 0.75 size); this asks what the
same network (or a variant) reaches with more training, which that machine can answer in
minutes. It is a search tool, not the recipe: the shipped model is always
the one `scripts/dev.sh person-model` builds on CPU.

The machine has PyTorch and JAX but no TensorFlow (and 64 MiB of files a call), so this
runs Keras 3 on JAX: the network is the project's own ``build_unet`` (its one TensorFlow
call, the bilinear head resize, is shimmed with ``jax.image.resize``), so the weights load
back into the TensorFlow model here (``import_weights.py``) and export with the parity
check. The loss is the recipe's (``recipe_losses.py``: the edge-weighted BCE + Dice, or since
gen10 its hard-pixel form, whose model the export calibrates with ``--logit-scale 2.5``); the
augmentation is the recipe's ``AugmentConfig.default()`` redone in numpy/OpenCV (the colour
steps folded into one affine map), on the samples ``pack.py`` made.

    python scripts/gpu_search/search.py CONFIG OUT_DIR     (BUDGET=seconds to fit the run)

With ``BUDGET`` the learning rate follows a cosine over chunks of 500 steps, and the number
of chunks is fitted to the budget after the second (the first holds the compile): on one
H200 with 14 loader processes the person network trains about 1,400 samples a second.
"""

from __future__ import annotations

import importlib.util
import json
import math
import os
import sys
import time
import types
from dataclasses import replace

os.environ.setdefault("KERAS_BACKEND", "jax")

import cv2
import jax
import numpy as np

cv2.setNumThreads(1)
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DATA = os.environ.get("PACK_DIR", os.path.join(ROOT, ".gpu"))


def _import_model_package():
    """softfocus.model from the checkout, with a stand-in for the two TensorFlow calls that
    model/unet.py makes; the stand-in is removed again so Keras sees no TensorFlow."""
    shim = types.ModuleType("tensorflow")
    shim.shape = lambda x: np.array(x.shape)
    shim.image = types.SimpleNamespace(
        resize=lambda x, size, method="bilinear": jax.image.resize(
            x, (x.shape[0], int(size[0]), int(size[1]), x.shape[3]), method
        )
    )
    sys.modules["tensorflow"] = shim
    namespace = types.ModuleType("softfocus")
    namespace.__path__ = []
    sys.modules.setdefault("softfocus", namespace)
    folder = os.path.join(ROOT, "model")
    spec = importlib.util.spec_from_file_location(
        "softfocus.model", os.path.join(folder, "__init__.py"), submodule_search_locations=[folder]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules["softfocus.model"] = module
    spec.loader.exec_module(module)
    from softfocus.model import presets, unet

    del sys.modules["tensorflow"]
    return presets, unet


presets, unet = _import_model_package()
import keras  # noqa: E402  (after the backend is chosen and the model package imported)
from keras import ops  # noqa: E402

sys.path.insert(0, HERE)
from recipe_losses import LOSSES  # noqa: E402

EDGE, HARD = "edge_bce_dice", "hard_edge_bce_dice"
# name: (preset, overrides, samples as a multiple of gen6's recipe, 30 × 400 × 16, batch, lr,
# loss). The shipped recipe (gen11) is person_wide on the hard-pixel loss, packed with
# ``pack.py --preset person_wide``; its 56 progressive epochs are about 1.9 of these multiples
# in samples, most of them at smaller sizes, so ``recipe2`` is its length at full size.
CONFIGS = {
    "base": ("person", {}, 1, 16, 0.005, EDGE),
    "long2": ("person", {}, 2, 16, 0.005, EDGE),
    "long3": ("person", {}, 3, 16, 0.005, EDGE),
    "long4": ("person", {}, 4, 16, 0.005, EDGE),
    "wide4": ("person", {"filters": (24, 32, 56, 96), "stem_filters": 16}, 4, 16, 0.005, EDGE),
    "long4_bs64": ("person", {}, 4, 64, 0.01, EDGE),
    "recipe2": ("person_wide", {}, 2, 16, 0.005, HARD),
    "recipe4": ("person_wide", {}, 4, 16, 0.005, HARD),
    "recipe6": ("person_wide", {}, 6, 16, 0.005, HARD),
}
RECIPE_SAMPLES = 30 * 400 * 16
CHUNK_STEPS = int(os.environ.get("CHUNK_STEPS", "500"))
YIQ = np.array([[0.299, 0.587, 0.114], [0.596, -0.274, -0.322], [0.211, -0.523, 0.312]])
NOISE = np.random.default_rng(7).standard_normal(4_000_000, dtype=np.float32)


def load_pack(name: str) -> tuple[list, list]:
    raw = np.fromfile(os.path.join(DATA, f"{name}.bin"), np.uint8)
    images, masks = [], []
    for image_at, image_len, mask_at, mask_len, _h, _w in np.load(
        os.path.join(DATA, f"{name}_index.npy")
    ):
        image = cv2.imdecode(raw[image_at : image_at + image_len], cv2.IMREAD_COLOR)
        images.append(np.ascontiguousarray(image[:, :, ::-1]))  # RGB, as the model is fed
        masks.append(cv2.imdecode(raw[mask_at : mask_at + mask_len], cv2.IMREAD_GRAYSCALE))
    return images, masks


def augment(image: np.ndarray, mask: np.ndarray, rng) -> tuple[np.ndarray, np.ndarray]:
    """AugmentConfig.default(): crop 0.7–1 of each side (aspect ±15 %), flip, rotate ±8° in
    30 %, brightness ±0.15, contrast and saturation ±25/30 %, hue ±0.03 turns, blur in 20 %,
    noise in 30 %. Returns uint8 image and mask (the model rescales on the GPU)."""
    h, w = mask.shape
    scale, aspect = rng.uniform(0.7, 1.0), rng.uniform(0.85, 1.15)
    ch, cw = min(scale * math.sqrt(aspect), 1.0), min(scale / math.sqrt(aspect), 1.0)
    top, left = rng.uniform(0, 1 - ch) * h, rng.uniform(0, 1 - cw) * w
    warp = np.array([[cw, 0, left], [0, ch, top], [0, 0, 1]], np.float64)
    if rng.random() < 0.5:
        warp = warp @ np.array([[-1, 0, w - 1], [0, 1, 0], [0, 0, 1]])
    if rng.random() < 0.3:
        angle = math.radians(rng.uniform(-8, 8))
        c, s = math.cos(angle), math.sin(angle)
        cx, cy = (w - 1) / 2, (h - 1) / 2
        warp = warp @ np.array(
            [[c, -s, cx - c * cx + s * cy], [s, c, cy - s * cx - c * cy], [0, 0, 1]]
        )
    flags = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
    image = cv2.warpAffine(image, warp[:2], (w, h), flags=flags, borderMode=cv2.BORDER_REFLECT)
    mask = cv2.warpAffine(mask, warp[:2], (w, h), flags=flags, borderMode=cv2.BORDER_REFLECT)
    # Brightness, contrast (about the channel means), saturation and hue are all affine in
    # RGB: one 3×4 map, applied in uint8, which also clips.
    beta = rng.uniform(-0.15, 0.15) * 255.0
    contrast = rng.uniform(0.75, 1.25)
    means = image.reshape(-1, 3).mean(axis=0) + beta
    saturation = rng.uniform(0.7, 1.3)
    sat = saturation * np.eye(3) + (1 - saturation) * np.outer(np.ones(3), YIQ[0])  # luma row
    turn = rng.uniform(-0.03, 0.03) * 2 * math.pi
    rotate = np.array(
        [[1, 0, 0], [0, math.cos(turn), -math.sin(turn)], [0, math.sin(turn), math.cos(turn)]]
    )
    colour = np.linalg.inv(YIQ) @ rotate @ YIQ @ sat
    offset = colour @ (contrast * beta + (1 - contrast) * means)
    image = cv2.transform(image, np.concatenate([contrast * colour, offset[:, None]], 1))
    if rng.random() < 0.2:
        image = cv2.GaussianBlur(image, (7, 7), rng.uniform(0.3, 1.5))
    if rng.random() < 0.3:
        start = rng.integers(0, NOISE.size - image.size)
        noise = NOISE[start : start + image.size].reshape(image.shape) * rng.uniform(0, 0.04 * 255)
        image = np.clip(image + noise, 0, 255).astype(np.uint8)
    return image, mask[..., None]


class Batches(keras.utils.PyDataset):
    """Batches of one shape each (the flexible input), shapes drawn by their share."""

    def __init__(self, images, masks, batch: int, steps: int, **kwargs) -> None:
        super().__init__(**kwargs)
        self.images, self.masks, self.batch, self.steps = images, masks, batch, steps
        groups: dict[tuple, list[int]] = {}
        for i, mask in enumerate(masks):
            groups.setdefault(mask.shape, []).append(i)
        self.groups = [np.array(g) for g in groups.values()]
        sizes = np.array([len(g) for g in self.groups], np.float64)
        self.weights = sizes / sizes.sum()

    def __len__(self) -> int:
        return self.steps

    def __getitem__(self, index: int):
        rng = np.random.default_rng((index, os.getpid(), time.time_ns()))
        group = self.groups[rng.choice(len(self.groups), p=self.weights)]
        pairs = [augment(self.images[k], self.masks[k], rng) for k in rng.choice(group, self.batch)]
        return np.stack([p[0] for p in pairs]), np.stack([p[1] for p in pairs])


def on_uint8(loss):
    """A recipe loss taking the packed masks' uint8 targets (0–255) as they are batched."""
    return lambda y_true, y_pred: loss(ops.cast(y_true, "float32") / 255.0, y_pred)


def photo_iou(net, images, masks) -> dict:
    """Mean IoU at the model's input size on the packed real photos: a quick screen only;
    evaluate_real.py (full resolution, the app's clean-up, MediaPipe alongside) decides."""
    by_shape: dict[tuple, list[int]] = {}
    for i, mask in enumerate(masks):
        by_shape.setdefault(mask.shape, []).append(i)
    ious = []
    for indices in by_shape.values():
        x = np.stack([images[i].astype(np.float32) / 255.0 for i in indices])
        predicted = np.asarray(net.predict(x, batch_size=64, verbose=0))[..., 0] >= 0.5
        for p, i in zip(predicted, indices):
            truth = masks[i] >= 128
            union = np.logical_or(p, truth).sum()
            ious.append(np.logical_and(p, truth).sum() / union if union else 1.0)
    return {"iou": float(np.mean(ious)), "below_05": int((np.array(ious) < 0.5).sum())}


def main() -> None:
    name, out = sys.argv[1], sys.argv[2]
    workers = int(os.environ.get("WORKERS", "14"))
    budget = float(os.environ.get("BUDGET", "0"))
    preset, overrides, multiple, batch, lr, loss = CONFIGS[name]
    config = replace(presets.get_preset(preset), **overrides)
    images, masks = load_pack("train")
    photos, truths = load_pack("photos")
    keras.utils.set_random_seed(0)
    net = unet.build_unet(config)
    raw = keras.Input((None, None, 3), dtype="uint8")
    model = keras.Model(raw, net(keras.layers.Rescaling(1 / 255.0)(ops.cast(raw, "float32"))))
    model.compile(
        optimizer=keras.optimizers.Adam(lr), loss=on_uint8(LOSSES[loss]), jit_compile=True
    )
    data = Batches(images, masks, batch, CHUNK_STEPS, workers=workers, use_multiprocessing=True)
    chunks = max(1, round(RECIPE_SAMPLES * multiple / batch / CHUNK_STEPS))
    losses, started, done = [], time.time(), 0
    while done < chunks:
        model.optimizer.learning_rate.assign(0.5 * lr * (1 + math.cos(math.pi * done / chunks)))
        chunk_started = time.time()
        losses.append(float(model.fit(data, epochs=1, verbose=0).history["loss"][-1]))
        done += 1
        if done == 2 and budget:
            left = budget - (time.time() - started)
            chunks = max(done, min(chunks, done + int(left / (time.time() - chunk_started))))
        print(f"{name} chunk {done}/{chunks} loss {losses[-1]:.4f} t {time.time() - started:.0f}")
        if done % 5 == 0 or done >= chunks:
            net.save_weights(os.path.join(out, f"{name}.weights.h5"))
    result = {
        "name": name,
        "preset": preset,
        "overrides": {k: list(v) if isinstance(v, tuple) else v for k, v in overrides.items()},
        "samples": done * CHUNK_STEPS * batch,
        "batch": batch,
        "lr": lr,
        "loss_function": loss,
        "train_s": round(time.time() - started),
        "params": int(net.count_params()),
        "photos": photo_iou(net, photos, truths),
        "loss": losses,
    }
    with open(os.path.join(out, f"{name}.json"), "w") as f:
        json.dump(result, f)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
