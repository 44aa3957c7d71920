"""Whisper's word pieces joined back into a phrase (shared/core/words.py)."""

from __future__ import annotations

import pytest

from shared.core.words import join_words


@pytest.mark.parametrize(
    ("pieces", "phrase"),
    [
        (["три", "ошибки,", "из", "-за", "которых"], "три ошибки, из-за которых"),
        (["кто", "-нибудь", "знает?"], "кто-нибудь знает?"),
        (["Don", "'t", "stop"], "Don't stop"),
        (["Wait", "...", "what?"], "Wait... what?"),
        (["«", "Привет", "»"], "«Привет»"),
        (["", " a ", "b"], "a b"),
        # numbers (issue 19): Whisper writes "50%" as "50" + "%" (measured: " Get", " 50",
        # "%", " off"), and merges a minus into its number ("-50")
        (["Скидка", "-50", "%"], "Скидка -50%"),
        (["всего", "50", "%"], "всего 50%"),
        (["минус", "50", "долларов"], "минус 50 долларов"),
        (["в", "1990", "-х"], "в 1990-х"),
        (["1990", "-2000"], "1990-2000"),
        (["3", "-х", "этапов"], "3-х этапов"),
        ([], ""),
    ],
)
def test_pieces_are_glued_back(pieces: list[str], phrase: str) -> None:
    assert join_words(pieces) == phrase
