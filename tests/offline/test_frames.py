"""Storyboard frames from a file whose shots are known (each a different colour)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from devstack import media
from shared.core.schema import ScriptRow
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


def _small(jpeg: bytes) -> np.ndarray:
    """A 16 x 28 grey downscale: frames a few hundredths of a second apart look alike."""
    image = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_GRAYSCALE)
    return cv2.resize(image, (16, 28), interpolation=cv2.INTER_AREA).astype(float)


@pytest.mark.parametrize("degrees", [0, -90])
def test_the_measurements_stills_are_the_storyboards_frames(tmp_path: Path, degrees: int) -> None:
    """Issue 19: the storyboard decoded its frames a second time (30 % of a job). The
    measurement keeps each shot's middle frame as it decodes: the same moments and the
    same pictures as the second decode, turned upright."""
    from shared.core.measurements import Shot
    from shared.core.schema import Span
    from shared.core.stills import still_for
    from shared.measure.pipeline import measure
    from shared.orchestration.storyboard import _row_time

    clip = media.make_clip(
        tmp_path / "moving.mp4",
        [
            media.Part("testsrc2", 2.0),
            media.Part("smptebars", 1.5),
            media.Part("color=c=0x1f4e8c", 1.2),
            media.Part("testsrc2", 3.5),
        ],
        size=(360, 640),
    )
    if degrees:
        clip = media.rotated(clip, tmp_path, degrees)
    m = measure(clip.path, with_ocr=False, with_speech=False)
    shots: list[Shot] = m.shots
    assert len(shots) >= 3 and len(m.stills) == len(shots)
    spans = [Span(start_sec=s.start, end_sec=s.end) for s in shots]
    rows = [
        ScriptRow(time="", start_sec=s.start, end_sec=s.end, visual="", text="", note="")
        for s in shots
    ]
    times = [_row_time(row, spans, m.duration_sec) for row in rows]
    decoded = extract_frames(clip.path, times)
    for time, again in zip(times, decoded, strict=True):
        kept = still_for(m.stills, time)
        assert kept is not None and again is not None, time
        a = cv2.imdecode(np.frombuffer(kept, np.uint8), cv2.IMREAD_COLOR)
        b = cv2.imdecode(np.frombuffer(again, np.uint8), cv2.IMREAD_COLOR)
        assert a.shape == b.shape and a.shape[0] == FRAME_HEIGHT and a.shape[1] < a.shape[0]
        assert np.abs(_small(kept) - _small(again)).mean() < 4.0, time
