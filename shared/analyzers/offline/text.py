"""Russian wording helpers: numbers, shares, quotes, plurals, language names."""

from __future__ import annotations

from shared.core.russian import plural

__all__ = ["plural"]

# Names of speech languages (nominative), for notes; others are shown as their code.
LANGUAGE_NAMES_RU = {
    "ru": "русский",
    "en": "английский",
    "uk": "украинский",
    "kk": "казахский",
    "be": "белорусский",
    "es": "испанский",
    "de": "немецкий",
    "fr": "французский",
    "it": "итальянский",
    "pt": "португальский",
    "tr": "турецкий",
    "pl": "польский",
    "zh": "китайский",
    "ja": "японский",
    "ko": "корейский",
    "ar": "арабский",
    "hi": "хинди",
    "uz": "узбекский",
}


def num(value: float, digits: int = 1) -> str:
    """Russian number formatting: decimal comma, true minus sign."""
    text = f"{value:.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text.replace(".", ",").replace("-", "−")


def pct(share: float) -> str:
    return f"{round(share * 100)}%"


def quote(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return f"«{text}»"


def language_name(code: str | None) -> str:
    if not code:
        return "не определён"
    return LANGUAGE_NAMES_RU.get(code, code)


def shots_word(n: int) -> str:
    return f"{n} {plural(n, 'план', 'плана', 'планов')}"


def of_shots(n: int) -> str:
    """Genitive "из N планов"."""
    return f"из {n} {'плана' if n % 10 == 1 and n % 100 != 11 else 'планов'}"


def sentence(text: str) -> str:
    """Capitalised, with a full stop."""
    return text[0].upper() + text[1:] + "."
