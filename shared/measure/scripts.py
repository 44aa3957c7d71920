"""Cyrillic or Latin, per word of an OCR line (issue 19: «НЕ WAS» for "HE WAS").

Tesseract reading rus+eng at once picks letters, not languages: "HE" comes out as
Cyrillic «НЕ», "MEGA" as «МЕСА», "TREND" as «ТВЕМО». A word is decided in three steps:

1. A word mixing the scripts is made one: the one most of its letters are in, when the
   others are look-alikes ("Пpивет" → «Привет»).
2. A word of look-alikes only (А В Е К М Н О Р С Т Х У and а е о р с у х, in either
   script) was read both ways by the one-language passes (`Reading`): where the two
   readings differ in shape ("MEGA" / «МЕСА»), the more confident one is what is there.
3. Otherwise its shapes say nothing of its script: it takes the script of the line's
   other words, when all of those that are unambiguous agree («НЕ WAS» → "HE WAS");
   in a line of look-alikes only, the script most of its letters were read in ("О TOM"
   → "O TOM": the shapes cannot tell «О ТОМ» from it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
_CYR = re.compile(r"[\u0400-\u04FF]")
_LAT = re.compile(r"[A-Za-z]")
# Latin letters that look like Cyrillic ones (and back).
LAT_TO_CYR = str.maketrans("aABcCeEHKkMoOpPTxXyY", "аАВсСеЕНКкМоОрРТхХуУ")
# (Cyrillic "т" is how tesseract often reads a small-caps Latin "T".)
CYR_TO_LAT = str.maketrans("аАВсСеЕНКкМоОрРТтхХуУ", "aABcCeEHKkMoOpPTTxXyY")
_LAT_LOOKALIKES = set("aABcCeEHKkMoOpPTxXyY")
_CYR_LOOKALIKES = set("аАВсСеЕНКкМоОрРТтхХуУ")
MIN_READING_CONF = 60.0  # a one-language reading this sure at least may replace a word


@dataclass(frozen=True)
class Reading:
    """One word as the Russian-only and the English-only passes read it (None: not read)."""

    rus: tuple[str, float] | None  # (text, confidence 0..100)
    eng: tuple[str, float] | None


def fix_mixed_script(word: str) -> str:
    """Make a word that mixes Cyrillic and Latin letters one script: the one most of its
    letters are in (look-alikes such as Latin "p" in "Пpивет" become Cyrillic)."""
    cyr = len(_CYR.findall(word))
    lat = len(_LAT.findall(word))
    if not cyr or not lat:
        return word
    if cyr >= lat:
        if all(c in _LAT_LOOKALIKES for c in _LAT.findall(word)):
            return word.translate(LAT_TO_CYR)
    elif all(c in _CYR_LOOKALIKES for c in _CYR.findall(word)):
        return word.translate(CYR_TO_LAT)
    return word


def script(word: str) -> str | None:
    """ "cyr" or "lat" when a letter of the word is of that script alone (no look-alike);
    None for a word of look-alikes only, or without letters, or mixing both."""
    letters = _LETTER.findall(word)
    cyr = any(_CYR.match(c) and c not in _CYR_LOOKALIKES for c in letters)
    lat = any(_LAT.match(c) and c not in _LAT_LOOKALIKES for c in letters)
    return "cyr" if cyr and not lat else "lat" if lat and not cyr else None


def lookalikes_only(word: str) -> bool:
    """A word whose every letter exists in both scripts ("НЕ", "COOK", «ТОМ»)."""
    letters = _LETTER.findall(word)
    return bool(letters) and (
        all(c in _CYR_LOOKALIKES for c in letters) or all(c in _LAT_LOOKALIKES for c in letters)
    )


def _shape(word: str) -> str:
    return word.translate(CYR_TO_LAT).upper()


def _from_readings(word: str, reading: Reading | None) -> str | None:
    """The more confident one-language reading, if the two readings differ in shape."""
    if reading is None or reading.rus is None or reading.eng is None:
        return None
    if _shape(reading.rus[0]) == _shape(reading.eng[0]):
        return None  # the same shapes: confidence says nothing of the script
    text, conf = max(reading.rus, reading.eng, key=lambda r: r[1])
    return text if conf >= MIN_READING_CONF and _LETTER.search(text) else None


def normalize_line(words: list[str], readings: list[Reading | None] | None = None) -> str:
    """The line's words each in one script (see the module's doc); `readings`, when
    given, hold the one-language passes' reading of each word."""
    fixed = [fix_mixed_script(w) for w in words]
    for i, w in enumerate(fixed):
        if lookalikes_only(w) and readings is not None:
            fixed[i] = _from_readings(w, readings[i]) or w
    context = {s for w in fixed if (s := script(w)) is not None}
    if not context:  # look-alikes only: the script most of the letters were read in
        cyr = sum(len(_CYR.findall(w)) for w in fixed)
        lat = sum(len(_LAT.findall(w)) for w in fixed)
        context = {"cyr"} if cyr > lat else {"lat"} if lat > cyr else set()
    out = []
    for w in fixed:
        if lookalikes_only(w) and context == {"cyr"}:
            w = w.translate(LAT_TO_CYR)
        elif lookalikes_only(w) and context == {"lat"}:
            w = w.translate(CYR_TO_LAT)
        out.append(w)
    return " ".join(out)


def needs_readings(words: list[str]) -> bool:
    """Whether a line has a word of look-alikes of two letters or more, whose readings
    may say what it is ("MEGA" read «МЕСА» beside «СКИДКА»)."""
    return any(lookalikes_only(w) and len(_LETTER.findall(w)) >= 2 for w in words)
