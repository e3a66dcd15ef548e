"""The no-person figure of an ``evaluate_real`` run, with and without the frames that show a
bystander.

    .venv/bin/python -m softfocus.training.people.no_person_review RUN/real.json \\
        --photos data/sources/human-segmentation-dataset [--bystanders FILE]

The no-person frames are cut beside or above each photo's masked person, and the set masks
one person a photo: in about one frame in eight a passer-by, a child or a hand is still in
view (``hsd_bystanders.txt``, reviewed by eye). A model that marks them is right, yet the
figure counts them as false foreground. This prints, for every method in the run, the mean
over all frames (the figure the target is read on), over the frames without a listed
bystander, and over the listed ones alone, so both readings come from one run.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from softfocus.training.people.evaluate_real import (
    BYSTANDERS,
    load_photo_set,
    read_stems,
    split_means,
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path, help="an evaluate_real --json file")
    parser.add_argument("--photos", type=Path, required=True, help="the run's --photos folder")
    parser.add_argument("--bystanders", type=Path, default=BYSTANDERS)
    args = parser.parse_args(argv)
    try:
        report = json.loads(args.run.read_text())
        listed = read_stems(args.bystanders)
    except (OSError, ValueError) as error:
        raise SystemExit(f"no_person_review: cannot read {error}") from None
    names = [name for name, _image, _mask in load_photo_set(args.photos)]
    methods = report["photos"]
    first = next(iter(methods.values()))
    frame_photos = [names[i] for i in first["no_person_photos"]]
    count = sum(photo in listed for photo in frame_photos)
    print(
        f"no-person frames: {len(frame_photos)}, of which {count} show a listed bystander "
        f"({args.bystanders.name})"
    )
    for name, row in methods.items():
        everything, kept, shown = split_means(row["no_person_per_frame"], frame_photos, listed)
        print(
            f"{name:>20}: all {everything:.2%}; without bystanders {kept:.2%}; "
            f"on the bystander frames {shown:.2%}"
            if kept is not None and shown is not None
            else f"{name:>20}: all {everything:.2%}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
