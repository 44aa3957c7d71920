"""The music as an editor hears it, from the 16 kHz mono the speech thread decodes.

- onset strength: spectral flux (log-compressed magnitude, half-wave rectified frame
  differences, averaged over bins) every 10 ms;
- rhythm per 0.5 s step: how periodic the onsets around it are (the normalised
  autocorrelation of a 3 s window, best lag in 60–180 BPM) and its rms; with the
  voiced stretches they label the step (`shared.core.music.labels`);
- tempo: the autocorrelation of the onset envelope over the music, 60–180 BPM,
  scored with twice its lag too and weighted by a log-normal prior around 120 BPM
  (the usual octave fix), refined to a fraction of a frame by a parabola through the
  peak;
- beats: dynamic-programming beat tracking (Ellis 2007: onset strength plus a penalty
  for gaps far from the beat period), kept inside the music.

Pure numpy/scipy, float64. Results are rounded (tempo to 0.1 BPM, beats to the 10 ms
frame) so the last bit of a SIMD kernel cannot change them (issue 16).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from shared.core.measurements import LOUDNESS_STEP_SEC
from shared.core.music import PULSE_MUSIC, PULSE_WINDOW_SEC, SILENCE_DBFS

if TYPE_CHECKING:
    import numpy as np

RATE = 16000
HOP = 160  # 10 ms frames
FPS = RATE // HOP
WINDOW = 512
COMPRESSION = 1000.0  # log(1 + C * magnitude): loud and quiet onsets both count
STEP_SEC = LOUDNESS_STEP_SEC  # one label per step, as the loudness curve
MIN_BPM, MAX_BPM, PRIOR_BPM = 60.0, 180.0, 120.0
PRIOR_OCTAVES = 0.7  # width of the prior (log2 of the tempo)
MIN_ONSET = 0.01  # mean onset strength below this: no onsets to speak of (a steady tone)
MIN_MUSIC_SEC = 3.0  # less music than this: no tempo, no beats
TIGHTNESS = 100.0  # Ellis's alpha: how strictly beats keep the period


@dataclass
class Rhythm:
    """What the signal says, before the speech is known (labels come later)."""

    steps_rms_dbfs: list[float] = field(default_factory=list)  # per step
    steps_pulse: list[float] = field(default_factory=list)  # periodicity per step, 0..1
    tempo_bpm: float | None = None
    beats: list[float] = field(default_factory=list)  # seconds


def onset_strength(audio: np.ndarray) -> np.ndarray:
    """Spectral flux every HOP samples (frame i is centred at i * HOP)."""
    import numpy as np

    x = np.asarray(audio, dtype=np.float64)
    if x.shape[0] < WINDOW:
        return np.zeros(0)
    x = np.pad(x, (WINDOW // 2, WINDOW // 2))
    n = 1 + (x.shape[0] - WINDOW) // HOP
    frames = np.lib.stride_tricks.as_strided(
        x, shape=(n, WINDOW), strides=(x.strides[0] * HOP, x.strides[0]), writeable=False
    )
    mag = np.abs(np.fft.rfft(frames * np.hanning(WINDOW), axis=1))
    logmag = np.log1p(COMPRESSION * mag)
    flux = np.maximum(0.0, np.diff(logmag, axis=0)).mean(axis=1)
    flux = np.concatenate([[0.0], flux])
    # Take away the slow trend (a crescendo is not an onset).
    from scipy.ndimage import uniform_filter1d

    trend = np.asarray(uniform_filter1d(flux, size=FPS // 2 + 1, mode="nearest"))
    out: np.ndarray = np.maximum(0.0, flux - trend)
    return out


def _lags() -> tuple[int, int]:
    return math.floor(60.0 * FPS / MAX_BPM), math.ceil(60.0 * FPS / MIN_BPM)


def _autocorr(env: np.ndarray, max_lag: int) -> np.ndarray:
    import numpy as np

    e = env - env.mean()
    full = np.correlate(e, e, mode="full")[e.shape[0] - 1 :]
    ac = full[: max_lag + 2] if full.shape[0] >= max_lag + 2 else np.zeros(max_lag + 2)
    return ac / ac[0] if ac[0] > 0 else np.zeros_like(ac)


def pulse(env: np.ndarray) -> float:
    """How periodic an onset envelope is: its best normalised autocorrelation at a
    lag in 60–180 BPM, 0..1."""
    lo, hi = _lags()
    if env.shape[0] < 2 * hi or float(env.mean()) < MIN_ONSET:
        return 0.0
    ac = _autocorr(env, hi)
    return round(max(0.0, float(ac[lo : hi + 1].max())), 3)


def tempo(env: np.ndarray) -> float | None:
    """The tempo in BPM (None: no steady pulse)."""
    import numpy as np

    lo, hi = _lags()
    if env.shape[0] < 2 * hi:
        return None
    ac = _autocorr(env, 2 * hi)
    lags = np.arange(lo, hi + 1)
    bpm = 60.0 * FPS / lags
    prior = np.exp(-0.5 * (np.log2(bpm / PRIOR_BPM) / PRIOR_OCTAVES) ** 2)
    # A beat period also shows at twice the lag: count both (halves octave errors).
    strength = ac[lags] + 0.5 * ac[np.minimum(2 * lags, ac.shape[0] - 1)]
    score = np.round(strength * prior, 6)
    best = int(np.argmax(score))
    if ac[lags[best]] <= 0:
        return None
    lag = float(lags[best])
    if 0 < best < len(lags) - 1:  # a parabola through the peak: a fraction of a frame
        a, b, c = score[best - 1], score[best], score[best + 1]
        denom = a - 2 * b + c
        if denom < 0:
            lag += 0.5 * (a - c) / denom
    return round(float(60.0 * FPS / lag), 1)


def track_beats(env: np.ndarray, bpm: float) -> list[int]:
    """Beat frames (Ellis 2007): each frame's best score is its onset strength plus
    the best earlier beat's score, penalised by log(gap / period) squared."""
    import numpy as np

    n = env.shape[0]
    period = 60.0 * FPS / bpm
    if n < 2 or period <= 0:
        return []
    std = env.std()
    onset = np.round(env / std, 6) if std > 0 else np.zeros(n)
    lo, hi = max(1, round(period / 2)), round(2 * period)
    gaps = np.arange(lo, hi + 1)
    penalty = -TIGHTNESS * np.log(gaps / period) ** 2
    score = onset.copy()
    back = np.full(n, -1)
    for t in range(lo, n):
        prev = t - gaps
        ok = prev >= 0
        cand = score[prev[ok]] + penalty[ok]
        k = int(np.argmax(cand))
        if cand[k] > 0:
            score[t] = onset[t] + cand[k]
            back[t] = prev[ok][k]
    # The last beat: the best score in the final period (local maxima only).
    tail = max(0, n - round(period))
    t = tail + int(np.argmax(score[tail:]))
    beats = []
    while t >= 0:
        beats.append(t)
        t = int(back[t])
    return sorted(beats)


def _step_rms(audio: np.ndarray, steps: int) -> list[float]:
    import numpy as np

    size = round(STEP_SEC * RATE)
    out = []
    for i in range(steps):
        chunk = np.asarray(audio[i * size : (i + 1) * size], dtype=np.float64)
        power = float(np.mean(chunk * chunk)) if chunk.size else 0.0
        out.append(round(10 * math.log10(power), 1) if power > 1e-12 else -120.0)
    return out


def _step_pulse(env: np.ndarray, steps: int) -> list[float]:
    half = round(PULSE_WINDOW_SEC * FPS / 2)
    per = round(STEP_SEC * FPS)
    out = []
    for i in range(steps):
        centre = i * per + per // 2  # the window is shifted, not cut, at either end
        start = min(max(0, centre - half), max(0, env.shape[0] - 2 * half))
        out.append(pulse(env[start : start + 2 * half]))
    return out


def listen(audio: np.ndarray, voiced: list[tuple[float, float]] | None = None) -> Rhythm:
    """The rhythm of 16 kHz mono audio (index 0 = the video's 0). `voiced`: the voice
    detector's stretches (seconds); a voice's syllables can have a pulse too, so the
    tempo needs MIN_MUSIC_SEC of music outside them (the beats go on under a voice)."""
    import numpy as np

    steps = math.ceil(audio.shape[0] / (STEP_SEC * RATE))
    env = onset_strength(audio)
    rhythm = Rhythm(_step_rms(audio, steps), _step_pulse(env, steps))
    per = round(STEP_SEC * FPS)
    musical = np.zeros(env.shape[0], dtype=bool)
    for i, (db, p) in enumerate(zip(rhythm.steps_rms_dbfs, rhythm.steps_pulse, strict=True)):
        if db >= SILENCE_DBFS and p >= PULSE_MUSIC:
            musical[i * per : (i + 1) * per] = True
    alone = musical.copy()
    for start, end in voiced or []:
        alone[max(0, round(start * FPS)) : max(0, round(end * FPS))] = False
    if alone.sum() < MIN_MUSIC_SEC * FPS:
        return rhythm
    rhythm.tempo_bpm = tempo(np.where(alone, env, 0.0))
    if rhythm.tempo_bpm is None:
        return rhythm
    frames = track_beats(np.where(musical, env, 0.0), rhythm.tempo_bpm)
    rhythm.beats = [round(f / FPS, 2) for f in frames if musical[f]]
    return rhythm
