"""Where the people images are, and who may be trained on."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

TRAIN_PEOPLE = tuple(f"P{i:03d}" for i in range(1, 9))
# Held out: evaluation only, never training or tuning.
HELDOUT_PEOPLE = ("P009", "P010")
ROOM_SHOTS = ("amateur_selfie", "amateur_posture")
STUDIO_SHOTS = ("studio_portrait", "studio_posture")
SHEET_SHOTS = ("character_sheet", "emotions_sheet")


@dataclass(frozen=True)
class PersonImage:
    person: str
    shot: str
    path: Path

    @property
    def key(self) -> str:
        return f"{self.person}_{self.shot}"


def openpeople_root() -> Path:
    try:
        import openpeople
    except ImportError:
        raise SystemExit(
            "openpeople is not installed in this environment; run `scripts/dev.sh person-model`, "
            "which installs it (the dev extra)."
        ) from None
    root = Path(openpeople.__file__).parent / "data" / "curated"
    if not root.is_dir():
        raise SystemExit(f"openpeople's data folder {root} is missing; reinstall openpeople.")
    return root


def person_images(people: tuple[str, ...], shots: tuple[str, ...]) -> list[PersonImage]:
    root = openpeople_root()
    found = []
    for person in people:
        for shot in shots:
            path = root / person / "assets" / f"{shot}.jpg"
            if path.is_file():
                found.append(PersonImage(person, shot, path))
    return found
