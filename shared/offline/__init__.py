"""The offline analyzer: measures a video on CPU and fills the result from what it measured.

Importing this package is cheap: PyAV, OpenCV, faster-whisper and the rest are
imported inside the functions that use them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from shared.offline.measurements import Measurements, Segment, Shot, Transcript, Word

if TYPE_CHECKING:
    from shared.analysis import ProgressFn, VideoInfo
    from shared.schema import AnalysisResult

__all__ = ["Measurements", "OfflineAnalyzer", "Segment", "Shot", "Transcript", "Word", "measure"]


def measure(
    path: Path,
    progress: Callable[[str], None] | None = None,
    *,
    with_ocr: bool = True,
    with_speech: bool = True,
) -> Measurements:
    """Measure a video: streams, shots, speech, loudness and on-screen text (all offline)."""
    from shared.offline.pipeline import measure as _measure

    return _measure(path, progress, with_ocr=with_ocr, with_speech=with_speech)


class OfflineAnalyzer:
    """Fills an `AnalysisResult` from measurements alone (no AI, no canned text)."""

    engine = "offline"

    def analyze(
        self, video: VideoInfo, *, language: str = "ru", progress: ProgressFn
    ) -> AnalysisResult:
        from shared.offline.report import build_result

        measurements = measure(video.path, progress)
        progress("writing")
        return build_result(measurements, language=language)
