"""The finished result of a Gemini analysis: the answer, aligned to what was measured."""

from __future__ import annotations

from typing import Any

from shared.adapters import logs
from shared.analyzers.gemini.align import align_to_shots, tidy_rows
from shared.analyzers.gemini.answer import GeminiAnswer
from shared.core.measurements import Measurements
from shared.core.schema import AnalysisResult, Meta, Usage
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
    return AnalysisResult(
        original=answer.original,
        keys=answer.keys,
        script=rows,
        recommendations=answer.recommendations,
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
