"""Cyrillic or Latin per OCR word (shared/measure/scripts.py, issue 19: «НЕ WAS»)."""

from __future__ import annotations

import pytest

from shared.measure.scripts import Reading, needs_readings, normalize_line, script

R = Reading


@pytest.mark.parametrize(
    ("words", "line"),
    [
        (["НЕ", "WAS"], "HE WAS"),  # Cyrillic Н, Е beside an English word
        (["HE", "WAS", "HERE"], "HE WAS HERE"),
        (["О", "TOM"], "O TOM"),  # look-alikes only: the script most letters were read in
        (["Подпишись", "Ha", "канал"], "Подпишись На канал"),
        (["THREE", "WAYS", "то", "COOK"], "THREE WAYS To COOK"),
        (["А", "ТЫ", "ЗНАЛ?"], "А ТЫ ЗНАЛ?"),
        (["ТОП", "5", "IDEAS"], "ТОП 5 IDEAS"),  # a line of both languages stays so
        (["WOW", "ЭФФЕКТ"], "WOW ЭФФЕКТ"),
        (["Пpивет", "мир"], "Привет мир"),  # a Latin p inside a Cyrillic word
        (["SALE", "-50%"], "SALE -50%"),
    ],
)
def test_each_word_takes_one_script_from_its_line(words: list[str], line: str) -> None:
    assert normalize_line(words) == line


@pytest.mark.parametrize(
    ("words", "readings", "line"),
    [
        # the one-language passes disagree on the shapes: the more confident is there
        (["МЕСА", "СКИДКА"], [R(("МЕСА", 92), ("MEGA", 93)), None], "MEGA СКИДКА"),
        (["НОВЫЙ", "ТВЕМО"], [None, R(("ТВЕМО", 91), ("TREND", 96))], "НОВЫЙ TREND"),
        (["ТОП", "НЕДЕЛИ"], [R(("ТОП", 96), ("TON", 90)), None], "ТОП НЕДЕЛИ"),
        # the same shapes both ways: confidence says nothing, the line decides
        (["НЕ", "WAS"], [R(("НЕ", 93), ("HE", 97)), None], "HE WAS"),
        (["ВЕСНА", "ПРИШЛА"], [R(("ВЕСНА", 90), ("BECHA", 95)), None], "ВЕСНА ПРИШЛА"),
        # a reading too unsure, or missing, is no evidence
        (["МЕСА", "СКИДКА"], [R(("МЕСА", 50), ("MEGA", 55)), None], "МЕСА СКИДКА"),
        (["МЕСА", "СКИДКА"], [R(None, ("MEGA", 93)), None], "МЕСА СКИДКА"),
        (["МЕСА", "СКИДКА"], [R(("МЕСА", 50), ("%!", 95)), None], "МЕСА СКИДКА"),
    ],
)
def test_the_one_language_readings_decide_a_word_of_look_alikes(
    words: list[str], readings: list[Reading | None], line: str
) -> None:
    assert normalize_line(words, readings) == line


@pytest.mark.parametrize(
    ("words", "needed"),
    [(["МЕСА", "СКИДКА"], True), (["НЕ", "WAS"], True), (["А", "ТЫ", "ЗНАЛ?"], False)],
)
def test_only_a_line_with_a_word_of_look_alikes_is_read_again(
    words: list[str], needed: bool
) -> None:
    assert needs_readings(words) is needed


@pytest.mark.parametrize(
    ("word", "expected"),
    [("WAS", "lat"), ("ЗНАЛ", "cyr"), ("НЕ", None), ("HE", None), ("5", None), ("Пrивет", None)],
)
def test_a_word_s_own_script(word: str, expected: str | None) -> None:
    assert script(word) == expected


def test_a_word_s_reading_is_the_one_read_over_its_box() -> None:
    from shared.measure.reread import over

    words = [("HE", 97.0, (167, 596, 64, 35)), ("WAS", 97.0, (254, 595, 119, 37))]
    assert over((165, 590, 66, 40), words) == ("HE", 97.0)
    assert over((250, 590, 120, 40), words) == ("WAS", 97.0)
    assert over((400, 590, 60, 40), words) is None  # nothing read there
    assert over((160, 590, 60, 40), []) is None
