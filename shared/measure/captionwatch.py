"""When the on-screen text changes: a cheap look at frames every WATCH_STEP_SEC, so OCR
reads a frame only where a caption may have begun (issue 19: TikTok/CapCut captions
change every 0.4-1 s; reading every sampled frame would cost too much).

A frame's signature is where its letter-like blobs are (`ocr.glyph_mask`, a few ms),
pooled to CELL-pixel cells so a pixel of jitter is no change. The text changed when the
cells lit in one frame but not in the other are more than CHANGE_SHARE of the lit cells,
or when a line of text appears where there was none. A change between two looks is put
halfway between them (at most WATCH_STEP_SEC / 2 off).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from shared.measure import ocr as ocr_mod

if TYPE_CHECKING:
    import numpy as np

WATCH_STEP_SEC = 0.2  # a look at the text this often (5 a second)
CELL = 6  # pixels pooled into one cell of the signature
CHANGE_SHARE = 0.3  # of the lit cells, lit in one frame only: the text changed


@dataclass(frozen=True)
class Look:
    """What a look at one frame found."""

    cells: np.ndarray  # bool: cells with letter-like pixels
    has_text: bool  # a likely line of text (worth reading)


def look(gray: np.ndarray) -> Look:
    import cv2

    mask, row = ocr_mod.glyph_mask(gray)
    h, w = mask.shape
    size = (max(1, w // CELL), max(1, h // CELL))
    cells = cv2.resize(mask, size, interpolation=cv2.INTER_AREA) > 0
    return Look(cells, row)


def changed(before: Look | None, after: Look) -> bool:
    """True when `after` shows other text than `before` (None: nothing seen yet)."""
    if before is None:
        return True
    if before.has_text != after.has_text:
        return True
    if not after.has_text or before.cells.shape != after.cells.shape:
        return after.has_text
    lit = int((before.cells | after.cells).sum())
    differ = int((before.cells ^ after.cells).sum())
    return differ > CHANGE_SHARE * lit


class CaptionWatch:
    """Fed frames in time order; says which start a new stretch of text."""

    def __init__(self) -> None:
        self._last: Look | None = None
        self._last_time: float | None = None

    def feed(self, time: float, gray: np.ndarray) -> tuple[float, float, Look] | None:
        """(earliest, estimated start, look) of a change seen at `time`, else None:
        the text changed after the previous look (`earliest`, 0 for the first) and is
        taken to have changed halfway."""
        now = look(gray)
        before, before_time = self._last, self._last_time
        self._last, self._last_time = now, time
        if not changed(before, now):
            return None
        if before_time is None:
            return 0.0, 0.0, now
        return before_time, (before_time + time) / 2, now
