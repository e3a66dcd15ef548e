"""The ``softfocus`` command: the GUI by default, ``process`` for headless work.

User mistakes end with one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from softfocus.app.blur import MAX_KERNEL_PX, MIN_KERNEL_PX
from softfocus.app.errors import SoftfocusError
from softfocus.app.frame_source import VIDEO_SUFFIXES
from softfocus.app.paths import DEFAULT_MODEL_PATH
from softfocus.app.settings import EFFECTS, MAX_FEATHER_PX, PipelineSettings
from softfocus.model.contract import ModelContractError

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
MAX_THREADS = 64


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="softfocus",
        description="Real-time background blur and replacement for your webcam.",
    )
    parser.add_argument("--source", help="video file, image, or camera index instead of camera 0")
    parser.add_argument("--model", type=Path, help="a Softfocus .onnx model (default: bundled)")
    parser.add_argument("--settings", type=Path, help="settings file (default: per-user config)")
    parser.add_argument("--threads", type=int, default=2, help="inference threads (default 2)")
    parser.add_argument(
        "--tray",
        action="store_true",
        help="start in the system tray, window hidden (where the desktop has a tray)",
    )
    parser.add_argument(
        "--install-desktop-entry",
        action="store_true",
        help="add Softfocus to the Linux application launcher, then exit",
    )
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
    process.add_argument(
        "--no-cleanup", action="store_true", help="keep mask specks away from the person"
    )
    process.add_argument(
        "--plain-blur", action="store_true", help="blur the whole frame (halos round the person)"
    )
    process.add_argument(
        "--no-edge-colour", action="store_true", help="replace: keep the old edge colours"
    )
    process.add_argument(
        "--light-wrap", type=float, default=0.5, help="replace: backdrop light on edges (0-1)"
    )
    process.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def clamp_notices(args: argparse.Namespace, settings: PipelineSettings) -> list[str]:
    """One line for each value that was out of range and replaced by the nearest valid one."""
    notices = []
    if settings.kernel_size_px != args.kernel:
        notices.append(
            f"--kernel {args.kernel} is not an odd size from {MIN_KERNEL_PX} to "
            f"{MAX_KERNEL_PX} px; using {settings.kernel_size_px}."
        )
    if settings.feather_px != args.feather:
        notices.append(
            f"--feather {args.feather:g} is outside 0 to {MAX_FEATHER_PX:g} px; "
            f"using {settings.feather_px:g}."
        )
    if settings.light_wrap != args.light_wrap:
        notices.append(
            f"--light-wrap {args.light_wrap:g} is outside 0 to 1; using {settings.light_wrap:g}."
        )
    threads = args.process_threads or args.threads
    if not 1 <= threads <= MAX_THREADS:
        notices.append(f"--threads {threads} is outside 1 to {MAX_THREADS}; using 1.")
    return notices


def _run_process(args: argparse.Namespace) -> int:
    from softfocus.app.process_command import Interrupted, ProcessJob, run_process, written_path

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
        halo_free=not args.plain_blur,
        cleanup=not args.no_cleanup,
        skip_still=False,  # a file gets the model on every frame: quality over CPU here
        edge_colour=not args.no_edge_colour,
        light_wrap=args.light_wrap,
    )
    for notice in clamp_notices(args, settings):
        print(f"softfocus: note: {notice}", file=sys.stderr)
    threads = args.process_threads or args.threads
    job = ProcessJob(
        input_path=args.input,
        output_path=args.output,
        settings=settings,
        model_path=args.process_model or args.model or DEFAULT_MODEL_PATH,
        num_threads=threads if 1 <= threads <= MAX_THREADS else 1,
        show_progress=not args.quiet,
    )
    try:
        count = run_process(job)
    except Interrupted as stop:
        print(f"\nsoftfocus: {stop} (a partial video)", file=sys.stderr)
        return EXIT_INTERRUPTED
    unit = "frame(s)" if args.input.suffix.lower() in VIDEO_SUFFIXES else "image(s)"
    print(f"softfocus: wrote {count} {unit} to {written_path(job)}")
    return 0


def _run_gui(args: argparse.Namespace) -> int:
    try:
        from softfocus.app.ui.main import run_gui
    except ImportError as error:
        raise SoftfocusError(f"The GUI cannot start: {error}. Reinstall with `make run`.") from None
    return run_gui(args)


def main(argv: list[str] | None = None) -> int:
    # FFmpeg's own log lines ("moov atom not found") would stand beside our one-line message
    # about the same file; the app reports unreadable videos itself. Read by OpenCV when its
    # FFmpeg backend first opens a file, so setting it here is in time.
    os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "process":
            return _run_process(args)
        if args.install_desktop_entry:
            from softfocus.app.desktop_entry import install_desktop_entry

            print(f"softfocus: launcher entry written to {install_desktop_entry()}")
            return 0
        return _run_gui(args)
    except (SoftfocusError, ModelContractError) as error:
        print(f"softfocus: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as error:
        # A folder that cannot be created, a full disk, a read-only output: the OS's own
        # words name the file and the reason.
        reason = error.strerror or str(error)
        where = f" ({error.filename})" if error.filename else ""
        print(
            f"softfocus: error: {reason}{where}; check the path and its permissions.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
