"""The CPU saver: when to run the model, and when the last mask will do.

On a laptop on battery the model is most of the frame's cost, and most frames of a call look
like the last one. Two rules, both reusing the last model-resolution mask (the refine chain
and the compositing still run every frame, so the blurred room moves smoothly):

* **still scene**: a 64×36 grey thumbnail differs from the one the model last saw by less
  than ``STILL_DIFFERENCE`` grey levels on average; at most ``MAX_SKIPPED`` frames in a row,
  so a slow drift is caught up within a third of a second;
* **efficiency**: infer only every Nth frame (``PipelineSettings.inference_every``).
"""

from __future__ import annotations

import cv2
import numpy as np

from softfocus.app.downscale import FrameHalvings, shrink

THUMBNAIL_SIZE = (64, 36)
# Mean absolute difference of the thumbnail, in grey levels, below which a frame counts as
# still. Measured with benchmarks/cpu.py (consecutive frames): a still person with sensor
# noise σ 2 gives 0.14 median, 0.19 at most; σ 6 (a dim room) about 0.4; the demo clip's
# movement 1.8 median, and a third of its frames are below 1.5. So 0.6: above low-light noise,
# well below any movement the mask should follow (the difference is taken against the last
# frame the model saw, so a slow drift adds up until it runs).
STILL_DIFFERENCE = 0.6
MAX_SKIPPED = 10


class InferenceSaver:
    def __init__(self) -> None:
        self._last_thumbnail: np.ndarray | None = None
        self._thumbnail = np.empty(THUMBNAIL_SIZE[::-1], np.uint8)
        self._difference = np.empty(THUMBNAIL_SIZE[::-1], np.uint8)
        self._skipped = 0
        self._frame = 0
        self._thumbnail_frame = -1
        self._halvings: dict = {}
        self.frames_seen = 0
        self.frames_inferred = 0

    def reset(self) -> None:
        self._last_thumbnail = None
        self._skipped = 0

    def should_infer(
        self,
        frame_bgr: np.ndarray,
        skip_still: bool,
        every: int,
        halvings: FrameHalvings | None = None,
    ) -> bool:
        """Decide for this frame; call ``inferred()`` after running the model. ``halvings``:
        the frame's, shared with the pipeline's other stages."""
        self.frames_seen += 1
        self._frame += 1
        if self._last_thumbnail is None or self._skipped >= MAX_SKIPPED:
            return True
        if (every > 1 and self._frame % every) or (skip_still and self._still(frame_bgr, halvings)):
            self._skipped += 1
            return False
        return True

    def _thumbnail_of(
        self, frame_bgr: np.ndarray, halvings: FrameHalvings | None = None
    ) -> np.ndarray:
        # An area average, as the threshold was measured on, reached through the frame's
        # halvings (one direct area resize of a 1280×720 frame cost about 0.5 ms).
        small = shrink(
            frame_bgr, *THUMBNAIL_SIZE, scratch=self._halvings, exact_area=True, shared=halvings
        )
        self._thumbnail_frame = self._frame
        return cv2.cvtColor(small, cv2.COLOR_BGR2GRAY, dst=self._thumbnail)

    def _still(self, frame_bgr: np.ndarray, halvings: FrameHalvings | None = None) -> bool:
        self._thumbnail_of(frame_bgr, halvings)
        cv2.absdiff(self._thumbnail, self._last_thumbnail, dst=self._difference)
        return float(self._difference.mean()) < STILL_DIFFERENCE

    def inferred(self, frame_bgr: np.ndarray, halvings: FrameHalvings | None = None) -> None:
        # The stillness check may already have made this frame's thumbnail: not twice.
        if self._thumbnail_frame != self._frame:
            self._thumbnail_of(frame_bgr, halvings)
        if self._last_thumbnail is None:
            self._last_thumbnail = np.empty_like(self._thumbnail)
        np.copyto(self._last_thumbnail, self._thumbnail)
        self._skipped = 0
        self.frames_inferred += 1
