"""The installed distribution: its own import names, and everything the app needs inside."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_installs_only_the_softfocus_namespace_with_its_assets(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = wheels.glob("softfocus-*.whl")
    fresh = tmp_path / "fresh"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(fresh)], check=True)
    python = fresh / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps",
         str(wheel)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    top_level = {p.name for p in site.iterdir() if not p.name.endswith(".dist-info")}
    assert "softfocus" in top_level
    assert not top_level & {"app", "model", "training", "assets", "tests"}, top_level
    # Importable from anywhere, with the bundled model and demo clip found inside the wheel;
    # the dependencies come from this test environment (installed with --no-deps above).
    check = (
        "import importlib.util as u, softfocus.app.paths as p;"
        "assert p.DEFAULT_MODEL_PATH.is_file() and p.DEMO_CLIP_PATH.is_file(), p.ASSETS_DIR;"
        f"assert str(p.ASSETS_DIR).startswith({str(site)!r}), p.ASSETS_DIR;"
        "assert u.find_spec('app') is None and u.find_spec('training') is None"
    )
    env = {**os.environ, "PYTHONPATH": sysconfig.get_paths()["purelib"]}
    subprocess.run([str(python), "-c", check], check=True, cwd=tmp_path, env=env)


def test_desktop_entry_points_at_the_command_and_installs_the_icon(tmp_path, monkeypatch):
    if not sys.platform.startswith("linux"):
        pytest.skip("freedesktop launchers are Linux's")
    from softfocus.app.desktop_entry import install_desktop_entry

    entry = install_desktop_entry(tmp_path)
    text = entry.read_text()
    assert entry == tmp_path / "applications" / "softfocus.desktop"
    assert "Exec=" in text and "softfocus" in text.split("Exec=")[1].splitlines()[0]
    assert (tmp_path / "icons" / "hicolor" / "scalable" / "apps" / "softfocus.svg").is_file()
