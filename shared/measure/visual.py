"""Measured facts of a frame: brightness, contrast, colourfulness, dominant colour,
the warmth of its light and where text-like lines sit.

Everything works on small BGR/grey numpy arrays (the frames shot detection already
decoded), so it costs next to nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

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


WARMTH_MIN_L = 50  # 8-bit L (0..255) of the pixels whose colour tells the light's
WARMTH_MAX_L = 245
WARMTH_MIN_SHARE = 0.05


@dataclass
class FrameFacts:
    brightness: float  # mean luma 0..1
    contrast: float  # luma standard deviation 0..1
    colorfulness: float  # Hasler & Süsstrunk (2003)
    dominant_color: str  # a colour key (see shared.analyzers.offline.looks.COLOR_NAMES_RU)
    warmth: float | None = None  # mean CIELAB b* of the lit pixels: + yellow/warm, - blue/cold


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
        warmth=warmth(bgr),
    )


def warmth(bgr: np.ndarray) -> float | None:
    """The colour of the light: the mean CIELAB b* (yellow + / blue -, about -128..127)
    of the pixels that are neither near black (no light to judge) nor clipped white;
    None for a frame that is all dark or all blown out."""
    import cv2

    lab = cv2.cvtColor(bgr, cv2.COLOR_BGR2LAB).reshape(-1, 3)
    lit = (lab[:, 0] >= WARMTH_MIN_L) & (lab[:, 0] <= WARMTH_MAX_L)
    if lit.sum() < WARMTH_MIN_SHARE * len(lab):
        return None
    return float(lab[lit, 2].astype("float32").mean()) - 128.0


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
