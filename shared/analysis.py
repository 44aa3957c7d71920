"""The analyzer interface the analyze function calls.

An analyzer turns a probed local video file into an `AnalysisResult`. Two
exist: `shared.gemini.GeminiAnalyzer` (with credentials) and
`shared.offline.OfflineAnalyzer` (the default without them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from shared.schema import AnalysisResult
    from shared.settings import Settings

# Called with a stage name from shared.jobs.STAGE_PROGRESS as work moves on.
ProgressFn = Callable[[str], None]


@dataclass(frozen=True)
class VideoInfo:
    """What the probe measured of an uploaded file."""

    path: Path
    content_type: str
    size: int
    duration_sec: float
    width: int
    height: int
    fps: float | None
    video_codec: str | None
    has_audio: bool
    audio_codec: str | None = None
    gcs_uri: str | None = None  # gs://bucket/object, for Vertex AI

    @property
    def orientation(self) -> str:
        if self.height > self.width:
            return "vertical"
        if self.width > self.height:
            return "horizontal"
        return "square"


class Analyzer(Protocol):
    engine: str

    def analyze(
        self, video: VideoInfo, *, language: str, progress: ProgressFn
    ) -> AnalysisResult: ...


def make_analyzer(settings: Settings) -> Analyzer:
    """Gemini when credentials are set (or ANALYZER=gemini), offline otherwise."""
    if settings.uses_gemini:
        from shared.gemini import GeminiAnalyzer

        return GeminiAnalyzer(settings)
    from shared.offline import OfflineAnalyzer

    return OfflineAnalyzer()
