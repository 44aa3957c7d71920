"""The music measured on real recordings (issue 19): a band's backing track whose chart
states its tempo (devstack/realmusic.py, docs/real-media.md), cut on its beat and half a
beat off; and no music where the real clips have speech or a cartoon's sounds."""

from __future__ import annotations

from pathlib import Path

import pytest

from devstack import realmedia, realmusic

pytestmark = pytest.mark.slow

MUSIC = ["on_beat", "off_beat"]
TEMPO_TOLERANCE = 0.02  # the bar: within 2 % of the chart's tempo
GRID_TOLERANCE_SEC = 0.06  # a beat found this close to the chart's beat grid is on it


def test_the_chart_states_the_tempo() -> None:
    """The known tempo is the package's own: read from the song's MIDI chart."""
    source = realmedia.CATALOGUE[realmusic.SONG]
    assert source.chart is not None
    assert Path(source.chart) == realmedia.resolve(realmusic.SONG).parent / "notes.mid"
    division, tempos = realmusic.tempo_map(Path(source.chart))
    assert division > 0 and tempos == [(0, source.tempo_bpm)]
    assert realmusic.chart_tempo() == 140.0


@pytest.mark.parametrize("name", MUSIC)
def test_the_tempo_of_real_music(name: str, real_clips, measured) -> None:
    m = measured(real_clips[name].path)
    assert m.tempo_bpm == pytest.approx(realmusic.chart_tempo(), rel=TEMPO_TOLERANCE)
    assert m.music_share >= 0.9, m.sound


def test_the_beats_found_are_the_charts(real_clips, measured) -> None:
    """Beats are found all along the excerpt, each on the chart's grid."""
    m = measured(real_clips["on_beat"].path)
    grid = realmusic.chart_beats(realmusic.chart_tempo())
    off = [b for b in m.beats if min(abs(b - g) for g in grid) > GRID_TOLERANCE_SEC]
    assert len(m.beats) >= 0.8 * len(grid) and not off, (m.beats, grid)


def test_cuts_on_the_beat_and_off_it(real_clips, measured) -> None:
    on = measured(real_clips["on_beat"].path)
    off = measured(real_clips["off_beat"].path)
    assert len(on.cuts()) == len(off.cuts()) == 6
    assert on.cuts_on_beat() == (6, 6), (on.cuts(), on.beats)
    assert off.cuts_on_beat()[0] <= 1 and off.cuts_on_beat()[1] == 6, (off.cuts(), off.beats)


def test_the_result_says_the_montage_is_on_the_beat(real_clips, measured) -> None:
    from shared.analyzers.offline.report import build_result

    on = build_result(measured(real_clips["on_beat"].path))
    keys = {k.title: k.description for k in on.keys}
    assert "Монтаж в долю" in keys, list(keys)
    assert keys["Монтаж в долю"].startswith("6 из 6 склеек на бит, 140 BPM")
    assert any("Ставьте склейки на бит" in r.text for r in on.recommendations)
    assert on.timeline is not None and on.timeline.tempo_bpm is not None
    assert on.timeline.music and on.timeline.cuts_in_music == 6
    off = build_result(measured(real_clips["off_beat"].path))
    assert "Монтаж в долю" not in [k.title for k in off.keys]
    assert any("на бит попадают 0 из 6 склеек" in r.text for r in off.recommendations)


@pytest.mark.parametrize("name", ["russian", "english"])
def test_speech_is_speech_not_music(name: str, real_clips, measured) -> None:
    clip = real_clips[name]
    m = measured(clip.path)
    step = 0.5
    voiced = [s for i, s in enumerate(m.sound) if clip.speech_start <= i * step < clip.speech_end]
    # The 0.3 s pauses between prompts may make a step "other"; never music.
    assert voiced.count("speech") >= 0.8 * len(voiced) and "music" not in voiced, m.sound
    assert m.tempo_bpm is None and m.beats == [] and m.music_share <= 0.05, m.sound


def test_a_cartoons_sounds_are_not_speech_nor_music(real_clips, measured) -> None:
    """The Bunny's soundtrack (a yawn, rustling, birds), then silent footage."""
    m = measured(real_clips["no_speech"].path)
    bunny = m.sound[: int(5.28 / 0.5)]
    assert "speech" not in bunny and "music" not in bunny, m.sound
    assert set(m.sound[12:]) == {"silence"}, m.sound
    assert m.tempo_bpm is None and m.beats == []
