"""Where bundled assets live, resolved from the source tree (no global state)."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ASSETS_DIR = PROJECT_ROOT / "assets"
DEFAULT_MODEL_PATH = ASSETS_DIR / "models" / "person.onnx"
DEMO_CLIP_PATH = ASSETS_DIR / "demo.mp4"
BACKDROPS_DIR = ASSETS_DIR / "backdrops"
