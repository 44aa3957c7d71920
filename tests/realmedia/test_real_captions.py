"""On-screen text on real footage: captions burned into one continuous shot of busy
footage (white, black outline, changing every 2-2.5 s, Russian and English) are each
read while shown, nothing is read that is not there, and footage without captions
gets no text (beyond the real signs in it)."""

from __future__ import annotations

import re

import pytest

from devstack import realmedia

pytestmark = pytest.mark.slow

CAPTION_MAX_CER = 0.25


def _cer(reference: str, hypothesis: str) -> float:
    import jiwer

    def norm(s: str) -> str:
        return " ".join(re.sub(r"[^\w\s]", " ", s.lower().replace("ё", "е")).split())

    return float(jiwer.cer(norm(reference), norm(hypothesis))) if norm(hypothesis) else 1.0


def _read(m) -> list[tuple[float, float, str]]:
    return [(c.start, c.end, c.text) for c in m.captions]


def test_every_caption_is_read_while_shown(real_clips, measured) -> None:
    clip = real_clips["captions"]
    m = measured(clip.path)
    missed = []
    for start, end, text in clip.captions:
        middle = (start + end) / 2
        shown = [c.text for c in m.captions if c.start <= middle < c.end]
        if not any(_cer(text, t) <= CAPTION_MAX_CER for t in shown):
            missed.append((start, end, text, shown))
    assert not missed, f"missed {missed}; read {_read(m)}"


def test_the_shot_lists_every_caption(real_clips, measured) -> None:
    clip = real_clips["captions"]
    m = measured(clip.path)
    assert len(m.shots) == 1
    listed = [t.strip() for t in m.shots[0].text.split(" / ") if t.strip()]
    for _, _, text in clip.captions:
        assert any(_cer(text, t) <= CAPTION_MAX_CER for t in listed), (text, m.shots[0].text)


def test_what_is_read_is_a_caption_shown_then(real_clips, measured) -> None:
    """Whatever is read is one of the captions (not half of one), at a time it is shown."""
    clip = real_clips["captions"]
    m = measured(clip.path)
    for c in m.captions:
        matches = [
            (start, end)
            for start, end, text in clip.captions
            if _cer(text, c.text) <= CAPTION_MAX_CER
        ]
        assert matches, f"{c.text!r} is none of the captions; read {_read(m)}"
        assert any(c.start < end and start < c.end for start, end in matches), (c, matches)


@pytest.mark.parametrize("name", ["russian", "english", "no_speech"])
def test_no_text_on_uncaptioned_footage(name: str, real_clips, measured) -> None:
    """Real footage without captions: nothing is read but the real signs in it."""
    clip = real_clips[name]
    m = measured(clip.path)
    allowed = [t for key in clip.sources for t in realmedia.CATALOGUE[key].scene_text]
    texts = [c.text for c in m.captions] + [s.text for s in m.shots if s.text]
    invented = [t for t in texts if not any(_cer(a, t) <= CAPTION_MAX_CER for a in allowed)]
    assert not invented, f"read {invented} on footage without captions"
