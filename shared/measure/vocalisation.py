"""Vocalisations are not words: a groan, a hum or a filler ("Mmmmmm", "ааааа",
"hmm", "Ммм-м") that Whisper writes down is no speech (speech.py drops them).
A number is a word: "8", "-50%", "0:30", "1990-х", "100₽" are what a reel promises."""

from __future__ import annotations

from typing import Any

# Said aloud with a number ("процентов", "рублей", "dollars"): a token with one is a word.
_NUMBER_SIGNS = frozenset("%‰₽$€£¥№")

_FILLERS = {
    "hmm",
    "hm",
    "mm",
    "mhm",
    "uh",
    "um",
    "ah",
    "oh",
    "eh",
    "ooh",
    "aah",
    "woo",
    "whoa",
    "ha",
    "hah",
    "heh",
    "huh",
    "ugh",
    "хм",
    "мм",
    "эм",
    "ээ",
    "ах",
    "ох",
    "ух",
    "угу",
    "ага",
    "ха",
    "ой",
}


def is_vocalisation(word: str) -> bool:
    """A groan, a hum or a filler, not a word: "Mmmmmm", "ааааа", "hmm", "Ммм-м".
    A token with a digit or a number's sign ("8", "-50%", "0:30", "3-х", "$") is a word;
    one with neither letters nor those ("...", "—") is none."""
    if any(ch.isdigit() or ch in _NUMBER_SIGNS for ch in word):
        return False
    letters = "".join(ch for ch in word.lower() if ch.isalpha())
    if not letters:
        return True
    if letters in _FILLERS:
        return True
    # A held sound: one letter three times running ("mmm", "ааа") in a word of at most
    # two different letters ("Hmmm", "Ммм-м"); "мама" has no such run.
    held = any(letters[i] == letters[i + 1] == letters[i + 2] for i in range(len(letters) - 2))
    # Or a loop of two letters, as Whisper writes a hum it cannot place: "MAMAMAMAMA".
    looped = len(letters) >= 6
    return (held or looped) and len(set(letters)) <= 2


def spoken(words: list[Any]) -> list[Any]:
    """Whisper's words less vocalisations, judged on whole written words: a hum sung as
    "La-la-la" comes as " La", "-la", "-la" (only a word's first piece has a space)."""
    groups: list[list[Any]] = []
    for w in words:
        if not w.word.strip():
            continue
        if groups and not w.word[:1].isspace():
            groups[-1].append(w)
        else:
            groups.append([w])
    return [w for g in groups if not is_vocalisation("".join(x.word for x in g)) for w in g]
