"""Analysis with Gemini through `google-genai`.

    [pre-pass: measured shots + timed speech]     (settings.gemini_align_to_cuts)
    -> video by reference: Files API upload, wait until ACTIVE   (Vertex AI: gs:// URI)
    -> generateContent(video, prompt) with a JSON response_schema
    -> finish reason checked -> JSON parsed and validated
    -> script rows aligned to the measured shots
    -> uploaded file deleted

The video is never read into memory: the Files API upload streams it from
disk. Errors end up as PermanentError / TransientError with the codes in
shared.messages (the client itself retries 408/429/5xx first).
"""

from __future__ import annotations

import importlib
import itertools
import json
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from google import genai
from google.auth import exceptions as auth_exceptions
from google.genai import errors, types
from pydantic import Field, ValidationError

from shared import logs
from shared.analysis import ProgressFn, VideoInfo
from shared.errors import JobError, PermanentError, TransientError
from shared.prompt import build_prompt
from shared.schema import (
    KEYS_COUNT,
    AiAnswer,
    AnalysisResult,
    Meta,
    ScriptRow,
    Usage,
    format_range,
    inline_json_schema,
)
from shared.settings import Settings

if TYPE_CHECKING:
    from shared.offline.measurements import Measurements

MeasureFn = Callable[..., "Measurements"]

RETRY_STATUS_CODES = [408, 429, 500, 502, 503, 504]
# Finish reasons that mean a filter stopped the answer.
BLOCKED_FINISH_REASONS = {
    "SAFETY",
    "PROHIBITED_CONTENT",
    "BLOCKLIST",
    "SPII",
    "RECITATION",
    "IMAGE_SAFETY",
    "IMAGE_PROHIBITED_CONTENT",
}
MEDIA_RESOLUTIONS = {
    "low": types.MediaResolution.MEDIA_RESOLUTION_LOW,
    "medium": types.MediaResolution.MEDIA_RESOLUTION_MEDIUM,
    "high": types.MediaResolution.MEDIA_RESOLUTION_HIGH,
}
# An answer that is not valid JSON (or not the schema) gets one more try: with
# a response_schema that is a rare sampling accident, a second sample usually
# is fine, and the uploaded video is reused, so it costs one more call — far
# cheaper than a failed job the user must upload again. Filtered and truncated
# answers are not retried: the same video and prompt would end the same way.
GENERATE_ATTEMPTS = 2
DELETE_TIMEOUT_MS = 10_000


def _network_errors() -> tuple[type[BaseException], ...]:
    """Timeouts and connection failures of whichever HTTP library the client
    uses (httpx or its fork httpx2; requests for Vertex AI credentials)."""
    found: list[type[BaseException]] = [auth_exceptions.TransportError]
    for name, attribute in (
        ("httpx2", "TransportError"),
        ("httpx", "TransportError"),
        ("requests", "RequestException"),
    ):
        try:
            found.append(getattr(importlib.import_module(name), attribute))
        except ImportError:
            continue
    return tuple(found)


NETWORK_ERRORS = _network_errors()


class GeminiAnswer(AiAnswer):
    """What Gemini writes: the AiAnswer plus the detected speech language."""

    language: str = Field(
        "", description='ISO 639-1 code of the speech language, lower case; "" if no speech.'
    )


def response_schema() -> dict[str, Any]:
    """The schema sent as `response_schema`: GeminiAnswer's, `$ref`/`anyOf`-free,
    with every field required and exactly KEYS_COUNT keys (parsing is more
    lenient than this, see `parse_answer`)."""
    schema = inline_json_schema(GeminiAnswer)
    schema["required"] = list(schema["properties"])
    schema["propertyOrdering"] = ["original", "language", "keys", "script", "recommendations"]
    keys = schema["properties"]["keys"]
    keys["minItems"] = keys["maxItems"] = KEYS_COUNT
    row = schema["properties"]["script"]["items"]
    row["required"] = list(row["properties"])
    return schema


# ---------------------------------------------------------------- the answer


def answer_text(response: types.GenerateContentResponse) -> str:
    """The answer's text, or the PermanentError its finish reason calls for."""
    feedback = response.prompt_feedback
    if feedback is not None and feedback.block_reason not in (
        None,
        types.BlockedReason.BLOCKED_REASON_UNSPECIFIED,
    ):
        raise PermanentError("ai_blocked", f"prompt blocked: {feedback.block_reason}")
    if not response.candidates:
        raise PermanentError("ai_bad_answer", "no candidates in the response")
    reason = response.candidates[0].finish_reason
    reason_name = reason.value if reason is not None else "STOP"
    if reason_name in BLOCKED_FINISH_REASONS:
        raise PermanentError("ai_blocked", f"finish reason {reason_name}")
    if reason_name == "MAX_TOKENS":
        raise PermanentError("ai_truncated", "finish reason MAX_TOKENS")
    if reason_name not in ("STOP", "FINISH_REASON_UNSPECIFIED"):
        raise PermanentError("ai_bad_answer", f"finish reason {reason_name}")
    text = response.text
    if not text:
        raise PermanentError("ai_bad_answer", "empty answer")
    return text


_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL)


def parse_answer(text: str) -> GeminiAnswer:
    """Parse and validate; extra keys beyond KEYS_COUNT are dropped (they come
    strongest first), anything else off-schema is PermanentError("ai_bad_answer")."""
    fenced = _FENCE.match(text)
    if fenced:  # not expected with a response_schema, but harmless to accept
        text = fenced.group(1)
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise PermanentError("ai_bad_answer", f"invalid JSON: {exc}") from exc
    if isinstance(data, dict) and isinstance(data.get("keys"), list):
        data["keys"] = data["keys"][:KEYS_COUNT]
    try:
        return GeminiAnswer.model_validate(data)
    except ValidationError as exc:
        raise PermanentError("ai_bad_answer", f"schema mismatch: {exc}") from exc


def _usage(total: Usage, metadata: types.GenerateContentResponseUsageMetadata | None) -> Usage:
    """`total` plus one response's token counts."""
    if metadata is None:
        return total

    def add(a: int | None, b: int | None) -> int | None:
        return a if b is None else (a or 0) + b

    return Usage(
        prompt_tokens=add(total.prompt_tokens, metadata.prompt_token_count),
        output_tokens=add(total.output_tokens, metadata.candidates_token_count),
        thinking_tokens=add(total.thinking_tokens, metadata.thoughts_token_count),
        total_tokens=add(total.total_tokens, metadata.total_token_count),
    )


# ---------------------------------------------------------------- alignment

_TIME_RANGE = re.compile(r"(\d+):(\d{1,2}(?:[.,]\d+)?)\s*[-–—]\s*(\d+):(\d{1,2}(?:[.,]\d+)?)")


def parse_time_range(text: str) -> tuple[float, float] | None:
    """'0:03-0:07' -> (3.0, 7.0); None if it does not look like a range."""
    match = _TIME_RANGE.search(text or "")
    if not match:
        return None
    m1, s1, m2, s2 = (float(g.replace(",", ".")) for g in match.groups())
    return m1 * 60 + s1, m2 * 60 + s2


def row_span(row: ScriptRow, index: int, count: int, duration: float) -> tuple[float, float]:
    """Where the AI put a row: its start_sec/end_sec, else its `time`, else its
    share of the video by position."""
    if row.start_sec is not None and row.end_sec is not None and row.end_sec > row.start_sec:
        return row.start_sec, row.end_sec
    parsed = parse_time_range(row.time)
    if parsed and parsed[1] > parsed[0]:
        return parsed
    step = duration / count
    return index * step, (index + 1) * step


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> float:
    return max(0.0, min(a[1], b[1]) - max(a[0], b[0]))


def _timed(row: ScriptRow, start: float, end: float) -> ScriptRow:
    start, end = round(start, 2), round(end, 2)
    return row.model_copy(
        update={"start_sec": start, "end_sec": end, "time": format_range(start, end)}
    )


@dataclass(frozen=True)
class Alignment:
    rows: list[ScriptRow]
    method: str  # "one_to_one" (as many rows as shots) or "by_overlap"
    ai_rows: int
    shots: int

    def to_meta(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "ai_rows": self.ai_rows,
            "shots": self.shots,
            "rows": len(self.rows),
        }


def align_to_shots(rows: Sequence[ScriptRow], shots: Sequence[tuple[float, float]]) -> Alignment:
    """Put the script rows on the measured shot boundaries.

    As many rows as shots: row i gets shot i's times. Otherwise each row goes
    to the shot its own timestamps overlap most (never before the previous
    row's shot), and:
    - a shot with one row: the row gets the shot's times;
    - a shot with several rows (the AI split it): they share the shot, keeping
      their own inner boundaries where those fall inside it;
    - a shot with no row (the AI merged shots): it joins the neighbouring row
      whose own timestamps overlap it more, so that row spans several shots.
    Every shot is covered exactly once and rows stay in order.
    """
    if not rows or not shots:
        return Alignment(list(rows), "none", len(rows), len(shots))
    if len(rows) == len(shots):
        timed = [_timed(row, start, end) for row, (start, end) in zip(rows, shots, strict=True)]
        return Alignment(timed, "one_to_one", len(rows), len(shots))

    duration = shots[-1][1]
    spans = [row_span(row, i, len(rows), duration) for i, row in enumerate(rows)]

    # Each row to a shot, monotonically.
    assigned: list[list[int]] = [[] for _ in shots]
    previous = 0
    for r, span in enumerate(spans):
        overlaps = [_overlap(span, shot) for shot in shots]
        if max(overlaps) > 0:
            best = overlaps.index(max(overlaps))
        else:  # outside every shot: the nearest one by midpoint
            middle = (span[0] + span[1]) / 2
            best = min(
                range(len(shots)), key=lambda j: abs((shots[j][0] + shots[j][1]) / 2 - middle)
            )
        previous = max(previous, best)
        assigned[previous].append(r)

    # Shots without rows join a neighbouring group of rows: of a run of such
    # shots, the first ones go to the group before, the rest (from the first
    # shot the next group's row overlaps more) to the group after.
    owner: list[int | None] = [j if assigned[j] else None for j in range(len(shots))]
    j = 0
    while j < len(shots):
        if owner[j] is not None:
            j += 1
            continue
        run_end = j
        while run_end < len(shots) and owner[run_end] is None:
            run_end += 1
        before = j - 1 if j > 0 else None
        after = run_end if run_end < len(shots) else None
        to_after = before is None
        for k in range(j, run_end):
            if before is not None and after is not None and not to_after:
                prev_row = spans[assigned[before][-1]]
                next_row = spans[assigned[after][0]]
                to_after = _overlap(next_row, shots[k]) > _overlap(prev_row, shots[k])
            owner[k] = after if to_after else before
        j = run_end

    aligned: list[ScriptRow] = []
    for group, members in enumerate(assigned):
        if not members:
            continue
        covered = [k for k in range(len(shots)) if owner[k] == group]
        start, end = shots[covered[0]][0], shots[covered[-1]][1]
        bounds = _inner_bounds([spans[r][0] for r in members[1:]], start, end)
        edges = [start, *bounds, end]
        aligned += [_timed(rows[r], edges[i], edges[i + 1]) for i, r in enumerate(members)]
    return Alignment(aligned, "by_overlap", len(rows), len(shots))


def _inner_bounds(wanted: list[float], start: float, end: float) -> list[float]:
    """Boundaries between rows sharing [start, end]: the rows' own starts if
    they are strictly increasing inside it, else an even split."""
    if not wanted:
        return []
    if all(start < b < end for b in wanted) and all(a < b for a, b in itertools.pairwise(wanted)):
        return wanted
    step = (end - start) / (len(wanted) + 1)
    return [start + step * (i + 1) for i in range(len(wanted))]


def tidy_rows(rows: Sequence[ScriptRow], duration: float) -> list[ScriptRow]:
    """Without measured shots: keep the AI's times, clamped to the video, with
    `time` written from start_sec/end_sec when both are there."""
    tidy = []
    for row in rows:
        if row.start_sec is not None and row.end_sec is not None:
            start = min(row.start_sec, duration)
            end = min(max(row.end_sec, start), duration)
            row = _timed(row, start, end)
        tidy.append(row)
    return tidy


# ---------------------------------------------------------------- the analyzer


class GeminiAnalyzer:
    engine = "gemini"

    def __init__(
        self,
        settings: Settings,
        *,
        measure: MeasureFn | None = None,
        retry_delay_sec: float = 1.0,
    ) -> None:
        """`measure` replaces shared.offline.measure (tests); `retry_delay_sec`
        is the client's first backoff on 408/429/5xx (doubling, with jitter)."""
        self.settings = settings
        self._measure = measure
        self._retry_delay_sec = retry_delay_sec
        self._client: genai.Client | None = None

    # -- the client

    def client(self) -> genai.Client:
        if self._client is None:
            s = self.settings
            http_options = types.HttpOptions(
                base_url=s.gemini_base_url or None,
                timeout=s.gemini_timeout_sec * 1000,
                retry_options=types.HttpRetryOptions(
                    attempts=s.gemini_retries + 1,  # the first call plus the retries
                    initial_delay=self._retry_delay_sec,
                    max_delay=max(self._retry_delay_sec, 30.0),
                    jitter=self._retry_delay_sec,
                    http_status_codes=RETRY_STATUS_CODES,
                ),
            )
            try:
                if s.google_genai_use_vertexai:
                    self._client = genai.Client(
                        vertexai=True,
                        project=s.google_cloud_project,
                        location=s.google_cloud_location,
                        http_options=http_options,
                    )
                else:
                    self._client = genai.Client(api_key=s.gemini_api_key, http_options=http_options)
            except ValueError as exc:  # no API key / project
                raise PermanentError("ai_unavailable", f"Gemini client: {exc}") from exc
        return self._client

    # -- the analysis

    def analyze(self, video: VideoInfo, *, language: str, progress: ProgressFn) -> AnalysisResult:
        s = self.settings
        measured = self._pre_pass(video, progress)
        shots = [(shot.start, shot.end) for shot in measured.shots] if measured else []
        speech = []
        if measured and measured.transcript:
            speech = [(seg.start, seg.end, seg.text) for seg in measured.transcript.segments]
        prompt = build_prompt(language, duration_sec=video.duration_sec, shots=shots, speech=speech)

        client = self.client()
        uploaded: types.File | None = None
        try:
            if s.google_genai_use_vertexai:
                if not video.gcs_uri:
                    raise PermanentError("analysis_failed", "Vertex AI needs the video's gs:// URI")
                file_uri, mime_type = video.gcs_uri, video.content_type
            else:
                progress("uploading_ai")
                with logs.timed("gemini_upload", size=video.size):
                    uploaded = client.files.upload(
                        file=video.path,
                        config=types.UploadFileConfig(
                            mime_type=video.content_type, display_name=video.path.name
                        ),
                    )
                    uploaded = self._wait_until_active(client, uploaded)
                file_uri = uploaded.uri or ""
                mime_type = uploaded.mime_type or video.content_type
            video_part = types.Part(
                file_data=types.FileData(file_uri=file_uri, mime_type=mime_type),
                video_metadata=types.VideoMetadata(fps=s.gemini_fps) if s.gemini_fps else None,
            )
            answer, usage, model_version = self._generate(client, video_part, prompt, progress)
        except errors.APIError as exc:
            raise _api_error(exc) from exc
        except (*NETWORK_ERRORS, errors.UnknownApiResponseError) as exc:
            raise TransientError("ai_unavailable", f"Gemini: {exc!r}") from exc
        finally:
            if uploaded is not None:
                self._delete(client, uploaded)

        return self._result(answer, usage, model_version, video, language, measured)

    def _pre_pass(self, video: VideoInfo, progress: ProgressFn) -> Measurements | None:
        """Shots and timed speech, measured offline; None when switched off or
        when measuring fails (the analysis goes on without alignment)."""
        if not self.settings.gemini_align_to_cuts:
            return None
        try:
            measure = self._measure
            if measure is None:
                from shared.offline import measure
            with logs.timed("gemini_pre_pass"):
                # Gemini reads on-screen text itself: no OCR needed here.
                return measure(video.path, progress, with_ocr=False, with_speech=True)
        except Exception as exc:  # an aid, not a requirement
            logs.warning(f"pre-pass failed, analysing without alignment: {exc!r}")
            return None

    def _wait_until_active(self, client: genai.Client, file: types.File) -> types.File:
        """Poll the uploaded file until Gemini has processed it."""
        deadline = time.monotonic() + self.settings.gemini_timeout_sec
        delay = 0.1
        while file.state != types.FileState.ACTIVE:
            if file.state == types.FileState.FAILED:
                raise PermanentError("ai_rejected", f"file processing failed: {file.error}")
            if time.monotonic() > deadline:
                raise TransientError("ai_unavailable", f"file {file.name} still {file.state}")
            time.sleep(delay)
            delay = min(delay * 2, 2.0)
            file = client.files.get(name=file.name or "")
        return file

    def _generate(
        self, client: genai.Client, video_part: types.Part, prompt: str, progress: ProgressFn
    ) -> tuple[GeminiAnswer, Usage, str | None]:
        s = self.settings
        config = types.GenerateContentConfig(
            response_mime_type="application/json",
            response_schema=response_schema(),
            media_resolution=MEDIA_RESOLUTIONS[s.gemini_media_resolution]
            if s.gemini_media_resolution
            else None,
        )
        contents = [types.Content(role="user", parts=[video_part, types.Part(text=prompt)])]
        usage = Usage()
        progress("ai_thinking")
        for attempt in range(1, GENERATE_ATTEMPTS + 1):
            with logs.timed("gemini_generate", attempt=attempt, model=s.gemini_model):
                response = client.models.generate_content(
                    model=s.gemini_model, contents=contents, config=config
                )
            usage = _usage(usage, response.usage_metadata)
            text = answer_text(response)
            progress("writing")
            try:
                return parse_answer(text), usage, response.model_version
            except PermanentError as exc:
                if attempt == GENERATE_ATTEMPTS:
                    raise
                logs.warning(f"Gemini answer unusable, asking again: {exc.detail[:300]}")
        raise AssertionError("unreachable")

    def _delete(self, client: genai.Client, file: types.File) -> None:
        """Best effort: an undeleted file expires on Gemini's side in 48 h."""
        try:
            client.files.delete(
                name=file.name or "",
                config=types.DeleteFileConfig(
                    http_options=types.HttpOptions(
                        timeout=DELETE_TIMEOUT_MS,
                        retry_options=types.HttpRetryOptions(attempts=1),
                    )
                ),
            )
        except Exception as exc:
            logs.warning(f"could not delete Gemini file {file.name}: {exc!r}")

    def _result(
        self,
        answer: GeminiAnswer,
        usage: Usage,
        model_version: str | None,
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
        versions = {"google-genai": genai.__version__}
        if model_version:
            versions["gemini"] = model_version
        return AnalysisResult(
            original=answer.original,
            keys=answer.keys,
            script=rows,
            recommendations=answer.recommendations,
            meta=Meta(
                engine="gemini",
                model=self.settings.gemini_model,
                versions=versions,
                duration_sec=video.duration_sec,
                language=speech_language,
                output_language=language,
                usage=usage,
                aligned_to_cuts=aligned,
                measurements=measurements,
            ),
        )


def _api_error(exc: errors.APIError) -> JobError:
    """An HTTP error the client did not (or could no longer) retry. 401/403/404 and
    a bad API key are our configuration (wrong key, model name), not the video."""
    detail = f"Gemini {exc.code} {exc.status}: {exc.message}"
    if exc.code in RETRY_STATUS_CODES:
        return TransientError("ai_unavailable", detail)
    if exc.code in (401, 403, 404) or "api key" in (exc.message or "").lower():
        logs.error(f"Gemini refused our credentials: {detail}")
        return PermanentError("ai_unavailable", detail)
    return PermanentError("ai_rejected", detail)
