"""One verdict on the opening, shared by every section (issue 19): the hook card, the
keys and the advice never contradict each other, on every table case and on openings
carried by the screen or the sound rather than the first words."""

from __future__ import annotations

from typing import Any

import pytest

from shared.analyzers.offline.hook import hook_verdict, verdict
from shared.analyzers.offline.report import build_result
from shared.core.measurements import Caption, Word
from shared.core.schema import HookMeasured
from tests.offline.contradictions import contradictions
from tests.offline.rule_cases import reel, shots, transcript
from tests.offline.test_rules import CASES, NO_TEXT, PLAIN, QUESTION

LATE_WORDS = transcript([Word(2.2, 2.6, "Привет"), Word(2.7, 3.2, "всем")])
VISUAL: dict[str, dict[str, Any]] = {
    # a headline before the first word
    "headline": {"transcript": LATE_WORDS, "speech_start_sec": 2.2,
                 "captions": [Caption(0.0, 2.0, "МОНТАЖ ЗА МИНУТУ")]},
    # a push-in on the first shot before the first word
    "push_in": {"transcript": LATE_WORDS, "speech_start_sec": 2.2,
                "shots": [s.__class__(**{**s.__dict__, "camera": "zoom_in" if s.index == 0 else None})
                          for s in NO_TEXT]},
    # a loud start with no words at all
    "loud": {"transcript": None, "shots": NO_TEXT,
             "loudness_curve": [-9.0] * 6 + [-20.0] * 18},
    # urgency on screen, no speech
    "urgency": {"transcript": None, "captions": [Caption(0.0, 2.5, "ОСТАЛОСЬ ВСЕГО 8 МИНУТ")]},
    # a list on screen with words between the number and the items
    "list": {"transcript": None, "captions": [Caption(0.0, 2.5, "5 ЛУЧШИХ ПРИЛОЖЕНИЙ ЗА 15 СЕКУНД")]},
    "question": {"transcript": QUESTION, "shots": NO_TEXT},
    "plain": {"transcript": PLAIN, "shots": NO_TEXT},
    "short": {"duration_sec": 8.5, "transcript": PLAIN,
              "shots": shots((0.0, 1.0, ""), (1.0, 3.0, ""), (3.0, 6.0, ""), (6.0, 8.5, ""))},
}  # fmt: skip


def _variations() -> list[tuple[str, dict[str, Any]]]:
    out = [(f"{rule}:fires", case.fires) for rule, case in CASES.items()]
    out += [(f"{rule}:quiet", case.quiet) for rule, case in CASES.items()]
    return out + list(VISUAL.items())


@pytest.mark.parametrize(
    ("name", "changes"), _variations(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_no_two_sections_contradict(name: str, changes: dict[str, Any]) -> None:
    result = build_result(reel(**changes))
    assert contradictions(result) == [], name


@pytest.mark.parametrize(
    ("name", "kind", "source"),
    [
        ("headline", "text_hook", "text"),
        ("push_in", "pattern_interrupt", "picture"),
        ("loud", "pattern_interrupt", "sound"),
        ("urgency", "urgency", "text"),
        ("list", "list_promise", "text"),
        ("question", "question", "words"),
        ("plain", "no_hook", None),
    ],
)
def test_the_type_comes_from_every_channel(name: str, kind: str, source: str | None) -> None:
    found = hook_verdict(reel(**VISUAL[name]))
    assert (found.type, found.source) == (kind, source)
    result = build_result(reel(**VISUAL[name]))
    assert result.hook is not None and result.hook.type == kind


def test_a_visual_hook_is_not_told_to_speak_earlier() -> None:
    recs = build_result(reel(**VISUAL["headline"])).recommendations
    assert not any("Начните говорить" in r.text for r in recs)
    opening = next(r for r in recs if r.text.startswith("Откройте так же"))
    assert "«МОНТАЖ ЗА МИНУТУ» на экране" in opening.text and "заголовка" in opening.text


def test_a_promise_on_screen_is_quoted_from_the_screen() -> None:
    result = build_result(reel(**VISUAL["list"]))
    key = next(k for k in result.keys if k.title.startswith("Хук: "))
    assert key.description.startswith("На экране «5 ЛУЧШИХ ПРИЛОЖЕНИЙ")
    assert key.at is not None and (key.at.start_sec, key.at.end_sec) == (0.0, 2.5)


def test_a_short_clip_is_not_told_about_its_last_five_seconds() -> None:
    recs = build_result(reel(**VISUAL["short"])).recommendations
    blocks = next(r.text for r in recs if r.text.startswith("Постройте ролик"))
    assert "В конце ролика скажите" in blocks and "последние 5 с" not in blocks


def test_the_most_specific_type_wins_whichever_channel_has_it() -> None:
    """A list on screen beats a bold word said (the e2e reel: «Hello everyone!» was read
    as a bold claim beside the caption "THREE WAYS TO COOK RICE")."""
    both = HookMeasured(
        words="Hello everyone! Today I will show you", on_screen_text="THREE WAYS TO COOK RICE"
    )
    assert (verdict(both).type, verdict(both).source) == ("list_promise", "text")
    assert verdict(HookMeasured(words="Hello everyone!")).type == "no_hook"
    assert (
        verdict(HookMeasured(words="Today I will show you my kitchen")).type == "tutorial_promise"
    )


def test_a_subtitle_of_the_words_is_not_a_headline() -> None:
    said = HookMeasured(words="Привет всем", on_screen_text="ПРИВЕТ ВСЕМ", first_word_sec=0.3)
    assert verdict(said).type == "no_hook"
    assert verdict(HookMeasured(on_screen_text="ПРИВЕТ ВСЕМ")).type == "text_hook"
