"""The measurement step: shots, speech, loudness, on-screen text and the look of
each shot, measured on the CPU from the video file (PyAV, PySceneDetect,
faster-whisper, tesseract, OpenCV).

Its output, `shared.core.measurements.Measurements`, is handed to whichever
analyzer runs. Importing this package is cheap: the heavy libraries are imported
inside the functions that use them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from shared.core.measurements import Measurements
    from shared.core.video import MeasureRequest, ProgressFn

__all__ = ["measure"]


def measure(
    path: Path,
    progress: ProgressFn | None = None,
    request: MeasureRequest | None = None,
) -> Measurements:
    """Measure a video file (everything, unless `request` says less)."""
    from shared.core.video import MeasureRequest
    from shared.measure.pipeline import measure as _measure

    request = request or MeasureRequest()
    return _measure(path, progress, with_ocr=request.ocr, with_speech=request.speech)
