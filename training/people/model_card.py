"""Writes assets/models/person.md from the run's own figures (no hand-copied numbers).

python -m softfocus.training.people.model_card --run-dir runs/person --data data/people
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from softfocus.app.segmenter import load_session
from softfocus.model.contract import ModelContract

NAMES = {
    "softfocus": "Softfocus person",
    "mediapipe_general": "MediaPipe general (256×256)",
    "mediapipe_landscape": "MediaPipe landscape (144×256)",
}

TEMPLATE = """# Model card: `person.onnx`

The default model of Softfocus: a slim U-Net (the `{preset}` preset) that finds the person in
a webcam frame, so the app can blur or replace what is behind them.

| | |
|---|---|
| Architecture | {architecture} |
| Input / output | {input_line} |
| Parameters / file | {params:,} / {size_kb:.0f} KB |
| Contract | `softfocus.contract` metadata, `output_kind = foreground_probability` (see `model/CONTRACT.md`) |
| Training | {epochs} epochs × {steps} steps{progressive}, batch {batch}, Adam lr {lr} with cosine decay, {loss}, seed {seed}, CPU (2 cores{precision}) in {train_minutes:.0f} min |
| Licence | MIT (code and weights); see *Data sources* for the terms of every training image |

## Data

Built offline by `training/people/prepare.py` from the `openpeople` package's ten synthetic
people, **training on P001–P008 only**; P009 and P010 are held out for evaluation and never
used for training or tuning.

- **Cut-outs** ({train_cutouts} training, {heldout_cutouts} held out): studio portraits, studio
  full-body shots and every tile of the character and emotion sheets, all on plain grey. Each
  is cut out by fitting a smooth background colour field to the tile's border, keying what
  differs from it, and running GrabCut seeded by the key and by MediaPipe Selfie Segmentation
  (the teacher); keyed pixels far from the teacher's person (floor shadows, captions) are
  dropped. Every cut-out was looked at on a contact sheet (`data/people/review/`).
- **Backgrounds** ({train_backgrounds} training, {heldout_backgrounds} held out, split by a
  fixed rule): Debian's `gnome-backgrounds` (CC-BY-SA 3.0) and `plasma-workspace-wallpapers`
  (GPL-2+) images (used for training only, never shipped), the people's own rooms with the
  person painted out, and procedural rooms, bokeh, stripes and textures.
- **Composites** ({train_composites}): a cut-out pasted at webcam framings — head and
  shoulders to half body running off the bottom edge, partly off the sides, 40 % of standing
  shots whole with the feet in view, a quarter at portrait/square/4:3 shapes letterboxed as
  the app does — then degraded like a webcam (sensor noise, JPEG, motion blur, low light,
  white balance). The label is the exact pasted alpha.
- **In-room photos** ({room_crops} crops): P001–P008's selfies and full-body photos with the
  teacher's soft mask as the label, at webcam crops and whole (letterboxed).
- **Real people** ({real_samples} samples from {real_photos} photos of people and
  {real_nobody} with nobody; the counts per source are in *Data sources*): photos of real
  people from public repositories. The label is the annotators' own person mask where the
  source has one (Clothing Co-Parsing's pixel labels, COCO's panoptic person masks, the
  Penn-Fudan pedestrians' masks: exact edges, small and distant people included, with the
  teacher adding the bystanders they left out), else the teacher's (MediaPipe general and
  landscape must agree, IoU ≥ 0.8; the label is their mean{teacher_looks}). Photos from the two sources
  whose masks hold small people (COCO, Penn-Fudan) give twice the crops. Each photo gives the whole photo as the app
  feeds it (letterboxed into the input shape that fits it, portrait photos as portraits),
  crops of every shape around the person (every second one a *scene crop*: any scale, the
  head anywhere from above the frame to low in it, so that street facades, signs and shelves
  around and above people are seen as background), and its person-free side as a frame with
  nobody;
  the people are cut out and pasted on other backgrounds *anywhere* (any scale, partly out
  of frame on every side, sometimes two) or at webcam framings{pasted_detail}; and backgrounds, painted-out
  rooms and the photos an annotator found nobody in are frames with nobody, all labelled
  background. Samples come in the four shapes the app feeds (16:9, 4:3, 3:4, 9:16). Where a
  source has person boxes (COCO, Capston2), they decide whether anyone is there; a photo
  whose boxed people the teachers miss (small, distant, CCTV) is dropped rather than
  mislabelled. A training photo that is also in an evaluation-only source (difference hash
  within 6 of 64 bits) is dropped. Built by `training/people/real_photos.py`; labels on
  `data/people/review/real_photo_labels.jpg`.
- Training-time augmentation: flip, scale/crop, ±8° rotation, colour, brightness and contrast
  jitter, blur and noise, applied identically to image and mask.

## Held-out results (P009, P010 only)

All in one run of `training/people/evaluate_heldout.py`, through the app's own `Segmenter` and
edge-aware upsampling; masks thresholded at 0.5; boundary F with a 3 px tolerance at 640 px
width. Bold: the best of the row.

{table}

- *composites*: the held-out people's studio cut-outs on held-out backgrounds, exact masks.
- *photos*: each person's four in-room and studio photos as they are, portrait-shaped (two
  selfies, two full-body amateur shots, two studio portraits, two studio full-body shots);
  masks from the teacher tightened by GrabCut (amateur) or keyed (studio), each checked by
  eye on `data/people/review/heldout_photos.png`.
- *flicker*: mean absolute frame-to-frame change of the mask on {flicker_frames} frames of a
  still held-out person with simulated camera shake (σ 0.8 px, 0.15°) and sensor noise
  (σ 4); *app smoothing* runs the app's default chain (temporal smoothing 0.6, threshold
  0.3–0.7, 2 px feather) on each method's output.

## Real photos of real people

One run of `training/people/evaluate_real.py` on sources never used in training. The model's
masks go through the app's clean-up (specks and unsure blobs dropped) and edge-aware
upsampling, as the app composites them; MediaPipe's are scored raw. *Real
photos*: {eval_photos_source} (evaluation only: it is never trained on), scored at 640 px
width. *No-person*: the largest person-free rectangle of each photo, as a frame of its own.
*Ghost*: photos whose person's head is at least 15 % below the top edge; the band above the
head. *Flicker*: the demo clip through the app's pipeline as `softfocus process` runs it,
against MediaPipe raw. *Held-out composites*: P009 and P010 pasted on held-out scenes, exact
masks. Worst cases: `data/people/review/real_worst.jpg`.

{real_table}

## Data sources

{sources}

## Speed

{timing}

The whole pipeline at 1280×720, kernel 51 (`benchmarks/pipeline.py`): {pipeline}

## Known weaknesses

{weaknesses}

## Rebuild

```sh
scripts/dev.sh person-model          # prepare → fit → export → evaluate → this card
```

Everything runs in the project's venv. It downloads the `mediapipe==0.10.14` wheel (for its two
.tflite files, converted to ONNX under `data/cache/teacher/`) and the two wallpaper packages
with `apt-get download` (not installed), clones the real-photo sources into `data/sources/`
(or uses snapshots already there), writes `data/people/` and `runs/person/`, and overwrites
`assets/models/person.onnx` and this card. `scripts/dev.sh person-model --permissive-only`
rebuilds without every source marked *unclear* below. Fixed seeds; timings and the last
digits of the metrics vary with the machine.
"""


LOSS_NAMES = {
    "bce_dice": "BCE + Dice loss",
    "edge_bce_dice": "BCE (5× within 3 px of the outline) + Dice loss",
    "hard_edge_bce_dice": "BCE (5× within 3 px of the outline) on the pixels whose label's side "
    "the model gives less than 0.7 + Dice loss",
    "hard_edge_bce_lovasz": "BCE (5× within 3 px of the outline) on the pixels whose label's "
    "side the model gives less than 0.7 + Lovász loss (each image's IoU)",
}


def _against(value: float, target: float, higher_is_better: bool, fmt: str) -> str:
    """'met' or 'missed by …', so the card never says a target is met when it is not."""
    met = value >= target if higher_is_better else value <= target
    return "met" if met else f"missed by {fmt.format(abs(value - target))}"


PIPELINE_TARGET_MS = 6.0  # the whole 1280×720 frame, kernel 51, in benchmarks/pipeline.py


def render_weaknesses(report: dict | None, pipeline_ms: float | None = None) -> str:
    """The card's known weaknesses, with every figure taken from this build's own real-photo
    run (a hand-written number goes stale at the next rebuild)."""
    lines = []
    if report:
        ours = report["photos"]["softfocus"]
        landscape = report["photos"]["mediapipe_landscape"]
        iou = _against(ours["mean_iou"], landscape["mean_iou"], True, "{:.3f}")
        boundary = _against(ours["boundary_f"], landscape["boundary_f"], True, "{:.3f}")
        no_person = _against(ours["no_person_area"], 0.02, False, "{:.2%}")
        ghost = _against(ours["ghost_area"], 0.01, False, "{:.2%}")
        flicker = report["flicker"]
        raw = min(v for k, v in flicker.items() if k.endswith("_raw"))  # the steadier teacher
        steady = _against(flicker["softfocus_app"], raw, False, "{:.4f}")
        lines += [
            f"- **Real photos, against MediaPipe landscape**: mean IoU {ours['mean_iou']:.3f} "
            f"against {landscape['mean_iou']:.3f} (target {iou}), boundary F "
            f"{ours['boundary_f']:.3f} against {landscape['boundary_f']:.3f} (target "
            f"{boundary}); {ours['below_half']} of {ours['images']} photos below IoU 0.5 "
            f"against {landscape['below_half']}.",
            f"- **No-person frames** {ours['no_person_area']:.2%} predicted foreground (target "
            f"2 %: {no_person}); **the band above the head** {ours['ghost_area']:.2%} (target "
            f"1 %: {ghost}). **Flicker** through the app's pipeline "
            f"{flicker['softfocus_app']:.4f} against the steadier MediaPipe's raw {raw:.4f} "
            f"(target {steady}).",
        ]
        times = report.get("time_ms", {})
        if "softfocus" in times and "mediapipe_landscape" in times:
            ours_ms, theirs_ms = times["softfocus"], times["mediapipe_landscape"]
            speed = _against(ours_ms, theirs_ms, False, "{:.2f} ms")
            line = (
                f"- **Speed**: the model on 1280×720 frames {ours_ms:.2f} ms against MediaPipe "
                f"landscape's {theirs_ms:.2f} ms in the same run (target {speed})"
            )
            if pipeline_ms is not None:
                whole = _against(pipeline_ms, PIPELINE_TARGET_MS, False, "{:.2f} ms")
                line += (
                    f"; the whole frame (segment, edge refinement, blur, blend) "
                    f"{pipeline_ms:.2f} ms (target {PIPELINE_TARGET_MS:.0f} ms: {whole})"
                )
            lines.append(line + ".")
    return "\n".join([*lines, WEAKNESSES])


WEAKNESSES = """- **The whole frame, machine for machine**: the 6 ms target was set where the code before
  issue 8 took 5.3 ms; on the 2-core machines these builds run on, that code's own frame takes
  9.5–11 ms. `benchmarks/frame_against.py` runs that commit (dbc01a4: its app, its model,
  its `benchmarks/pipeline.py`) round after round with this tree on one machine. On
  2026-12-05, with gen9, ten rounds over four runs gave 0.94×–1.14× its frame,
  median 1.05×, against the 6 / 5.3 = 1.13× the target allows: met with little margin, one
  round of ten over. With gen10 and the clean-up's unsure-blob gate (`python
  benchmarks/frame_against.py --rounds 3`, 2026-12-05): 0.97×–1.08×, median **1.03×**; with
  gen11 (the same network), on a fresh machine: 1.01×–1.03×, median **1.02×**.
- **No-person frames that are not**: 30 of the 242 (reviewed by eye on a sheet of all of
  them, 2026-12-05; `training/people/hsd_bystanders.txt`) still show a person whom the set's
  one-person masks leave out: passers-by in the street photos, a blurred girl, a child in a
  pram, a raised hand, a crowd. A model that marks them is right, yet the figure counts them
  as false foreground. `evaluate_real` (the table above) and, for an earlier run,
  `python -m softfocus.training.people.no_person_review RUN/real.json --photos …` read both
  ways from one run. Gen11 (the table): 2.67 % over all frames, 2.11 % without those 30
  (6.66 % on them). Gen10: 2.17 % and **1.72 %** (5.37 %). Gen9 with the app's clean-up as it now is: 3.00 % and 2.51 % (6.49 %);
  before the unsure-blob gate 3.44 % and 2.94 % (6.99 %). MediaPipe general: 2.38 % and
  2.00 %. Landscape: 7.80 % and 7.68 %. Gen9's seed-1 build: 2.86 % and 2.18 %. The 68-epoch
  build: 3.04 % and 2.41 % (both before the gate). The target stays read over all 242 frames,
  where gen11 misses it by 0.67 points (gen10 by 0.17); without the bystanders gen11 is 0.11
  over (gen10 met it, below both MediaPipe models).
- What the contact sheet (`real_worst.jpg`, the model's twelve worst photos) showed for gen7:
  small, distant pedestrians missed or found in part (a walker on a park path, where a white
  road marking is taken instead; a woman at a street corner; a group and a couple on dim
  pavements; two men by a bus shelter; a man with a pram); people in dim or night light
  (a couple on a rock under a night sky, a backlit person in a shop, a woman in headphones
  in a lamp-lit room); a woman waving before a campaign banner, her raised arm and part of
  her body lost to the lettering; the bright tiled wall and papers of a photo turned on its
  side taken as person (both MediaPipe models fail there too); and one photo whose own mask
  is in fragments (every model scores 0.36 on it). The teacher
  misses most small, distant people (728 of the Capston2 photos are dropped because both
  MediaPipe models missed the people an annotator had boxed), so only annotators' masks
  (COCO, Penn-Fudan, Clothing Co-Parsing) show the model such people. Gen8's sheet holds
  mostly the same photos (the photo on its side, the couple on a rock at night, the dim street
  groups, the lamp-lit woman in headphones, the fragmented mask), with two couples walking
  away down a street or a bridge, part of their shadow or the path taken with them, and a
  child in an autumn wood (IoU 0.43 against MediaPipe's 0.93). Gen9's twelve are the same
  kinds: a lone walker on a park path (0.07, a stretch of pavement taken instead; landscape
  0.52), the photo on its side (every model under 0.25), a couple walking away down a street,
  the couple on a rock at night, a man at a cluttered desk, the fragmented mask (0.36 for
  every model), a dim street group (MediaPipe lower still), a man on a bench whose stone wall
  is taken with him, the child in the autumn wood (0.47), a man with a pram, a woman with a
  child and a pram, and a man before a lit star-shaped sign (landscape 0.43). Gen10's twelve
  are the same again: the lone walker on the park path (0.00: it misses him; general 0.73,
  landscape 0.52), the photo on its side (0.14; MediaPipe 0.17 and 0.24), the lamp-lit woman
  in headphones (0.26), the couple walking away down a street with their shadow and a strip
  of pavement (0.26; MediaPipe 0.88), the couple on a rock at night, a dim street group
  (0.27; MediaPipe 0.00 and 0.10), two men by a bus shelter (0.33; general 0.69), the
  fragmented mask (0.36 for every model), the man before the star-shaped sign (0.41; general
  0.71), the hand reaching into a sea of cloud (0.50), the man at the cluttered desk (0.51)
  and a woman with a child in a shop (0.53). Gen11's twelve: a lone walker by a fence (0.00,
  a patch of pavement taken instead; MediaPipe 0.91 and 0.88; gen10 0.83), the man at the
  cluttered desk (0.00: missed; general 0.55, landscape 0.26; gen10 0.51), the photo on its
  side (0.10), the couple walking away down a street (0.20), the couple on a rock at night
  (0.28), the dim street group (0.34; MediaPipe 0.00 and 0.10), the fragmented mask (0.36),
  the man before the star-shaped sign (0.46), the lamp-lit woman in headphones (0.48), a boy
  on a rock in dry grass (0.49), the hand into the clouds (0.50) and a man with a pram (0.51).
  Gen10's lone walker on the park path is found (0.00 → 0.80).
- **Where the gap to MediaPipe is**: two thirds of it lie on the 131 photos whose person's
  head is at least 15 % below the top edge (pedestrians, full bodies in a street or a shop):
  on them the previous model scored 0.754 against landscape's 0.827. The failures there are
  confident person predictions on sharp real background. Blurring the background around the
  true person removes them; painting the person out leaves them. So the model takes real,
  detailed scenes for people, rather than expecting a head where there is none, and data of
  the same kinds has not cured it (below).
- What the no-person and above-the-head sheets show (`real_no_person.jpg` and
  `real_ghost.jpg` in `data/people/review/`: the twelve frames the model fills most, next to
  both MediaPipe models; `evaluate_real --no-person-sheet --ghost-sheet`). Of the twelve
  fullest no-person frames, three hold part of a person the set's one-person masks leave out
  (a child's raised hand, two out-of-focus bystanders), which MediaPipe marks too (one or
  both of its models); the other nine are real misses: out-of-focus backgrounds (a grey
  wall, tree trunks in mist, a branch), and narrow strips beside or above the person — a
  banister, a desk, shop signs, a carved frieze, a pavement, a night sky over a Joshua tree —
  which the app letterboxes and the model fills by a quarter to a half. Narrowness is not
  the cause: on the 68 frames narrower than the training's person-free frames (under 0.3 of
  the photo's shorter side) gen7 filled 4.4 %, on the other 174 3.7 % (MediaPipe
  general 0.4 % and 3.2 %). Above the head, the mask runs up from the person
  into what touches them (a wall they lean on, a tree trunk behind them, a pillar, a facade;
  speck removal keeps these, since they join the person), once stands as a pale blob over a
  child's head, and in a few street photos falls on a passer-by or a van far behind a walker
  it half misses. MediaPipe leaves these bands all but empty (at most 7 %: a shop mannequin).
  Gen8's two sheets show the same kinds: its fullest no-person frames are a blurred bystander
  (every model marks her), a brick arch, foliage, a sunlit patch of mist between trunks, a
  lettered banner and narrow strips; its fullest bands above the head the autumn wood over a
  child (about half the band), a bridge's girders and the tree trunk behind a seated man.
  Gen9's hold the same kinds again: a brick arch (56 %; landscape 61 %), the blurred
  bystander, gym machines (landscape 46 %), sunlit mist between trunks, a strip of window and
  plant, a blurred town behind a woman, a lettered facade beside a walker, branches over a
  hat, desk clutter; above the head a shop arcade over a walker (22 % of the band), the stone
  wall beside a stair, the tree trunk behind a reading man and the autumn wood over a child.
  Gen10's: the brick arch (60 %; landscape 61 %), the blurred bystander (42 %, as both
  MediaPipe models), sunlit mist between trunks (27 %; MediaPipe 0 %), parked cars beside a
  street (19 %), a strip of shop signs over a man (17 %), a statue's edge in a square, a stone
  wall by a path, bystanders; above the head a lit night street over a woman (11 % of the
  band), the tree trunk behind the reading man (10 %), a café's awnings over walkers (8–9 %).
  Gen11's: out-of-focus backdrops (green foliage behind a portrait 46 %, landscape 82 %; a
  studio set with lettering 40 %, MediaPipe 0 %; a talk show's set 34 %), the blurred
  bystander (44 %, as both MediaPipe models), sunlit mist between trunks (43 %), gym machines
  (34 %; landscape 46 %), the strip of shop signs (22 %), a red-lit wall (18 %); above the
  head a shop's interior over an old woman (15 % of the band), a café over a walker (10 %),
  the tree trunk behind the reading man (8 %).
- **What this generation changed** (gen11, 2026-12-05): *pasted people no sharper than their
  scene* (`build --match-detail`, now the default; `--match-detail 0` is gen10's data). In the training data the pasted people held about three
  times the fine texture of the scenes under them (log of mean |Laplacian| inside the person
  over outside: +1.15 on 150 pasted real people, 95 % of them the sharper, +1.08 on the
  openpeople composites, against +0.2 on whole COCO and Capston2 photos and −0.2 on
  Penn-Fudan's pedestrians), so "the sharp thing is the person" paid, and it is the kind of
  mistake the real photos show. `python -m softfocus.training.people.texture_cue --photos
  data/sources/sports-dev` measures the cue on the development set: gen10 gains 0.026 IoU
  (0.727 → 0.753) when the background beyond 12 pixels of the person is defocused and loses
  0.007 when it is sharpened; MediaPipe landscape moves by 0.001 and 0.004. The option
  defocuses each pasted person (Gaussian, σ up to 2.3 px) until that ratio falls within a
  random −0.3…0.7 and sharpens half the scenes (pasted people afterwards: +0.39). One build of
  gen10's recipe with it on every composite (73 minutes, the real-photo samples remade from
  the teachers' cached labels): mean IoU **0.851** (paired against gen10 +0.005, 95 % interval
  −0.004 to +0.013; against landscape −0.017), boundary F **0.596**, **8** photos below 0.5
  (landscape 10), no-person
  **2.04 %** (1.64 % without the bystanders), above the head 0.38 %, held-out composites 0.970
  (boundary F 0.919), flicker 0.0047, 3.61 ms a 1280×720 frame against landscape's 3.60.
  Its texture check moved as meant and past it: defocusing the background +0.003, sharpening
  it −0.001, but defocusing the person now *gains* 0.011 (gen10: −0.004), a cue the other way.
  The highest real-photo IoU and boundary F of any CPU build so far, but each within
  build-to-build variance of gen10's two builds (0.847–0.848, 0.590–0.595), so it is not
  shipped on one build. A second build with half the composites matched (`--match-detail
  0.5`, the same day): mean IoU 0.847 (paired against gen10 +0.000, 95 % interval −0.006 to
  +0.007), boundary F **0.600**, 11 photos below 0.5, no-person 2.08 % (1.71 % without the
  bystanders), above the head 0.57 %, held-out composites 0.973 (boundary F 0.926), flicker
  0.0046, 3.61 ms against landscape's 3.64; its texture check in between (background
  defocused +0.015, sharpened −0.005, person defocused +0.003). Both settings land within gen10's variance on IoU;
  boundary F is above both of gen10's builds in both (0.596, 0.600), the one figure the change
  moved the same way twice. The rule set before the next build: a second build of the full
  setting (seed 1) ships if it scores mean IoU ≥ 0.849 and boundary F ≥ 0.596 again. It did,
  and this is that build (built from nothing on a fresh machine, 73 minutes with the sources
  fetched: teachers, data, training, evaluation and card): mean IoU **0.852** (paired against
  gen10 +0.005, 95 % interval −0.006 to +0.016; against landscape −0.016, where gen10 was
  −0.021), boundary F **0.604** (landscape 0.610), 10 photos below 0.5 (16 photos gain more
  than 0.1 IoU on gen10, 8 lose as much), the band above the head 0.45 %, flicker 0.0047,
  3.62 ms a 1280×720 frame against landscape's 3.66. What it costs: no-person **2.67 %**
  (2.11 % without the bystanders; gen10 2.17 % and 1.72 %), a paired difference of +0.50
  points with a 95 % interval of −0.32 to +1.34 (bootstrap over the 242 frames, scratch
  script), three frames gen10 left empty now filled by a third or more, all of them
  out-of-focus backdrops (green foliage behind a portrait, a blurred studio set with
  lettering, a talk show's set); and held-out composites 0.967 (boundary F 0.917) against
  0.975. Its texture check repeats the first build's: the background defocused +0.003,
  sharpened −0.000, the person defocused +0.012, and false foreground away from the person
  2.33 % → 2.52 % when the background is defocused: the model now leans a little towards
  "the soft thing is the person", which is what the new no-person frames show. Split by
  their fine texture (mean |Laplacian|, thirds of the 242 frames; a scratch script), the
  no-person fill moved 1.73 % → 2.97 % on the softest third, 2.31 % → 3.46 % on the middle
  one and 2.48 % → **1.60 %** on the sharpest: the sharp scenes it was aimed at improved, and
  soft ones took their place. The next thing to try is the other half of the match: frames
  with nobody defocused as often and as far as the pasted people are, so that neither
  sharpness nor softness says "person" (`build --defocus-nobody [SHARE]`, written the same
  day, with half of them). Its first build (seed 1): mean IoU 0.853 (paired against gen11
  +0.001, 95 % interval −0.009 to +0.012), boundary F 0.599, 12 photos below 0.5, no-person
  2.16 % (1.68 % without the bystanders; the middle third by texture 3.46 % → 2.23 %, the
  softest 2.97 % → 2.70 %), above the head 0.14 %, held-out composites 0.970. Its second,
  from data remade with seed 0 (2026-12-05, 75 minutes): mean IoU 0.852 (paired against
  gen11 +0.000, −0.010 to +0.011), boundary F 0.602, 10 below 0.5, no-person **2.61 %**
  (1.98 %; softest third 3.21 %, middle 2.92 %, sharpest 1.69 %), above the head 0.44 %,
  held-out composites 0.974; on the development set's frames with nobody 3.04 % and 3.68 %
  (gen11 3.41 %), IoU there 0.726 and 0.731 (0.736). The first build's gain did not repeat,
  so it is not shipped: the two builds of one recipe differ by 0.44 points on no-person
  frames (paired over the 242: 95 % interval −0.13 to +1.06) and by 0.31 above the head
  (+0.07 to +0.63), as much as gen10 and gen11 do, and as gen11's own two builds did (2.04 %
  and 2.67 %). No-person and above-the-head figures of one build are therefore read against
  a spread of about half a point; `compare_real` now prints their paired differences). On the
  development set's 970 frames with nobody (`component_gate.py`, the app's gate at 0.65) it
  fills 3.41 % against gen10's 3.33 %, mean IoU 0.736 against 0.736, photos below 0.5 146
  against 144, people lost entirely 5 against 6: no change there, so the real photos'
  no-person rise is read as those three frames, not yet as a trend, and the two targets with
  the larger gaps (IoU, boundary F) decided. The seed-0 build is not on this machine; the
  build's default seed is now 1, the shipped build's.
- **Tried with gen11 and not shipped** (2026-12-06): *more frames with nobody*
  (`build --no-person 3500`: gen11's recipe with 3,500 frames with nobody made from real
  scenes and backgrounds instead of 2,000; 4,754 no-person samples in all), to see whether
  the hard-pixel loss changes an older trade (5,000 such frames cut no-person but cost IoU,
  see *Tried in earlier generations*). Two builds, the data remade for each (seeds 1 and 0;
  the second 82 minutes from nothing on a slow day: middle epochs 85–92 s, the last 138–141
  s): mean IoU 0.852 and 0.849 (paired against gen11 −0.000, 95 % interval −0.008 to +0.009;
  −0.003, −0.014 to +0.007), boundary F 0.602 and 0.606, 9 and 10 photos below 0.5,
  no-person **2.18 %** and **2.32 %** (1.63 % and 1.73 % without the bystanders; paired
  against gen11 −0.49 points, −1.19 to +0.13, and −0.36, −1.17 to +0.39), above the head
  0.50 % and 0.61 %, held-out composites 0.971 and 0.973, flicker 0.0047. By fine texture
  (thirds of the 242 frames, scratch script) the fill fell on the softest third in the first
  build (2.97 % → 1.95 %) and on the middle one in the second (3.46 % → 2.24 %), and rose a
  little on the sharpest in both (1.60 % → 1.80 %, 1.83 %). On the development set's frames
  with nobody (`component_gate.py`, the app's gate at 0.65) 3.28 % and 3.27 % (gen11 3.41
  %), but IoU there 0.730 and 0.731 against 0.736, and 166 and 160 photos below 0.5 against
  146: the extra frames buy about a quarter of a point on frames with nobody (the two builds'
  mean 2.25 % against the gen11 family's four builds' 2.4 %), less than one build's spread,
  and pay for it in people the model gives up on. Not shipped; the option stays, with its
  default of 2,000. One build with 5,000 (seed 1, its training cut off by a session's end and
  resumed from its checkpoint): mean IoU 0.854 (paired against gen11 +0.002, 95 % interval
  −0.007 to +0.013), boundary F **0.598**, 9 photos below 0.5, no-person **2.01 %** (1.53 %
  without the bystanders; paired −0.66 points, −1.45 to +0.05), above the head 0.26 %,
  held-out composites 0.972, flicker 0.0047; on the development set 3.11 % on frames with
  nobody, but 167 photos below 0.5 against 146 and 10 people lost against 5, as with 3,500:
  the frames with nobody a hair over the target, the outlines further off theirs and people
  given up on, one build, so not shipped either.
- **Tried with gen11 and not shipped** (2026-12-06): *the teachers look closer*
  (`build --zoomed-labels`: each MediaPipe model labels the photo and its mirror image, and
  again a crop round each person, the annotators' boxes where the source has them, so a
  pedestrian a tenth of the frame tall is drawn from more than a few dozen of the teacher's
  pixels). The labels came much closer to annotators' masks (`python -m
  softfocus.training.people.label_quality --source SOURCE --limit 150`, plain → zoomed):
  Penn-Fudan IoU 0.749 → **0.790**, boundary F 0.576 → **0.663**; COCO (inside its boxes)
  0.564 → **0.667**, 0.315 → **0.453**; Clothing Co-Parsing 0.927 → 0.930, 0.756 → 0.771.
  And they find people the single look missed: Capston2 photos kept 578 → 899 (those dropped
  because the teachers missed the boxed people 719 → 265; a contact sheet of 16 of the
  rescued photos showed a surfer, hikers, shoppers and people on CCTV labelled whole, a
  crowd and a street scene in part), 3,415 photos of people in all against 3,063. One build
  of gen11's recipe on them (seed 1; 91 minutes from nothing on a slow day, its real-photo
  step 7 of them, the epochs 57–76, 85–104 and 141–146 s against gen11's 51–61, 77–82 and
  120–123): mean IoU 0.853 (paired against gen11 +0.001, 95 % interval −0.010 to +0.012),
  boundary F 0.602, 9 photos below 0.5, no-person 2.69 % (2.12 % without the bystanders), above the head 0.41 %,
  held-out composites **0.971**, flicker 0.0047, 4.44 ms a 1280×720 frame against
  landscape's 4.58 in the same (slow) run. By the person's share of the photo (a scratch
  split): under 10 % of the frame (51 photos) **0.771** against gen11's 0.751 (every other
  build of the gen11 family and gen10: 0.746–0.762; landscape 0.745), 10–25 % (86) 0.852
  against 0.847 (0.847–0.859; landscape 0.867), 25 % and more (153) 0.880 against 0.889
  (0.880–0.885; landscape 0.910), and the photos whose head is well below the top edge
  0.829 against 0.822 (landscape 0.827): small people gained about as much as the labels
  did, the large ones are at the family's level, and the gap to landscape now lies on the
  large, near people (0.03 on 153 photos), not the distant ones. Its twelve worst photos
  (`real_worst.jpg`) are gen11's kinds: the lone walker by a fence (0.00, the road marking
  taken instead; MediaPipe 0.73 and 0.52), the couple on a rock at night (0.22), the photo on
  its side (0.24), the lamp-lit woman in headphones (0.29), the fragmented mask (0.36), the
  man before the star-shaped sign (0.40), the boy on a rock in dry grass (0.40), the dim
  street group (0.48; MediaPipe 0.00 and 0.10), a man with a pram (0.49), the hand into the
  clouds (0.50), the woman before the campaign banner (0.52) and a couple walking down a
  street (0.52). On the development set
  (`component_gate.py`, whose truth is the single-look teachers' mean) no-person 3.58 %
  (gen11 3.41 %), IoU 0.720 against 0.736, 164 photos below 0.5 against 146, 7 people lost
  against 5. The rule written before its figures (ship if IoU ≥ 0.852 and boundary F ≥
  0.604, with no-person ≤ 2.67 %) keeps gen11: boundary F is 0.002 short and the rest lies
  within one build's spread. A second build (seed 0) is the next measurement; the option
  stays, off by default.
- **The generation before** (gen10, 2026-12-05): *the loss trains the hard pixels
  only, and the export calibrates*. Gen9's recipe (network, data, seed, 56 epochs) with
  `--loss hard_edge_bce_dice`: the edge-weighted BCE counted only on the pixels whose label's
  side the model gives less than 0.7 (as OHEM does), plus Dice, so the confident false people
  on sharp real backgrounds are paid in full rather than as a sliver of a mean over every
  pixel. Such a loss stops pushing a pixel once it is right enough, and it left people at
  p ≈ 0.73 inside (gen9: 0.92): through the app's 0.3–0.7 soft threshold a quarter of a
  person would show the blurred room through them, and the unsure-blob gate at 0.65 lost 76
  people of 1,299 on the development set where 6 were lost without it. So the export
  multiplies the logits by 2.5 (`softfocus-train export --logit-scale`; the head's 1×1 conv,
  float in int8, scaled: exact, and the mask at 0.5 unchanged), the scale with the lowest log
  loss on that development set (`component_gate.py`: 0.217 at 1, 0.161 at 2.5, 0.165 at 3);
  inside people p ≈ 0.91 again, and the gate keeps all but the 6. Against gen9 with the same
  clean-up, both evaluated in the same way on the same machine: mean IoU 0.842 → **0.847**
  (paired difference +0.005, 95 % interval −0.004 to +0.014), boundary F 0.590 → 0.590,
  photos below 0.5 11 → **10** (landscape's count), no-person 3.00 % → **2.17 %** (every
  gen9-recipe build before the gate: 2.67–3.58 %), above the head 0.79 % → **0.37 %**,
  held-out composites 0.969 → **0.975** (boundary F 0.913 → 0.934), flicker through the app
  0.0046 → 0.0047, and the same network, so the same time. The unscaled model, read once
  before the scale was chosen: IoU 0.846, boundary F 0.584, no-person 2.23 %, above the head
  0.37 % without the gate; 0.845, 0.588, 1.45 %, 0.25 % with it, but four photos' people lost
  entirely (one without it), which is what sent the gate's threshold to a calibrated model.
  Its int8 export agrees with the float model on 0.924 of the mask pixels of 60 training
  images (gen9: 0.959). Training took 76 minutes on a machine shared with about 15 minutes
  of evaluation work (median epochs 62, 92 and 130 seconds at the three sizes against gen9's
  54, 80 and 119). A full rebuild of the recipe from nothing (2026-12-05, a fresh clone with
  the sources and downloads in place; the same seed) took 80 minutes: data 7, training,
  export, evaluation and card 73, with about 8 minutes of tests sharing the cores. Its data
  came out byte for byte the same; its training did not (CPU training is not deterministic,
  so a seed names a recipe, not weights). Not shipped, as picking one of two like builds by
  their evaluation figures would tune on the evaluation photos: mean IoU 0.848 (paired
  difference against gen10 +0.001, 95 % interval −0.008 to +0.011), boundary F 0.595, 14
  photos below 0.5, no-person 2.10 % (1.65 % without the bystanders), above the head
  0.40 %, held-out composites 0.972, flicker 0.0047, and 3.84 ms a 1280×720 frame against
  landscape's 3.79 in that run (over by 1 %: the speed margin is within run-to-run noise).
- **Tried with gen10 and not shipped** (2026-12-05): *a sub-pixel head* (the `person_sharp`
  preset: a zero-initialised 1×1 conv gives each pixel of the stem's 2×2 cell a logit of its
  own, by DepthToSpace, added to the bilinearly upsampled logits; about 0.3 % more
  multiply-adds). On the photos where both this model and landscape score over 0.8 (205 of
  290), gen10 trails landscape by 0.010 IoU, so the outlines lose everywhere a little, not
  only on the failures; the network draws them at 80×144 and upsamples. Gen10's recipe, data
  and seed otherwise, built from nothing in 78 minutes (data 7, the rest 71). Results: mean
  IoU 0.843 (paired difference against gen10 −0.004, 95 % interval −0.011 to +0.003),
  boundary F **0.584** (gen10 0.590), 13 photos below 0.5, no-person 2.46 %, above the head
  0.79 %, held-out composites 0.972 (boundary F 0.926 against 0.934), flicker 0.0047, and
  4.05 ms a 1280×720 frame against landscape's 3.87 in the same run (missed by 5 %). No
  better anywhere and slower: not shipped; the preset stays. With the teachers' outlines
  snapped to the photos (gen9, below) and more full-size epochs (below), that is three
  changes aimed at the outlines that left boundary F where it was: at this size the network
  follows the teachers' smooth outlines as closely as it can already. Two checks that need no
  build, also 2026-12-05: gen10 exported in float scores as in int8 (mean IoU 0.846 against
  0.847, boundary F 0.590 against 0.590, no-person 2.60 % against 2.17 %), so the int8
  arithmetic costs nothing measurable; and on the development set (`component_gate.py`'s
  photos), shifting the logits by −0.5 … +0.5 trades IoU for no-person area along one line
  (−0.5: 0.723 and 2.74 %; 0: 0.736 and 3.33 %; +0.5: 0.741 and 4.00 %) with no free gain
  on either side, so the export's threshold stays at 0.5.
- **Tried with gen10 and not shipped** (2026-12-05): *the Lovász loss in place of soft Dice*
  (`--loss hard_edge_bce_lovasz`: the Lovász-softmax loss of Berman et al. 2018 over person
  and background, a convex surrogate of each image's 1 − IoU, its errors ranked in 1,024 bins
  rather than sorted: 11 ms a 160×288 batch of 16 against 25 for a sort). Gen10's recipe and
  seed otherwise, 70 minutes from prepared data. Results: mean IoU 0.844 (paired difference
  against gen10 −0.002, 95 % interval −0.011 to +0.006), boundary F 0.587, 11 photos below
  0.5, no-person **1.72 %** (1.37 % without the bystanders), above the head 0.25 %, held-out
  composites 0.970 (boundary F 0.920), flicker 0.0047, 3.80 ms a 1280×720 frame against
  landscape's 3.86. On the development set (`component_gate.py`) it is more cautious rather
  than better: no-person 3.33 % → 3.05 %, IoU 0.736 → 0.729, photos below 0.5 144 → 167 of
  1,299. A second build (seed 1, 71 minutes of training) did not repeat the background
  gain: mean IoU 0.846 (paired against gen10 −0.000, 95 % interval −0.008 to +0.008),
  boundary F 0.591, 11 below 0.5, no-person 2.13 % (1.68 % without the bystanders), above
  the head 0.41 %, held-out composites 0.973, 3.94 ms against landscape's 3.91. So the first build's 1.72 % was build-to-build
  variance (gen10's two builds: 2.17 % and 2.10 %), and the rule set before the second build
  (ship if it too came under 2.10 % with IoU within variance) kept gen10. The loss stays as an
  option.
- **What changed since gen9, in the app** (2026-12-05): *the clean-up drops mask components
  the model is unsure of as a whole* (mean probability under 0.65,
  `PipelineSettings.min_component_mean`), the weights unchanged. On frames with nobody the
  false foreground comes as such blobs (out-of-focus walls, strips of sign), while people the
  model finds at all it finds with conviction. The threshold was chosen on a development set
  neither trained on nor evaluated on (`python -m softfocus.training.people.component_gate
  --photos data/sources/sports-dev`: the `test` folder of Kaggle's "100 Sports", 1,299 photos
  with people and 970 frames with nobody as the teachers label them): frames with nobody
  4.49 % → 3.73 %, mean IoU 0.738 → 0.741, people lost entirely 4 → 4; from 0.675 people start
  to be lost (8 at 0.675, 16 at 0.7, 60 at 0.75). Read once on the real photos afterwards:
  mean IoU 0.839 → **0.842** (paired difference +0.003, 95 % interval +0.001 to +0.006),
  boundary F 0.582 → **0.590**, photos below 0.5 11 → 11, no-person 3.44 % → **3.00 %**,
  above the head 0.82 % → 0.79 %, held-out composites 0.968 → 0.969 (boundary F 0.904 →
  0.913), flicker 0.0046 → 0.0046. The builds under *Tried* below were all measured before
  this gate, as gen9's own 0.839 and 3.44 % were. On gen10, whose blobs the logit scale made
  surer along with its people, the gate does less (development set: 3.44 % → 3.33 %, no
  person lost) and stays on.
- **Two generations before** (gen9, 2026-12-04): *30 % more training in the same
  build time*. With tf.data's autotuner off in training (on 2 cores its threads and the
  training step starved each other: 205 ms a small step with it, 126–134 without), gen8's
  recipe trained in 54 minutes instead of 71, and a rebuild of it scored within
  build-to-build variance of gen8 (mean IoU 0.833, boundary F 0.568, no-person 3.51 %, above
  the head 1.02 %). This model spends the freed time on steps, as the lent GPU showed more
  steps help: 34 epochs at 0.583 the size per side, 15 at 0.778, 7 at 160×288 (56 against
  43), trained in 65 minutes; the build from nothing (sources already fetched) took 73.
  Against gen8, both evaluated in the same way on the same machine: mean IoU 0.835 → 0.839
  (paired difference +0.004, 95 % interval −0.007 to +0.013), boundary F **0.569 → 0.582**
  (three builds of gen8's recipe: 0.562–0.569), photos below IoU 0.5 14 → 11, the band
  above the head **1.39 % → 0.82 %** (paired −0.58 points, interval −1.59 to +0.26; the
  target met), no-person 3.01 % → 3.44 % (paired +0.43, interval −0.20 to +1.09; three
  builds of gen8's recipe: 3.01–3.58 %), held-out composites 0.969 → 0.968, flicker 0.0047
  → 0.0046, and the model's time the same (`benchmarks/models.py`, 6 rounds of 50 frames:
  0.99× gen8's). Shipped: better or the same on every figure but no-person, which stays
  within the spread of gen8's own rebuilds. A second build of this recipe with seed 1
  (2026-12-04, 67 minutes from prepared data; not shipped, as picking a seed on the
  evaluation photos would tune on them) scored mean IoU 0.844, boundary F 0.579, 13 photos
  below 0.5, no-person 2.86 %, above the head 0.77 %, held-out composites 0.972, flicker
  0.0047: the gains over gen8 in boundary F and above the head hold in both builds.
- **Tried with gen9 and not shipped** (2026-12-05): *the rest of the 90-minute budget spent
  on steps*. Twelve more small epochs (46 at 0.583 the size per side, 15 at 0.778, 7 at
  160×288: 68 against 56) trained in 77 minutes from prepared data, about 85 from nothing.
  Results: mean IoU 0.838 (paired difference against gen9 −0.001, 95 % interval −0.009 to
  +0.008), boundary F 0.579, 13 photos below 0.5, no-person 3.04 %, above the head 0.77 %,
  held-out composites 0.968, flicker 0.0047. Every figure is within the spread of gen9's two
  builds (IoU 0.839–0.844, boundary F 0.579–0.582, no-person 2.86–3.44 %). On 2 cores, more
  small epochs no longer buy what the GPU's doubling did. Not shipped: the recipe keeps its
  56 epochs and its margin under 90 minutes.
- **Tried with gen9 and not shipped** (2026-12-05): *a moving average of the weights*
  (`softfocus-train fit --ema 0.999`, `build --ema 0.999`: validation, the best-epoch model
  and each resizing phase's end use the average of about the last 1,000 steps' weights), the
  same recipe, data and seed, 66 minutes from prepared data. Results: mean IoU 0.833 (paired
  difference against gen9 −0.006, 95 % interval −0.017 to +0.004), boundary F **0.562**
  (gen9's builds 0.579–0.582), 11 photos below 0.5, no-person **2.67 %** (2.15 % without
  the bystanders; the lowest of any CPU build), above the head **0.51 %**, held-out
  composites 0.968, flicker 0.0047. It trades outlines for quieter backgrounds, and the
  outline and IoU targets are the ones furthest off, so it is not shipped; the option stays.
  The averaged weights meet BatchNorm statistics gathered for the raw ones, and its
  validation loss ran above the raw run's through most of the training. Recomputing those
  statistics on 300 augmented training batches made it worse on every real-photo figure
  (IoU 0.825, boundary F 0.556, no-person 3.75 %, above the head 1.15 %).
- **Tried with gen9 and not shipped** (2026-12-05): *the same training time moved to the full
  size*. 26 epochs at 0.583 the size per side, 12 at 0.778 and 12 at 160×288 (50 against 56,
  but 12 at the size the app runs at against 7: the app's outlines are drawn at that size),
  the same data and seed, trained in 65 minutes like gen9 (`build --low-res-epochs 26
  --mid-res-epochs 12 --epochs 50`). Results: mean IoU 0.843 (paired difference against gen9
  +0.004, 95 % interval −0.006 to +0.015; against gen9's seed-1 build −0.001), boundary F
  0.580, **8** photos below 0.5 (gen9's builds 11 and 13; landscape 10), no-person 3.01 %
  (2.38 % without the bystanders), above the head 0.72 %, held-out composites 0.970 (boundary
  F 0.914 against 0.904), flicker 0.0046. Every real-photo figure but the count below 0.5 is
  within the spread of gen9's two builds, and boundary F, the figure full-size epochs were to
  lift, did not move: the split is not what holds the outlines back. Not shipped, as picking
  one of three like builds by their evaluation figures would tune on the evaluation photos.
- **Tried with gen9 and not shipped** (2026-12-05): *the teachers' labels snapped to each
  photo's edges* (`build --snap-labels`: the app's guided filter from a 256-pixel copy of their
  mean, the photo as guide). The labels came closer to annotators' masks (`python -m
  softfocus.training.people.label_quality`: Clothing Co-Parsing boundary F 0.761 → 0.792,
  Penn-Fudan 0.576 → 0.590), but the model trained on them (gen9's recipe, data and seed
  otherwise; 72 minutes of training on a busier machine) did worse: mean IoU 0.832 (paired
  difference against gen9 −0.007, 95 % interval −0.016 to +0.001), boundary F **0.564**
  (gen9's builds 0.579–0.582), 13 photos below 0.5, no-person 3.23 %, above the head 0.82 %,
  held-out composites 0.966, flicker 0.0048. Sharper training outlines did not give sharper
  predicted ones at the model's 160×288; the app's own guided filter already does the
  snapping at run time, and the model may do better learning the teachers' smooth outlines
  it can reach at its resolution. Not shipped; the option stays off.
- **Three generations before** (gen8, 2026-12-04): *a larger input, paid for by int8*.
  Fed 160×288 without retraining, gen7 (trained at 128×224; the network is fully
  convolutional) found outlines better: on a development set (the last 150 annotated Clothing
  Co-Parsing photos, never the evaluation set; but the model trains on them too, so its
  figures run high and serve only to compare settings) boundary F 0.684 → 0.714 and IoU 0.897 → 0.902,
  and at 192×320 IoU fell again (0.894: too far from the scale it learned). Int8 pays for the
  pixels: the export quantizes the network (static QDQ, per-channel 7-bit weights, activation
  ranges from 200 training images, the first conv and the head left float; `softfocus-train
  export --int8`) and rewrites its transposed convolutions as 2×2 convolutions and
  DepthToSpace, which have int8 kernels (same outputs). Gen7 in int8 ran at 0.78× its float
  time (`benchmarks/models.py`, 8 rounds of 60 frames) with the development set unchanged
  (IoU 0.8968 → 0.8962, boundary F 0.684 → 0.684); gen8 in int8 at 160×288 runs at
  1.07× gen7's float time at 128×224. The letterbox's last resize step is now bilinear (the
  area resize by a ratio under 2 cost 0.7 ms at 160×288). Gen8 is the same network
  trained for that input (the `person_wide` preset): 26 epochs at 0.583 the size per side,
  12 at 0.778 (128×224), 5 at 160×288; on 2 cores the two larger sizes cost the same an
  epoch (data loading bounds them), and the 43 took 71 minutes (the build, with the data
  already made, 74). Against gen7 in the same evaluation: mean IoU 0.826 → 0.835 (paired
  difference +0.009, 95 % interval −0.002 to +0.022), boundary F 0.541 → 0.569, photos below
  IoU 0.5 13 → 14, no-person **3.91 % → 3.01 %**, the band above the head 1.07 % → 1.39 %
  (builds of gen7's recipe ranged 1.07–2.36 %), held-out composites 0.965 → 0.969, flicker
  0.0048 → 0.0047, and the tests' drawn room with a red poster 4.5 % → 2.6 % of the frame.
  The edge refiner's radius went 4 → 3 mask pixels with the finer mask (the same part of the
  frame; chosen on the development set: boundary F 0.722 → 0.727); in the build's own run,
  with radius 4, boundary F was 0.566, no-person 2.99 %, above the head 1.37 %.
  Its time on 1280×720 frames met landscape's in this run (gen7's missed by 9 %). The whole
  frame got slower (about 10.5 → 11.5 ms on one quiet run of `benchmarks/pipeline.py`): the
  edge refiner solves its guided filter at the mask's resolution, now 1.6× the pixels.
- **Tried with gen8 and not shipped**: *gen7's own weights, in int8, fed 160×288*: mean IoU
  0.833, boundary F 0.567, 11 photos below 0.5, no-person 4.10 %, above the head 0.84 %,
  held-out composites 0.968; but the tests' drawn red poster went from 4.5 % to 9.9 % of the
  frame (the test allows 5 %), a poster the app would keep sharp. Training at that size fixed
  it (above). *This recipe in bfloat16 mixed precision* (`--precision mixed_bfloat16`; the
  network's full-size step alone costs 0.78 of the float32 one): mean IoU 0.830 (paired
  difference −0.005, 95 % interval −0.015 to +0.004), boundary F 0.562, 14 photos below 0.5,
  no-person 3.58 %, above the head **0.84 %**, held-out composites 0.964, flicker 0.0047; its
  training took 71 minutes, as gen8's did: on 2 cores data loading, not the network,
  bounds the epochs (205 ms a small step against about 115 for the network alone). Within
  build-to-build variance, no faster: not shipped, and float32 stays the default.
- **Four generations before** (gen7, 2026-12-04): *progressive resizing*. The lent GPU
  showed this network short of training (below: twice the steps beat once), and on 2 cores
  the time for more full-size steps is not there. So the build now trains 46 epochs, the
  first 28 at inputs 0.75 the size per side (96×160 for a 16:9 frame), the last 18 at full
  size; a small epoch costs about 0.6 of a full one with data loading included, so the 46
  cost about as much as 35 full ones. Against the previous model (gen6: 30 full epochs, the
  same network and data): mean IoU 0.818 → 0.826 (paired difference +0.008, 95 % interval
  −0.003 to +0.018), boundary F 0.524 → 0.541, photos below IoU 0.5 14 → 13, the band above
  the head **2.20 % → 1.07 %**, held-out composites 0.956 → 0.965, flicker 0.0047 → 0.0048;
  foreground on no-person frames 3.09 % → 3.91 % (gen6's was the lowest of seven builds of
  this network, which ranged 3.09–4.36 %). Shipped: the band above the head is lower than in
  any CPU build before (1.52–2.36 %), as the GPU runs found for more training, and the other
  figures are better or within build-to-build variance. Its training took 72 minutes, with
  the 2 cores shared with other evaluation work for about a tenth of it.
- **Five generations before** (gen6): every second crop of a real photo became a *scene crop*
  (any scale, the head anywhere from above the frame to low in it), so facades, signs and
  shelves around and above people are seen as background at every scale: against gen5,
  no-person 3.91 % → 3.09 %, photos below IoU 0.5 18 → 14, the tests' drawn room with a red
  poster 3.2 % → 0.0 % of the frame, mean IoU 0.817 → 0.818.
- **Tried with gen7 and not shipped**: *an out-of-focus background* as augmentation (in a
  quarter of the samples the background, by the label, blurred by a Gaussian of sigma up to
  1.8 % of the width; a frame with nobody blurred whole), aimed at the out-of-focus walls and
  trees on the no-person sheet. One build of the gen7 recipe with it: mean IoU 0.829 (paired
  difference +0.003, 95 % interval −0.008 to +0.013), boundary F 0.539, 17 photos below 0.5,
  no-person **3.92 %** (gen7 3.91 %), above the head 1.98 %, held-out composites 0.959,
  flicker 0.0047. No better on the frames it was aimed at, worse above the head: taken out.
- **Tried with gen6 and not shipped** (one build each, 30 epochs unless said, the same
  evaluation; "gen6" is the previous model):
  - *The `person_bridge` preset* (`person_lean` with a 96-filter conv block at the pooled
    1/32 bottom; the bare network 0.87× gen6's time), with scene crops: mean IoU 0.813,
    boundary F 0.519, 18 photos below 0.5, no-person 3.27 %, above the head **1.52 %**,
    held-out composites 0.960, flicker 0.0054 (MediaPipe raw 0.0054: at the target's edge);
    on 1280×720 frames 2.98 ms against landscape's 2.98 ms in the same run, the whole frame
    8.51 ms (gen6's build: 11.36 ms, on a slower stretch of the machine). Best above
    the head and the fastest, but 0.005 lower IoU, 4 more photos below 0.5 and flicker at the
    limit. The preset stays for the next search.
  - *Crops of each photo's person-free part at any scale* (one more frame with nobody per
    photo, about 1,900 in all), with `person_bridge`: mean IoU 0.798, no-person 3.76 %, above
    the head 2.36 %, flicker 0.0085: worse on every figure; taken out of the recipe (a
    guess at why: crops cut right beside a person teach it to doubt people's edges).
  - *More scene crops* (two crops of every three, not one; the same network): mean IoU
    0.813, boundary F 0.519, 14 photos below 0.5, no-person 3.93 %, above the head 2.24 %,
    held-out composites 0.959, flicker 0.0048. No better; not shipped.
  - *A sports source* (Kaggle's "100 Sports" in a GitHub copy, every second photo; the
    teachers agreed on 1,594 with people and 248 with nobody; terms unclear), with
    `person_bridge`: mean IoU 0.813 (the same as without it), boundary F 0.512, 21 photos
    below 0.5, no-person 3.34 %, above the head 1.89 %. No better: left out (listed under
    *not used*).
  - *The `person_separable` preset* (`person_lean` with depthwise-separable convs below the
    first level, 16, 32, 96, 192 filters and a 192-filter bridge: 415k parameters against
    218k, trained and fed at 160×288, 1.6× gen6's pixels; 72 minutes from nothing):
    mean IoU 0.816 (paired difference −0.003, 95 % interval −0.013 to +0.008), boundary F
    0.528, 16 photos below 0.5, no-person 3.77 %, above the head 2.02 %, held-out composites
    0.959, flicker 0.0049; on 1280×720 frames 3.77 ms against landscape's 2.96 (missed by
    27 %). Fed 128×224 instead it is faster (2.69 ms against 2.87) but much worse (IoU 0.776,
    33 photos below 0.5): it learned its scale. Four times the width where pixels are few
    bought nothing, like the bridge block, so capacity at the bottom is not what this network
    lacks. (Gen6, trained at 128×224 and fed 160×288 without retraining: IoU 0.824,
    boundary F 0.548, above the head 1.73 %, but no-person 3.92 % and 5.91 ms against
    landscape's 3.72; too slow to ship.) Not shipped.
  - *More training, on a GPU* (an H200 lent for 15 minutes in each of two sessions;
    `scripts/gpu_search`: the same network and loss, the recipe's augmentation redone in
    numpy, Keras 3 on JAX; a random 11,000 of the 31,138 training samples, what one call to
    that machine can carry). Trained for once, twice and three times gen6's recipe's
    30 × 400 × 16 samples, each evaluated here like this model:
    once: real-photo IoU 0.805, boundary F 0.507, 20 photos below 0.5, no-person 4.10 %,
    above the head 2.61 %, held-out composites 0.952, flicker 0.0075;
    twice: **0.830**, 0.532, 15, 2.94 %, **1.41 %**, 0.963, 0.0048;
    three times: **0.833**, 0.544, 14, **2.48 %**, **1.17 %**, 0.967, 0.0047.
    Paired differences in real-photo IoU (`compare_real.py`): three times against once
    +0.028 (95 % interval +0.014 to +0.043), against twice +0.003 (−0.010 to +0.016),
    against gen6 +0.015 (+0.004 to +0.027), against gen7 +0.007 (−0.004 to +0.020),
    against MediaPipe landscape in its own run −0.035 (−0.048 to −0.023). So: once on a third of the data scores below gen6's once on
    all of it (0.818; the two differ in implementation too), and a second helping of steps
    buys much more than a third.
    Real-photo IoU levels off near 0.833, still 0.035 below landscape, while no-person
    frames and the band above the head keep falling toward their targets (2 %, 1 %). More
    training closes those two gaps and under half of the IoU gap. Not shipped: not trained
    by the recipe (`softfocus-train` on 2 CPU cores), and twice the training does not fit the
    90-minute build.
  - *40 epochs instead of 30, on CPU* (gen6's recipe with `--epochs 40`, the same
    data): mean IoU 0.820 (paired difference +0.002, 95 % interval −0.009 to +0.012),
    boundary F 0.531, 15 photos below 0.5, no-person 3.38 %, above the head 1.60 %, held-out
    composites 0.961, flicker 0.0048; 3.94 ms a 1280×720 frame against landscape's 3.96.
    Better above the head and within build-to-build variance elsewhere: a third more
    training bought far less than the GPU's doubling. Its training alone took 82 minutes
    (110–160 s an epoch that day), about 97 minutes from nothing: over the budget. Not
    shipped; gen7 (46 epochs, 28 of them small) against it: paired +0.006 (95 %
    interval −0.005 to +0.017), above the head 1.07 % against 1.60 %.
- **Tried in earlier generations** (figures against the model of that time): pasting
  people small and far (30 % at 10–30 % of the frame's height) did worse on every real-photo
  figure (IoU 0.797 against 0.801); 5,000 frames with nobody instead of 2,000 cut no-person
  frames 4.36 % → 3.48 % but cost IoU 0.810 → 0.785; `person_lean` at 36 epochs scored within
  build-to-build variance (IoU 0.811) and does not fit the 90-minute budget.
- What would close the gaps: training closes part of them. Three times the steps on a GPU
  brought no-person frames to 2.48 % and the band above the head to 1.17 % (targets 2 % and
  1 %) but real-photo IoU only to 0.833 against landscape's 0.868, level from twice to three
  times (above). Gen10's loss, aimed at the confident mistakes, did on 2 cores what those
  steps did for the backgrounds (no-person 2.17 %, above the head 0.37 %) and moved IoU a
  little (0.847); its outlines did not move (boundary F 0.590). Gen11's data, pasted people no
  sharper than their scenes, moved the outlines (0.604, twice above gen10's builds) and IoU a
  little (0.852), and gave back some of the backgrounds on soft, out-of-focus ones (2.67 %),
  though its two builds (2.04 %, 2.67 %), the two of `--defocus-nobody` (2.16 %, 2.61 %)
  and the two of `--no-person 3500` (2.18 %, 2.32 %) show one build's no-person figure
  moving by half a point on its own: the 2 % target lies within that spread of the recipe's mean (about 2.4 %), and a change has to move it by more
  than that to be seen in one build, or be built twice. A GPU-length run of this recipe on
  all the data is the next thing to measure (`scripts/gpu_search` runs it since 2026-12-06:
  configs `recipe2` to `recipe6`, on as much of the data as one call carries). The teachers'
  closer look (`--zoomed-labels`, one build) lifted the small, distant people above landscape
  and left the large, near ones at the family's level, where most of the gap now lies; a
  second build of it is the other measurement waiting. The rest of the IoU gap needs more
  than steps: all the data trained that long (the GPU runs saw a third of it), more photos of people in streets, shops and gyms
  with exact masks (no such set with clear terms was found within reach, see *not used*),
  then a larger network trained that way and distilled into this size.
- Terms: Clothing Co-Parsing (Apache-2.0) is the one real-photo source with a clear licence;
  the other five are marked *unclear* and `--permissive-only` rebuilds without them (on
  openpeople and Clothing Co-Parsing alone). The Human-Segmentation-Dataset is never trained
  on. That rebuild was last run on 2026-12-05 with gen9's recipe (65 minutes with its data
  prepared, which took 5 more from cached labels; 2,058 photos of people against 3,063): real-photo
  IoU 0.799 against gen9's 0.839 (paired difference −0.040, 95 % bootstrap interval −0.054
  to −0.026), boundary F 0.541, 26 photos below 0.5, no-person 2.77 %, above the head
  2.28 %, held-out composites 0.971, flicker 0.0046. (With gen6's recipe, 2026-12-04: IoU
  0.770 against 0.818, above the head 5.26 %.) The path works, and gen9's recipe narrows
  the gap, but without the five unclear sources (portraits, press photos, crowds,
  pedestrians) the model is worse on the real photos' IoU, outlines and the band above the
  head. It is not shipped.
- Speed varies between runs by more than the target's margin. Gen7 (float, 128×224) timed
  3.83 ms a 1280×720 frame against landscape's 3.25 in its build and 4.37 against 3.69 in a
  rerun: the target met in one run of four. This model (int8, 160×288) timed 3.46 against
  4.33 in its build and 4.14 against 4.48 in a rerun; gen7's weights in int8 at 160×288, 4.77 against 5.11 and (before the
  transposed-conv rewrite and the bilinear letterbox step) 3.93 against 3.28. Side by side in
  one process (`benchmarks/models.py`, 8 rounds of 60 frames) this model takes 1.07× gen7's
  float time and gen7 in int8 at 128×224 0.78×: so the margin over landscape is a few per
  cent at best, and a run on a slow moment can still miss.
- Build time: gen6's recipe rebuilt from nothing on 2026-12-03 in 76 minutes (prepare 3,
  real photos 5, training 65, evaluation and card 3). This recipe's training took 71 minutes
  here (from prepared data; small epochs 56–83 s, the larger ones 86–201 s, validation at
  160×288 included), the whole build 74, so about 82 minutes from nothing: within the
  90-minute budget, with little to spare on a slow day. Gen10's loss costs nothing measurable
  a step (a quiet rebuild's epochs: 53–60 s small, 78–80 s middle, as gen9's): about 65
  minutes of training alone, 76 on a machine shared with other work.
- Hair edges are coarse: the model sees about 46,000 pixels of each frame.
- Where a label comes from the teacher, this model learned MediaPipe's mistakes too."""


def render_table(report: dict) -> str:
    names = list(report["composites"])
    lines = [
        "| subset | metric | " + " | ".join(NAMES.get(n, n) for n in names) + " |",
        "|---|---|" + "---|" * len(names),
    ]
    for subset in ("composites", "photos"):
        count = report[subset][names[0]]["images"]
        for metric, label in (("mean_iou", "mean IoU"), ("boundary_f", "boundary F")):
            values = [report[subset][n][metric] for n in names]
            best = max(values)
            cells = [f"**{v:.3f}**" if v == best else f"{v:.3f}" for v in values]
            lines.append(f"| {subset} ({count}) | {label} ↑ | " + " | ".join(cells) + " |")
    for variant, label in (("raw", "raw"), ("app_smoothing", "app smoothing")):
        values = [report["flicker"][n][variant] for n in names]
        best = min(values)
        cells = [f"**{v:.4f}**" if v == best else f"{v:.4f}" for v in values]
        lines.append(f"| flicker | {label} ↓ | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def render_real_table(report: dict) -> str:
    photos = report["photos"]
    names = list(photos)
    first = photos[names[0]]
    lines = [
        "| set | metric | " + " | ".join(NAMES.get(n, n) for n in names) + " |",
        "|---|---|" + "---|" * len(names),
    ]
    rows = (
        (f"real photos ({first['images']})", "mean IoU ↑", "mean_iou", "{:.3f}", max),
        (f"real photos ({first['images']})", "boundary F ↑", "boundary_f", "{:.3f}", max),
        (f"real photos ({first['images']})", "photos below IoU 0.5 ↓", "below_half", "{}", min),
        (
            f"no-person ({first['no_person_frames']})",
            "foreground area ↓ (target ≤ 2 %)",
            "no_person_area",
            "{:.2%}",
            min,
        ),
        (
            f"ghost ({first['ghost_frames']})",
            "area above the head ↓ (target ≤ 1 %)",
            "ghost_area",
            "{:.2%}",
            min,
        ),
    )
    if "no_person_area_without_bystanders" in first:
        kept = first["no_person_frames"] - first["no_person_bystander_frames"]
        rows = (
            *rows[:4],
            (
                f"… of them, without bystanders ({kept})",
                "foreground area ↓ (`hsd_bystanders.txt`)",
                "no_person_area_without_bystanders",
                "{:.2%}",
                min,
            ),
            *rows[4:],
        )
    for label, metric, key, fmt, best_of in rows:
        if any(key not in photos[n] for n in names):
            continue
        values = [photos[n][key] for n in names]
        best = best_of(values)
        cells = [f"**{fmt.format(v)}**" if v == best else fmt.format(v) for v in values]
        lines.append(f"| {label} | {metric} | " + " | ".join(cells) + " |")
    fl = report["flicker"]
    values = [fl["softfocus_app"] if n == "softfocus" else fl[f"{n}_raw"] for n in names]
    cells = [f"**{v:.4f}**" if v == min(values) else f"{v:.4f}" for v in values]
    lines.append("| flicker (demo clip) | app smoothing / raw ↓ | " + " | ".join(cells) + " |")
    if "composites" in report:
        composites = report["composites"]
        count = composites[names[0]]["images"]
        for key, label in (("mean_iou", "mean IoU ↑"), ("boundary_f", "boundary F ↑")):
            values = [composites[n][key] for n in names]
            cells = [f"**{v:.3f}**" if v == max(values) else f"{v:.3f}" for v in values]
            lines.append(f"| held-out composites ({count}) | {label} | " + " | ".join(cells) + " |")
    times = [report["time_ms"][n] for n in names]
    cells = [f"**{v:.2f}**" if v == min(times) else f"{v:.2f}" for v in times]
    lines.append("| 1280×720 frame | ms, median ↓ | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def render_sources(real_manifest: dict) -> str:
    lines = [
        "| source | terms | how it is used |",
        "|---|---|---|",
        "| `openpeople` 0.1.2 (PyPI) | MIT | P001–P008: cut-outs, composites, in-room crops; "
        "P009–P010: held-out evaluation only |",
        "| Debian `gnome-backgrounds`, `plasma-workspace-wallpapers` | CC-BY-SA 3.0; GPL-2+ | "
        "backgrounds for composites (training only, never shipped) |",
        "| MediaPipe Selfie Segmentation, `mediapipe==0.10.14` wheel | Apache-2.0 | teacher "
        "(pseudo-labels) and baseline; weights never committed |",
    ]
    for source in real_manifest.get("sources", []):
        terms = source["licence"] + ("" if source["permissive"] else " — **unclear**")
        people = source.get("photos_with_people", source["photos_used"])
        nobody = source.get("photos_with_nobody", 0)
        masked = source.get("photos_with_annotators_masks", 0)
        labels = (
            f"{masked} on the annotators' masks, the rest through the teacher"
            if masked
            else "through the teacher"
        )
        use = (
            f"training: {people} photos with people ({labels}) and {nobody} with nobody "
            f"used, of {source['photos_found']}"
        )
        if source.get("person_boxes"):
            use += (
                "; the source's own person boxes decide who is there (labels kept inside "
                "them; no box: an all-background frame)"
            )
        if not source["permissive"]:
            use += "; left out by `--permissive-only`"
        lines.append(
            f"| [{source['name']}]({source['url']}) `{source['folder']}` | {terms} | {use} |"
        )
    for name in real_manifest.get("left_out_as_unclear", []):
        lines.append(f"| {name} | unclear | left out of this build (`--permissive-only`) |")
    for source in real_manifest.get("evaluation_only", []):
        lines.append(
            f"| [{source['name']}]({source['url']}) | {source['licence']} | "
            "**evaluation only**, never trained on |"
        )
    for entry in real_manifest.get("not_used", []):
        lines.append(f"| {entry['source']} | — | not used: {entry['why']} |")
    return "\n".join(lines)


def render_timing(report: dict) -> str:
    t = report["time_ms"]
    ratio = t["mediapipe_general"] / t["softfocus_model_only"]
    return (
        f"Median per frame on {t['frame_size']} frames, 2 threads, measured in the same run: "
        f"the model alone {t['softfocus_model_only']:.2f} ms in ONNX Runtime; the app's whole "
        f"`Segmenter.process` (letterbox, inference, mask upsample) "
        f"{t['softfocus_segmenter']:.2f} ms; MediaPipe general {t['mediapipe_general']:.2f} ms "
        f"and landscape {t['mediapipe_landscape']:.2f} ms (its own resize included). MediaPipe "
        f"general / Softfocus model: **{ratio:.1f}×**; MediaPipe landscape / Softfocus model: "
        f"{t['mediapipe_landscape'] / t['softfocus_model_only']:.1f}×. With the app's "
        f"edge-aware upsampling the mask costs {t['softfocus_with_edges']:.2f} ms."
    )


def architecture_line(preset: dict) -> str:
    """The network in words, from the preset the run was fitted with (run config.json)."""
    filters = preset["filters"]
    convs = preset.get("convs_per_block", 2)
    first = preset.get("first_level_convs") or convs
    blocks = f"{len(filters)} levels of {convs}× conv 3×3 + BatchNorm + LeakyReLU"
    if first != convs:
        blocks = (
            f"{len(filters)} levels of conv 3×3 + BatchNorm + LeakyReLU ({first}× at the first, "
            f"{convs}× below)"
        )
    head = "sigmoid head"
    if preset.get("head_skip"):
        head = (
            "the first level's skip added to the last upsampling, sigmoid head"
            if preset.get("head_merge", "concat") == "add"
            else "the first level's skip concatenated and convolved, sigmoid head"
        )
    stem = preset.get("stem_filters") or filters[0]
    bridge = ""
    if preset.get("bridge_filters"):
        bridge = f", a {convs}× conv bridge ({preset['bridge_filters']} filters) at 1/32"
    separable = preset.get("separable_from_level", 0)
    if separable:
        below = "the first level" if separable == 1 else f"the first {separable} levels"
        bridge += f"; depthwise-separable convs below {below}"
    upsampling = "bilinear ×2"
    if preset.get("head_subpixel"):
        upsampling = (
            "bilinear ×2 plus a sub-pixel head (a 1×1 conv's logit for each pixel of the 2×2 "
            "cell, by DepthToSpace)"
        )
    return (
        f"U-Net, stride-2 stem ({stem} filters), {blocks} "
        f"({', '.join(str(f) for f in filters)} filters){bridge}, ConvTranspose decoder with "
        f"skips (in ONNX a 2×2 conv and DepthToSpace each, the same sums), {head}, {upsampling}"
    )


def input_line(preset: dict, contract: ModelContract | None = None) -> str:
    """The card's input row; ``contract`` (the model's own) says the size it runs at, when
    that is not the size it was trained at, and its precision."""
    height, width = preset["input_height"], preset["input_width"]
    if not preset.get("flexible_input"):
        return (
            f"1×{height}×{width}×3 RGB in [0, 1] (NHWC) → 1×{height}×{width}×1 p(person); "
            "frames of other shapes are letterboxed by the app"
        )
    run_h, run_w = (contract.input_height, contract.input_width) if contract else (height, width)
    stride = preset["stem_stride"] * 2 ** len(preset["filters"])
    trained = "" if (run_h, run_w) == (height, width) else f" (trained at {height}×{width})"
    precision = contract.extra.get("precision", "float32") if contract else "float32"
    return (
        f"1×H×W×3 RGB in [0, 1] (NHWC) → 1×H×W×1 p(person), H and W any multiples of {stride} "
        f"(contract `input_stride`): run at {run_h}×{run_w}'s pixels{trained}, the app feeding "
        "each frame the shape that holds most of it within 1.1× those pixels, letterboxed; "
        f"weights and arithmetic {precision}"
    )


def onnx_parameters(path: Path) -> int:
    import numpy as np
    import onnx

    model = onnx.load(str(path))
    return int(sum(np.prod(t.dims) for t in model.graph.initializer))


def progressive_note(config: dict) -> str:
    """How many epochs trained small (progressive resizing), for the card's training row."""
    low = config.get("low_res_epochs", 0)
    if not low:
        return ""
    note = f" (the first {low} at {config.get('low_res_scale', 0.75):g} the input size per side"
    mid = config.get("mid_res_epochs", 0)
    if mid:
        note += f", the next {mid} at {config.get('mid_res_scale', 0.75):g}"
    return note + ")"


def logit_scale_note(contract) -> str:
    scale = contract.extra.get("logit_scale") if contract is not None else None
    return f", the logits × {scale:g} at export (temperature)" if scale else ""


def pasted_detail_note(share: float) -> str:
    """The data clause for ``real_photos --match-detail`` (a manifest's ``matched_detail``)."""
    if not share:
        return ""
    which = "each pasted person" if share >= 1 else f"{share:.0%} of the pasted people"
    return (
        f", {which} defocused until it holds no more fine texture than its scene (pasted "
        "people had held about three times the scene's)"
    )


def teacher_looks_note(zoomed: bool) -> str:
    """The data clause for ``real_photos --zoomed-labels`` (a manifest's ``zoomed_labels``)."""
    if not zoomed:
        return ""
    return (
        ", each teacher looking at the photo mirrored too and again closer at each person, "
        "inside the source's boxes where it has them: the teachers see a photo at 256 pixels "
        "wide or less"
    )


def training_minutes(log: Path) -> float:
    """Sum of Keras' per-epoch wall times ("400/400 - 51s - …") in the fit log."""
    if not log.exists():
        return float("nan")
    return sum(int(m) for m in re.findall(r"- (\d+)s - \d+ms/step", log.read_text())) / 60


def pipeline_total_ms(text: str) -> float | None:
    """The total of the build's pipeline line ('… = **9.47 ms** a frame'), if it has one."""
    found = re.search(r"\*\*([\d.]+) ms\*\*", text)
    return float(found.group(1)) if found else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run-dir", type=Path, default=Path("runs/person"))
    parser.add_argument("--data", type=Path, default=Path("data/people"))
    parser.add_argument("--model", type=Path, default=Path("assets/models/person.onnx"))
    parser.add_argument("--out", type=Path, default=Path("assets/models/person.md"))
    parser.add_argument("--pipeline", default="see benchmarks/pipeline.py")
    args = parser.parse_args(argv)
    report = json.loads((args.run_dir / "heldout.json").read_text())
    manifest = json.loads((args.data / "manifest.json").read_text())
    config = json.loads((args.run_dir / "config.json").read_text())
    real_path = args.data / "real_manifest.json"
    real_manifest = json.loads(real_path.read_text()) if real_path.exists() else {}
    real_report_path = args.run_dir / "real.json"
    real_report = json.loads(real_report_path.read_text()) if real_report_path.exists() else None
    history = json.loads((args.run_dir / "history.json").read_text())
    preset = config["preset"]
    card = TEMPLATE.format(
        preset=preset["name"],
        architecture=architecture_line(preset),
        input_line=input_line(preset, load_session(args.model)[1]),
        params=onnx_parameters(args.model),
        size_kb=args.model.stat().st_size / 1024,
        epochs=len(history["loss"]),
        progressive=progressive_note(config),
        steps=config.get("steps_per_epoch", 400),
        batch=config.get("batch_size", 16),
        lr=config["preset"]["learning_rate"],
        loss=LOSS_NAMES.get(preset.get("loss", "bce_dice"), preset.get("loss"))
        + logit_scale_note(load_session(args.model)[1]),
        seed=config["seed"],
        precision=", bfloat16 mixed precision"
        if config.get("precision") == "mixed_bfloat16"
        else "",
        train_minutes=training_minutes(args.run_dir / "train.log"),
        train_cutouts=manifest["train_cutouts"],
        heldout_cutouts=manifest["heldout_cutouts"],
        train_backgrounds=manifest["train_backgrounds"],
        heldout_backgrounds=manifest["heldout_backgrounds"],
        train_composites=manifest["train_composites"],
        room_crops=manifest["train_room_crops"],
        flicker_frames=manifest["flicker_frames"],
        real_samples=sum(real_manifest.get("samples", {}).values()),
        real_photos=sum(
            s.get("photos_with_people", s["photos_used"]) for s in real_manifest.get("sources", [])
        ),
        pasted_detail=pasted_detail_note(real_manifest.get("matched_detail", 0.0)),
        teacher_looks=teacher_looks_note(real_manifest.get("zoomed_labels", False)),
        real_nobody=sum(s.get("photos_with_nobody", 0) for s in real_manifest.get("sources", [])),
        eval_photos_source="the 291-photo Human-Segmentation-Dataset",
        real_table=render_real_table(real_report) if real_report else "(not run: no photos)",
        sources=render_sources(real_manifest),
        table=render_table(report),
        timing=render_timing(report),
        pipeline=args.pipeline,
        weaknesses=render_weaknesses(real_report, pipeline_total_ms(args.pipeline)),
    )
    args.out.write_text(card)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
