"""Rendering quality, measured: halo error of the blur and edge error of replacement.

    python benchmarks/rendering.py [--sheet runs/rendering/contact-sheet.png]

People are pasted on background plates with a known alpha, so the ideal output is known
exactly: the person over ``blur(plate)`` (blur) or over the backdrop (replace). Rendering gets
the true alpha, which isolates rendering from segmentation. Reported, in grey levels (mean
absolute difference over B, G and R):

* **blur halo error**, in the band 2–30 px outside the silhouette, for the plain whole-frame
  blur and the halo-free one, at kernels 31, 51 and 101;
* **replacement edge error**, in the soft edge band (0 < α < 1), for the plain blend, edge
  colour alone, light wrap alone, and both (the default).

People: openpeople's studio portraits (synthetic people, MIT), cut out once by the bundled
person model and the app's refine chain; that cut-out *defines* the true alpha of every
composite, so it need not be perfect. Plates: the built-in backdrops and flat walls whose
colours contrast with clothes and hair. A contact sheet of before/after crops is written.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from softfocus.app.backdrops import BUILTIN_BACKDROPS, render_builtin
from softfocus.app.compositor import Compositor
from softfocus.app.mask_refine import MaskRefiner
from softfocus.app.paths import DEFAULT_MODEL_PATH
from softfocus.app.segmenter import Segmenter
from softfocus.app.settings import PipelineSettings

WIDTH, HEIGHT = 1280, 720
KERNELS = (31, 51, 101)
BAND_PX = (2, 30)
WALLS_BGR = ((245, 245, 245), (40, 40, 40), (60, 170, 230))  # white, charcoal, warm orange


def people(count: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """(photo_bgr, alpha) pairs at 1280×720, alpha from the bundled model + refine chain."""
    try:
        import openpeople
    except ImportError:
        raise SystemExit("openpeople is not installed: run `scripts/dev.sh test` first.") from None
    root = Path(openpeople.__file__).parent / "data" / "curated"
    paths = sorted(root.glob("P0*/assets/studio_portrait.jpg"))[:count]
    settings = PipelineSettings(smoothing=0.0, feather_px=1.5)
    found = []
    with Segmenter(DEFAULT_MODEL_PATH) as segmenter:
        for path in paths:
            photo = fit(cv2.imread(str(path)))
            alpha = MaskRefiner().refine(segmenter.process_lowres(photo), settings, frame_bgr=photo)
            alpha = cv2.resize(alpha, (WIDTH, HEIGHT), interpolation=cv2.INTER_LINEAR)
            found.append((photo, alpha))
    return found


def fit(image: np.ndarray) -> np.ndarray:
    """Scale a portrait to 720 px high and centre it on a 1280-wide canvas (edges repeated)."""
    scale = HEIGHT / image.shape[0]
    resized = cv2.resize(image, (round(image.shape[1] * scale), HEIGHT))
    pad = max(0, WIDTH - resized.shape[1])
    canvas = cv2.copyMakeBorder(resized, 0, 0, pad // 2, pad - pad // 2, cv2.BORDER_REPLICATE)
    return canvas[:, :WIDTH]


def plates() -> list[np.ndarray]:
    walls = [np.full((HEIGHT, WIDTH, 3), colour, np.uint8) for colour in WALLS_BGR]
    return walls + [render_builtin(name, WIDTH, HEIGHT) for name in BUILTIN_BACKDROPS]


def blend(foreground: np.ndarray, background: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    a = alpha[..., None]
    return foreground.astype(np.float32) * a + background.astype(np.float32) * (1 - a)


def outside_band(alpha: np.ndarray) -> np.ndarray:
    """Pixels 2–30 px outside the silhouette (α > ½)."""
    outside = (alpha <= 0.5).astype(np.uint8)
    distance = cv2.distanceTransform(outside, cv2.DIST_L2, 5)
    return (distance >= BAND_PX[0]) & (distance <= BAND_PX[1])


def error(out: np.ndarray, ideal: np.ndarray, band: np.ndarray) -> float:
    return float(np.abs(out.astype(np.float32) - ideal)[band].mean())


def crop(image: np.ndarray, alpha: np.ndarray, size: int = 240) -> np.ndarray:
    """A square across the side of the head, half person, half background: where halos and
    fringes show most."""
    rows, cols = np.nonzero(alpha > 0.5)
    head = rows < rows.min() + (rows.max() - rows.min()) // 4
    left = int(cols[head].min())
    row = int(np.median(rows[head][cols[head] < left + 10]))
    y0 = int(np.clip(row - size // 2, 0, HEIGHT - size))
    x0 = int(np.clip(left - size // 2, 0, WIDTH - size))
    return image[y0 : y0 + size, x0 : x0 + size]


def label(image: np.ndarray, text: str) -> np.ndarray:
    image = image.copy()
    cv2.rectangle(image, (0, 0), (image.shape[1], 22), (0, 0, 0), -1)
    cv2.putText(image, text, (6, 16), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (255, 255, 255), 1)
    return image


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=6)
    parser.add_argument("--sheet", type=Path, default=Path("runs/rendering/contact-sheet.png"))
    args = parser.parse_args()
    cases = people(args.people)
    backgrounds = plates()
    print(f"{len(cases)} people × {len(backgrounds)} plates at {WIDTH}x{HEIGHT}, true alpha")

    blur_rows = []
    sheet_rows = []
    print("\nblur halo error, grey levels, band 2-30 px outside the silhouette")
    print(f"{'kernel':>6} | {'plain':>6} {'halo-free':>9} | {'ratio':>5}")
    for kernel in KERNELS:
        plain_errors, new_errors = [], []
        for index, (photo, alpha) in enumerate(cases):
            band = outside_band(alpha)
            for plate_index, plate in enumerate(backgrounds):
                frame = np.clip(blend(photo, plate, alpha) + 0.5, 0, 255).astype(np.uint8)
                ideal = blend(photo, cv2.GaussianBlur(plate, (kernel, kernel), 0), alpha)
                settings = PipelineSettings(effect="blur", kernel_size_px=kernel)
                outputs = {}
                for halo_free in (False, True):
                    out = Compositor().compose(frame, alpha, replace(settings, halo_free=halo_free))
                    outputs[halo_free] = out.copy()
                    (new_errors if halo_free else plain_errors).append(error(out, ideal, band))
                if kernel == 51 and index < 2 and plate_index in (0, 1):
                    sheet_rows.append(
                        [
                            label(crop(outputs[False], alpha), "blur 51: plain"),
                            label(crop(outputs[True], alpha), "blur 51: halo-free"),
                        ]
                    )
        plain, new = float(np.mean(plain_errors)), float(np.mean(new_errors))
        blur_rows.append((kernel, plain, new))
        print(f"{kernel:>6} | {plain:6.2f} {new:9.2f} | {new / plain:5.2f}")

    print("\nreplacement edge error, grey levels, soft edge band (0 < alpha < 1)")
    variants = {
        "plain": dict(edge_colour=False, light_wrap=0.0),
        "edge colour": dict(edge_colour=True, light_wrap=0.0),
        "light wrap": dict(edge_colour=False),
        "both (default)": dict(),
    }
    errors: dict[str, list[float]] = {name: [] for name in variants}
    replace_crops: dict[str, np.ndarray] = {}
    for index, (photo, alpha) in enumerate(cases):
        band = (alpha > 0.02) & (alpha < 0.98)
        for plate_index, plate in enumerate(backgrounds):
            frame = np.clip(blend(photo, plate, alpha) + 0.5, 0, 255).astype(np.uint8)
            backdrop = backgrounds[(plate_index + 1) % len(backgrounds)]
            ideal = blend(photo, backdrop, alpha)
            for name, changes in variants.items():
                compositor = Compositor()
                compositor.set_backdrop(backdrop)
                settings = PipelineSettings(effect="replace", **changes)
                out = compositor.compose(frame, alpha, settings)
                errors[name].append(error(out, ideal, band))
                if index == 0 and plate_index == 0:
                    replace_crops[name] = label(crop(out, alpha), f"replace: {name}")
    for name, values in errors.items():
        print(f"{name:>15} | {np.mean(values):6.2f}")
    sheet_rows.append([replace_crops["plain"], replace_crops["both (default)"]])

    args.sheet.parent.mkdir(parents=True, exist_ok=True)
    sheet = np.vstack([np.hstack(row) for row in sheet_rows])
    cv2.imwrite(str(args.sheet), sheet)
    print(f"\ncontact sheet (left: before, right: after): {args.sheet}")
    worst = max(new / plain for _, plain, new in blur_rows)
    print(f"worst halo-free / plain halo error ratio: {worst:.2f} (target <= 0.33)")


if __name__ == "__main__":
    main()
