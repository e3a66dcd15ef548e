"""benchmarks/frame_against.py reads the right row and unpacks an earlier tree importably."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

_ROOT = Path(__file__).resolve().parent.parent
_SPEC = importlib.util.spec_from_file_location(
    "benchmark_frame_against", _ROOT / "benchmarks" / "frame_against.py"
)
frame_against = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(frame_against)

TABLE = """\
     size kernel | segment refine   blur  blend | compose  total | baseline speed-up | blur
-------------------------------------------------------------------------------------------
 640x480      51 |    3.91   4.46   0.71   0.59 |    5.80   9.71 |     8.82     1.5x | halo-free
1280x720      21 |    3.81   3.93   1.09   1.46 |    6.50  10.30 |    13.46     2.1x | halo-free
1280x720      51 |    3.70   4.24   1.22   1.56 |    7.02  10.73 |    27.29     3.9x | halo-free
1280x720      51 |    3.71   4.18   0.58   1.59 |    6.38  10.09 |    27.29     4.3x | plain
"""


def test_the_whole_frame_is_the_first_1280x720_kernel_51_total():
    assert frame_against.whole_frame_ms(TABLE) == 10.73


def test_a_table_without_that_row_is_an_error_not_a_zero():
    with pytest.raises(ValueError, match="1280x720"):
        frame_against.whole_frame_ms(TABLE.replace("1280x720      51", "1280x720      31"))


def test_an_earlier_tree_imports_as_softfocus_from_its_own_files(tmp_path):
    if subprocess.run(
        ["git", "-C", str(_ROOT), "rev-parse", "HEAD"], capture_output=True
    ).returncode:
        pytest.skip("not a git clone: nothing to archive")
    tree = frame_against.unpack("HEAD", tmp_path)
    found = subprocess.run(
        [sys.executable, "-c", "import softfocus.app.pipeline as p; print(p.__file__)"],
        env={"PYTHONPATH": str(tmp_path / "path")},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(found).resolve().is_relative_to(tree.resolve())
