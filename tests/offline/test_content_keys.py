"""Keys about what the video does, not its metrics (issue 19): a countdown, a promise
and whether it is kept, a story with a turn; numbers as digits or words, heard or shown."""

from __future__ import annotations

from shared.analyzers.offline.report import build_result, keys
from shared.analyzers.offline.rules.content import countdown, promise
from shared.core.measurements import Caption, Word
from tests.offline.rule_cases import reel, shots, transcript

NO_TEXT = shots((0.0, 2.0, ""), (2.0, 4.5, ""), (4.5, 7.0, ""), (7.0, 9.5, ""), (9.5, 12.0, ""))


def _words(*timed: tuple[float, str]) -> list[Word]:
    return [Word(t, t + 0.3, text) for t, text in timed]


def test_a_countdown_in_words_and_digits() -> None:
    said = transcript(_words((0.3, "Осталось"), (0.7, "восемь"), (1.1, "минут"), (6.0, "семь"),
                             (6.4, "минут"), (9.0, "всего"), (9.4, "5"), (9.8, "минут")))  # fmt: skip
    steps = countdown(reel(transcript=said, shots=NO_TEXT))
    assert [round(s.start, 1) for s in steps] == [0.3, 6.0, 9.4]
    titles = [k.title for k in keys(reel(transcript=said, shots=NO_TEXT))]
    assert "Обратный отсчёт" in titles


def test_one_urgency_line_in_the_opening_is_the_hook_s_not_a_key() -> None:
    said = transcript(_words((0.3, "Осталось"), (0.7, "8"), (1.1, "минут")))
    titles = [k.title for k in keys(reel(transcript=said, shots=NO_TEXT))]
    assert "Хук: срочность" in titles and "Обратный отсчёт" not in titles


def test_a_promise_on_screen_kept_by_numbered_captions() -> None:
    m = reel(
        transcript=None,
        captions=[Caption(0.0, 2.0, "3 СОВЕТА ДЛЯ REELS"), Caption(2.5, 4.0, "1. СВЕТ"),
                  Caption(5.0, 7.0, "2. ЗВУК"), Caption(8.0, 10.0, "3. МОНТАЖ")],
    )  # fmt: skip
    found = promise(m)
    assert found is not None and found[0] == 3 and sorted(found[2]) == [1, 2, 3]
    assert "Обещание выполнено" in [k.title for k in build_result(m).keys]


def test_a_spoken_promise_kept_by_spoken_ordinals() -> None:
    said = transcript(_words((0.3, "Three"), (0.7, "tips"), (1.1, "for"), (1.5, "Reels."),
                             (3.0, "First,"), (3.4, "light."), (6.0, "Second,"), (6.4, "sound."),
                             (9.0, "Third,"), (9.4, "editing.")), language="en")  # fmt: skip
    m = reel(transcript=said, shots=NO_TEXT)
    count, _, items = promise(m) or (0, "", {})
    assert count == 3 and items == {1: 3.0, 2: 6.0, 3: 9.0}


def test_items_named_by_a_number_word() -> None:
    """The e2e reel: "THREE WAYS TO COOK RICE", then "Step one: rinse" on screen."""
    m = reel(
        transcript=None,
        captions=[Caption(0.0, 2.0, "THREE WAYS TO COOK RICE"), Caption(2.0, 4.0, "Step one: rinse"),
                  Caption(4.0, 6.0, "Step two: boil"), Caption(6.0, 8.0, "Step three: rest")],
    )  # fmt: skip
    count, _, items = promise(m) or (0, "", {})
    assert count == 3 and items == {1: 2.0, 2: 4.0, 3: 6.0}


def test_a_promise_half_kept_is_a_fix_naming_what_is_missing() -> None:
    m = reel(
        transcript=None,
        captions=[Caption(0.0, 2.0, "5 ОШИБОК НОВИЧКОВ"), Caption(3.0, 5.0, "ОШИБКА 1"),
                  Caption(6.0, 8.0, "ОШИБКА 2")],
    )  # fmt: skip
    recs = [r.text for r in build_result(m).recommendations]
    assert any("Обещано 5 пунктов" in r and "только 2 (1, 2)" in r for r in recs), recs
    assert "Обещание выполнено" not in [k.title for k in build_result(m).keys]


def test_a_story_with_a_turn_shown_on_screen() -> None:
    said = transcript(
        _words((0.3, "Вчера"), (0.7, "я"), (1.0, "пошёл"), (1.4, "в"), (1.7, "магазин"))
    )
    m = reel(transcript=said, shots=NO_TEXT, captions=[Caption(6.5, 8.0, "И ТУТ…")])
    titles = [k.title for k in keys(m)]
    assert "История с поворотом" in titles
    assert "История с поворотом" not in [
        k.title for k in keys(reel(transcript=said, shots=NO_TEXT))
    ]


def test_no_key_restates_the_frame_size() -> None:
    for m in (reel(), reel(shots=NO_TEXT), reel(transcript=None)):
        assert not any("1080×1920" in k.description for k in build_result(m).keys)
