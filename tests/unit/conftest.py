"""Fixtures of the Gemini tests: a small real video and the local Gemini REST server."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from shared.core.video import VideoInfo
from tests.fakes.gemini_server import FakeGemini


@pytest.fixture(scope="session")
def video_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("gemini") / "clip.mp4"
    subprocess.run(
        [
            "ffmpeg", "-v", "error", "-y",
            "-f", "lavfi", "-i", "testsrc2=size=72x128:rate=5:duration=2",
            "-f", "lavfi", "-i", "sine=frequency=440:duration=2",
            "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-b:a", "16k",
            "-shortest", str(path),
        ],
        check=True,
    )  # fmt: skip
    return path


@pytest.fixture
def video(video_file: Path) -> VideoInfo:
    return VideoInfo(
        path=video_file,
        content_type="video/mp4",
        size=video_file.stat().st_size,
        duration_sec=2.0,
        width=72,
        height=128,
        fps=5.0,
        video_codec="h264",
        has_audio=True,
        audio_codec="aac",
    )


@pytest.fixture
def server() -> Iterator[FakeGemini]:
    with FakeGemini() as fake:
        yield fake


@pytest.fixture(autouse=True)
def _fresh_model_checks() -> Iterator[None]:
    """Each test checks its models anew (the analyzer caches models.get per instance)."""
    import sys

    status = sys.modules.get("shared.analyzers.gemini.status")
    if status is not None:
        status.forget_checks()
    yield
    status = sys.modules.get("shared.analyzers.gemini.status")
    if status is not None:
        status.forget_checks()
