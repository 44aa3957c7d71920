"""Measured facts of a frame: brightness, contrast, colourfulness, dominant colour, motion.

Everything works on small BGR/grey numpy arrays (the frames shot detection already
decoded), so it costs next to nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

# Russian names, in the nominative masculine ("преобладает синий цвет").
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

# OpenCV hue is 0..179 (degrees / 2). Upper bounds of each named range.
_HUES = (
    (8, "red"),
    (20, "orange"),
    (33, "yellow"),
    (78, "green"),
    (100, "cyan"),
    (130, "blue"),
    (150, "purple"),
    (170, "pink"),
    (180, "red"),
)


@dataclass
class FrameFacts:
    brightness: float  # mean luma 0..1
    contrast: float  # luma standard deviation 0..1
    colorfulness: float  # Hasler & Süsstrunk (2003)
    dominant_color: str  # key of COLOR_NAMES_RU


def frame_facts(bgr: np.ndarray) -> FrameFacts:
    import cv2
    import numpy as np

    gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY).astype(np.float32) / 255.0
    b, g, r = (bgr[..., i].astype(np.float32) for i in range(3))
    rg = r - g
    yb = 0.5 * (r + g) - b
    colorfulness = float(
        np.sqrt(rg.std() ** 2 + yb.std() ** 2) + 0.3 * np.sqrt(rg.mean() ** 2 + yb.mean() ** 2)
    )
    return FrameFacts(
        brightness=float(gray.mean()),
        contrast=float(gray.std()),
        colorfulness=colorfulness,
        dominant_color=dominant_color(bgr),
    )


def dominant_color(bgr: np.ndarray) -> str:
    """The colour name covering most of the frame (achromatic pixels count as
    black, grey or white)."""
    import cv2
    import numpy as np

    hsv = cv2.cvtColor(bgr, cv2.COLOR_BGR2HSV).reshape(-1, 3).astype(np.int32)
    h, s, v = hsv[:, 0], hsv[:, 1], hsv[:, 2]
    counts: dict[str, int] = {}
    dark = v < 50
    achromatic = ~dark & (s < 45)
    counts["black"] = int(dark.sum())
    counts["white"] = int((achromatic & (v >= 200)).sum())
    counts["gray"] = int((achromatic & (v < 200)).sum())
    chroma = ~dark & ~achromatic
    lower = 0
    for upper, name in _HUES:
        sel = chroma & (h >= lower) & (h < upper)
        if name == "orange":
            brown = sel & (v < 150)
            counts["brown"] = counts.get("brown", 0) + int(brown.sum())
            sel = sel & ~brown
        counts[name] = counts.get(name, 0) + int(sel.sum())
        lower = upper
    return max(counts.items(), key=lambda kv: kv[1])[0]


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
        if brightness < 0.25:
            parts.append(f"тёмный кадр (яркость {brightness * 100:.0f}%)")
        elif brightness > 0.7:
            parts.append(f"светлый кадр (яркость {brightness * 100:.0f}%)")
        else:
            parts.append(f"средняя яркость ({brightness * 100:.0f}%)")
    if dominant:
        parts.append(f"преобладает {COLOR_NAMES_RU.get(dominant, dominant)} цвет")
    if colorfulness is not None:
        if colorfulness < 15:
            parts.append("почти без цвета")
        elif colorfulness > 70:
            parts.append("очень насыщенные цвета")
        elif colorfulness > 35:
            parts.append("насыщенные цвета")
        else:
            parts.append("спокойные цвета")
    if contrast is not None and contrast < 0.04:
        parts.append("почти однотонный")
    if motion is not None:
        if motion < 0.005:
            parts.append("статичный кадр")
        elif motion < 0.03:
            parts.append("небольшое движение")
        else:
            parts.append("много движения")
    if not parts:
        return "Кадр не удалось измерить."
    text = ", ".join(parts)
    return text[0].upper() + text[1:] + "."
