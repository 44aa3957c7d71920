"""Words and vocalisations (shared/measure/vocalisation.py): a number is a word (issue 19:
«Осталось всего 8 минут» reached the user as «Осталось всего минут»), a groan is not."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from shared.measure.vocalisation import is_vocalisation, spoken

NUMBERS = [
    "8",
    "8,",
    "3",
    "-50%",
    "50%",
    "+7",
    "0:30",
    "12.05.2026",
    "3,5",
    "1990-х",
    "3-х",
    "100₽",
    "$5",
    "€20",
    "№1",
    "2026.",
    "%",
    "(15)",
    "x2",
]


@pytest.mark.parametrize("token", NUMBERS)
def test_a_number_is_a_word(token: str) -> None:
    assert not is_vocalisation(token)


@pytest.mark.parametrize(
    "token", ["эээ", "Эээ...", "мм", "Ммм-м", "Hmm", "uh", "Um,", "ааааа", "...", "—", "-", "?!"]
)
def test_a_groan_or_bare_punctuation_is_no_word(token: str) -> None:
    assert is_vocalisation(token)


def _words(*texts: str) -> list[SimpleNamespace]:
    return [SimpleNamespace(word=t, start=i * 0.4, end=i * 0.4 + 0.3) for i, t in enumerate(texts)]


def test_spoken_numbers_stay_in_the_words() -> None:
    said = _words(" Осталось", " всего", " 8", " минут,", " всего", " 7", " минут.")
    assert [w.word for w in spoken(said)] == [w.word for w in said]


def test_a_number_written_in_pieces_stays_whole_and_a_filler_goes() -> None:
    """Whisper writes "-50%" as " -50" + "%" (a piece with no space continues its word)."""
    said = _words(" Скидка", " -50", "%", " эээ", " до", " 0", ":30")
    assert [w.word for w in spoken(said)] == [" Скидка", " -50", "%", " до", " 0", ":30"]
