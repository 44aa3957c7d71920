"""One case per rule of the offline analyzer (shared/analyzers/offline/rules/).

Each case gives measurements on which the rule fires, with a phrase its text must
contain, and measurements on which it stays silent. A rule added without a case
here fails `test_every_rule_has_a_case`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from shared.analyzers.offline.rules import Rule, rules
from shared.core.measurements import Caption, Word
from tests.offline.rule_cases import reel, shots, transcript


@dataclass(frozen=True)
class Case:
    fires: dict[str, Any]  # changes to the neutral reel that make the rule speak
    says: str  # a phrase of what it writes
    quiet: dict[str, Any]  # changes on which it says nothing ({} = the neutral reel)


NO_TEXT = shots((0.0, 2.0, ""), (2.0, 4.5, ""), (4.5, 7.0, ""), (7.0, 9.5, ""), (9.5, 12.0, ""))
ONE_SHOT = shots((0.0, 12.0, "3 ошибки"))
FEW_CAPTIONS = shots((0.0, 1.0, "3 ошибки"), (1.0, 6.0, ""), (6.0, 12.0, ""))
LATE_CUT = shots((0.0, 4.1, "3 ошибки"), (4.1, 8.0, ""), (8.0, 12.0, "подпишись"))
DARK = [
    s.__class__(**{**s.__dict__, "brightness": 0.1, "contrast": 0.05})  # murky, not a night
    for s in shots((0.0, 6.0, "a"), (6.0, 12.0, "b"))
]
NIGHT = [
    s.__class__(**{**s.__dict__, "brightness": 0.1, "contrast": 0.3})  # dark, with lights
    for s in shots((0.0, 6.0, "a"), (6.0, 12.0, "b"))
]
QUESTION = transcript(
    [Word(0.3, 0.7, "Почему"), Word(0.8, 1.2, "ролики"), Word(1.3, 1.9, "не смотрят?")]
)
PLAIN = transcript([Word(0.3, 0.7, "Привет"), Word(0.8, 1.2, "всем")])
SILENT_STILL = {"transcript": None, "shots": shots((0.0, 12.0, ""))}  # nothing to copy
TALK = transcript(
    [Word(0.3 + i * 0.4, 0.6 + i * 0.4, f"слово{i}") for i in range(20)]
)  # 20 in 7.9 s
CAPTIONS = [Caption(t, t + 2.0, "ошибка номер") for t in (0.0, 2.5, 5.0, 7.5)]
COUNTDOWN = transcript(
    [Word(0.3, 0.7, "Осталось"), Word(0.8, 1.1, "всего"), Word(1.2, 1.4, "8"),
     Word(1.5, 1.9, "минут,"), Word(5.0, 5.4, "всего"), Word(5.5, 5.7, "7"), Word(5.8, 6.2, "минут")]
)  # fmt: skip
STORY = transcript(
    [Word(0.3, 0.7, "Однажды"), Word(0.8, 1.0, "я"), Word(1.1, 1.6, "поехал"),
     Word(6.0, 6.2, "и"), Word(6.3, 6.6, "тут")]
)  # fmt: skip
ADDRESS = transcript([Word(0.3, 0.6, "Ты"), Word(0.7, 1.2, "снимаешь?"), Word(2.0, 2.4, "вам")])

BEATS = [
    round(i * 0.5, 2) for i in range(24)
]  # 120 BPM: the reel's cuts (2.0, 4.5, 7.0, 9.5) on it
MUSIC = {"sound": ["music"] * 24, "tempo_bpm": 120.0, "beats": BEATS}
OFF_BEAT = {**MUSIC, "beats": [b + 0.25 for b in BEATS]}  # every cut half a beat off
VOICE_OVER_MUSIC = {
    "sound": ["music"] * 6 + ["speech"] * 18,
    "loudness_curve": [-16.0] * 6 + [-14.0] * 18,
}

KEYS: dict[str, Case] = {
    "quick_voice": Case({}, "Речь начинается на 0,3 с", {"speech_start_sec": 1.8}),
    "text_hook": Case({}, "на экране «3 ошибки новичков»", {"shots": NO_TEXT}),
    "fast_editing": Case({}, "5 планов за 12 с", {"shots": ONE_SHOT}),
    "dense_speech": Case({"speech_share": 0.8}, "Голос звучит 80%", {}),
    "captions": Case({}, "Текст найден в 5 из 5 планов", {"shots": NO_TEXT}),
    "standard_loudness": Case({}, "−14,2 LUFS", {"loudness_lufs": -20.0}),
    "countdown": Case(
        {"transcript": COUNTDOWN}, "«Осталось всего 8 минут» на 0,3 с → «7 минут» на 5,5 с", {}
    ),
    "promise_kept": Case(
        {}, "все 3 пункта потом пронумерованы (2 с, 4,5 с, 7 с)", {"shots": FEW_CAPTIONS}
    ),
    "story_turn": Case({"transcript": STORY, "shots": NO_TEXT}, "поворот «и тут» на 6 с", {}),
    "hook": Case(
        {}, "В первых словах «Три ошибки новичков", {"transcript": PLAIN, "shots": NO_TEXT}
    ),
    "call_to_action": Case({}, "«подпишись»", {"shots": NO_TEXT}),
    "direct_address": Case({"transcript": ADDRESS}, "звучит 2 раза", {}),
    "beat_editing": Case(MUSIC, "4 из 4 склеек на бит, 120 BPM", OFF_BEAT),
}

ADVICE: dict[str, Case] = {
    "recipe_music": Case(MUSIC, "Музыка 120 BPM: бит каждые 0,5 с. Ставьте склейки на бит", {}),
    "music_over_voice": Case(VOICE_OVER_MUSIC, "Голос громче музыки всего на 2 LU", {}),
    "recipe_opening": Case({}, "Откройте так же: в первые 3 с", SILENT_STILL),
    "recipe_blocks": Case({}, "из 3 блоков после хука, по 2,5 с", {"shots": ONE_SHOT}),
    "recipe_voice": Case({"transcript": TALK}, "около 152 слов в минуту (разговорный", {}),
    "recipe_captions": Case({"captions": CAPTIONS}, "новая каждые 2,5 с, в среднем 2 слова", {}),
    "late_speech": Case({"speech_start_sec": 2.4}, "только на 2,4 с", {}),
    "weak_hook": Case({"transcript": PLAIN, "shots": NO_TEXT}, "Хука нет: в первые секунды", {}),
    "no_text_hook": Case({"shots": NO_TEXT}, "текста на экране нет", {}),
    "promise_unkept": Case({"shots": FEW_CAPTIONS}, "а номеров пунктов дальше нет", {}),
    "long_shots": Case({"shots": ONE_SHOT}, "один план длиной 12 с", {}),
    "late_first_cut": Case({"shots": LATE_CUT}, "Первая склейка только на 4,1 с", {}),
    "no_audio": Case(
        {"has_audio": False, "transcript": None, "loudness_lufs": None}, "нет звуковой", {}
    ),
    "no_speech": Case({"transcript": None}, "Речь в ролике не обнаружена", {}),
    "silent_track": Case({"loudness_lufs": None, "true_peak_dbtp": -80.0}, "беззвучна", {}),
    "too_quiet": Case(
        {"loudness_lufs": -22.5},
        "Поднимите уровень примерно на 8,5 дБ",
        {"loudness_lufs": -40.0, "transcript": None},  # room noise: no loudness advice
    ),
    "too_loud": Case({"loudness_lufs": -6.0}, "громче ориентира", {}),
    "true_peak": Case({"true_peak_dbtp": -0.2}, "Истинный пик −0,2 dBTP", {}),
    "silent_tail": Case({"silent_tail_sec": 5.0}, "ещё 5 с без речи", {}),
    "no_captions": Case({"shots": NO_TEXT}, "не найден ни в одном", {}),
    "few_captions": Case({"shots": FEW_CAPTIONS}, "Текст есть только в 1 из 3 планов", {}),
    "not_vertical": Case({"width": 1920, "height": 1080}, "горизонтальный", {}),
    "low_resolution": Case({"width": 720, "height": 1280}, "ниже 1080×1920", {}),
    "low_fps": Case({"fps": 15.0}, "Частота 15 кадров/с", {"fps": 23.976}),
    "dark_frames": Case({"shots": DARK}, "средняя яркость 10%", {"shots": NIGHT}),
    "warning_truncated": Case({"warnings": ["truncated"]}, "обрезан", {}),
    "warning_decode_errors": Case({"warnings": ["decode_errors"]}, "ошибок", {}),
    "warning_read_error": Case({"warnings": ["read_error"]}, "прервалось", {}),
    "warning_ocr_capped": Case({"warnings": ["ocr_capped"]}, "самых длинных", {}),
    "warning_ocr_unavailable": Case({"warnings": ["ocr_unavailable"]}, "недоступно", {}),
    "warning_speech_capped": Case({"warnings": ["speech_capped"]}, "первые 10 минут", {}),
    "warning_speech_failed": Case({"warnings": ["speech_failed"]}, "внутренней ошибки", {}),
}
CASES = {**KEYS, **ADVICE}


def _rule(rule_id: str) -> Rule:
    return next(r for r in rules("key") + rules("advice") if r.id == rule_id)


def test_every_rule_has_a_case() -> None:
    registered = {r.id for r in rules("key")} | {r.id for r in rules("advice")}
    assert registered == set(CASES), {
        "rules without a case": sorted(registered - set(CASES)),
        "cases without a rule": sorted(set(CASES) - registered),
    }
    assert {r.id for r in rules("key")} == set(KEYS)


def test_the_neutral_reel_needs_no_fix() -> None:
    fixes = [r for r in rules("advice") if not r.id.startswith("recipe_")]
    assert [r.id for r in fixes if r(reel()) is not None] == []


def test_how_to_film_a_similar_one_comes_first() -> None:
    """The seed's practical advice: what to copy, before what to fix."""
    from shared.analyzers.offline.report import recommendations

    later = [Caption(c.start + 3.0, c.end + 3.0, c.text) for c in CAPTIONS]  # none in the hook
    recs = recommendations(reel(speech_start_sec=2.4, captions=later, transcript=TALK))
    categories = [r.category for r in recs]
    assert categories[:3] == ["Как снять похожее"] * 3, categories  # blocks, voice, captions
    assert categories[3:] == ["Хук", "Хук"]  # no hook and the late start; no "all fine"
    assert recommendations(reel(**SILENT_STILL))[0].category != "Как снять похожее"


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_fires_and_cites_its_measurement(rule_id: str) -> None:
    case = CASES[rule_id]
    finding = _rule(rule_id)(reel(**case.fires))
    assert finding is not None, f"{rule_id} said nothing"
    assert case.says in finding.text, finding.text


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_stays_quiet_otherwise(rule_id: str) -> None:
    assert _rule(rule_id)(reel(**CASES[rule_id].quiet)) is None


def test_speech_with_foreign_language_still_counts_as_speech() -> None:
    m = reel(transcript=transcript(language="en"))
    assert _rule("no_speech")(m) is None and _rule("quick_voice")(m) is not None


def test_a_key_and_a_recommendation_about_the_same_measurement_agree() -> None:
    """No measurements make a strength and a fix of the same thing both speak (e.g. "fast
    editing" beside "the first cut comes only at 4.1 s")."""
    variations = [reel(**case.fires) for case in CASES.values()]
    variations += [reel(**case.quiet) for case in CASES.values()]
    variations += [reel(loudness_lufs=v) for v in (-16.0, -15.5, -15.1, -13.0, -12.9, -9.5)]
    fast_but_late = shots((0.0, 4.1, "a"), *[(t, t + 1.0, "") for t in range(4, 12)])
    fast_but_late[1].start = 4.1  # many short shots after a long opening one
    variations += [reel(shots=s) for s in (LATE_CUT, ONE_SHOT, FEW_CAPTIONS, fast_but_late)]
    keys, advice = rules("key"), rules("advice")
    for m in variations:
        said = {r.about for r in keys if r(m) is not None}
        fixes = {r.about for r in advice if r(m) is not None}
        assert not said & fixes, (said & fixes, m)


def test_five_keys_whenever_there_is_speech_or_text() -> None:
    from shared.analyzers.offline.report import keys

    assert len(keys(reel())) == 5
    sparse = reel(shots=NO_TEXT, transcript=PLAIN, loudness_lufs=-30.0, width=720, height=1280)
    assert len(keys(sparse)) == 5  # measured facts fill the rest, no invented praise
    silent = reel(shots=NO_TEXT, transcript=None, loudness_lufs=None, width=720, height=1280)
    assert 1 <= len(keys(silent)) < 5


def test_the_music_rules_need_music() -> None:
    """Without music with a tempo, no rule speaks of beats or of the music."""
    ids = ("beat_editing", "recipe_music", "music_over_voice")
    silent = reel(sound=["speech"] * 12 + ["silence"] * 12, beats=[])
    assert [i for i in ids if _rule(i)(reel()) or _rule(i)(silent)] == []
    no_tempo = reel(**{**MUSIC, "tempo_bpm": None})
    assert _rule("beat_editing")(no_tempo) is None and _rule("recipe_music")(no_tempo) is None


def test_the_recipe_says_when_the_cuts_miss_the_beat() -> None:
    finding = _rule("recipe_music")(reel(**OFF_BEAT))
    assert finding is not None
    assert "на бит попадают 0 из 4 склеек" in finding.text


def test_the_recipe_names_where_the_music_rises() -> None:
    rises = reel(**MUSIC, loudness_curve=[-24.0] * 8 + [-12.0] * 16)
    finding = _rule("recipe_music")(rises)
    assert finding is not None
    assert "На 4 с музыка нарастает на 12 LU" in finding.text
