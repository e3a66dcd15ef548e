"""The whole frame against an earlier commit's, on the same machine, in alternating rounds.

    python benchmarks/frame_against.py [--commit dbc01a4] [--rounds 2] [--frames 150]

Issue 8's speed target, "the whole frame at 1280×720, kernel 51, in benchmarks/pipeline.py
≤ 6 ms (5.3 ms today)", was set on a machine about twice as fast as some of the 2-core
machines the project runs on, where the same code takes 10–11 ms. An absolute figure then
says more about the machine than the code. This runs the earlier commit's own
``benchmarks/pipeline.py`` (its app, its bundled model) and this tree's, round after round,
and prints each one's 1280×720, kernel 51 frame (the default halo-free blur where the commit
has it) and the ratio of the medians: the target reads as at most 6 / 5.3 = 1.13× the frame
of the commit it was set on. The default commit is the last one before issue 8's work began.

The earlier tree is unpacked with ``git archive`` into a temporary folder and imported as
``softfocus`` from there, so this needs the repository's history (a clone, not an export).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BEFORE_ISSUE_8 = "dbc01a4"  # the last commit before issue 8 (the person model on real people)
TARGET_RATIO = 6.0 / 5.3  # issue 8: ≤ 6 ms where that commit's frame took 5.3 ms
PACKAGES = ("app", "model", "training", "assets")
_ROW = re.compile(r"^\s*1280x720\s+51\s+\|.*?\|\s+[\d.]+\s+([\d.]+)\s+\|")


def whole_frame_ms(output: str) -> float:
    """The 1280×720, kernel 51 'total' of pipeline.py's table: its first such row, which is
    the halo-free blur where the table has both."""
    for line in output.splitlines():
        match = _ROW.match(line)
        if match:
            return float(match.group(1))
    raise ValueError("no 1280x720, kernel 51 row in the benchmark's output")


def unpack(commit: str, into: Path) -> Path:
    """The commit's tree under ``into/tree``, and ``into/path/softfocus`` pointing at its
    packages (the layout an editable install gives ``softfocus.*``); returns the tree."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", commit],
        check=True,
        capture_output=True,
    ).stdout
    tree = into / "tree"
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(tree, filter="data")
    package = into / "path" / "softfocus"
    package.mkdir(parents=True)
    for name in PACKAGES:
        if (tree / name).is_dir():
            (package / name).symlink_to(tree / name, target_is_directory=True)
    return tree


def run_pipeline(tree: Path, frames: int, python_path: Path | None) -> float:
    env = dict(os.environ)
    if python_path is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(python_path), env.get("PYTHONPATH")]))
    result = subprocess.run(
        [sys.executable, "benchmarks/pipeline.py", "--frames", str(frames)],
        cwd=tree,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return whole_frame_ms(result.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commit", default=BEFORE_ISSUE_8)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--frames", type=int, default=150)
    args = parser.parse_args()
    try:
        before, now = compare(args.commit, args.rounds, args.frames)
    except subprocess.CalledProcessError as error:
        stderr = error.stderr.decode() if isinstance(error.stderr, bytes) else error.stderr or ""
        tail = "\n".join(stderr.strip().splitlines()[-5:])
        raise SystemExit(
            f"frame_against: {' '.join(map(str, error.cmd))} failed:\n{tail}"
        ) from None
    ratio = statistics.median(now) / statistics.median(before)
    verdict = "met" if ratio <= TARGET_RATIO else "missed"
    print(
        f"1280x720, kernel 51, whole frame: {statistics.median(now):.2f} ms against "
        f"{args.commit}'s {statistics.median(before):.2f} ms on this machine: {ratio:.2f}x "
        f"(issue 8's 6 ms against 5.3 ms: at most {TARGET_RATIO:.2f}x, {verdict})"
    )


def compare(commit: str, rounds: int, frames: int) -> tuple[list[float], list[float]]:
    """Each round's whole frame for ``commit`` and for this tree, in turns."""
    with tempfile.TemporaryDirectory(prefix="softfocus-before-") as scratch:
        before_tree = unpack(commit, Path(scratch))
        before, now = [], []
        for round_ in range(1, rounds + 1):
            before.append(run_pipeline(before_tree, frames, Path(scratch) / "path"))
            now.append(run_pipeline(ROOT, frames, None))
            print(
                f"round {round_}: {commit} {before[-1]:.2f} ms, this tree {now[-1]:.2f} ms "
                f"({now[-1] / before[-1]:.2f}x)",
                flush=True,
            )
    return before, now


if __name__ == "__main__":
    main()
