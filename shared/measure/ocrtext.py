"""Which words and lines of a Tesseract reading are kept: confident, word-like (letters
or a number such as «-50%»), and a line with a real word in it — what texture, edges
and noise read as letters is dropped (`shared.measure.ocr` reads, this judges)."""

from __future__ import annotations

import re

MIN_WORD_CONF = 60.0
MIN_LINE_CONF = 70.0
MIN_LETTER_RATIO = 0.6
MIN_LONE_SHORT_WORD_CONF = 90.0  # a line of one word of <= 3 letters needs this

_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
_NUMBER = re.compile(r"^[-+\u2212\u2013]?\d+(?:[.,:]\d+)*[%\u20bd$\u20ac]?[.,!?]?$")


def _letter_ratio(text: str) -> float:
    chars = [c for c in text if not c.isspace()]
    if not chars:
        return 0.0
    return sum(1 for c in chars if _LETTER.match(c) or c.isdigit()) / len(chars)


def _wordlike(word: str) -> bool:
    return _letter_ratio(word) >= MIN_LETTER_RATIO or bool(_NUMBER.match(word))


def _kept_word(word: str, conf: float) -> bool:
    return conf >= MIN_WORD_CONF and _wordlike(word)


def _keep_line(words: list[str], confs: list[float]) -> tuple[list[str], list[float]] | None:
    kept = [(w, c) for w, c in zip(words, confs, strict=True) if _kept_word(w, c)]
    if not kept:
        return None
    text = " ".join(w for w, _ in kept)
    mean = sum(c for _, c in kept) / len(kept)
    letters = len(_LETTER.findall(text))
    longest = max(len(_LETTER.findall(w)) for w, _ in kept)
    if mean < MIN_LINE_CONF:
        return None
    # A real line has a real word: 3+ letters (or 2+ digits, e.g. "5" in "ТОП 5" rides along).
    if longest < 3 and not any(sum(ch.isdigit() for ch in w) >= 2 for w, _ in kept):
        return None
    # One short word alone is what texture reads as ("ity", "wad"), unless very sure.
    if len(kept) == 1 and letters <= 3 and mean < MIN_LONE_SHORT_WORD_CONF:
        return None
    return [w for w, _ in kept], [c for _, c in kept]
