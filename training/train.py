"""``fit``: train a preset on a dataset into a run folder, resumable from its checkpoint.

A run folder holds: ``config.json`` (preset, data, options), ``checkpoint.keras`` (last
epoch, for resume), ``model.keras`` (best validation loss), ``history.json``, ``state.json``,
``curves.png`` and ``samples.png``.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from softfocus.model.presets import UNetConfig
from softfocus.training.augment import AugmentConfig
from softfocus.training.datasets import Dataset


@dataclass
class FitOptions:
    run_dir: Path
    epochs: int
    batch_size: int
    learning_rate: float
    augment: AugmentConfig = field(default_factory=AugmentConfig.report)
    equalize: bool = False
    patience: int = 0  # early stopping on validation loss; 0 = off
    seed: int = 42
    multi_gpu: bool = False
    verbose: int = 1
    foreground_name: str = "foreground"
    steps_per_epoch: int | None = None
    cosine_decay: bool = False  # anneal the learning rate to 0 over the whole run
    # Progressive resizing: the first ``low_res_epochs`` train at inputs ``low_res_scale`` the
    # size on each side. On 2 CPU cores a step there costs about 0.4 of a full one for the
    # network alone, about 0.6 with data loading, so a fixed time buys more steps; the last
    # epochs at full size adapt the network to the app's input.
    low_res_epochs: int = 0
    low_res_scale: float = 0.75
    # A middle phase after those: ``mid_res_epochs`` at ``mid_res_scale``, then the rest at
    # full size (a wide input's last epochs cost most, so fewer of them run there).
    mid_res_epochs: int = 0
    mid_res_scale: float = 0.75
    # float32, mixed_bfloat16, or auto (bfloat16 where the CPU has it natively; precision.py).
    precision: str = "float32"
    # Polyak averaging: when above 0, validation, the best-epoch model and the end of each
    # phase use an exponential moving average of the weights (this momentum per step). The
    # teacher's labels are noisy and the run ends before the loss levels off; an average of
    # the last steps' weights is a cheap ensemble of them. 0 = off. With gen9's recipe (0.999)
    # it quietened backgrounds but softened outlines, so the build leaves it off (model card).
    ema_momentum: float = 0.0


def _write_json(path: Path, data) -> None:
    temporary = path.with_suffix(path.suffix + ".tmp")
    temporary.write_text(json.dumps(data, indent=2, default=str))
    os.replace(temporary, path)


def fit(config: UNetConfig, dataset: Dataset, options: FitOptions) -> dict[str, list[float]]:
    from softfocus.training.precision import dtype_policy, resolve_precision

    precision = resolve_precision(options.precision)
    # The policy only shapes the layers built or loaded inside; it is put back afterwards.
    with dtype_policy(precision):
        return _fit(config, dataset, options, precision)


def _fit(
    config: UNetConfig, dataset: Dataset, options: FitOptions, precision: str
) -> dict[str, list[float]]:
    import keras
    import tensorflow as tf

    from softfocus.model.unet import build_unet
    from softfocus.training.losses import CUSTOM_OBJECTS, loss_and_metrics
    from softfocus.training.plots import plot_curves
    from softfocus.training.tf_data import make_dataset

    keras.utils.set_random_seed(options.seed)
    run_dir = Path(options.run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    checkpoint = run_dir / "checkpoint.keras"
    state_path = run_dir / "state.json"
    history_path = run_dir / "history.json"
    history: dict[str, list[float]] = {}
    initial_epoch = 0
    if checkpoint.exists() and state_path.exists():
        initial_epoch = json.loads(state_path.read_text())["epochs_done"]
        history = json.loads(history_path.read_text()) if history_path.exists() else {}
    _write_json(
        run_dir / "config.json",
        {
            "preset": asdict(config),
            "data": dataset.source,
            "border_is_foreground": dataset.border_is_foreground,
            "equalize": options.equalize,
            "augment": asdict(options.augment),
            "seed": options.seed,
            "foreground_name": options.foreground_name,
            "epochs": options.epochs,
            "batch_size": options.batch_size,
            "learning_rate": options.learning_rate,
            "steps_per_epoch": options.steps_per_epoch,
            "cosine_decay": options.cosine_decay,
            "low_res_epochs": options.low_res_epochs,
            "low_res_scale": options.low_res_scale,
            "mid_res_epochs": options.mid_res_epochs,
            "mid_res_scale": options.mid_res_scale,
            "precision": precision,
            "ema_momentum": options.ema_momentum,
            "train_samples": len(dataset.train),
            "validation_samples": len(dataset.validation),
        },
    )

    strategy = (
        tf.distribute.MirroredStrategy() if options.multi_gpu else tf.distribute.get_strategy()
    )
    with strategy.scope():
        if initial_epoch:
            model = keras.models.load_model(checkpoint, custom_objects=CUSTOM_OBJECTS)
        else:
            model = build_unet(config)
            loss, metrics = loss_and_metrics(config)
            learning_rate = options.learning_rate
            if options.cosine_decay:
                steps = options.steps_per_epoch or -(-len(dataset.train) // options.batch_size)
                learning_rate = keras.optimizers.schedules.CosineDecay(
                    options.learning_rate, decay_steps=steps * options.epochs, alpha=0.02
                )
            ema = (
                {"use_ema": True, "ema_momentum": options.ema_momentum}
                if options.ema_momentum > 0
                else {}
            )
            model.compile(
                optimizer=keras.optimizers.Adam(learning_rate, **ema), loss=loss, metrics=metrics
            )

    common = dict(
        config=config,
        batch_size=options.batch_size,
        border_is_foreground=dataset.border_is_foreground,
        equalize=options.equalize,
        seed=options.seed,
    )

    def train_data(scale: float):
        data = make_dataset(
            dataset.train, augment=options.augment, training=True, size_scale=scale, **common
        )
        return data.repeat() if options.steps_per_epoch else data

    validation_data = (
        make_dataset(dataset.validation, augment=AugmentConfig.none(), training=False, **common)
        if dataset.validation
        else None
    )

    class RunFolderWriter(keras.callbacks.Callback):
        """Saves history and progress after every epoch, so a killed run resumes."""

        def on_epoch_end(self, epoch, logs=None):
            for key, value in (logs or {}).items():
                history.setdefault(key, []).append(float(value))
            _write_json(history_path, history)
            _write_json(state_path, {"epochs_done": epoch + 1})
            plot_curves(history, run_dir / "curves.png")

    monitor = "val_loss" if validation_data is not None else "loss"
    # Callbacks run in this order. The resume checkpoint keeps the raw weights (its optimizer
    # holds their average); with averaging on, the average is then swapped in for the
    # best-epoch model (validation already ran on it), and each phase ends on it.
    callbacks = [keras.callbacks.ModelCheckpoint(checkpoint)]
    if getattr(model.optimizer, "use_ema", False):
        callbacks.append(keras.callbacks.SwapEMAWeights(swap_on_epoch=True))
    callbacks += [
        keras.callbacks.ModelCheckpoint(
            run_dir / "model.keras", monitor=monitor, save_best_only=True
        ),
        RunFolderWriter(),
    ]
    if options.patience > 0:
        callbacks.append(keras.callbacks.EarlyStopping(monitor=monitor, patience=options.patience))
    # (last epoch of the phase, input scale); validation always at full size. The same
    # callbacks run through both phases, so "best" spans them, and the cosine schedule
    # counts optimizer steps, so it runs on across the switch.
    low_res_end = min(options.low_res_epochs, options.epochs)
    mid_res_end = min(low_res_end + options.mid_res_epochs, options.epochs)
    phases = [
        (low_res_end, options.low_res_scale),
        (mid_res_end, options.mid_res_scale),
        (options.epochs, 1.0),
    ]
    for end, scale in phases:
        if initial_epoch >= end:
            continue
        model.fit(
            train_data(scale),
            validation_data=validation_data,
            epochs=end,
            initial_epoch=initial_epoch,
            steps_per_epoch=options.steps_per_epoch,
            callbacks=callbacks,
            verbose=options.verbose,
        )
        initial_epoch = end
        if model.stop_training:  # early stopping ends the run, not just the phase
            break
    if not (run_dir / "model.keras").exists():
        model.save(run_dir / "model.keras")
    write_samples(run_dir / "model.keras", config, dataset, options)
    return history


def write_samples(model_path: Path, config: UNetConfig, dataset: Dataset, options: FitOptions):
    import keras

    from softfocus.training.losses import CUSTOM_OBJECTS
    from softfocus.training.plots import plot_samples
    from softfocus.training.tf_data import make_dataset

    samples = (dataset.validation or dataset.train)[:4]
    if not samples:
        return
    from softfocus.training.precision import as_float32

    model = as_float32(keras.models.load_model(model_path, custom_objects=CUSTOM_OBJECTS))
    data = make_dataset(
        samples,
        config,
        len(samples),
        AugmentConfig.none(),
        False,
        dataset.border_is_foreground,
        options.equalize,
        alpha_targets=True,
    )
    images, alphas = next(iter(data))
    from softfocus.training.export import contract_for
    from softfocus.training.predict import probabilities_to_alpha

    predicted = probabilities_to_alpha(model.predict(images, verbose=0), contract_for(config))
    plot_samples(
        np.asarray(images),
        np.asarray(alphas)[..., 0],
        predicted,
        Path(options.run_dir) / "samples.png",
    )
