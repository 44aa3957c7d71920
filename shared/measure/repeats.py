"""A sound said again, heard again: voiced stretches that repeat one already heard.

A reel often loops a sound bite, or a voice-over says one take again and again.
Whisper writes such a phrase once and ends its window there (or loops on it), so the
repeats are left with no word. A voiced stretch whose sound matches a heard one (the
same recording: log-spectra nearly equal, frame by frame) said the same words: they
are copied, moved to its time, with no decoding. What does not match is left to be
decoded again (speech.py).

The match is strict (correlation of the log-spectra at least MATCH, lengths within
LENGTH_SLACK_SEC): a person saying a phrase twice never sounds that alike, so only a
recording played again is copied.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from shared.core.measurements import Segment, Word
from shared.core.words import join_words

if TYPE_CHECKING:
    from collections.abc import Sequence

RATE = 16000
HOP = 160  # 10 ms frames
WINDOW = 400  # 25 ms
BANDS = 40
MATCH = 0.95  # correlation of the two log-spectra (a different phrase: under 0.8)
LENGTH_SLACK_SEC = 0.15  # VAD's edges move by a few frames between takes
MAX_LAG = 8  # frames either way the two are aligned over


@dataclass(frozen=True)
class Repeat:
    """`span` sounds like `source` (heard), `shift` seconds later."""

    span: tuple[float, float]
    source: tuple[float, float]
    shift: float


def log_spectrogram(audio: np.ndarray) -> np.ndarray:
    """BANDS log-energies every 10 ms (frames x bands), float32."""
    if audio.shape[0] < WINDOW:
        return np.zeros((0, BANDS), np.float32)
    frames = np.lib.stride_tricks.sliding_window_view(audio, WINDOW)[::HOP]
    power = np.abs(np.fft.rfft(frames * np.hanning(WINDOW).astype(np.float32), axis=1)) ** 2
    edges = np.unique(np.geomspace(2, power.shape[1] - 1, BANDS + 1).astype(int))
    bands = np.add.reduceat(power, edges[:-1], axis=1)
    return np.log10(bands + 1e-9).astype(np.float32)


def _similarity(a: np.ndarray, b: np.ndarray) -> tuple[float, int]:
    """The best correlation of two log-spectra over lags of up to MAX_LAG frames."""
    best, best_lag = -1.0, 0
    for lag in range(-MAX_LAG, MAX_LAG + 1):
        x = a[max(0, lag) :]
        y = b[max(0, -lag) :]
        n = min(len(x), len(y))
        if n < 20:
            continue
        x, y = x[:n].ravel() - x[:n].mean(), y[:n].ravel() - y[:n].mean()
        denom = float(np.linalg.norm(x) * np.linalg.norm(y))
        score = float(x @ y) / denom if denom > 0 else -1.0
        if score > best:
            best, best_lag = score, lag
    return best, best_lag


def find(
    spectrum: np.ndarray,
    heard: Sequence[tuple[float, float]],
    unheard: Sequence[tuple[float, float]],
) -> list[Repeat]:
    """Each unheard voiced stretch that replays a heard one (the best match)."""

    def cut(span: tuple[float, float]) -> np.ndarray:
        return spectrum[int(span[0] * 100) : int(span[1] * 100)]

    repeats = []
    for span in unheard:
        length = span[1] - span[0]
        best: tuple[float, int, tuple[float, float]] | None = None
        for source in heard:
            if abs((source[1] - source[0]) - length) > LENGTH_SLACK_SEC:
                continue
            score, lag = _similarity(cut(source), cut(span))
            if score >= MATCH and (best is None or score > best[0]):
                best = (score, lag, source)
        if best is not None:
            # a lag of k: the span's frame i matches the source's frame i + k
            shift = span[0] - best[2][0] - best[1] / 100
            repeats.append(Repeat(span, best[2], round(shift, 3)))
    return repeats


def copy_words(repeat: Repeat, segments: Sequence[Segment]) -> Segment | None:
    """The words heard in the repeat's source, moved to the repeat (None: none)."""
    s0, s1 = repeat.source
    words = [
        Word(round(w.start + repeat.shift, 3), round(w.end + repeat.shift, 3), w.text)
        for seg in segments
        for w in seg.words
        if s0 <= (w.start + w.end) / 2 <= s1
    ]
    if not words:
        return None
    return Segment(words[0].start, words[-1].end, join_words(w.text for w in words), words)


def replayed(
    audio: np.ndarray,
    regions: Sequence[tuple[float, float]],
    segments: Sequence[Segment],
    missed: Sequence[tuple[float, float]],
) -> list[Segment]:
    """Segments for the voiced stretches left (mostly) in `missed` that replay a heard
    one: its words, at their time."""

    def share_missed(r: tuple[float, float]) -> float:
        inside = sum(max(0.0, min(e, r[1]) - max(s, r[0])) for s, e in missed)
        return inside / (r[1] - r[0]) if r[1] > r[0] else 0.0

    middles = [(w.start + w.end) / 2 for seg in segments for w in seg.words]
    heard = [r for r in regions if any(r[0] <= m <= r[1] for m in middles)]
    lost = [r for r in regions if r not in heard and share_missed(r) >= 0.8]
    if not heard or not lost:
        return []
    spectrum = log_spectrogram(audio)
    return [seg for rep in find(spectrum, heard, lost) if (seg := copy_words(rep, segments))]
