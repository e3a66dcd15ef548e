import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from softfocus.app.cli import main
from tests.fakes import person_frame, write_clip

ROOT = Path(__file__).resolve().parent.parent


def count_frames(path):
    capture = cv2.VideoCapture(str(path))
    count = 0
    size = None
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        size = frame.shape[:2]
        count += 1
    fps = capture.get(cv2.CAP_PROP_FPS)
    capture.release()
    return count, size, fps


def test_process_video_keeps_frame_count_size_and_fps(tiny_model, clip_path, tmp_path):
    out = tmp_path / "out.mp4"
    assert (
        main(["process", str(clip_path), "-o", str(out), "--model", str(tiny_model), "--quiet"])
        == 0
    )
    count, size, fps = count_frames(out)
    assert count == 12
    assert size == (120, 160)
    assert fps == pytest.approx(15, abs=0.5)


def test_process_image_blurs_background_and_keeps_person(tiny_model, tmp_path):
    frame, truth = person_frame(160, 120)
    source = tmp_path / "in.png"
    cv2.imwrite(str(source), frame)
    out = tmp_path / "out.png"
    args = ["process", str(source), "-o", str(out), "--model", str(tiny_model), "--kernel", "31"]
    assert main([*args, "--no-smoothing", "--feather", "0"]) == 0
    result = cv2.imread(str(out))
    inside = truth.astype(bool)
    inside[:, :] &= cv2.erode(truth, np.ones((9, 9), np.uint8)).astype(bool)
    assert np.abs(result[inside].astype(int) - frame[inside]).mean() < 3
    # The noisy background is smoothed: far less pixel-to-pixel variation.
    background = result[: 120 // 4 - 5]
    assert (
        np.abs(np.diff(background.astype(int), axis=1)).mean()
        < 0.5 * np.abs(np.diff(frame[: 120 // 4 - 5].astype(int), axis=1)).mean()
    )


def test_process_folder_writes_one_mask_png_per_input(tiny_model, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(3):
        cv2.imwrite(str(folder / f"shot{i}.jpg"), person_frame(96, 64, shift=i)[0])
    (folder / "notes.txt").write_text("ignored")
    out = tmp_path / "out"
    assert (
        main(
            [
                "process",
                str(folder),
                "-o",
                str(out),
                "--effect",
                "mask",
                "--model",
                str(tiny_model),
                "--quiet",
            ]
        )
        == 0
    )
    written = sorted(p.name for p in out.iterdir())
    assert written == ["shot0.png", "shot1.png", "shot2.png"]
    mask = cv2.imread(str(out / "shot0.png"), cv2.IMREAD_UNCHANGED)
    assert mask.ndim == 2 and mask.shape == (64, 96)


def test_process_replace_uses_backdrop(tiny_model, tmp_path):
    frame, _truth = person_frame(160, 120)
    source = tmp_path / "in.png"
    cv2.imwrite(str(source), frame)
    backdrop = tmp_path / "green.png"
    cv2.imwrite(str(backdrop), np.full((50, 50, 3), (0, 255, 0), np.uint8))
    out = tmp_path / "out.png"
    assert (
        main(
            [
                "process",
                str(source),
                "-o",
                str(out),
                "--effect",
                "replace",
                "--backdrop",
                str(backdrop),
                "--model",
                str(tiny_model),
            ]
        )
        == 0
    )
    result = cv2.imread(str(out))
    assert result[5, 5].tolist() == [0, 255, 0]


def run_cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "softfocus.app", *args], cwd=ROOT, capture_output=True, text=True
    )


@pytest.mark.parametrize(
    ("make_args", "message"),
    [
        (
            lambda d, m: ["process", str(d / "missing.mp4"), "-o", str(d / "o.mp4"), "--model", m],
            "does not exist",
        ),
        (
            lambda d, m: [
                "process",
                str(d / "in.png"),
                "-o",
                str(d / "o.png"),
                "--effect",
                "sparkle",
                "--model",
                m,
            ],
            "Unknown effect",
        ),
        (
            lambda d, m: [
                "process",
                str(d / "in.png"),
                "-o",
                str(d / "o.png"),
                "--effect",
                "replace",
                "--backdrop",
                str(d / "corrupt.png"),
                "--model",
                m,
            ],
            "not a readable image",
        ),
        (
            lambda d, m: [
                "process",
                str(d / "in.png"),
                "-o",
                str(d / "o.png"),
                "--model",
                str(d / "corrupt.png"),
            ],
            "not a loadable ONNX model",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line_and_no_traceback(tiny_model, tmp_path, make_args, message):
    cv2.imwrite(str(tmp_path / "in.png"), person_frame(64, 48)[0])
    (tmp_path / "corrupt.png").write_bytes(b"garbage")
    result = run_cli(*make_args(tmp_path, str(tiny_model)))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and message in lines[0], result.stderr


def test_one_by_one_image_is_processed(tiny_model, tmp_path):
    for name, shape in (("one.png", (1, 1, 3)), ("two-by-three.png", (2, 3, 3))):
        cv2.imwrite(str(tmp_path / name), np.full(shape, 200, np.uint8))
        out = tmp_path / f"out-{name}"
        result = run_cli("process", str(tmp_path / name), "-o", str(out), "--model", tiny_model)
        assert result.returncode == 0, result.stderr
        assert cv2.imread(str(out)).shape == shape


def test_unknown_output_extension_fails_before_any_work(tiny_model, tmp_path):
    cv2.imwrite(str(tmp_path / "in.png"), person_frame(64, 48)[0])
    result = run_cli(
        "process", str(tmp_path / "in.png"), "-o", str(tmp_path / "out.xyz"), "--model", tiny_model
    )
    assert result.returncode == 2
    assert result.stderr.strip().startswith("softfocus: error: Cannot write images named")
    assert "Traceback" not in result.stderr
    assert not list(tmp_path.glob("out*")) and not list(tmp_path.glob(".out*"))


@pytest.mark.parametrize(("kernel", "used"), [("0", "1"), ("-5", "1"), ("100000", "151")])
def test_clamped_kernel_is_reported_once(tiny_model, tmp_path, kernel, used):
    cv2.imwrite(str(tmp_path / "in.png"), person_frame(64, 48)[0])
    result = run_cli(
        "process", str(tmp_path / "in.png"), "-o", str(tmp_path / "o.png"),
        "--model", tiny_model, "--kernel", kernel,
    )  # fmt: skip
    assert result.returncode == 0
    notes = [line for line in result.stderr.splitlines() if "note:" in line]
    assert notes == [
        f"softfocus: note: --kernel {kernel} is not an odd size from 1 to 151 px; using {used}."
    ]


def test_ctrl_c_during_a_video_keeps_a_playable_partial_output(tiny_model, tmp_path):
    import signal

    clip = write_clip(tmp_path / "long.avi", frames=400, width=320, height=240, fps=30)
    out = tmp_path / "out.avi"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "softfocus.app",
            "process",
            str(clip),
            "-o",
            str(out),
            "--model",
            str(tiny_model),
        ],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
        # A suite started in the background (`nohup … &`) hands its children an ignored
        # SIGINT, and Python then installs no KeyboardInterrupt: give Ctrl+C back its default.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    seen = ""
    while "frames [" not in seen:  # the progress bar: frames are being written
        seen += process.stderr.read(1)
        assert process.poll() is None, seen
    process.send_signal(signal.SIGINT)
    rest = process.communicate(timeout=10)[1]
    assert process.returncode == 130
    assert "Traceback" not in rest and "partial" in rest
    count, size, _fps = count_frames(out)
    assert 0 < count < 400 and size == (240, 320)
    assert not list(tmp_path.glob(".*part*"))
