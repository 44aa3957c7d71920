"""Whisper on a phrase said over and over (shared/measure/speech.py): it loops, or it
ends its window after the first time. The loop is told from a phrase truly repeated,
a repeated phrase is speech even when Whisper doubts it, and the voiced time left
without a word is decoded again in short clips, with the language already known. A
stand-in model, no Whisper."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest

from shared.measure import model as model_mod
from shared.measure import speech

# The stand-in models hear nothing of the audio; silence matches no stretch (repeats.py).
SILENCE_45S = np.zeros(45 * speech.RATE, np.float32)


@dataclass
class W:
    start: float
    end: float
    word: str
    probability: float = 0.9


@dataclass
class Seg:
    start: float
    end: float
    text: str
    words: list[W] = field(default_factory=list)
    compression_ratio: float = 1.5
    avg_logprob: float = -0.2
    no_speech_prob: float = 0.05


def said(start: float, phrase: str, seconds_per_word: float = 0.4) -> Seg:
    words = [
        W(start + i * seconds_per_word, start + (i + 1) * seconds_per_word, " " + w)
        for i, w in enumerate(phrase.split())
    ]
    return Seg(start, words[-1].end, phrase, words)


def loop(start: float, end: float) -> Seg:
    """What Whisper writes when it loops: the phrase 40 times, most words squeezed
    into no time at the end of its window."""
    words = [W(start + 0.3 * i, start + 0.3 * i + 0.3, " now") for i in range(10)]
    words += [W(end, end, " now") for _ in range(30)]
    return Seg(start, end, "now " * 40, words, compression_ratio=22.0)


def test_a_loop_is_told_from_a_phrase_truly_repeated() -> None:
    repeated = said(0.0, " ".join(["buy now buy now buy it right now right now"] * 4))
    assert speech._compression_ratio(repeated.text) > speech.LOOP_COMPRESSION_RATIO
    assert not speech.is_loop(repeated)  # repetitive text, every word in its own time
    assert speech.is_loop(loop(0.0, 30.0))
    assert not speech.is_loop(said(0.0, "welcome back to the channel today we test"))


def test_a_phrase_said_over_and_over_is_speech_though_whisper_doubts() -> None:
    """Whisper gave a real voice saying "All circuits are busy now" 28 times a
    no-speech probability of 0.98 and its window a compression ratio of 9.4: the
    phrases were dropped as a loop. Judged on the segment's own words, they are speech."""
    once = said(23.0, "All circuits are busy now.")
    once.no_speech_prob, once.avg_logprob, once.compression_ratio = 0.98, -0.08, 9.43
    assert speech.is_speech(once)
    over = said(0.1, " ".join(["all circuits are busy now,"] * 6))
    over.no_speech_prob, over.compression_ratio = 0.96, 7.1
    assert speech.is_speech(over)
    groan = loop(2.7, 7.9)  # "whoa, whoa, …" over a groan, in no time
    groan.no_speech_prob = 0.69
    assert not speech.is_speech(groan)


def test_unheard_is_the_voiced_time_with_no_word() -> None:
    regions = [(0.0, 2.0), (2.5, 4.5), (5.0, 7.0), (7.5, 7.8)]
    words = [(0.1, 0.5), (0.5, 1.9), (2.6, 3.0)]
    gaps = speech.unheard(regions, words)
    # the end of the second stretch (after the last word and its slack), the third,
    # not the 0.3 s fourth (too short to be worth a decoding pass)
    assert gaps == [(pytest.approx(3.35), 4.5), (5.0, 7.0)]
    assert speech.unheard(regions[:1], words) == []


def test_clips_are_kept_short_when_asked() -> None:
    regions = [(float(t), t + 2.0) for t in range(0, 40, 3)]  # 2 s said, 1 s pauses
    long = speech._clips(regions, 60.0)
    assert len(long) == 2  # one clip: pauses under CLIP_MERGE_GAP_SEC
    short = speech._clips(regions, 60.0, max_sec=10.0)
    pairs = list(zip(short[::2], short[1::2], strict=True))
    assert len(pairs) > 3 and all(e - s <= 10.0 + 1e-6 for s, e in pairs)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(pairs))  # no overlap
    assert pairs[0][0] == long[0] and pairs[-1][1] == long[1]


class LoopingModel:
    """Loops in its first window (from 4 s on); decodes short clips cleanly."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def transcribe(self, audio: Any, **kwargs: Any) -> Any:
        self.calls.append(kwargs)
        info = type("Info", (), {"language": "en", "language_probability": 0.97})()
        clips = kwargs["clip_timestamps"]
        if len(self.calls) == 1:
            segments = [said(0.3, "hello there"), loop(4.0, 30.0), said(31.0, "never seen")]
        else:
            segments = [said(s + 0.3, "buy now buy now") for s in clips[::2]]
        return iter(segments), info


def test_after_a_loop_the_rest_is_decoded_in_short_clips(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = LoopingModel()
    monkeypatch.setattr(model_mod, "get_model", lambda: fake)
    regions = [(0.3, 1.5)] + [(float(t), t + 2.0) for t in range(4, 40, 3)]
    transcript = speech.transcribe(SILENCE_45S, regions, 45.0)
    # the loop; then the first short clip after it, then the rest
    assert len(fake.calls) == 3
    first, second, third = fake.calls
    assert first["language"] is None
    assert second["language"] == third["language"] == "en"  # detected once
    assert len(second["clip_timestamps"]) == 2
    clips = second["clip_timestamps"] + third["clip_timestamps"]
    assert clips[0] >= 4.0 - speech.CLIP_PAD_SEC  # from where the loop began
    assert all(
        e - s <= speech.SHORT_CLIP_SEC + 1e-6 for s, e in zip(clips[::2], clips[1::2], strict=True)
    )
    assert transcript is not None
    assert transcript.text.startswith("hello there buy now")
    assert "never seen" not in transcript.text  # what followed the loop in its window
    assert all(c["temperature"] == (0.0,) for c in fake.calls)


class SkippingModel:
    """Writes the first phrase of each clip and ends it there, as Whisper does on a
    phrase said over and over; its second pass also hears the edge of a word it wrote."""

    def __init__(self, regions: list[tuple[float, float]]) -> None:
        self.regions = regions
        self.calls: list[list[float]] = []

    def transcribe(self, audio: Any, **kwargs: Any) -> Any:
        clips = kwargs["clip_timestamps"]
        self.calls.append(clips)
        info = type("Info", (), {"language": "ru", "language_probability": 0.9})()
        firsts = [next(r for r in self.regions if r[1] > s) for s in clips[::2]]
        segments = [said(r[0], "купи сейчас", (r[1] - r[0]) / 2) for r in firsts]
        if len(self.calls) > 1:  # the edge of the first pass's last word, again
            segments.insert(0, said(self.regions[0][1] - 0.3, "сейчас", 0.3))
        return iter(segments), info


def test_what_whisper_skipped_is_decoded_again(monkeypatch: pytest.MonkeyPatch) -> None:
    regions = [(0.4 + 2.5 * i, 2.4 + 2.5 * i) for i in range(8)]  # 2 s said, 0.5 s pauses
    fake = SkippingModel(regions)
    monkeypatch.setattr(model_mod, "get_model", lambda: fake)
    transcript = speech.transcribe(SILENCE_45S, regions, 21.0)
    assert len(fake.calls) == 3  # the whole, the first short clip, the rest
    assert transcript is not None
    # before: one phrase of eight; now one from each short clip, none twice
    clips = sum(len(c) // 2 for c in fake.calls[1:])
    assert transcript.text.count("купи") == 1 + clips >= 3
    starts = [w.start for w in transcript.words()]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)


class FirstRegionModel:
    """Hears the phrase in the first voiced stretch of each clip, nothing else."""

    def __init__(self) -> None:
        self.calls: list[list[float]] = []

    def transcribe(self, audio: Any, **kwargs: Any) -> Any:
        clips = kwargs["clip_timestamps"]
        self.calls.append(clips)
        info = type("Info", (), {"language": "ru", "language_probability": 0.9})()
        return iter([said(0.5, "купи сейчас", 1.0)] if clips[0] < 1 else []), info


def test_voice_past_the_pictures_end_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """A concat-copied clip's audio ran 1 s past its picture: what Whisper had not heard
    there made no clip, and `clips[0]` raised IndexError, retried five times."""
    fake = FirstRegionModel()
    monkeypatch.setattr(model_mod, "get_model", lambda: fake)
    transcript = speech.transcribe(SILENCE_45S, [(0.5, 2.5), (10.8, 11.5)], 10.0)
    assert transcript is not None and transcript.text == "купи сейчас"
    assert all(c for c in fake.calls)  # never "no clips" (faster-whisper: the whole audio)


def test_voice_only_past_the_pictures_end_is_no_speech(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FirstRegionModel()
    monkeypatch.setattr(model_mod, "get_model", lambda: fake)
    assert speech.transcribe(SILENCE_45S, [(10.8, 11.5)], 10.0) is None
    assert fake.calls == []
