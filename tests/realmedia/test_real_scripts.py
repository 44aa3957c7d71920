"""Cyrillic or Latin on real footage (issue 19): captions whose letters all look alike in
both scripts ("HE WAS", "MEGA" beside «СКИДКА») are read in the script they are written
in, word for word. Before: «НЕ WAS», «МЕСА СКИДКА», «НОВЫЙ ТВЕМО»."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.slow

_CYR = re.compile(r"[\u0400-\u04FF]")
_LAT = re.compile(r"[A-Za-z]")


def _scripts(text: str) -> list[str]:
    """Each word's script: "cyr", "lat", "both" (a word mixing them) or "" (no letters)."""
    out = []
    for word in text.split():
        cyr, lat = bool(_CYR.search(word)), bool(_LAT.search(word))
        out.append("both" if cyr and lat else "cyr" if cyr else "lat" if lat else "")
    return out


def test_every_word_is_read_in_its_own_script(real_clips, measured) -> None:
    clip = real_clips["mixed_captions"]
    m = measured(clip.path)
    wrong = []
    for start, end, text in clip.captions:
        middle = (start + end) / 2
        shown = [c.text for c in m.captions if c.start <= middle < c.end]
        if not shown or _scripts(shown[0]) != _scripts(text):
            wrong.append((text, shown))
    assert not wrong, f"read in the wrong script: {wrong}"


def test_the_captions_are_read_letter_for_letter(real_clips, measured) -> None:
    clip = real_clips["mixed_captions"]
    m = measured(clip.path)
    listed = [t.strip() for t in m.shots[0].text.split(" / ")]
    assert listed == [text for _, _, text in clip.captions], m.shots[0].text
