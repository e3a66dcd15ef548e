"""Load weights trained by search.py into the TensorFlow person U-Net and write a run folder
that ``softfocus-train export`` takes (``model.keras`` and ``config.json``).

    python scripts/gpu_search/import_weights.py OUT/long2.weights.h5 runs/gpu_long2 \\
        [--overrides '{"filters": [24, 32, 56, 96]}']
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict, replace
from pathlib import Path

from softfocus.model.presets import get_preset
from softfocus.model.unet import build_unet


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("weights", type=Path)
    parser.add_argument("run_dir", type=Path)
    parser.add_argument("--preset", default="person_wide", help="as the search config's")
    parser.add_argument("--overrides", default="{}", help="JSON, as search.py's CONFIGS")
    args = parser.parse_args(argv)
    overrides = {
        k: tuple(v) if isinstance(v, list) else v for k, v in json.loads(args.overrides).items()
    }
    config = replace(get_preset(args.preset), **overrides)
    model = build_unet(config)
    model.load_weights(args.weights)
    args.run_dir.mkdir(parents=True, exist_ok=True)
    model.save(args.run_dir / "model.keras")
    run = {"preset": asdict(config), "foreground_name": "person", "data": "scripts/gpu_search"}
    (args.run_dir / "config.json").write_text(json.dumps(run, indent=1))
    print(f"wrote {args.run_dir / 'model.keras'} ({model.count_params()} parameters)")


if __name__ == "__main__":
    main()
