"""The look of a shot in words, built only from its measured numbers."""

from __future__ import annotations

# Russian names, in the nominative masculine ("преобладает синий цвет"), of the colour
# keys `shared.measure.visual.dominant_color` returns.
COLOR_NAMES_RU: dict[str, str] = {
    "black": "чёрный",
    "gray": "серый",
    "white": "белый",
    "red": "красный",
    "orange": "оранжевый",
    "brown": "коричневый",
    "yellow": "жёлтый",
    "green": "зелёный",
    "cyan": "бирюзовый",
    "blue": "синий",
    "purple": "фиолетовый",
    "pink": "розовый",
}


def _brightness(value: float) -> str:
    if value < 0.25:
        return f"тёмный кадр (яркость {value * 100:.0f}%)"
    if value > 0.7:
        return f"светлый кадр (яркость {value * 100:.0f}%)"
    return f"средняя яркость ({value * 100:.0f}%)"


def _colorfulness(value: float) -> str:
    if value < 15:
        return "почти без цвета"
    if value > 70:
        return "очень насыщенные цвета"
    if value > 35:
        return "насыщенные цвета"
    return "спокойные цвета"


def _motion(value: float) -> str:
    if value < 0.005:
        return "статичный кадр"
    if value < 0.03:
        return "небольшое движение"
    return "много движения"


def describe_ru(
    brightness: float | None,
    colorfulness: float | None,
    dominant: str | None,
    motion: float | None,
    contrast: float | None = None,
) -> str:
    """A short Russian description built only from the measured numbers."""
    parts: list[str] = []
    if brightness is not None:
        parts.append(_brightness(brightness))
    if dominant:
        parts.append(f"преобладает {COLOR_NAMES_RU.get(dominant, dominant)} цвет")
    if colorfulness is not None:
        parts.append(_colorfulness(colorfulness))
    if contrast is not None and contrast < 0.04:
        parts.append("почти однотонный")
    if motion is not None:
        parts.append(_motion(motion))
    if not parts:
        return "Кадр не удалось измерить."
    text = ", ".join(parts)
    return text[0].upper() + text[1:] + "."
