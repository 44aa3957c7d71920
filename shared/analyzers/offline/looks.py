"""The look of a shot in words, as a filmmaker would put it, built only from its
measured numbers: "Крупный план лица, статичная камера, тёплый свет, надпись внизу.
Тёмный кадр, преобладает синий цвет."

The description is a table of parts, in order: each part reads the shot and says a
few words or nothing. The first sentence is the shot (scale, camera, light, where
the text is), the second its colours. Adding a part is one decorated function (and
one case in tests/offline/test_shot_look.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from shared.analyzers.offline.text import plural, sentence
from shared.core.measurements import Shot, orientation

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

# Shot scale from the largest face's height as a share of the frame's height: at least
# the first number is a close-up (head and shoulders), at least the second a medium shot
# (from the waist up), less is wide (the whole figure, face ~0.1 of the height). A
# vertical frame shows a close-up's head smaller: its width, not its height, frames it.
SCALE_FACE: dict[str, tuple[float, float]] = {
    "vertical": (0.22, 0.12),
    "square": (0.26, 0.14),
    "horizontal": (0.30, 0.16),
}
# An extreme close-up: the face spans (nearly) the frame's whole width or height, or is
# larger than the frame (measured as 1: shared.measure.faces).
EXTREME_FACE = 0.9
# The light: CIELAB b* of the lit pixels (+ yellow, - blue).
WARM_LIGHT = 8.0
COLD_LIGHT = -6.0
# Brightness (mean luma, 0..1).
DARK_FRAME = 0.25
BRIGHT_FRAME = 0.7
# Camera speed (frame widths or heights a second) below which a pan is slow, above fast.
SLOW_PAN = 0.15
FAST_PAN = 0.6
BUSY_MOTION = 0.03  # mean luma change between frames: a lot moves in front of a still camera

CAMERA_RU: dict[str, str] = {
    "static": "статичная камера",
    "pan_left": "панорама влево",
    "pan_right": "панорама вправо",
    "tilt_up": "панорама вверх",
    "tilt_down": "панорама вниз",
    "zoom_in": "наезд камеры",
    "zoom_out": "отъезд камеры",
    "handheld": "съёмка с рук, кадр подрагивает",
}
TEXT_POSITION_RU: dict[str, str] = {
    "top": "надпись вверху",
    "middle": "надпись по центру",
    "bottom": "надпись внизу",
}


@dataclass(frozen=True)
class Frame:
    """The frame the shot is seen in (upright, pixels)."""

    width: int
    height: int


Part = Callable[[Shot, Frame], str | None]


@dataclass(frozen=True)
class LookPart:
    name: str
    sentence: int  # 1: the shot, 2: its colours
    say: Part


PARTS: list[LookPart] = []


def look_part(name: str, *, sentence: int) -> Callable[[Part], Part]:
    """Register a part of the description (in the order of registration)."""

    def add(fn: Part) -> Part:
        if any(p.name == name for p in PARTS):
            raise ValueError(f"look part {name!r} is registered twice")
        PARTS.append(LookPart(name, sentence, fn))
        return fn

    return add


def _people(n: int) -> str:
    return f"в кадре {n} {plural(n, 'человек', 'человека', 'человек')}"


@look_part("scale", sentence=1)
def shot_scale(shot: Shot, frame: Frame) -> str | None:
    if shot.face_height is None or shot.faces is None:
        return None
    if shot.faces == 0 or shot.face_height <= 0:
        return "без лиц в кадре"
    close_up, medium = SCALE_FACE[orientation(frame.width, frame.height)]
    if max(shot.face_height, shot.face_width or 0.0) >= EXTREME_FACE:
        if shot.faces == 1:
            return "сверхкрупный план: лицо во весь кадр"
        return f"сверхкрупный план, {_people(shot.faces)}"
    if shot.face_height >= close_up:
        return "крупный план лица" if shot.faces == 1 else f"крупный план, {_people(shot.faces)}"
    name = "средний план" if shot.face_height >= medium else "общий план"
    return name if shot.faces == 1 else f"{name}, {_people(shot.faces)}"


@look_part("camera", sentence=1)
def camera_move(shot: Shot, frame: Frame) -> str | None:
    if shot.camera is None or shot.camera not in CAMERA_RU:
        # Nothing to follow (a flat or fast-changing picture): how much it changes.
        if shot.motion is None:
            return None
        return "много движения в кадре" if shot.motion >= BUSY_MOTION else "мало движения в кадре"
    words = CAMERA_RU[shot.camera]
    if shot.camera.startswith(("pan_", "tilt_")):
        speed = max(abs(shot.camera_pan_x or 0.0), abs(shot.camera_pan_y or 0.0))
        if speed < SLOW_PAN:
            words = "медленная " + words
        elif speed > FAST_PAN:
            words = "быстрая " + words
    if shot.camera == "static" and shot.motion is not None and shot.motion >= BUSY_MOTION:
        words += ", в кадре много движения"
    return words


@look_part("light", sentence=1)
def light(shot: Shot, frame: Frame) -> str | None:
    if shot.warmth is None:
        return None
    if shot.warmth >= WARM_LIGHT:
        return "тёплый свет"
    if shot.warmth <= COLD_LIGHT:
        return "холодный свет"
    return "нейтральный свет"


@look_part("text_position", sentence=1)
def text_position(shot: Shot, frame: Frame) -> str | None:
    if not shot.text or shot.text_position is None:
        return None
    return TEXT_POSITION_RU.get(shot.text_position)


@look_part("brightness", sentence=2)
def brightness(shot: Shot, frame: Frame) -> str | None:
    value = shot.brightness
    if value is None:
        return None
    if value < DARK_FRAME:
        return f"тёмный кадр (яркость {value * 100:.0f}%)"
    if value > BRIGHT_FRAME:
        return f"светлый кадр (яркость {value * 100:.0f}%)"
    return None


@look_part("colour", sentence=2)
def colour(shot: Shot, frame: Frame) -> str | None:
    if not shot.dominant_color:
        return None
    name = COLOR_NAMES_RU.get(shot.dominant_color, shot.dominant_color)
    return f"преобладает {name} цвет"


@look_part("saturation", sentence=2)
def saturation(shot: Shot, frame: Frame) -> str | None:
    value = shot.colorfulness
    if value is None:
        return None
    if shot.contrast is not None and shot.contrast < 0.04:
        return "почти однотонный"
    if value < 15:
        return "почти без цвета"
    if value > 70:
        return "очень насыщенные цвета"
    if value > 35:
        return "насыщенные цвета"
    return None


def describe_shot(shot: Shot, width: int, height: int) -> str:
    """The Russian description of a shot (upright frame `width` x `height`)."""
    frame = Frame(width, height)
    sentences: dict[int, list[str]] = {}
    for part in PARTS:
        said = part.say(shot, frame)
        if said:
            sentences.setdefault(part.sentence, []).append(said)
    if not sentences:
        return "Кадр не удалось измерить."
    return " ".join(sentence(", ".join(sentences[k])) for k in sorted(sentences))
