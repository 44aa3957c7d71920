"""Words back into text: Whisper splits "из-за" into "из" + "-за" and "don't" into
"don" + "'t", and each word's text is stored stripped, so joining with spaces writes
"из -за". A piece that continues its word is glued back ("-за", "'t", "%" of "50%").
A minus before a number starts a word ("Скидка -50%")."""

from __future__ import annotations

from collections.abc import Iterable

_GLUED_START = ("-", "'", "’", ",", ".", "!", "?", ":", ";", "…", ")", "»", "%", "‰")


def join_words(texts: Iterable[str]) -> str:
    """The words as a phrase: spaces between words, none before a continuing piece."""
    out = ""
    for text in texts:
        text = text.strip()
        if not text:
            continue
        glued = out and (text.startswith(_GLUED_START) or out.endswith(("-", "«", "(")))
        if text[:1] == "-" and text[1:2].isdigit() and not out[-1:].isdigit():
            glued = False  # a minus: "Скидка -50%", not "Скидка-50%" ("1990-2000" stays)
        out += text if glued else (" " + text if out else text)
    return out
