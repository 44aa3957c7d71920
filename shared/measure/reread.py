"""A line of on-screen text read again by a Russian-only and an English-only engine:
each word's two readings, for scripts.py to decide whether it is Cyrillic or Latin
("HE" or «НЕ», "MEGA" or «МЕСА»). Only the line's box is read, as one line."""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from shared.measure.scripts import Reading

if TYPE_CHECKING:
    import numpy as np

SINGLE_LANGUAGES = ("rus", "eng")
Box = tuple[int, int, int, int]  # left, top, width, height
Words = list[tuple[str, float, Box]]  # text, confidence, box


def readings(
    image: np.ndarray,
    deadline: float,
    engine: Callable[[str], AbstractContextManager[Any]],
    words_of: Callable[[Any, int], Words],
) -> Callable[[list[Box]], list[Reading | None]]:
    """Reads the box of a line's word `boxes` in `image` with `engine(lang)` of each of
    SINGLE_LANGUAGES (`words_of(api, height)` lists what it read): each word's two
    readings, or None for every word once past the `deadline` (time.monotonic)."""

    def read(boxes: list[Box]) -> list[Reading | None]:
        from tesserocr import PSM

        height, width = image.shape
        pad = max(b[3] for b in boxes) // 2
        x0, y0 = max(0, min(b[0] for b in boxes) - pad), max(0, min(b[1] for b in boxes) - pad)
        x1 = min(width, max(b[0] + b[2] for b in boxes) + pad)
        y1 = min(height, max(b[1] + b[3] for b in boxes) + pad)
        found: dict[str, Words] = {}
        for lang in SINGLE_LANGUAGES:
            left_ms = int((deadline - time.monotonic()) * 1000)
            if left_ms <= 0:
                return [None] * len(boxes)
            with engine(lang) as api:
                api.SetPageSegMode(PSM.SINGLE_LINE)
                api.SetImageBytes(image.tobytes(), width, height, 1, width)
                api.SetSourceResolution(70)
                api.SetRectangle(x0, y0, x1 - x0, y1 - y0)
                if not api.Recognize(left_ms):
                    return [None] * len(boxes)
                found[lang] = words_of(api, height)
        return [Reading(over(b, found["rus"]), over(b, found["eng"])) for b in boxes]

    return read


def over(box: Box, words: Words) -> tuple[str, float] | None:
    """The word read over most of `box`'s width (at least half of it), if any."""

    def overlap(other: Box) -> int:
        return min(box[0] + box[2], other[0] + other[2]) - max(box[0], other[0])

    best = max(words, key=lambda w: overlap(w[2]), default=None)
    if best is None or overlap(best[2]) < box[2] / 2:
        return None
    return best[0], best[1]
