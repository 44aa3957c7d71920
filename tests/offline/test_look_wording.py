"""The Russian description of a shot (`shared.analyzers.offline.looks`): each part of
the table has a case, every measured key has words, and the whole reads as a filmmaker
would put it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from shared.analyzers.offline import looks
from shared.analyzers.offline.looks import describe_shot
from shared.core.measurements import CAMERA_MOVES, TEXT_POSITIONS, Shot
from shared.measure import camera, textlines
from shared.measure.visual import _HUES

REEL = (1080, 1920)
WIDE_SCREEN = (1920, 1080)
BASE = Shot(index=0, start=0.0, end=2.0, keyframe_time=1.0)


def _say(width_height: tuple[int, int] = REEL, **fields: object) -> str:
    return describe_shot(replace(BASE, **fields), *width_height)  # type: ignore[arg-type]


def test_a_talking_head_reads_as_a_filmmaker_would_say_it() -> None:
    text = _say(
        faces=1,
        face_height=0.3,
        camera="static",
        motion=0.004,
        warmth=12.0,
        text="Три ошибки",
        text_position="bottom",
        brightness=0.18,
        dominant_color="blue",
        colorfulness=20.0,
        contrast=0.2,
    )
    assert text == (
        "Крупный план лица, статичная камера, тёплый свет, надпись внизу. "
        "Тёмный кадр (яркость 18%), преобладает синий цвет."
    )


# One case per part of the table: (fields, what it says).
CASES: dict[str, tuple[dict[str, object], str]] = {
    "scale": ({"faces": 2, "face_height": 0.15}, "Средний план, в кадре 2 человека."),
    "camera": ({"camera": "pan_right", "camera_pan_x": 0.8}, "Быстрая панорама вправо."),
    "light": ({"warmth": -9.0}, "Холодный свет."),
    "text_position": ({"text": "SALE", "text_position": "top"}, "Надпись вверху."),
    "brightness": ({"brightness": 0.82}, "Светлый кадр (яркость 82%)."),
    "colour": ({"dominant_color": "green"}, "Преобладает зелёный цвет."),
    "saturation": ({"colorfulness": 80.0, "contrast": 0.3}, "Очень насыщенные цвета."),
}


def test_every_part_has_a_case() -> None:
    assert {p.name for p in looks.PARTS} == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_part(name: str) -> None:
    fields, said = CASES[name]
    assert _say(**fields) == said


@pytest.mark.parametrize(
    ("size", "face_height", "scale"),
    [
        (REEL, 1.0, "Сверхкрупный план: лицо во весь кадр"),  # larger than the frame
        (WIDE_SCREEN, 0.92, "Сверхкрупный план: лицо во весь кадр"),  # forehead to chin
        (REEL, 0.40, "Крупный план лица"),
        (REEL, 0.22, "Крупный план лица"),
        (REEL, 0.17, "Средний план"),
        (REEL, 0.09, "Общий план"),  # the whole figure: a face ~0.1 of the height
        (REEL, 0.0, "Без лиц в кадре"),
        (WIDE_SCREEN, 0.40, "Крупный план лица"),
        (WIDE_SCREEN, 0.22, "Средний план"),  # a wide frame's close-up shows a bigger face
        (WIDE_SCREEN, 0.12, "Общий план"),
        ((1080, 1080), 0.2, "Средний план"),
    ],
)
def test_shot_scale(size: tuple[int, int], face_height: float, scale: str) -> None:
    faces = 1 if face_height else 0
    assert _say(size, faces=faces, face_height=face_height) == scale + "."


def test_a_face_as_wide_as_a_vertical_frame_is_an_extreme_close_up() -> None:
    assert _say(faces=1, face_height=0.55, face_width=0.95) == (
        "Сверхкрупный план: лицо во весь кадр."
    )
    assert _say(faces=2, face_height=0.55, face_width=0.95) == (
        "Сверхкрупный план, в кадре 2 человека."
    )
    assert _say(faces=1, face_height=0.40, face_width=0.7) == "Крупный план лица."


def test_scale_is_left_out_when_faces_were_not_measured() -> None:
    assert _say(face_height=None, faces=None, warmth=0.0) == "Нейтральный свет."


@pytest.mark.parametrize(
    ("speed", "words"),
    [
        (0.05, "Медленная панорама влево."),
        (0.3, "Панорама влево."),
        (0.9, "Быстрая панорама влево."),
    ],
)
def test_pan_speed(speed: float, words: str) -> None:
    assert _say(camera="pan_left", camera_pan_x=-speed, camera_pan_y=0.0) == words


def test_motion_in_front_of_a_still_camera_and_without_a_camera_reading() -> None:
    assert _say(camera="static", motion=0.05) == "Статичная камера, в кадре много движения."
    assert _say(camera=None, motion=0.05) == "Много движения в кадре."
    assert _say(camera=None, motion=0.01) == "Мало движения в кадре."


def test_text_position_is_said_only_for_a_shot_with_text() -> None:
    assert _say(text="", text_position="bottom") == "Кадр не удалось измерить."
    assert _say(text="Привет", text_position=None) == "Кадр не удалось измерить."


def test_every_measured_key_has_words() -> None:
    assert set(looks.CAMERA_RU) == set(CAMERA_MOVES) == set(camera.MOVES)
    assert set(looks.TEXT_POSITION_RU) == set(TEXT_POSITIONS) == set(textlines.POSITIONS)
    colours = {name for _, name in _HUES} | {"black", "white", "gray", "brown"}
    assert colours <= set(looks.COLOR_NAMES_RU)
    for move in CAMERA_MOVES:
        said = _say(camera=move, camera_pan_x=0.3, camera_pan_y=0.3)
        assert said[0].isupper() and said.endswith(".") and "_" not in said


def test_old_shots_still_read() -> None:
    """A shot measured before the look existed (colour facts only) still has words."""
    old = Shot(0, 0.0, 2.0, 1.0, "", 0.5, 0.2, 40.0, "blue", 0.01, None)
    assert describe_shot(old, *REEL) == (
        "Мало движения в кадре. Преобладает синий цвет, насыщенные цвета."
    )
