"""The music as an editor uses it: cuts on the beat, its tempo, its drops and rises,
how it sits under the voice (measured by shared/measure/music.py). None of these
speaks without music with a measured tempo."""

from __future__ import annotations

from shared.analyzers.offline.rules import Finding, advice_rule, key_rule
from shared.analyzers.offline.rules.recipe import CATEGORY
from shared.analyzers.offline.rules.thresholds import (
    MIN_BEAT_CUTS,
    MIN_MUSIC_SHARE,
    MIN_VOICE_OVER_MUSIC_LU,
    ON_BEAT_SHARE,
)
from shared.analyzers.offline.text import num
from shared.core.measurements import Measurements


def _of_cuts(on: int, total: int) -> str:
    """«9 из 10 склеек»."""
    return f"{on} из {total} {'склейки' if total % 10 == 1 and total % 100 != 11 else 'склеек'}"


def _on_beat(m: Measurements) -> tuple[int, int] | None:
    """(on a beat, while the music plays) when there is music to cut to."""
    if m.tempo_bpm is None or not m.beats:
        return None
    on, total = m.cuts_on_beat()
    return (on, total) if total >= MIN_BEAT_CUTS else None


@key_rule("beat_editing", about="music_beat")
def beat_editing(m: Measurements) -> Finding | None:
    counted = _on_beat(m)
    if counted is None or counted[0] < ON_BEAT_SHARE * counted[1]:
        return None
    on, total = counted
    assert m.tempo_bpm is not None
    return Finding(
        "Монтаж в долю",
        f"{_of_cuts(on, total)} на бит, {num(m.tempo_bpm, 0)} BPM — картинка "
        "меняется вместе с музыкой, ролик смотрится «собранным».",
        score=0.7 + 0.2 * on / total,
        at=(m.beats[0], m.beats[-1]),
    )


@advice_rule("recipe_music", about="recipe_music")
def recipe_music(m: Measurements) -> Finding | None:
    """The music to copy: its tempo, where the cuts fall, where it changes."""
    if m.tempo_bpm is None or not m.beats or m.music_share < MIN_MUSIC_SHARE:
        return None
    beat = 60.0 / m.tempo_bpm
    text = f"Музыка {num(m.tempo_bpm, 0)} BPM: бит каждые {num(beat, 2)} с."
    counted = _on_beat(m)
    if counted is not None and counted[0] >= ON_BEAT_SHARE * counted[1]:
        text += f" Ставьте склейки на бит, как здесь ({_of_cuts(*counted)} в долю)."
    elif counted is not None:
        text += (
            f" Здесь на бит попадают {_of_cuts(*counted)} — сдвиньте склейки на ближайший "
            "бит, и монтаж зазвучит в такт."
        )
    events = m.music_events()
    if events:
        first = events[0]
        change = "проседает" if first.kind == "drop" else "нарастает"
        text += (
            f" На {num(first.time_sec)} с музыка {change} на {num(abs(first.change_lu), 0)} LU"
            " — на такой момент ставят смену сцены или главный кадр."
        )
    return Finding(CATEGORY, text, at=(m.beats[0], m.beats[-1]))


@advice_rule("music_over_voice", about="voice_over_music")
def music_over_voice(m: Measurements) -> Finding | None:
    balance = m.voice_over_music_lu
    if balance is None or balance >= MIN_VOICE_OVER_MUSIC_LU:
        return None
    return Finding(
        "Звук",
        f"Голос громче музыки всего на {num(balance)} LU — музыка спорит со словами. "
        "Опустите музыку под голосом на 6–10 дБ (или включите дакинг).",
    )
