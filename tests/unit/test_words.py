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
        ([], ""),
    ],
)
def test_pieces_are_glued_back(pieces: list[str], phrase: str) -> None:
    assert join_words(pieces) == phrase
