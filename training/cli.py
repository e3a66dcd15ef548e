"""``softfocus-train fit | evaluate | export | import`` (also ``python -m softfocus.training``)."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from softfocus.model.contract import ModelContractError
from softfocus.model.presets import HEAD_SIGMOID, PRESETS, SIGMOID_LOSSES, get_preset
from softfocus.training.augment import AUGMENT_PRESETS
from softfocus.training.datasets import DatasetError, load_dataset
from softfocus.training.export import ExportError
from softfocus.training.import_model import (
    CHANNEL_ORDERS,
    LAYOUTS,
    OUTPUT_MEANINGS,
    ModelImportError,
)
from softfocus.training.precision import PRECISIONS, resolve_precision

EXIT_USAGE = 2


def _add_data_arguments(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--oxford",
        help="Oxford-IIIT Pet folder (official layout), or "
        "'tfds[:DIR]' to fetch it with tensorflow-datasets (needs a network)",
    )
    source.add_argument("--masks", help="folder with images/ and masks/ matched by stem")
    parser.add_argument(
        "--binary",
        action="store_true",
        help="Oxford: count the trimap border as pet (binary pet/background)",
    )
    parser.add_argument(
        "--mask-kind", default="auto", choices=["auto", "binary", "trimap", "alpha"]
    )
    parser.add_argument("--validation-split", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--limit", type=int, help="use only the first N samples (quick runs)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="softfocus-train", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    fit = sub.add_parser("fit", help="train a preset; writes a run folder")
    fit.add_argument("--preset", default="realtime", choices=sorted(PRESETS))
    _add_data_arguments(fit)
    fit.add_argument("--run-dir", type=Path, required=True, help="run folder (resumes if present)")
    fit.add_argument("--epochs", type=int, help="default: the preset's")
    fit.add_argument("--batch-size", type=int, help="default: the preset's")
    fit.add_argument("--learning-rate", type=float, help="default: the preset's (Adam)")
    fit.add_argument(
        "--loss", choices=SIGMOID_LOSSES, help="default: the preset's (sigmoid heads only)"
    )
    fit.add_argument("--augment", default="default", choices=sorted(AUGMENT_PRESETS))
    fit.add_argument(
        "--equalize",
        action="store_true",
        help="histogram-equalise luminance in YPbPr (the report's option)",
    )
    fit.add_argument("--patience", type=int, default=0, help="early stopping; 0 = off")
    fit.add_argument("--steps-per-epoch", type=int, help="fixed steps (repeats the data)")
    fit.add_argument("--cosine", action="store_true", help="cosine-decay the learning rate")
    fit.add_argument(
        "--low-res-epochs",
        type=int,
        default=0,
        help="progressive resizing: this many first epochs at smaller inputs (flexible presets)",
    )
    fit.add_argument(
        "--low-res-scale", type=float, default=0.75, help="their size, per side (default 0.75)"
    )
    fit.add_argument(
        "--mid-res-epochs",
        type=int,
        default=0,
        help="then this many at a middle size before the last ones at full size",
    )
    fit.add_argument(
        "--mid-res-scale", type=float, default=0.75, help="their size, per side (default 0.75)"
    )
    fit.add_argument(
        "--precision",
        default="float32",
        choices=PRECISIONS,
        help="training arithmetic: float32, mixed_bfloat16, or auto (bfloat16 mixed "
        "precision where the CPU runs it natively: AVX512-BF16, AMX). Exports are float32 "
        "either way",
    )
    fit.add_argument(
        "--ema",
        type=float,
        default=0.0,
        metavar="MOMENTUM",
        help="validate and keep an exponential moving average of the weights, with this "
        "momentum per step (e.g. 0.999); 0 = off",
    )
    fit.add_argument("--multi-gpu", action="store_true", help="tf.distribute.MirroredStrategy")
    fit.add_argument("--foreground-name", default=None, help="class name (default pet/person)")
    fit.add_argument("--quiet", action="store_true")

    evaluate = sub.add_parser("evaluate", help="score a .keras or .onnx model")
    evaluate.add_argument("model", type=Path)
    _add_data_arguments(evaluate)
    evaluate.add_argument("--split", default="validation", choices=["validation", "test", "all"])
    evaluate.add_argument(
        "--json", type=Path, help="where to save the scores (default: MODEL.eval-SPLIT.json)"
    )

    export = sub.add_parser("export", help="export a run's model.keras to ONNX")
    export.add_argument("model", type=Path, help="a run folder's model.keras")
    export.add_argument("-o", "--output", type=Path, required=True)
    export.add_argument("--name", help="model name shown in the app")
    export.add_argument("--description", default="")
    export.add_argument(
        "--input-size",
        metavar="WxH",
        help="a flexible model's pixel budget in the app, if not the size it was trained at "
        "(e.g. 288x160: it is fully convolutional, so a larger input sharpens its edges)",
    )
    export.add_argument(
        "--logit-scale",
        type=float,
        default=1.0,
        help="multiply a sigmoid head's logits by this before export (temperature scaling: a "
        "loss that stops pushing settled pixels leaves p near 0.7 in people; the mask at 0.5 "
        "is unchanged)",
    )
    export.add_argument(
        "--int8",
        action="store_true",
        help="quantize to int8 (faster on CPUs), calibrated on --calibration's images",
    )
    export.add_argument(
        "--calibration",
        type=Path,
        help="a folder of training images to calibrate --int8 on (e.g. data/people/train/images)",
    )

    imp = sub.add_parser(
        "import",
        help="make a foreign ONNX or TFLite segmentation model a Softfocus model",
        description="Wrap a segmentation model that was not exported by softfocus-train so the "
        "app can use it: say how it wants its input and what its output means. The result "
        "goes to the app's model folder (its Model menu lists it) unless -o is given.",
    )
    imp.add_argument("model", type=Path, help="an .onnx or .tflite file")
    imp.add_argument("-o", "--output", type=Path, help="where to write the Softfocus .onnx")
    imp.add_argument("--name", help="name shown in the app (default: the file's stem)")
    imp.add_argument("--licence", default="", help="the weights' licence, shown in the app")
    imp.add_argument("--description", default="")
    imp.add_argument("--layout", default="nhwc", choices=LAYOUTS, help="input layout")
    imp.add_argument("--channels", default="rgb", choices=CHANNEL_ORDERS)
    imp.add_argument(
        "--range", default="0,1", help="input value range the model expects: 0,1 | -1,1 | 0,255"
    )
    imp.add_argument("--input-size", help="HxW, where the model's input size is dynamic")
    imp.add_argument("--output-layout", default="nhwc", choices=LAYOUTS)
    imp.add_argument(
        "--output-meaning",
        default="foreground",
        choices=OUTPUT_MEANINGS,
        help="foreground / background probability, a foreground logit, or per-class "
        "scores / logits (then --foreground-class)",
    )
    imp.add_argument("--foreground-class", type=int, default=1)
    return parser


def _import(args) -> int:
    from softfocus.app.paths import imported_models_dir
    from softfocus.training.import_model import ForeignModel, import_model

    try:
        low, high = (float(v) for v in args.range.split(","))
        size = None
        if args.input_size:
            height, width = (int(v) for v in args.input_size.lower().split("x"))
            size = (height, width)
    except ValueError:
        raise ModelImportError(
            f"--range {args.range!r} or --input-size {args.input_size!r} is malformed; "
            "write e.g. --range -1,1 --input-size 144x256."
        ) from None
    name = args.name or args.model.stem
    output = args.output or imported_models_dir() / f"{name}.onnx"
    spec = ForeignModel(
        layout=args.layout,
        channels=args.channels,
        value_range=(low, high),
        input_size=size,
        output_layout=args.output_layout,
        output=args.output_meaning,
        foreground_class=args.foreground_class,
        name=name,
        description=args.description,
        licence=args.licence,
    )
    contract = import_model(args.model, output, spec)
    print(
        f"softfocus-train: imported {args.model.name} as {output} "
        f"({contract.input_width}x{contract.input_height} input)"
    )
    return 0


def _load_dataset(args):
    return load_dataset(
        args.oxford,
        args.masks,
        args.validation_split,
        args.seed,
        args.binary,
        args.mask_kind,
        args.limit,
    )


def _fit(args) -> int:
    from softfocus.training.augment import AugmentConfig
    from softfocus.training.train import FitOptions, fit

    config = get_preset(args.preset, **({"loss": args.loss} if args.loss else {}))
    dataset = _load_dataset(args)
    precision = resolve_precision(args.precision)
    print(f"training arithmetic: {precision}")
    options = FitOptions(
        run_dir=args.run_dir,
        epochs=args.epochs or config.epochs,
        batch_size=args.batch_size or config.batch_size,
        learning_rate=args.learning_rate or config.learning_rate,
        augment=AUGMENT_PRESETS[args.augment]() if args.augment else AugmentConfig.report(),
        equalize=args.equalize,
        patience=args.patience,
        seed=args.seed,
        multi_gpu=args.multi_gpu,
        verbose=2 if args.quiet else 1,
        cosine_decay=args.cosine,
        foreground_name=args.foreground_name or ("pet" if args.oxford else "foreground"),
        steps_per_epoch=args.steps_per_epoch,
        low_res_epochs=args.low_res_epochs,
        low_res_scale=args.low_res_scale,
        mid_res_epochs=args.mid_res_epochs,
        mid_res_scale=args.mid_res_scale,
        precision=precision,
        ema_momentum=args.ema,
    )
    history = fit(config, dataset, options)
    if history.get("val_accuracy"):
        print(
            f"final pixel accuracy: train {history['accuracy'][-1]:.3f}, "
            f"validation {history['val_accuracy'][-1]:.3f}"
        )
    print(f"run folder: {args.run_dir}")
    return 0


def _evaluate(args) -> int:
    from softfocus.training.evaluate import evaluate_model, format_table

    dataset = _load_dataset(args)
    samples = {
        "validation": dataset.validation,
        "test": dataset.test or dataset.validation,
        "all": dataset.train + dataset.validation + dataset.test,
    }[args.split]
    scores = evaluate_model(args.model, samples, dataset.border_is_foreground)
    print(format_table(scores))
    target = args.json or args.model.with_name(f"{args.model.stem}.eval-{args.split}.json")
    target.write_text(json.dumps(scores, indent=2))
    print(f"scores saved to {target}")
    return 0


def _export(args) -> int:
    import keras

    from softfocus.model.presets import UNetConfig
    from softfocus.training.export import contract_for, export_onnx
    from softfocus.training.losses import CUSTOM_OBJECTS
    from softfocus.training.precision import as_float32

    config_path = args.model.parent / "config.json"
    if not args.model.is_file() or not config_path.is_file():
        raise DatasetError(
            f"{args.model} is not a run folder's model.keras (needs config.json beside it); "
            "train one with `softfocus-train fit`."
        )
    run = json.loads(config_path.read_text())
    preset = dict(run["preset"], filters=tuple(run["preset"]["filters"]))
    config = UNetConfig(**preset)
    model = as_float32(keras.models.load_model(args.model, custom_objects=CUSTOM_OBJECTS))
    contract = contract_for(
        config,
        run.get("foreground_name", "foreground"),
        args.name,
        args.description,
        run.get("equalize", False),
        {"data": run.get("data", "")},
    )
    if args.input_size:
        contract = _with_input_size(contract, args.input_size)
    if args.logit_scale != 1.0:
        scale_logits(model, config, args.logit_scale)
        extra = dict(contract.extra, logit_scale=args.logit_scale)
        contract = dataclasses.replace(contract, extra=extra)
    if not args.int8:
        difference = export_onnx(model, contract, args.output)
        print(f"wrote {args.output} (parity: max |keras - onnx| = {difference:.1e})")
        return 0
    if args.calibration is None or not args.calibration.is_dir():
        raise ExportError(
            "--int8 needs --calibration: a folder of images like those the model was trained "
            f"on (got {args.calibration})."
        )
    import tempfile

    from softfocus.training.quantize import QuantizeError, calibration_and_check, quantize_int8

    with tempfile.TemporaryDirectory() as scratch:
        fp32 = Path(scratch) / "fp32.onnx"
        difference = export_onnx(model, contract, fp32)
        try:
            calibration, check = calibration_and_check(args.calibration, contract)
            report = quantize_int8(fp32, args.output, calibration, check)
        except QuantizeError as error:
            raise ExportError(str(error)) from None
    print(
        f"wrote {args.output} (parity: max |keras - onnx| = {difference:.1e}; int8 against "
        f"float on {report.check_images} images: mask agreement {report.agreement:.3f}, "
        f"mean |difference| {report.mean_difference:.4f})"
    )
    return 0


def scale_logits(model, config, scale: float) -> None:
    """Multiplies the sigmoid head's logits by ``scale`` (its 1×1 convs' kernels and biases,
    in place): what a temperature does, exactly, since only linear steps follow them (the
    resize, and a sub-pixel head's depth-to-space and sum)."""
    if config.head != HEAD_SIGMOID:
        raise ExportError("--logit-scale needs a sigmoid head (a foreground-probability model).")
    if not 0.1 <= scale <= 10.0:
        raise ExportError(f"--logit-scale must be between 0.1 and 10, not {scale}.")
    for layer in model.layers:
        if layer.name in ("head_logits", "head_detail"):  # the sub-pixel head's logits too
            kernel, bias = layer.get_weights()
            layer.set_weights([kernel * scale, bias * scale])


def _with_input_size(contract, text: str):
    """The contract with another pixel budget; only a flexible model may change it."""
    try:
        width, height = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise ExportError(f"--input-size must look like 288x160, not {text!r}.") from None
    if not contract.input_stride:
        raise ExportError(
            "--input-size needs a flexible-input model; this preset's graph has a fixed shape."
        )
    stride = contract.input_stride
    if width % stride or height % stride:
        raise ExportError(f"--input-size must be multiples of the model's stride {stride}.")
    return dataclasses.replace(contract, input_width=width, input_height=height)


def _fit_problem(args) -> str | None:
    """What is wrong with the fit options, said before any data is read."""
    for phase in ("low", "mid"):
        epochs, scale = getattr(args, f"{phase}_res_epochs"), getattr(args, f"{phase}_res_scale")
        if epochs < 0:
            return f"--{phase}-res-epochs must be 0 or more"
        if not 0.25 <= scale <= 1.0:
            return f"--{phase}-res-scale must be between 0.25 and 1, not {scale:g}"
    preset = get_preset(args.preset)
    if args.mid_res_epochs and not preset.flexible_input:
        return f"--mid-res-epochs needs a flexible-input preset; {args.preset!r} has a fixed input"
    if args.low_res_epochs and not preset.flexible_input:
        return f"--low-res-epochs needs a flexible-input preset; {args.preset!r} has a fixed input"
    if args.loss and preset.head != HEAD_SIGMOID:
        return f"--loss is for sigmoid-head presets; {args.preset!r} has a softmax head"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "fit" and (problem := _fit_problem(args)):
        parser.error(problem)
    try:
        commands = {"fit": _fit, "evaluate": _evaluate, "export": _export, "import": _import}
        return commands[args.command](args)
    except (DatasetError, ModelContractError, ExportError, ModelImportError) as error:
        print(f"softfocus-train: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
