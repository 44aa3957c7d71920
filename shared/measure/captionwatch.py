"""When the on-screen text changes: a cheap look at frames every WATCH_STEP_SEC, so OCR
reads a frame only where a caption may have begun (issue 19: TikTok/CapCut captions
change every 0.4-1 s; reading every sampled frame would cost too much).

A look finds where a frame's letter-like blobs are (`ocr.glyph_mask` at short side
LOOK_SHORT_SIDE, ~5 ms), pooled
to CELL-pixel cells so a pixel of jitter is no change. The text changed when the cells
lit in one of two looks in a row only are more than CHANGE_SHARE of the cells lit in
either, or a likely line of text came or went. Footage whose blobs move all the time (a
fractal, wind in the grass) changes that much at every look: a change counts only when
it is also NOISE_RATIO times the usual change of the last NOISE_LOOKS looks. A change is
put halfway between the two looks around it (at most WATCH_STEP_SEC / 2 off).
"""

from __future__ import annotations

import statistics
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

from shared.measure import ocr as ocr_mod

if TYPE_CHECKING:
    import numpy as np

WATCH_STEP_SEC = 0.2  # a look at the text this often (5 a second)
LOOK_SHORT_SIDE = 360  # frames are looked at this small (short side; 270 lost thin strokes)
CELL = 4  # pixels (of the small frame) pooled into one cell of the signature
CHANGE_SHARE = 0.3  # of the cells lit in two looks, lit in one only: the text changed
NOISE_RATIO = 1.5  # ... and this many times the usual change of
NOISE_LOOKS = 5  # ... the looks before


@dataclass(frozen=True)
class Look:
    """What a look at one frame found."""

    cells: np.ndarray  # bool: cells with letter-like pixels
    has_text: bool  # a likely line of text (worth reading)


def look(gray: np.ndarray) -> Look:
    import cv2

    h, w = gray.shape
    if min(h, w) > LOOK_SHORT_SIDE:  # a look at a smaller frame: a quarter of the work
        factor = LOOK_SHORT_SIDE / min(h, w)
        w, h = max(1, round(w * factor)), max(1, round(h * factor))
        gray = cv2.resize(gray, (w, h), interpolation=cv2.INTER_AREA)
    mask, row = ocr_mod.glyph_mask(gray)
    size = (max(1, w // CELL), max(1, h // CELL))
    cells = cv2.resize(mask, size, interpolation=cv2.INTER_AREA) > 0
    return Look(cells, row)


def difference(before: Look, after: Look) -> float:
    """The share of the cells lit in either look that are lit in one only (0..1)."""
    if before.cells.shape != after.cells.shape:
        return 1.0
    lit = int((before.cells | after.cells).sum())
    return int((before.cells ^ after.cells).sum()) / lit if lit else 0.0


class CaptionWatch:
    """Fed frames in time order; says which start a new stretch of text."""

    def __init__(self) -> None:
        self._last: Look | None = None
        self._last_time: float | None = None
        self._usual: deque[float] = deque(maxlen=NOISE_LOOKS)  # recent differences

    def _changed(self, before: Look, now: Look) -> bool:
        share = difference(before, now)
        usual = statistics.median(self._usual) if self._usual else 0.0
        self._usual.append(share)
        if before.has_text != now.has_text:
            return True
        return now.has_text and share > max(CHANGE_SHARE, NOISE_RATIO * usual)

    def feed(self, time: float, gray: np.ndarray) -> tuple[float, float, Look] | None:
        """(earliest, estimated start, look) of a change seen at `time`, else None:
        the text changed after the previous look (`earliest`; 0 for the first look) and
        is taken to have changed halfway."""
        now = look(gray)
        before, before_time = self._last, self._last_time
        self._last, self._last_time = now, time
        if before is None or before_time is None:
            return 0.0, 0.0, now
        if not self._changed(before, now):
            return None
        return before_time, (before_time + time) / 2, now
