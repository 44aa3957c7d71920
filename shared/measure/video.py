"""Shots from one pass over the decoded video frames.

Every frame is scaled down once (short side `DETECT_SHORT_SIDE`) and fed to
PySceneDetect's `AdaptiveDetector`; the same small frames give each shot's motion,
its camera movement (`camera.py`) and its keyframe's look (`look.py`: colour facts,
faces, where text sits). A few frames per shot are also kept at OCR size
(grey), evenly spread over the shot with bounded memory: when a shot has more than
`MAX_SAMPLES` samples every other one is dropped and the sampling interval doubles,
so the frame nearest the middle of any shot is at hand when the shot closes. With
`board_height`, each sample is also kept at the storyboard's size, and the keyframe's
becomes the shot's still (`stills`): a JPEG made from a frame already decoded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from shared.core.measurements import Shot
from shared.core.stills import Still
from shared.measure.camera import MotionTracker, Step
from shared.measure.captionwatch import WATCH_STEP_SEC
from shared.measure.clock import FrameClock
from shared.measure.look import measure_look

if TYPE_CHECKING:
    from collections.abc import Callable

    import numpy as np

DETECT_SHORT_SIDE = 144
MIN_SHOT_SEC = 0.3
SAMPLE_INTERVAL_SEC = 0.25
MAX_SAMPLES = 16
FIRST_SECOND = 1.0
_EMPTY_SEC = 1e-3  # a shot shorter than this is none
_MICROSECOND = Fraction(1, 1_000_000)  # the detector's time base: frame times may be nudged


@dataclass
class _Sample:
    time: float
    small: np.ndarray  # BGR, detection size
    gray: np.ndarray | None  # OCR size
    board: np.ndarray | None = None  # BGR, storyboard size (`frames.still_size`)


@dataclass
class _OpenShot:
    start: float
    samples: list[_Sample] = field(default_factory=list)
    interval: float = SAMPLE_INTERVAL_SEC
    next_sample_at: float = 0.0
    motion: list[tuple[float, float]] = field(default_factory=list)  # (time, diff)
    steps: list[Step] = field(default_factory=list)  # camera motion between frames


def even_size(width: int, height: int, short_side: int) -> tuple[int, int]:
    short = min(width, height)
    factor = short_side / short if short else 1.0
    factor = min(factor, 1.0)
    return max(2, round(width * factor / 2) * 2), max(2, round(height * factor / 2) * 2)


class ShotScanner:
    """Feed it decoded `av.VideoFrame`s in order; `finish()` returns the shots.

    `rotation_k` is the stream's display rotation in quarter turns (frames are
    decoded as stored; the look of a shot is measured upright).
    `on_keyframe(shot, gray_image)` is called as soon as a shot is closed, so
    OCR can start while decoding goes on; `on_caption_frame(time, gray_image)` every
    WATCH_STEP_SEC (as stored, like keyframes), so captions that change every fraction of a second are
    seen (the receiver decides what to read: `captionwatch`).
    """

    def __init__(
        self,
        *,
        width: int,
        height: int,
        fps: float | None,
        time_base: Fraction,
        start_pts: int,
        ocr_size: tuple[int, int] | None,
        rotation_k: int = 0,
        on_keyframe: Callable[[Shot, np.ndarray], None] | None = None,
        on_caption_frame: Callable[[float, np.ndarray], None] | None = None,
        board_height: int | None = None,
    ) -> None:
        from scenedetect.detectors import AdaptiveDetector

        from shared.measure.frames import still_size

        self.small_size = even_size(width, height, DETECT_SHORT_SIDE)
        self.board_size = (
            still_size(width, height, rotation_k, board_height) if board_height else None
        )
        self._stills: list[tuple[Shot, float, bytes]] = []  # (shot, frame time, JPEG)
        self.ocr_size = ocr_size
        self.rotation_k = rotation_k
        self.tracker = MotionTracker()
        self.fps = fps or 25.0
        self.detector = AdaptiveDetector(min_scene_len=MIN_SHOT_SEC)
        self.on_keyframe = on_keyframe
        self.on_caption_frame = on_caption_frame
        self.shots: list[Shot] = []
        self._open = _OpenShot(start=0.0)
        self._prev_gray: np.ndarray | None = None
        self.clock = FrameClock(self.fps, time_base, start_pts)
        self.frames = 0
        self._first_second: list[float] = []  # frame changes in the hook's first second
        self._watch_at = 0.0  # when the next frame goes to on_caption_frame

    def feed(self, frame: Any) -> None:  # frame: av.VideoFrame
        import cv2
        from scenedetect import FrameTimecode
        from scenedetect.common import Timecode

        t = self.clock(frame.pts, getattr(frame, "dts", None))
        self.frames += 1

        w, h = self.small_size
        small = frame.to_ndarray(width=w, height=h, format="bgr24", interpolation="AREA")
        gray = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
        if self._prev_gray is not None:
            diff = float(cv2.absdiff(gray, self._prev_gray).mean()) / 255.0
            self._open.motion.append((t, diff))
            if t <= FIRST_SECOND:
                self._first_second.append(diff)
        self._prev_gray = gray
        if (step := self.tracker.feed(t, gray)) is not None:
            self._open.steps.append(step)

        micros = Timecode(pts=round(t * 1_000_000), time_base=_MICROSECOND)
        timecode = FrameTimecode(micros, fps=self.fps)
        for cut in self.detector.process_frame(timecode, small):
            self._close(float(cut.seconds))

        sample = t >= self._open.next_sample_at
        watch = self.on_caption_frame is not None and t >= self._watch_at
        ocr = None
        if self.ocr_size is not None and (sample or watch):
            ow, oh = self.ocr_size
            ocr = frame.to_ndarray(width=ow, height=oh, format="gray")
        if watch and ocr is not None and self.on_caption_frame is not None:
            self._watch_at = t + WATCH_STEP_SEC - 0.5 / self.fps  # on the frame grid
            self.on_caption_frame(t, ocr)
        if sample:
            board = None
            if self.board_size is not None:
                bw, bh = self.board_size
                board = frame.to_ndarray(width=bw, height=bh, format="bgr24", interpolation="AREA")
            self._add_sample(_Sample(t, small, ocr, board))

    def _add_sample(self, sample: _Sample) -> None:
        shot = self._open
        shot.samples.append(sample)
        if len(shot.samples) > MAX_SAMPLES:
            shot.samples = shot.samples[::2]
            shot.interval *= 2
        shot.next_sample_at = sample.time + shot.interval

    def _close(self, cut: float) -> None:
        """End the open shot at `cut`; frames already seen after it start the next one."""
        old = self._open
        if cut <= old.start:
            return
        before = [s for s in old.samples if s.time < cut]
        after = [s for s in old.samples if s.time >= cut]
        new = _OpenShot(start=cut)
        new.motion = [m for m in old.motion if m[0] > cut]
        old.motion = [m for m in old.motion if m[0] < cut]  # the cut frame's diff is the cut
        new.steps = [s for s in old.steps if s.start >= cut]
        old.steps = [s for s in old.steps if s.end < cut]  # a step across the cut is none
        old.samples = before
        for s in after:
            self._add_sample_to(new, s)
        if not after:
            new.next_sample_at = cut
        self._finish_shot(old, cut)
        self._open = new

    def _add_sample_to(self, shot: _OpenShot, sample: _Sample) -> None:
        shot.samples.append(sample)
        shot.next_sample_at = sample.time + shot.interval

    def _finish_shot(self, shot: _OpenShot, end: float) -> None:
        index = len(self.shots)
        middle = (shot.start + end) / 2
        key = min(shot.samples, key=lambda s: abs(s.time - middle)) if shot.samples else None
        motion = sum(d for _, d in shot.motion) / len(shot.motion) if shot.motion else None
        record = Shot(
            index=index,
            start=round(shot.start, 3),
            end=round(end, 3),
            keyframe_time=round(key.time, 3) if key else round(middle, 3),
            motion=round(motion, 4) if motion is not None else None,
        )
        measure_look(
            record,
            key.small if key else None,
            key.gray if key else None,
            shot.steps,
            self.rotation_k,
        )
        self.shots.append(record)
        if key is not None and key.board is not None:
            from shared.measure.frames import encode_still

            if (jpeg := encode_still(key.board, self.rotation_k)) is not None:
                self._stills.append((record, key.time, jpeg))
        if key is not None and key.gray is not None and self.on_keyframe is not None:
            self.on_keyframe(record, key.gray)

    @property
    def stills(self) -> list[Still]:
        """The storyboard stills of the shots kept, one per shot (its keyframe)."""
        kept = {id(s) for s in self.shots}
        return [
            Still(start=s.start, end=s.end, time=round(t, 3), jpeg=jpeg)
            for s, t, jpeg in self._stills
            if id(s) in kept
        ]

    @property
    def decoded_until(self) -> float:
        """End time of the last decoded frame."""
        return self.clock.end

    @property
    def motion_first_sec(self) -> float | None:
        """Mean frame change over the first second (0..1), cuts included."""
        if not self._first_second:
            return None
        return round(sum(self._first_second) / len(self._first_second), 4)

    def finish(self, duration: float) -> list[Shot]:
        """Close the last shot at `duration`. No shot starts at or past it (a cut on
        the last frame, or timestamps running past the end) and none ends after it."""
        if not self.shots or self._open.start < duration - _EMPTY_SEC:
            self._finish_shot(self._open, max(duration, self._open.start + _EMPTY_SEC))
        while len(self.shots) > 1 and self.shots[-1].start >= duration - _EMPTY_SEC:
            self.shots.pop()  # its keyframe's OCR, if any, is ignored (see KeyframeReader)
        last = self.shots[-1]
        last.end = round(max(duration, last.start + _EMPTY_SEC), 3)
        last.keyframe_time = min(last.keyframe_time, last.end)
        return self.shots
