"""The offline analyzer: writes the result from the measurements alone (no AI, no
canned text). Every key and recommendation is a rule in `rules.py` citing what was
measured; `report.py` assembles the result.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from shared.core.errors import ErrorCode, PermanentError
from shared.core.messages import Stage
from shared.core.video import MeasureRequest

if TYPE_CHECKING:
    from shared.core.measurements import Measurements
    from shared.core.schema import AnalysisResult
    from shared.core.video import ProgressFn, VideoInfo

__all__ = ["OfflineAnalyzer"]


class OfflineAnalyzer:
    """Fills an `AnalysisResult` from measurements alone."""

    engine = "offline"
    needs = MeasureRequest(speech=True, ocr=True, required=True)
    fingerprint = "offline"  # measured on the CPU; the code's hash is in the cache key

    def analyze(
        self,
        video: VideoInfo,
        measurements: Measurements | None,
        *,
        language: str = "ru",
        progress: ProgressFn,
        topic: str | None = None,  # an adapted script needs Gemini (result.adapted_note)
    ) -> AnalysisResult:
        from shared.analyzers.offline.report import build_result

        if measurements is None:
            raise PermanentError(
                ErrorCode.ANALYSIS_FAILED, "the offline analyzer needs measurements"
            )
        progress(Stage.WRITING)
        return build_result(measurements, language=language, topic=topic)
