"""One command from nothing to the shipped person model: ``scripts/dev.sh person-model``.

prepare (teacher venv) → fit the realtime preset (this venv, CPU, fixed seed) → export to
assets/models/person.onnx → evaluate on the held-out people against MediaPipe (teacher venv).
Each step is skipped when its output exists, unless --force; a killed fit resumes.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEACHER_VENV = ROOT / ".venv-teacher"
TEACHER_PACKAGES = ["mediapipe==0.10.14", "openpeople==0.1.2", "onnxruntime", "opencv-python"]


def run(command: list, **kwargs) -> None:
    print("+", " ".join(str(c) for c in command), flush=True)
    subprocess.run([str(c) for c in command], check=True, cwd=ROOT, **kwargs)


def teacher_python() -> Path:
    """The teacher's own venv: mediapipe pins protobuf<5, which TensorFlow cannot share."""
    python = TEACHER_VENV / "bin" / "python"
    if not python.exists():
        run(["python3", "-m", "venv", TEACHER_VENV])
    check = subprocess.run(
        [python, "-c", "import mediapipe, openpeople, onnxruntime"], capture_output=True
    )
    if check.returncode != 0:
        run([python, "-m", "pip", "install", "-q", *TEACHER_PACKAGES])
    return python


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("data/people"))
    parser.add_argument("--run-dir", type=Path, default=Path("runs/person"))
    parser.add_argument("--output", type=Path, default=Path("assets/models/person.onnx"))
    parser.add_argument("--composites", type=int, default=6000)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--steps-per-epoch", type=int, default=400)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--force", action="store_true", help="redo every step")
    args = parser.parse_args(argv)
    python = teacher_python()
    if args.force or not (args.data / "manifest.json").exists():
        run(
            [
                python,
                "-m",
                "training.people.prepare",
                "--out",
                args.data,
                "--composites",
                args.composites,
                "--seed",
                args.seed,
            ]
        )
    if args.force and args.run_dir.exists():
        import shutil

        shutil.rmtree(args.run_dir)
    run(
        [
            sys.executable,
            "-m",
            "training",
            "fit",
            "--preset",
            "realtime",
            "--masks",
            args.data / "train",
            "--mask-kind",
            "alpha",
            "--validation-split",
            "0.05",
            "--seed",
            args.seed,
            "--run-dir",
            args.run_dir,
            "--epochs",
            args.epochs,
            "--steps-per-epoch",
            args.steps_per_epoch,
            "--batch-size",
            args.batch_size,
            "--augment",
            "default",
            "--foreground-name",
            "person",
            "--cosine",
            "--quiet",
        ]
    )
    run(
        [
            sys.executable,
            "-m",
            "training",
            "export",
            args.run_dir / "model.keras",
            "-o",
            args.output,
            "--name",
            "softfocus-person",
            "--description",
            "Slim U-Net (realtime preset) for people on webcam video",
        ]
    )
    run(
        [
            python,
            "-m",
            "training.people.evaluate_heldout",
            "--model",
            args.output,
            "--data",
            args.data / "heldout",
            "--json",
            args.run_dir / "heldout.json",
        ]
    )
    if args.force or not Path("assets/demo.mp4").exists():
        run([python, "-m", "training.people.demo_clip", "--out", "assets/demo.mp4"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
