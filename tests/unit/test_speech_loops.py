"""Whisper looping on a phrase said over and over (shared/measure/speech.py): the loop
is told from a phrase truly repeated, and what follows it is decoded again in short
clips, with the language already known. A stand-in model, no Whisper."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import pytest

from shared.measure import model as model_mod
from shared.measure import speech


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
    repeated = said(0.0, "buy now buy now buy it right now right now buy now buy now")
    repeated.compression_ratio = 2.7  # repetitive text, every word in its own time
    assert not speech._runaway(repeated)
    assert speech._runaway(loop(0.0, 30.0))
    assert not speech._runaway(said(0.0, "welcome back to the channel today we test"))


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
    transcript = speech.transcribe(None, regions, 45.0)  # type: ignore[arg-type]
    assert len(fake.calls) == 2
    first, second = fake.calls
    assert first["language"] is None and second["language"] == "en"  # detected once
    clips = second["clip_timestamps"]
    assert clips[0] >= 4.0 - speech.CLIP_PAD_SEC  # from where the loop began
    assert all(
        e - s <= speech.SHORT_CLIP_SEC + 1e-6 for s, e in zip(clips[::2], clips[1::2], strict=True)
    )
    assert transcript is not None
    assert transcript.text.startswith("hello there buy now")
    assert "never seen" not in transcript.text  # what followed the loop in its window
    assert all(c["temperature"] == (0.0,) for c in fake.calls)
