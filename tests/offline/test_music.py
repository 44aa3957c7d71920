"""The music measured (shared/measure/music.py, shared/core/music.py) on synthetic
signals whose tempo and beats are known: click tracks, a steady tone, noise, silence."""

from __future__ import annotations

import numpy as np
import pytest

from shared.core import music as core
from shared.measure import music

RATE = music.RATE


def clicks(
    bpm: float, seconds: float, first: float = 0.25, seed: int = 0, offbeat: float = 0.0
) -> np.ndarray:
    """A drum-like click track over a low tone: a 30 ms decaying noise burst on every
    beat, and one `offbeat` times as loud on every off-beat."""
    rng = np.random.default_rng(seed)
    n = round(seconds * RATE)
    t = np.arange(n) / RATE
    out = 0.05 * np.sin(2 * np.pi * 110 * t)
    burst = rng.standard_normal(round(0.03 * RATE)) * np.exp(-np.arange(480) / 80)
    period = 60.0 / bpm
    for k, at in enumerate(np.arange(first, seconds - 0.05, period / 2)):
        i = round(at * RATE)
        gain = 0.6 if k % 2 == 0 else 0.6 * offbeat
        out[i : i + burst.shape[0]] += gain * burst[: n - i]
    return out.astype(np.float32)


def beat_times(bpm: float, seconds: float, first: float = 0.25) -> np.ndarray:
    return np.arange(first, seconds - 0.05, 60.0 / bpm)


@pytest.mark.parametrize("bpm", [72.0, 84.0, 100.0, 128.0, 150.0])
def test_the_tempo_of_a_click_track(bpm: float) -> None:
    rhythm = music.listen(clicks(bpm, 12.0))
    assert rhythm.tempo_bpm == pytest.approx(bpm, rel=0.02)


def test_the_beats_of_a_click_track_are_its_clicks() -> None:
    rhythm = music.listen(clicks(96.0, 12.0, offbeat=0.3))
    truth = beat_times(96.0, 12.0)
    beats = np.array(rhythm.beats)
    assert len(beats) >= len(truth) - 2
    # Every beat found is a click (not an off-beat), within 30 ms.
    error = np.abs(beats[:, None] - truth[None, :]).min(axis=1)
    assert error.max() <= 0.03


def test_a_click_track_is_music_noise_is_not_and_silence_is_silence() -> None:
    rng = np.random.default_rng(1)
    steady = clicks(110.0, 8.0)
    noise = (0.1 * rng.standard_normal(8 * RATE)).astype(np.float32)
    quiet = np.zeros(4 * RATE, np.float32)
    rhythm = music.listen(np.concatenate([steady, noise, quiet]))
    sound = core.labels(rhythm.steps_rms_dbfs, rhythm.steps_pulse, [], 0.5)
    assert len(sound) == 40
    # A step is judged on the 3 s around it: a change of sound blurs by up to 1 s.
    assert sound[:16] == ["music"] * 16
    assert sound[19:32] == ["other"] * 13
    assert sound[33:] == ["silence"] * 7
    assert rhythm.beats and all(b < 9.0 for b in rhythm.beats)  # only where the music is


def test_no_music_no_tempo() -> None:
    rng = np.random.default_rng(2)
    tone = 0.2 * np.sin(2 * np.pi * 440 * np.arange(10 * RATE) / RATE)
    noise = 0.1 * rng.standard_normal(10 * RATE)
    for audio in (tone, noise, np.zeros(10 * RATE), np.zeros(10)):
        rhythm = music.listen(audio.astype(np.float32))
        assert (rhythm.tempo_bpm, rhythm.beats) == (None, [])


def test_the_same_numbers_every_time() -> None:
    audio = clicks(120.0, 10.0, seed=3)
    first, second = music.listen(audio), music.listen(audio.copy())
    assert first == second


def test_speech_wins_over_music_in_a_step() -> None:
    sound = core.labels([-20.0] * 4, [0.6] * 4, [(0.4, 1.6)], 0.5)
    assert sound == ["music", "speech", "speech", "music"]


def test_cuts_on_beat_counts_only_cuts_while_the_beat_goes_on() -> None:
    beats = [1.0, 1.5, 2.0, 2.5, 3.0]
    cuts = [0.1, 1.06, 1.75, 2.92, 9.0]  # 0.1 and 9.0 are far outside the music
    assert core.cuts_on_beat(cuts, beats, 0.5) == (2, 3)
    assert core.cuts_on_beat(cuts, [], None) == (0, 0)


def test_the_music_drops_and_rises() -> None:
    sound = ["music"] * 12
    curve: list[float | None] = [-12.0] * 5 + [-24.0] * 4 + [-11.0] * 3
    found = core.events(sound, curve, 0.5)
    assert [(e.time_sec, e.kind) for e in found] == [(2.5, "drop"), (4.5, "rise")]
    curve = [-24.0] * 6 + [-12.0] * 6
    assert [(e.time_sec, e.kind, e.change_lu) for e in core.events(sound, curve, 0.5)] == [
        (3.0, "rise", 12.0)
    ]
    # A voice coming in over the music is not the music's own rise.
    voiced = ["music"] * 6 + ["speech"] * 6
    assert core.events(voiced, curve, 0.5) == []


def test_voice_over_music_balance() -> None:
    sound = ["music"] * 4 + ["speech"] * 4
    curve: list[float | None] = [-22.0] * 4 + [-14.0] * 4
    assert core.voice_over_music_lu(sound, curve) == 8.0
    assert core.voice_over_music_lu(["speech"] * 8, [-14.0] * 8) is None


def test_the_timeline_shows_the_music_and_old_timelines_still_read() -> None:
    from shared.core.anatomy import timeline
    from shared.core.schema import Timeline
    from tests.offline.rule_cases import reel

    beats = [round(i * 0.5, 2) for i in range(24)]
    sound = ["speech"] * 4 + ["music"] * 20
    drawn = timeline(reel(sound=sound, tempo_bpm=120.0, beats=beats))
    assert [(s.start_sec, s.end_sec) for s in drawn.music] == [(2.0, 12.0)]
    assert (drawn.tempo_bpm, drawn.beats[:3]) == (120.0, [0.0, 0.5, 1.0])
    assert (drawn.cuts_on_beat, drawn.cuts_in_music) == (4, 4)
    old = drawn.model_dump(exclude={"music", "beats", "tempo_bpm", "cuts_on_beat", "cuts_in_music"})
    again = Timeline.model_validate(old)
    assert (again.music, again.beats, again.tempo_bpm, again.cuts_in_music) == ([], [], None, 0)


def test_a_voice_alone_gives_no_tempo() -> None:
    """A voice's syllables can have a pulse: the tempo needs music outside the voice."""
    audio = clicks(120.0, 10.0)
    assert music.listen(audio).tempo_bpm is not None
    everywhere = [(0.0, 10.0)]
    assert music.listen(audio, everywhere) == music.Rhythm(
        music.listen(audio).steps_rms_dbfs, music.listen(audio).steps_pulse
    )


def test_a_pulse_among_voices_needs_to_be_strong_to_be_music() -> None:
    """Between two phrases a step's window is mostly voice: speech's own rhythm (0.42 on
    the real English clip) is not music there; a strong pulse still is."""
    regions = [(0.0, 1.9), (2.3, 4.0)]
    sound = core.labels([-20.0] * 8, [0.42] * 8, regions, 0.5)
    assert sound[4] == "other" and "music" not in sound
    assert core.labels([-20.0] * 8, [0.6] * 8, regions, 0.5)[4] == "music"


def test_the_numbers_are_plain_python() -> None:
    """Measurements are plain data: no numpy scalars reach the result's JSON."""
    rhythm = music.listen(clicks(100.0, 8.0))
    values = [rhythm.tempo_bpm, *rhythm.beats, *rhythm.steps_pulse, *rhythm.steps_rms_dbfs]
    assert {type(v) for v in values} == {float}
