"""Spoken numbers on real recorded voices (issue 19): «… составляет восемь минут. У вас
семь сообщений …» and the same in English, from the Asterisk prompts and their recorded
digits. Whisper writes most of them as digits ("8 минут"), and a token with no letters
was taken for a groan and deleted: «составляет минут», one word less per number in the
words, the hook quote and the words per minute."""

from __future__ import annotations

import re

import pytest

from devstack import realmedia

pytestmark = pytest.mark.slow

CLIPS = ["russian_numbers", "english_numbers"]
NEAR_SEC = 0.3  # a number's word lies in its prompt, Whisper's timing give or take this
MAX_MISSING_WORDS = 1  # Whisper may fuse two words ("минус 50" as "-50")
WPM_TOLERANCE = 0.1


def _spoken_numbers(clip: realmedia.RealClip) -> list[tuple[realmedia.SpokenPrompt, str]]:
    """The prompts that say a number, with it in digits ("ru:digits/8" → "8")."""
    found = [(p, re.fullmatch(r"\w+:digits/(\d+)", p.key)) for p in clip.speech]
    return [(p, m.group(1)) for p, m in found if m]


def _normal(text: str) -> str:
    """A word as digits or letters only: "-50%" → "50", "Восемь," → "восемь"."""
    return re.sub(r"[\W_]", "", text.lower())


@pytest.mark.parametrize("name", CLIPS)
def test_every_spoken_number_is_a_word_where_it_is_said(name: str, real_clips, measured) -> None:
    clip = real_clips[name]
    m = measured(clip.path)
    assert m.transcript is not None
    numbers = _spoken_numbers(clip)
    assert len(numbers) == 4
    for prompt, digits in numbers:
        near = [
            _normal(w.text)
            for w in m.transcript.words()
            if prompt.start - NEAR_SEC <= (w.start + w.end) / 2 <= prompt.end + NEAR_SEC
        ]
        assert digits in near or _normal(prompt.text) in near, (prompt.key, near, m.transcript.text)


@pytest.mark.parametrize("name", CLIPS)
def test_the_words_and_their_pace_count_the_numbers(name: str, real_clips, measured) -> None:
    clip = real_clips[name]
    m = measured(clip.path)
    assert m.transcript is not None
    said = len(clip.spoken_text().split())
    words = m.transcript.words()
    assert said - MAX_MISSING_WORDS <= m.summary()["words"] == len(words) <= said, (
        said,
        m.transcript.text,
    )
    # Words per minute as the advice computes it (words over the segments' time),
    # against the words said over the time the voice spans.
    spoken_sec = sum(s.end - s.start for s in m.transcript.segments)
    voiced_sec = clip.speech_end - clip.speech_start
    assert len(words) / spoken_sec == pytest.approx(said / voiced_sec, rel=WPM_TOLERANCE)
