"""A recording played again is found by its sound and its words are copied
(shared/measure/repeats.py); another phrase of the same voice is not. Real voice:
Debian's asterisk-core-sounds prompts (devstack/realmedia.py records their licence)."""

from __future__ import annotations

import numpy as np
import pytest
from faster_whisper.audio import decode_audio

from devstack import realmedia
from shared.core.measurements import Segment, Word
from shared.measure import repeats

RATE = repeats.RATE


def _prompt(key: str) -> np.ndarray:
    try:
        return decode_audio(str(realmedia.resolve(key)), sampling_rate=RATE)
    except realmedia.MissingSource as exc:
        pytest.fail(str(exc), pytrace=False)


def _place(length_sec: float, *parts: tuple[float, np.ndarray]) -> np.ndarray:
    audio = np.zeros(int(length_sec * RATE), np.float32)
    for at, sound in parts:
        i = int(at * RATE)
        audio[i : i + len(sound)] += sound
    return audio


def test_a_recording_played_again_is_found_where_it_is() -> None:
    voice = _prompt("en:please-try-call-later")
    seconds = len(voice) / RATE
    # played again 4.007 s later (off the 10 ms frame grid), under noise at -40 dB
    audio = _place(12.0, (0.5, voice), (4.507, voice))
    audio += np.random.default_rng(1).normal(0, 0.01, audio.shape).astype(np.float32)
    spectrum = repeats.log_spectrogram(audio)
    found = repeats.find(spectrum, [(0.5, 0.5 + seconds)], [(4.5, 4.5 + seconds)])
    assert len(found) == 1
    assert found[0].shift == pytest.approx(4.007, abs=0.011)


def test_another_phrase_of_the_same_voice_is_not_a_repeat() -> None:
    """The best match of two different takes among 1401 pairs of this voice's prompts
    of about one length was 0.89 ("user(s) will join the conference"); MATCH is 0.95."""
    a, b = _prompt("en:vm-nobodyavail"), _prompt("en:something-terribly-wrong")
    n = min(len(a), len(b))
    audio = _place(8.0, (0.2, a[:n]), (4.0, b[:n]))
    spectrum = repeats.log_spectrogram(audio)
    score, _ = repeats._similarity(spectrum[20 : 20 + n // 160], spectrum[400 : 400 + n // 160])
    assert score < repeats.MATCH - 0.05
    assert repeats.find(spectrum, [(0.2, 0.2 + n / RATE)], [(4.0, 4.0 + n / RATE)]) == []


def test_the_words_of_the_source_are_moved_to_the_repeat() -> None:
    heard = [
        Segment(0.5, 1.4, "Купи сейчас", [Word(0.5, 0.9, "Купи"), Word(0.9, 1.4, "сейчас")]),
        Segment(1.6, 2.0, "скидка", [Word(1.6, 2.0, "скидка")]),
    ]
    copy = repeats.copy_words(repeats.Repeat((5.5, 6.5), (0.45, 1.45), 5.0), heard)
    assert copy is not None
    assert copy.text == "Купи сейчас"  # only the source stretch's words
    assert [(w.start, w.end) for w in copy.words] == [(5.5, 5.9), (5.9, 6.4)]
