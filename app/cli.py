"""The ``softfocus`` command: the GUI by default, ``process`` for headless work.

User mistakes end with one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from softfocus.app.errors import SoftfocusError
from softfocus.app.paths import DEFAULT_MODEL_PATH
from softfocus.app.settings import EFFECTS, PipelineSettings
from softfocus.model.contract import ModelContractError

EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="softfocus",
        description="Real-time background blur and replacement for your webcam.",
    )
    parser.add_argument("--source", help="video file, image, or camera index instead of camera 0")
    parser.add_argument("--model", type=Path, help="a Softfocus .onnx model (default: bundled)")
    parser.add_argument("--settings", type=Path, help="settings file (default: per-user config)")
    parser.add_argument("--threads", type=int, default=2, help="inference threads (default 2)")
    sub = parser.add_subparsers(dest="command")
    process = sub.add_parser(
        "process",
        help="apply an effect to an image, a video or a folder of images",
        description="Apply an effect to an image, a video or a folder of images, without a GUI.",
    )
    process.add_argument("input", type=Path, help="image, video, or folder of images")
    process.add_argument("-o", "--output", type=Path, required=True, help="output file or folder")
    process.add_argument("--effect", default="blur", help=f"one of {', '.join(EFFECTS)}")
    process.add_argument("--kernel", type=int, default=31, help="blur kernel size in px (1-151)")
    process.add_argument("--backdrop", help="image to put behind the person (--effect replace)")
    process.add_argument("--model", type=Path, dest="process_model", help="a Softfocus .onnx")
    process.add_argument("--threads", type=int, dest="process_threads", help="inference threads")
    process.add_argument("--no-smoothing", action="store_true", help="turn temporal smoothing off")
    process.add_argument("--feather", type=float, default=2.0, help="edge feathering in px (0=off)")
    process.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def _run_process(args: argparse.Namespace) -> int:
    from softfocus.app.process_command import ProcessJob, run_process

    if args.effect.lower() not in EFFECTS:
        raise SoftfocusError(f"Unknown effect {args.effect!r}; choose one of {', '.join(EFFECTS)}.")
    if args.effect.lower() == "replace" and not args.backdrop:
        raise SoftfocusError("--effect replace needs --backdrop IMAGE (the new background).")
    settings = PipelineSettings(
        effect=args.effect,
        kernel_size_px=args.kernel,
        backdrop_path=args.backdrop,
        smoothing=0.0 if args.no_smoothing else 0.6,
        feather_px=args.feather,
    )
    job = ProcessJob(
        input_path=args.input,
        output_path=args.output,
        settings=settings,
        model_path=args.process_model or args.model or DEFAULT_MODEL_PATH,
        num_threads=args.process_threads or args.threads,
        show_progress=not args.quiet,
    )
    count = run_process(job)
    print(f"softfocus: wrote {count} frame(s) to {args.output}")
    return 0


def _run_gui(args: argparse.Namespace) -> int:
    try:
        from softfocus.app.ui.main import run_gui
    except ImportError as error:
        raise SoftfocusError(f"The GUI cannot start: {error}. Reinstall with `make run`.") from None
    return run_gui(args)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "process":
            return _run_process(args)
        return _run_gui(args)
    except (SoftfocusError, ModelContractError) as error:
        print(f"softfocus: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
