"""What the probe learned of an uploaded file, and what an analysis asks to be measured.

Plain data: the probe (`shared.adapters.probe`) fills `VideoInfo`, the measurement step
(`shared.measure`) reads a `MeasureRequest`, and analyzers receive both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from shared.core.measurements import orientation

if TYPE_CHECKING:
    from shared.core.measurements import Measurements

# Called with a stage (shared.core.messages.Stage) as work moves on.
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
        return orientation(self.width, self.height)


@dataclass(frozen=True)
class MeasureRequest:
    """What an analyzer wants measured before it runs.

    `required`: when measuring fails, the job fails (the offline analyzer has nothing
    else); otherwise the analyzer runs without measurements (Gemini sees the video).
    """

    speech: bool = True
    ocr: bool = True
    required: bool = True


# The measurement step: (video file, progress, what to measure) -> Measurements.
MeasureFn = Callable[[Path, ProgressFn, MeasureRequest], "Measurements"]


def no_progress(stage: str) -> None:
    """A ProgressFn that reports nowhere."""
