"""``softfocus process``: the pipeline over an image, a video, or a folder of images."""

from __future__ import annotations

import os
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


def run_process(job: ProcessJob) -> int:
    """Process the input; returns the number of frames or images written."""
    source = job.input_path
    if not source.exists():
        raise InputError(f"Input {source} does not exist; pass an image, a video or a folder.")
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


def _write_image(path: Path, image: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    ok, data = cv2.imencode(path.suffix or ".png", image)
    if not ok:
        raise InputError(f"Cannot encode {path.name}; use a .png or .jpg output name.")
    data.tofile(str(path))


def _output_image(result: np.ndarray, settings: PipelineSettings) -> np.ndarray:
    # The matte is one channel of information: save it as a single-channel grey image.
    return result[:, :, 0] if settings.effect == "mask" else result


def _process_image(pipeline: FramePipeline, job: ProcessJob, source: Path, target: Path) -> None:
    frame = load_image(source, "input image")
    pipeline.reset()  # images are independent: no temporal smoothing across them
    result = pipeline.process(frame, job.settings)
    if job.settings.effect == "mask" and target.suffix.lower() not in (".png", ".bmp", ".tif"):
        target = target.with_suffix(".png")
    if not target.suffix:
        target = target.with_suffix(".png")
    _write_image(target, _output_image(result.frame_bgr, job.settings))


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
    target.parent.mkdir(parents=True, exist_ok=True)
    fourcc = cv2.VideoWriter_fourcc(*VIDEO_CODECS[target.suffix.lower()])
    writer = cv2.VideoWriter(os.fspath(target), fourcc, source.fps, source.size)
    if not writer.isOpened():
        source.close()
        raise InputError(f"Cannot write the video {target}; check the folder is writable.")
    progress = ProgressBar(source.frame_count, "frames") if job.show_progress else None
    written = 0
    try:
        while True:
            try:
                frame = source.read()
            except EndOfStream:
                break
            writer.write(pipeline.process(frame, job.settings).frame_bgr)
            written += 1
            if progress:
                progress.update()
    finally:
        writer.release()
        source.close()
        if progress:
            progress.close()
    return written
