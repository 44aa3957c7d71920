"""The sound as an editor hears it, from what was measured (pure).

`shared.measure.music` measures, per LOUDNESS_STEP_SEC step, how loud the audio is
and how steady a pulse it has, and the tempo and beats of the music. Here that
becomes:

- a label per step: "speech" (the voice detector heard a voice for most of it),
  "music" (a steady pulse), "silence" (quiet), "other" (sound without a pulse:
  ambience, noise);
- the share of cuts that land on a beat (within BEAT_TOLERANCE_SEC), counting the
  cuts made while music plays;
- where the music drops or rises (its momentary loudness moving by DYNAMICS_LU);
- the voice-over-music balance: how much louder the speech is than the music alone.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass

SOUND_LABELS = ("speech", "music", "silence", "other")
SILENCE_DBFS = -50.0  # a step's rms below this is silence
PULSE_MUSIC = 0.35  # a step's pulse (0..1) at or above this is music
# ... unless the voice fills most of the window the pulse is measured on: speech has a
# pulse of its own (0.42 at most on the real English clip), music under a voice more.
PULSE_MUSIC_NEAR_VOICE = 0.5
PULSE_WINDOW_SEC = 3.0  # the pulse of a step is measured on the 3 s around it
VOICED_SHARE = 0.5  # a step voiced for at least this share is speech
BEAT_TOLERANCE_SEC = 0.08  # a cut this close to a beat is on it
DYNAMICS_LU = 6.0  # a change of the music's loudness this large is a drop or a rise
DYNAMICS_BEFORE_STEPS = 4  # compared with the mean of the steps before (2 s)
MIN_BALANCE_STEPS = 2  # at least 1 s of speech and of music alone for a balance


@dataclass(frozen=True)
class MusicEvent:
    time_sec: float
    kind: str  # "drop" or "rise"
    change_lu: float  # signed: negative for a drop


def _voiced(start: float, end: float, regions: list[tuple[float, float]]) -> float:
    return sum(max(0.0, min(end, e) - max(start, s)) for s, e in regions)


def _pulse_needed(centre: float, regions: list[tuple[float, float]]) -> float:
    start, end = centre - PULSE_WINDOW_SEC / 2, centre + PULSE_WINDOW_SEC / 2
    near_voice = _voiced(start, end, regions) > PULSE_WINDOW_SEC / 2
    return PULSE_MUSIC_NEAR_VOICE if near_voice else PULSE_MUSIC


def labels(
    rms_dbfs: list[float],
    pulse: list[float],
    regions: list[tuple[float, float]],
    step_sec: float,
) -> list[str]:
    """One of SOUND_LABELS per step."""
    out = []
    for i, (db, p) in enumerate(zip(rms_dbfs, pulse, strict=False)):
        start = i * step_sec
        if db < SILENCE_DBFS:
            out.append("silence")
        elif _voiced(start, start + step_sec, regions) >= VOICED_SHARE * step_sec:
            out.append("speech")
        elif p >= _pulse_needed(start + step_sec / 2, regions):
            out.append("music")
        else:
            out.append("other")
    return out


def spans(sound: list[str], label: str, step_sec: float) -> list[tuple[float, float]]:
    """Stretches of consecutive steps with this label, in seconds."""
    out: list[tuple[float, float]] = []
    for i, value in enumerate(sound):
        if value != label:
            continue
        start, end = round(i * step_sec, 2), round((i + 1) * step_sec, 2)
        if out and out[-1][1] == start:
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def share(sound: list[str], label: str) -> float:
    return round(sum(1 for s in sound if s == label) / len(sound), 3) if sound else 0.0


def on_beat(time_sec: float, beats: list[float], tolerance: float = BEAT_TOLERANCE_SEC) -> bool:
    i = bisect.bisect_left(beats, time_sec)
    near = [beats[j] for j in (i - 1, i) if 0 <= j < len(beats)]
    return any(abs(b - time_sec) <= tolerance + 1e-9 for b in near)


def cuts_on_beat(
    cuts: list[float], beats: list[float], period_sec: float | None
) -> tuple[int, int]:
    """(cuts on a beat, cuts while the beat goes on): a cut counts when it falls
    between the first and the last beat (give or take a period)."""
    if not beats or not period_sec:
        return 0, 0
    during = [c for c in cuts if beats[0] - period_sec <= c <= beats[-1] + period_sec]
    return sum(1 for c in during if on_beat(c, beats)), len(during)


def _energy_mean(values: list[float]) -> float:
    return 10 * math.log10(sum(10 ** (v / 10) for v in values) / len(values))


def events(sound: list[str], curve: list[float | None], step_sec: float) -> list[MusicEvent]:
    """Where the music (without a voice) gets DYNAMICS_LU quieter or louder than in
    the 2 s before, at most one event per 2 s."""
    out: list[MusicEvent] = []
    last = -math.inf
    for i in range(DYNAMICS_BEFORE_STEPS, min(len(sound), len(curve))):
        value = curve[i]
        before = curve[i - DYNAMICS_BEFORE_STEPS : i]
        labels_before = sound[i - DYNAMICS_BEFORE_STEPS : i]
        if value is None or any(v is None for v in before):
            continue
        if "speech" in labels_before or sound[i] == "speech" or "music" not in labels_before:
            continue  # a voice comes in or goes: not the music's own dynamics
        change = value - _energy_mean([v for v in before if v is not None])
        time = round(i * step_sec, 2)
        if abs(change) >= DYNAMICS_LU and time - last >= DYNAMICS_BEFORE_STEPS * step_sec:
            out.append(MusicEvent(time, "drop" if change < 0 else "rise", round(change, 1)))
            last = time
    return out


def voice_over_music_lu(sound: list[str], curve: list[float | None]) -> float | None:
    """Speech steps' loudness minus music-alone steps' (LU); None unless both are heard."""
    speech = [v for s, v in zip(sound, curve, strict=False) if s == "speech" and v is not None]
    music = [v for s, v in zip(sound, curve, strict=False) if s == "music" and v is not None]
    if len(speech) < MIN_BALANCE_STEPS or len(music) < MIN_BALANCE_STEPS:
        return None
    return round(_energy_mean(speech) - _energy_mean(music), 1)
