"""The bundled demo clip: a training person (never P009/P010) swaying in front of a room.

    .venv/bin/python -m softfocus.training.people.demo_clip --out assets/demo.mp4

The person is cut out of their own in-room selfie (teacher mask tightened by GrabCut), the
room behind is the same photo with the person painted out, and the camera drifts a little,
so the app has something person-shaped to work on where no camera is connected.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import cv2
import numpy as np

from softfocus.training.people.backgrounds import empty_room
from softfocus.training.people.cutout import refine_with_grabcut
from softfocus.training.people.sources import TRAIN_PEOPLE, person_images
from softfocus.training.people.teacher import Teacher


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("assets/demo.mp4"))
    parser.add_argument("--person", default="P001", choices=TRAIN_PEOPLE)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--fps", type=float, default=30.0)
    parser.add_argument("--size", default="640x360")
    args = parser.parse_args(argv)
    width, height = (int(v) for v in args.size.split("x"))
    item = person_images((args.person,), ("amateur_selfie",))[0]
    photo = cv2.imread(str(item.path))
    photo = cv2.resize(photo, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    with Teacher(0) as teacher:
        alpha = refine_with_grabcut(photo, teacher.process(photo))
    room = cv2.resize(empty_room(photo, alpha), (photo.shape[1], photo.shape[0]))
    # Selfies are close-ups; a webcam sees head and shoulders. Shrink the person into a 16:9
    # view of their room, body running off the bottom edge.
    ys, xs = np.nonzero(alpha > 0.5)
    person_top = int(ys.min())
    scale = 0.85 * height / (photo.shape[0] - person_top)
    person = cv2.resize(photo[person_top:], None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    person_alpha = cv2.resize(
        alpha[person_top:], (person.shape[1], person.shape[0]), interpolation=cv2.INTER_AREA
    )
    room_scale = width / room.shape[1] * 1.15
    room = cv2.resize(room, None, fx=room_scale, fy=room_scale, interpolation=cv2.INTER_AREA)
    room_y = max(0, int(room.shape[0] * 0.12))
    background = room[room_y : room_y + height, : width + 40].astype(np.float32)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    writer = cv2.VideoWriter(
        str(args.out), cv2.VideoWriter_fourcc(*"mp4v"), args.fps, (width, height)
    )
    frames = int(args.seconds * args.fps)
    rng = np.random.default_rng(0)
    centre_x = int(xs.mean() * scale)
    for i in range(frames):
        t = i / args.fps
        sway = 0.08 * width * math.sin(2 * math.pi * t / 4.0)
        bob = 0.012 * height * math.sin(2 * math.pi * t / 1.7)
        pan = int(20 + 20 * math.sin(2 * math.pi * t / 8.0))  # the camera drifts a little
        scene = background[:, pan : pan + width].copy()
        x0 = int(width / 2 - centre_x + sway)
        y0 = int(height - person.shape[0] + 4 + bob)
        x1, y1 = max(0, x0), max(0, y0)
        x2 = min(width, x0 + person.shape[1])
        y2 = min(height, y0 + person.shape[0])
        patch = person[y1 - y0 : y2 - y0, x1 - x0 : x2 - x0].astype(np.float32)
        a = person_alpha[y1 - y0 : y2 - y0, x1 - x0 : x2 - x0, None]
        scene[y1:y2, x1:x2] = patch * a + scene[y1:y2, x1:x2] * (1 - a)
        noise = rng.normal(0, 2.0, scene.shape)
        writer.write(np.clip(scene + noise, 0, 255).astype(np.uint8))
    writer.release()
    print(f"wrote {args.out}: {frames} frames, {width}x{height} at {args.fps:g} fps")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
