"""``softfocus process``: the pipeline over an image, a video, or a folder of images.

Outputs are written under a temporary name and renamed into place when complete, so a crash
or an error never leaves a half-written file that looks finished. Ctrl+C on a video is the
one exception, on purpose: the frames done so far are kept under the output name (a playable
partial video) and the command says so.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from softfocus.app.backdrops import IMAGE_SUFFIXES, load_image
from softfocus.app.errors import InputError
from softfocus.app.frame_source import EndOfStream, VideoFileSource
from softfocus.app.pipeline import FramePipeline
from softfocus.app.progress import ProgressBar
from softfocus.app.segmenter import Segmenter
from softfocus.app.settings import PipelineSettings

VIDEO_CODECS = {".mp4": "mp4v", ".m4v": "mp4v", ".mov": "mp4v", ".avi": "MJPG", ".mkv": "MJPG"}


@dataclass(frozen=True)
class ProcessJob:
    input_path: Path
    output_path: Path
    settings: PipelineSettings
    model_path: Path
    num_threads: int = 2
    show_progress: bool = True


class Interrupted(KeyboardInterrupt):
    """Ctrl+C during a video: ``frames`` were written to ``path`` (a playable partial video)."""

    def __init__(self, path: Path, frames: int) -> None:
        super().__init__(f"interrupted after {frames} frame(s); {path} holds them")
        self.path = path
        self.frames = frames


def run_process(job: ProcessJob) -> int:
    """Process the input; returns the number of frames or images written."""
    source = job.input_path
    if not source.exists():
        raise InputError(f"Input {source} does not exist; pass an image, a video or a folder.")
    check_output_name(job)
    if job.settings.effect == "replace" and job.settings.backdrop_path:
        load_image(job.settings.backdrop_path, "backdrop")  # fail before any work is done
    with Segmenter(job.model_path, num_threads=job.num_threads) as segmenter:
        pipeline = FramePipeline(segmenter)
        if job.settings.effect == "replace":
            pipeline.set_backdrop(job.settings.backdrop_path)
        if source.is_dir():
            return _process_folder(pipeline, job)
        if source.suffix.lower() in IMAGE_SUFFIXES:
            _process_image(pipeline, job, source, job.output_path)
            return 1
        return _process_video(pipeline, job)


def check_output_name(job: ProcessJob) -> None:
    """Refuse an output OpenCV cannot write before any work is done, not after."""
    source, target = job.input_path, job.output_path
    if target.exists() and source.exists() and target.resolve() == source.resolve():
        raise InputError(f"The output {target} is the input; choose another output name.")
    if source.is_dir():
        if target.exists() and not target.is_dir():
            raise InputError(
                f"The output {target} is a file; for a folder input, give an output folder."
            )
        return
    if target.is_dir():
        raise InputError(f"The output {target} is a folder; give a file name, e.g. out.png.")
    if source.suffix.lower() in IMAGE_SUFFIXES:
        target = image_target(target, job.settings)
        if not cv2.haveImageWriter(str(target)):
            raise InputError(
                f"Cannot write images named {target.name!r}; end the output in "
                f"{', '.join(WRITABLE_IMAGE_SUFFIXES)}."
            )
    elif target.suffix.lower() not in VIDEO_CODECS:
        raise InputError(
            f"The output {target.name} is not a video name; end it in {', '.join(VIDEO_CODECS)}."
        )


WRITABLE_IMAGE_SUFFIXES = (".png", ".jpg", ".bmp", ".tif", ".webp")
MASK_SUFFIXES = (".png", ".bmp", ".tif", ".tiff")


def image_target(target: Path, settings: PipelineSettings) -> Path:
    """The name an image result is written under: a matte must be lossless, no suffix → PNG."""
    if not target.suffix or (
        settings.effect == "mask" and target.suffix.lower() not in MASK_SUFFIXES
    ):
        return target.with_suffix(".png")
    return target


def written_path(job: ProcessJob) -> Path:
    """Where the result lands (an image's name may gain .png, see image_target)."""
    if job.input_path.is_file() and job.input_path.suffix.lower() in IMAGE_SUFFIXES:
        return image_target(job.output_path, job.settings)
    return job.output_path


def _temporary_beside(path: Path) -> Path:
    """A hidden name in the target's folder (same file system: the rename is atomic), keeping
    the suffix, which is how OpenCV picks the format. Not mkstemp: its 0600 mode would make
    the result unreadable to others where the user's umask says otherwise."""
    return path.with_name(f".{path.stem}.{os.getpid()}-{secrets.token_hex(4)}.part{path.suffix}")


def _write_image(path: Path, image: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    ok, data = cv2.imencode(path.suffix, image)
    if not ok:
        raise InputError(f"Cannot encode {path.name}; use a .png or .jpg output name.")
    temporary = _temporary_beside(path)
    try:
        data.tofile(str(temporary))
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()


def _output_image(result: np.ndarray, settings: PipelineSettings) -> np.ndarray:
    # The matte is one channel of information: save it as a single-channel grey image.
    return result[:, :, 0] if settings.effect == "mask" else result


def _process_image(pipeline: FramePipeline, job: ProcessJob, source: Path, target: Path) -> None:
    frame = load_image(source, "input image")
    pipeline.reset()  # images are independent: no temporal smoothing across them
    result = pipeline.process(frame, job.settings)
    _write_image(image_target(target, job.settings), _output_image(result.frame_bgr, job.settings))


def _process_folder(pipeline: FramePipeline, job: ProcessJob) -> int:
    images = sorted(
        p for p in job.input_path.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES
    )
    if not images:
        raise InputError(
            f"The folder {job.input_path} holds no images ({', '.join(IMAGE_SUFFIXES)})."
        )
    if job.output_path.exists() and not job.output_path.is_dir():
        raise InputError(
            f"The output {job.output_path} is a file; for a folder input, give an output folder."
        )
    job.output_path.mkdir(parents=True, exist_ok=True)
    progress = ProgressBar(len(images), "images") if job.show_progress else None
    skipped = []
    for path in images:
        suffix = ".png" if job.settings.effect == "mask" else path.suffix
        try:
            _process_image(pipeline, job, path, job.output_path / f"{path.stem}{suffix}")
        except InputError as error:
            skipped.append(str(error))
        if progress:
            progress.update()
    if progress:
        progress.close()
    for message in skipped:
        print(f"softfocus: skipped: {message}")
    return len(images) - len(skipped)


def _process_video(pipeline: FramePipeline, job: ProcessJob) -> int:
    source = VideoFileSource(job.input_path, loop=False, paced=False)
    target = job.output_path
    if target.suffix.lower() not in VIDEO_CODECS:
        raise InputError(
            f"The output {target.name} is not a video name; end it in {', '.join(VIDEO_CODECS)}."
        )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = _temporary_beside(target)
    except OSError:
        source.close()
        raise
    fourcc = cv2.VideoWriter_fourcc(*VIDEO_CODECS[target.suffix.lower()])
    writer = cv2.VideoWriter(os.fspath(temporary), fourcc, source.fps, source.size)
    if not writer.isOpened():
        source.close()
        temporary.unlink(missing_ok=True)
        raise InputError(f"Cannot write the video {target}; check the folder is writable.")
    progress = ProgressBar(source.frame_count, "frames") if job.show_progress else None
    written = 0
    finished = False
    try:
        while True:
            try:
                frame = source.read()
            except EndOfStream:
                break
            out = pipeline.process(frame, job.settings).frame_bgr
            if (out.shape[1], out.shape[0]) != source.size:
                # A stream whose frame size changes mid-way: the writer would drop the frame.
                out = cv2.resize(out, source.size, interpolation=cv2.INTER_AREA)
            writer.write(out)
            written += 1
            if progress:
                progress.update()
        finished = True
    except KeyboardInterrupt:
        writer.release()
        os.replace(temporary, target)  # the frames so far play: keep them, and say so
        raise Interrupted(target, written) from None
    finally:
        writer.release()
        source.close()
        if progress:
            progress.close()
        if not finished:
            temporary.unlink(missing_ok=True)
    os.replace(temporary, target)
    return written
