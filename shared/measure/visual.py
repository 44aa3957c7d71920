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


# Skin is left out of the dominant colour (issue 19): a face is not "a red shot". Skin
# is the classic YCrCb box (Chai & Ngan 1999: Cr 133..173, Cb 77..127), lit, with a
# hue of 0..50 degrees and no more than moderately saturated (HSV, as Kolkur et al.
# 2017): a crimson or deep red (a bow tie, a dress) stays a colour, a warm grey grey. The same box holds
# the low-saturation browns of a sepia or warm grade. With less than COLOUR_MIN_SHARE of
# the frame left there is no colour to name; nor when a face covers FACE_NOTABLE of the
# frame, skin SKIN_NOTABLE, and the rest is neutral (a face against a grey car).
SKIN_CR = (133, 173)
SKIN_CB = (77, 127)
SKIN_MAX_H = 25  # OpenCV hue (degrees / 2)
SKIN_MAX_S = 173  # 8-bit HSV saturation
ACHROMATIC_S = 45  # HSV saturation below which a pixel is grey or white, not a colour
DARK_V = 50  # HSV value below which a pixel is black
COLOUR_MIN_SHARE = 0.3
SKIN_NOTABLE = 0.2
FACE_NOTABLE = 0.1
NEUTRAL = ("black", "gray", "white")

WARMTH_MIN_L = 50  # 8-bit L (0..255) of the pixels whose colour tells the light's
WARMTH_MAX_L = 245
WARMTH_MIN_SHARE = 0.05


@dataclass
class FrameFacts:
    brightness: float  # mean luma 0..1
    contrast: float  # luma standard deviation 0..1
    colorfulness: float  # Hasler & Süsstrunk (2003)
    dominant_color: str | None  # a colour key (shared.analyzers.offline.looks.COLOR_NAMES_RU)
    warmth: float | None = None  # mean CIELAB b* of the lit pixels: + yellow/warm, - blue/cold


def frame_facts(bgr: np.ndarray, *, face_area: float = 0.0) -> FrameFacts:
    """The facts of a frame; `face_area`: the share of it the faces found cover."""
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
        dominant_color=dominant_color(bgr, face_area=face_area),
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


def skin(bgr: np.ndarray) -> np.ndarray:
    """Which pixels (a flat boolean array) have the colour of skin."""
    import cv2

    return _skin(bgr, cv2.cvtColor(bgr, cv2.COLOR_BGR2HSV).reshape(-1, 3))


def _skin(bgr: np.ndarray, hsv: np.ndarray) -> np.ndarray:
    import cv2

    ycrcb = cv2.cvtColor(bgr, cv2.COLOR_BGR2YCrCb).reshape(-1, 3)
    cr, cb = ycrcb[:, 1], ycrcb[:, 2]
    h, s, v = hsv[:, 0], hsv[:, 1], hsv[:, 2]
    box = (cr >= SKIN_CR[0]) & (cr <= SKIN_CR[1]) & (cb >= SKIN_CB[0]) & (cb <= SKIN_CB[1])
    lit = (h <= SKIN_MAX_H) & (s >= ACHROMATIC_S) & (s <= SKIN_MAX_S) & (v >= DARK_V)
    return box & lit


def dominant_color(bgr: np.ndarray, *, face_area: float = 0.0) -> str | None:
    """The colour name covering most of the frame once skin is left out (achromatic
    pixels count as black, grey or white); None when skin (or a sepia grade) covers so
    much that too little is left to name, or, when faces cover `face_area` >=
    FACE_NOTABLE of the frame, when what is left beside their skin is neutral."""
    import cv2
    import numpy as np

    hsv = cv2.cvtColor(bgr, cv2.COLOR_BGR2HSV).reshape(-1, 3)
    kept = ~_skin(bgr, hsv)
    if kept.sum() < COLOUR_MIN_SHARE * len(kept):
        return None
    skin_seen = face_area >= FACE_NOTABLE and kept.sum() <= (1 - SKIN_NOTABLE) * len(kept)
    rest = hsv[kept].astype(np.int32)
    h, s, v = rest[:, 0], rest[:, 1], rest[:, 2]
    counts: dict[str, int] = {}
    dark = v < DARK_V
    achromatic = ~dark & (s < ACHROMATIC_S)
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
    name = max(counts.items(), key=lambda kv: kv[1])[0]
    return None if skin_seen and name in NEUTRAL else name
