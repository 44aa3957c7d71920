"""Storyboard frames from a file whose shots are known (each a different colour)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from devstack import media
from shared.measure.frames import FRAME_HEIGHT, extract_frames


def test_one_frame_per_moment_from_the_right_shot(tmp_path: Path) -> None:
    clip = media.make_clip(
        tmp_path / "colours.mp4",
        [
            media.Part("color=c=red", 1.5),
            media.Part("color=c=green", 1.5),
            media.Part("color=c=blue", 1.5),
        ],
        size=(360, 640),
    )
    frames = extract_frames(clip.path, [2.2, 0.7, 3.7, 99.0])
    assert all(f is not None for f in frames[:3])
    colours = []
    for data in frames[:3]:
        image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
        assert image.shape[0] == FRAME_HEIGHT and image.shape[1] < image.shape[0]  # vertical
        b, g, r = image.reshape(-1, 3).mean(axis=0)
        colours.append(max((("red", r), ("green", g), ("blue", b)), key=lambda c: c[1])[0])
    assert colours == ["green", "red", "blue"]  # in the order asked, not sorted
    assert frames[3] is not None  # past the end: the last frame, not nothing


def test_a_file_without_video_gives_no_frames(tmp_path: Path) -> None:
    audio = media.audio_only(tmp_path)
    assert extract_frames(audio, [0.5]) == [None]
