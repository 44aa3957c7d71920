"""The finished result of a Gemini analysis: the answer, aligned to what was measured."""

from __future__ import annotations

from typing import Any

from shared.adapters import logs
from shared.analyzers.gemini.align import align_to_shots, row_span, tidy_rows
from shared.analyzers.gemini.answer import GeminiAnswer
from shared.core.anatomy import hook_measured, timeline
from shared.core.measurements import Measurements
from shared.core.schema import (
    HOOK_TYPES,
    AnalysisResult,
    Hook,
    HookMeasured,
    Meta,
    Moment,
    ScriptRow,
    Usage,
)
from shared.core.video import VideoInfo


def build_result(
    answer: GeminiAnswer,
    *,
    usage: Usage,
    model: str,
    versions: dict[str, str],
    video: VideoInfo,
    language: str,
    measured: Measurements | None,
) -> AnalysisResult:
    rows = answer.script
    measurements: dict[str, Any] | None = None
    aligned = False
    if measured and measured.shots:
        alignment = align_to_shots(rows, [(shot.start, shot.end) for shot in measured.shots])
        rows, aligned = alignment.rows, True
        measurements = {**measured.summary(), "alignment": alignment.to_meta()}
        if alignment.method != "one_to_one":
            logs.warning(
                f"Gemini wrote {alignment.ai_rows} script rows for {alignment.shots} shots; "
                "aligned by overlap"
            )
    else:
        rows = tidy_rows(rows, video.duration_sec)
    speech_language = answer.language.strip().lower() or None
    if speech_language is None and measured and measured.transcript:
        speech_language = measured.transcript.language
    duration = video.duration_sec
    return AnalysisResult(
        original=answer.original,
        keys=[k.model_copy(update={"at": _clamp(k.at, duration)}) for k in answer.keys],
        script=rows,
        recommendations=[
            r.model_copy(update={"at": _clamp(r.at, duration)}) for r in answer.recommendations
        ],
        hook=Hook(
            **answer.hook.model_dump(),
            type_label=HOOK_TYPES[answer.hook.type],
            measured=hook_measured(measured) if measured else HookMeasured(),
        ),
        timeline=timeline(measured) if measured else None,
        adapted_script=_adapted(answer, rows, duration),
        meta=Meta(
            engine="gemini",
            model=model,
            versions=versions,
            duration_sec=video.duration_sec,
            language=speech_language,
            output_language=language,
            usage=usage,
            aligned_to_cuts=aligned,
            measurements=measurements,
        ),
    )


def _clamp(at: Moment | None, duration: float) -> Moment | None:
    """A moment inside the video, or none (Gemini's times can drift past the end)."""
    if at is None or at.start_sec > duration or at.start_sec > at.end_sec:
        return None
    return Moment(start_sec=round(at.start_sec, 2), end_sec=round(min(at.end_sec, duration), 2))


def _adapted(
    answer: GeminiAnswer, rows: list[ScriptRow], duration: float
) -> list[ScriptRow] | None:
    """The script for the user's topic, on the same times as the (aligned) script:
    row by row when Gemini kept the row count, else each row on the script rows its
    own times overlap most (as the script goes on the measured shots)."""
    adapted = getattr(answer, "adapted_script", None)
    if adapted is None:
        return None
    if len(adapted) == len(rows):
        return [
            row.model_copy(
                update={"time": ref.time, "start_sec": ref.start_sec, "end_sec": ref.end_sec}
            )
            for row, ref in zip(adapted, rows, strict=True)
        ]
    logs.warning(f"adapted script has {len(adapted)} rows for {len(rows)}: aligned by overlap")
    spans = [row_span(ref, i, len(rows), duration) for i, ref in enumerate(rows)]
    return align_to_shots(adapted, spans).rows
