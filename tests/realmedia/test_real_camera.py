"""The camera of real footage as the catalogue records it by inspection (issue 19): each
shot whose camera is one of the named moves, cut out as it was filmed, reads that move.
The carphone man talks before a camera fixed to the car; it read «съёмка с рук»."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from devstack import realmedia
from shared.core.measurements import CAMERA_MOVES
from tests.realmedia.conftest import measure_clip

MARGIN = 0.1  # seconds left out at each end of a shot (its cut, a fade)
SHOTS = [
    (key, i)
    for key, source in realmedia.CATALOGUE.items()
    for i, move in enumerate(source.cameras)
    if move in CAMERA_MOVES
]


@pytest.mark.parametrize(("key", "index"), SHOTS)
def test_real_camera(key: str, index: int, real_cache: Path) -> None:
    source = realmedia.CATALOGUE[key]
    start, end = source.shots[index]
    path = real_cache / f"camera_{key}_{index}.mp4"
    if not path.exists():
        subprocess.run(
            ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
             "-ss", str(start + MARGIN), "-t", str(end - start - 2 * MARGIN),
             "-i", realmedia.resolve(key), "-an", "-c:v", "libx264", "-preset", "ultrafast",
             "-crf", "18", "-pix_fmt", "yuv420p", path],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
    shots = measure_clip(path).shots
    assert len(shots) == 1
    shot = shots[0]
    assert shot.camera == source.cameras[index], (shot.camera_pan_x, shot.camera_pan_y,
                                                  shot.camera_zoom, shot.camera_shake)  # fmt: skip


def test_static_footage_is_among_them() -> None:
    assert ("carphone", 0) in SHOTS and ("bigbuckbunny", 0) in SHOTS
