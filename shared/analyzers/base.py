"""The interface every analyzer implements.

An analyzer turns a probed video and what was measured of it into an
`AnalysisResult`. Two exist: `shared.analyzers.gemini.GeminiAnalyzer` and
`shared.analyzers.offline.OfflineAnalyzer`; which one runs is decided by the
wiring (`shared.orchestration.wiring`), not here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from shared.core.measurements import Measurements
    from shared.core.schema import AnalysisResult
    from shared.core.video import MeasureRequest, ProgressFn, VideoInfo


class Analyzer(Protocol):
    engine: str

    @property
    def fingerprint(self) -> str:
        """What, besides the video, decides the result (model, settings): part of the
        result cache's key (shared.core.cache)."""
        ...

    @property
    def needs(self) -> MeasureRequest | None:
        """What to measure before `analyze` (None: nothing)."""
        ...

    def analyze(
        self,
        video: VideoInfo,
        measurements: Measurements | None,
        *,
        language: str,
        progress: ProgressFn,
        topic: str | None = None,
    ) -> AnalysisResult:
        """`topic`: what the user's own video is about (for an adapted script), if given."""
        ...
