"""The offline hook rules on a table of openings (Russian and English): the type comes
from what is said or shown, never invented; strength has a reason per point."""

from __future__ import annotations

import pytest

from shared.analyzers.offline.hook import hook_type, judge, strength
from shared.core.anatomy import hook_measured, timeline
from shared.core.measurements import Caption, Word
from shared.core.schema import HOOK_TYPES, HookMeasured
from tests.offline.rule_cases import reel, shots, transcript


@pytest.mark.parametrize(
    ("words", "text", "expected"),
    [
        ("Три способа сварить рис", "", "list_promise"),
        ("5 ошибок новичков", "", "list_promise"),
        ("Here are 3 ways to save money", "", "list_promise"),
        ("Top 5 hacks", "", "list_promise"),
        ("Покажу, как снять это на телефон", "", "tutorial_promise"),
        ("How to cook rice at home", "", "tutorial_promise"),
        ("Почему ваши ролики не смотрят?", "", "question"),
        ("Do you know what this is", "", "question"),
        ("Вы не поверите, что было дальше", "", "curiosity_gap"),
        ("Nobody tells you this about Reels", "", "curiosity_gap"),
        ("Это лучший способ учить язык", "", "bold_claim"),
        ("You will never guess", "", "bold_claim"),
        ("Вот что получилось через месяц", "", "result_first"),
        ("Before and after the renovation", "", "result_first"),
        ("Однажды я поехал в Казань", "", "story_opening"),
        ("When I was twelve I", "", "story_opening"),
        ("Стоп! Не листай", "", "direct_address"),
        ("Wait for it", "", "direct_address"),
        ("", "3 ОШИБКИ В МОНТАЖЕ", "list_promise"),  # from the caption alone
        ("", "КАК СНЯТЬ REELS?", "tutorial_promise"),
    ],
)
def test_hook_type_from_words_or_captions(words: str, text: str, expected: str) -> None:
    kind, why = hook_type(HookMeasured(words=words, on_screen_text=text))
    assert kind == expected and why


def test_without_words_a_sharp_start_is_a_pattern_interrupt() -> None:
    assert hook_type(HookMeasured(first_cut_sec=0.8))[0] == "pattern_interrupt"
    assert hook_type(HookMeasured(motion_first_sec=0.05))[0] == "pattern_interrupt"
    loud = HookMeasured(loudness_start_lufs=-10.0, loudness_rest_lufs=-18.0)
    assert hook_type(loud)[0] == "pattern_interrupt"


def test_nothing_in_the_window_is_no_hook_and_weak() -> None:
    quiet = HookMeasured(first_cut_sec=6.0, motion_first_sec=0.001)
    assert hook_type(quiet)[0] == "no_hook"
    score, reasons = strength(quiet, "no_hook")
    assert score == 1 and reasons


def test_strength_adds_up_with_reasons() -> None:
    m = HookMeasured(
        first_word_sec=0.3, words="Три ошибки", on_screen_text="3 ОШИБКИ", first_cut_sec=1.2
    )
    score, reasons = strength(m, "list_promise")
    assert score == 1 + 3 + 2 + 2 + 1
    assert len(reasons) == 4 and all(r[0] in "+−" for r in reasons)


def test_measured_values_come_from_the_first_three_seconds() -> None:
    words = [Word(0.4, 0.8, "Почему"), Word(0.9, 1.4, "так?"), Word(3.5, 4.0, "потом")]
    m = reel(
        transcript=transcript(words),
        speech_start_sec=0.42,  # the voice detector's onset: it times the first word
        shots=shots((0.0, 1.5, ""), (1.5, 6.0, ""), (6.0, 12.0, "")),
        captions=[Caption(0.5, 2.0, "ПОЧЕМУ?"), Caption(6.8, 8.0, "поздно")],
        loudness_curve=[-12.0] * 6 + [-20.0] * 18,
        motion_first_sec=0.02,
    )
    measured = hook_measured(m)
    assert measured.first_word_sec == 0.42 and measured.words == "Почему так?"
    assert measured.on_screen_text == "ПОЧЕМУ?"  # the caption at 6.8 s is not the hook
    assert measured.first_cut_sec == 1.5
    assert measured.loudness_start_lufs == -12.0 and measured.loudness_rest_lufs == -20.0
    hook = judge(measured)
    assert hook.type == "question" and hook.type_label == HOOK_TYPES["question"]
    assert 1 <= hook.strength <= 10 and hook.alternatives == []


def test_the_timeline_draws_what_was_measured() -> None:
    m = reel(loudness_curve=[-14.0, None, -16.0])
    line = timeline(m)
    assert [(s.start_sec, s.end_sec) for s in line.shots][:2] == [(0.0, 2.0), (2.0, 4.5)]
    assert [(s.start_sec, s.end_sec) for s in line.speech] == [(0.3, 2.5), (6.0, 7.0)]
    assert line.text[0].text == "3 ошибки новичков"
    assert line.loudness == [-14.0, None, -16.0] and line.loudness_step_sec == 0.5
    assert (line.hook.start_sec, line.hook.end_sec) == (0.0, 3.0)


def test_offline_says_an_adapted_script_needs_gemini_only_when_asked() -> None:
    from shared.analyzers.offline.report import build_result

    assert build_result(reel()).adapted_note is None
    asked = build_result(reel(), topic="выпечка")
    assert asked.adapted_script is None and "Gemini" in (asked.adapted_note or "")
