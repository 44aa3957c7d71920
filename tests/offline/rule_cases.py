"""Measurements for the rule tests: a neutral reel and small variations of it.

`reel(**changes)` is a 12 s vertical reel with speech and captions where every
measurement sits comfortably inside the targets, so no advice fires and each
case changes only what its rule looks at.
"""

from __future__ import annotations

from typing import Any

from shared.core.measurements import Measurements, Segment, Shot, Transcript, Word

WORDS = [
    Word(0.3, 0.7, "Три"),
    Word(0.8, 1.2, "ошибки"),
    Word(1.3, 1.8, "новичков"),
    Word(2.0, 2.5, "смотрите"),
    Word(6.0, 6.5, "до"),
    Word(6.6, 7.0, "конца"),
]


def transcript(words: list[Word] = WORDS, language: str = "ru") -> Transcript:
    text = " ".join(w.text for w in words)
    segment = Segment(words[0].start, words[-1].end, text, list(words)) if words else None
    return Transcript(language, 0.99, text, [segment] if segment else [])


def shots(*spans: tuple[float, float, str]) -> list[Shot]:
    return [
        Shot(i, a, b, (a + b) / 2, text, 0.55, 0.2, 40.0, "blue", 0.02, 90.0 if text else None)
        for i, (a, b, text) in enumerate(spans)
    ]


def reel(**changes: Any) -> Measurements:
    base: dict[str, Any] = {
        "duration_sec": 12.0,
        "width": 1080,
        "height": 1920,
        "fps": 30.0,
        "video_codec": "h264",
        "audio_codec": "aac",
        "has_audio": True,
        "shots": shots(
            (0.0, 2.0, "3 ошибки новичков"),
            (2.0, 4.5, "ошибка 1"),
            (4.5, 7.0, "ошибка 2"),
            (7.0, 9.5, "ошибка 3"),
            (9.5, 12.0, "подпишись"),
        ),
        "transcript": transcript(),
        "speech_start_sec": 0.3,
        "speech_share": 0.5,
        "silent_tail_sec": 2.0,
        "loudness_lufs": -14.2,
        "true_peak_dbtp": -1.5,
        "versions": {},
    }
    base.update(changes)
    return Measurements(**base)
