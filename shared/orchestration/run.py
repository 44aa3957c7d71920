"""measure -> analyze -> validate, with the offline analysis standing in when the AI
cannot give a result.

The AI failing is never the user's loss: a misconfiguration (a retired model, a request
of ours Gemini refuses), a safety block, an answer unusable after the retry, a video
Gemini could not read, and (on the job's last attempt) an overloaded service all end
in the offline analyzer's result with a notice saying what happened
(`shared.core.messages.FALLBACK_NOTICES`). What the offline analyzer needs measured
and the AI's request did not cover is measured then.
"""

from __future__ import annotations

from shared.adapters import logs
from shared.analyzers.base import Analyzer
from shared.core.errors import JobError, TransientError
from shared.core.measurements import Measurements
from shared.core.messages import FALLBACK_NOTICES, NOTICES, Notice
from shared.core.schema import AnalysisResult, NoticeItem
from shared.core.video import MeasureFn, MeasureRequest, ProgressFn, VideoInfo


def run_analysis(
    analyzer: Analyzer,
    info: VideoInfo,
    *,
    measure: MeasureFn,
    language: str,
    progress: ProgressFn,
    topic: str | None = None,
    fallback: Analyzer | None = None,
    last_attempt: bool = True,
) -> AnalysisResult:
    """measure (what the analyzer asked for) -> analyze -> validate; on an AI failure
    with a notice, the `fallback` analyzer's result (a transient failure only on the
    last attempt: before that, Pub/Sub delivers again)."""
    measurements = _measure(analyzer.needs, info, measure, progress)
    try:
        with logs.timed("analyze", engine=analyzer.engine):
            result = analyzer.analyze(
                info, measurements, language=language, progress=progress, topic=topic
            )
    except JobError as exc:
        notice = FALLBACK_NOTICES.get(exc.code)
        transient_left = isinstance(exc, TransientError) and not last_attempt
        if fallback is None or notice is None or transient_left:
            raise
        logs.warning(
            f"{analyzer.engine} gave no result ({exc.code}): the {fallback.engine} "
            f"analysis stands in. {exc.detail[:500]}",
            stage="fallback",
            code=exc.code,
        )
        result = _stand_in(
            fallback, info, measure, (analyzer.needs, measurements), language, progress, topic
        )
        result = with_notice(result, notice)
    return AnalysisResult.model_validate(result.model_dump(mode="json"))


def with_notice(result: AnalysisResult, notice: Notice) -> AnalysisResult:
    notices = [*result.meta.notices, NoticeItem(code=notice.value, message=NOTICES[notice])]
    return result.model_copy(update={"meta": result.meta.model_copy(update={"notices": notices})})


def _stand_in(
    fallback: Analyzer,
    info: VideoInfo,
    measure: MeasureFn,
    measured: tuple[MeasureRequest | None, Measurements | None],
    language: str,
    progress: ProgressFn,
    topic: str | None,
) -> AnalysisResult:
    had, measurements = measured
    wanted = fallback.needs
    if wanted is not None and not _covers(had, measurements, wanted):
        measurements = _measure(wanted, info, measure, progress)
    with logs.timed("analyze", engine=fallback.engine, fallback=True):
        return fallback.analyze(
            info, measurements, language=language, progress=progress, topic=topic
        )


def _covers(
    had: MeasureRequest | None, measurements: Measurements | None, wanted: MeasureRequest
) -> bool:
    """What was measured already is all `wanted` asks for."""
    if had is None or measurements is None:
        return False
    return (had.speech or not wanted.speech) and (had.ocr or not wanted.ocr)


def _measure(
    request: MeasureRequest | None, info: VideoInfo, measure: MeasureFn, progress: ProgressFn
) -> Measurements | None:
    """What was asked to be measured; None when nothing was asked, or when measuring
    failed and the analyzer can do without."""
    if request is None:
        return None
    try:
        with logs.timed("measure", speech=request.speech, ocr=request.ocr):
            return measure(info.path, progress, request)
    except Exception as exc:
        if request.required:
            raise
        logs.warning(f"measuring failed, analysing without it: {exc!r}", stage="measure")
        return None
