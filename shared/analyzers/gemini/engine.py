"""The Gemini analyzer: the transport, through `google-genai`.

    [measured shots + timed speech, from the measurement step]   (GEMINI_ALIGN_TO_CUTS)
    -> video by reference: Files API upload, wait until ACTIVE   (Vertex AI: gs:// URI)
    -> generateContent(video, prompt) with a JSON response_schema       (answer.py)
    -> finish reason checked -> JSON parsed and validated               (answer.py)
    -> script rows aligned to the measured shots                        (align.py, result.py)
    -> uploaded file deleted

The video is never read into memory: the Files API upload streams it from
disk. Errors end up as PermanentError / TransientError with the codes in
shared.core.messages (the client itself retries 408/429/5xx first).
"""

from __future__ import annotations

import importlib
import time

from google import genai
from google.auth import exceptions as auth_exceptions
from google.genai import errors, types

from shared.adapters import logs
from shared.analyzers.gemini.answer import (
    GeminiAnswer,
    add_usage,
    answer_text,
    parse_answer,
    response_schema,
)
from shared.analyzers.gemini.prompt import build_prompt
from shared.analyzers.gemini.result import build_result
from shared.core.errors import ErrorCode, JobError, PermanentError, TransientError
from shared.core.measurements import Measurements
from shared.core.messages import Stage
from shared.core.schema import HOOK_WINDOW_SEC, AnalysisResult, Usage
from shared.core.settings import Settings
from shared.core.video import MeasureRequest, ProgressFn, VideoInfo

RETRY_STATUS_CODES = [408, 429, 500, 502, 503, 504]
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
# Counting tokens is an aid for the bill: one try each, never a backoff before the analysis.
COUNT_CONFIG = types.CountTokensConfig(
    http_options=types.HttpOptions(timeout=10_000, retry_options=types.HttpRetryOptions(attempts=1))
)
# Gemini reads on-screen text itself: it needs shots and timed speech, no OCR, and
# runs without them when measuring fails.
MEASURE_FOR_ALIGNMENT = MeasureRequest(speech=True, ocr=False, required=False)
# The hook part: the first HOOK_WINDOW_SEC of the same file at this many frames a second.
HOOK_FPS = 5.0
PART_NAMES = ("video", "hook", "prompt")


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
# Worth another delivery: the network failed, or the answer was not an HTTP answer.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    *NETWORK_ERRORS,
    errors.UnknownApiResponseError,
)


# ---------------------------------------------------------------- the analyzer


class GeminiAnalyzer:
    engine = "gemini"

    def __init__(self, settings: Settings, *, retry_delay_sec: float = 1.0) -> None:
        """`retry_delay_sec` is the client's first backoff on 408/429/5xx (doubling,
        with jitter)."""
        self.settings = settings
        self._retry_delay_sec = retry_delay_sec
        self._client: genai.Client | None = None

    @property
    def needs(self) -> MeasureRequest | None:
        """Shots and timed speech to align the script to, unless switched off."""
        return MEASURE_FOR_ALIGNMENT if self.settings.gemini_align_to_cuts else None

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
                raise PermanentError(ErrorCode.AI_UNAVAILABLE, f"Gemini client: {exc}") from exc
        return self._client

    # -- the analysis

    def analyze(
        self,
        video: VideoInfo,
        measurements: Measurements | None,
        *,
        language: str,
        progress: ProgressFn,
        topic: str | None = None,
    ) -> AnalysisResult:
        prompt = build_prompt(
            language,
            duration_sec=video.duration_sec,
            shots=[(shot.start, shot.end) for shot in measurements.shots] if measurements else [],
            speech=_timed_speech(measurements),
            topic=topic,
        )
        client = self.client()
        uploaded: types.File | None = None
        try:
            if self.settings.google_genai_use_vertexai:
                file_uri, mime_type = self._gcs_uri(video), video.content_type
            else:
                progress(Stage.UPLOADING_AI)
                with logs.timed("gemini_upload", size=video.size):
                    uploaded = client.files.upload(
                        file=video.path,
                        config=types.UploadFileConfig(
                            mime_type=video.content_type, display_name=video.path.name
                        ),
                    )
                    uploaded = self._wait_until_active(client, uploaded)
                file_uri, mime_type = uploaded.uri or "", uploaded.mime_type or video.content_type
            parts = [
                self._video_part(file_uri, mime_type),
                self._hook_part(file_uri, mime_type),
                types.Part(text=prompt),
            ]
            answer, usage, model_version = self._generate(client, parts, progress, topic)
        except errors.APIError as exc:
            raise _api_error(exc) from exc
        except TRANSIENT_ERRORS as exc:
            raise TransientError(ErrorCode.AI_UNAVAILABLE, f"Gemini: {exc!r}") from exc
        finally:
            if uploaded is not None:
                self._delete(client, uploaded)
        versions = {"google-genai": genai.__version__}
        if model_version:
            versions["gemini"] = model_version
        return build_result(
            answer,
            usage=usage,
            model=self.settings.gemini_model,
            versions=versions,
            video=video,
            language=language,
            measured=measurements,
        )

    @staticmethod
    def _gcs_uri(video: VideoInfo) -> str:
        """Vertex AI reads the video from the bucket by its gs:// URI."""
        if not video.gcs_uri:
            raise PermanentError(ErrorCode.ANALYSIS_FAILED, "Vertex AI needs the video's gs:// URI")
        return video.gcs_uri

    def _hook_part(self, file_uri: str, mime_type: str) -> types.Part:
        """The same file again, only its first HOOK_WINDOW_SEC seconds at HOOK_FPS: a
        closer look at the hook for the price of three seconds, not of the video."""
        return types.Part(
            file_data=types.FileData(file_uri=file_uri, mime_type=mime_type),
            video_metadata=types.VideoMetadata(
                start_offset="0s", end_offset=f"{HOOK_WINDOW_SEC:g}s", fps=HOOK_FPS
            ),
        )

    def _part_tokens(self, client: genai.Client, parts: list[types.Part]) -> dict[str, int]:
        """Input tokens of each part (countTokens costs nothing); {} when not counted."""
        counted: dict[str, int] = {}
        for name, part in zip(PART_NAMES, parts, strict=True):
            try:
                answer = client.models.count_tokens(
                    model=self.settings.gemini_model,
                    contents=[types.Content(role="user", parts=[part])],
                    config=COUNT_CONFIG,
                )
            except Exception as exc:  # an aid for the bill, not for the analysis
                logs.warning(f"tokens of the {name} part not counted: {exc!r}")
                return {}
            counted[name] = int(answer.total_tokens or 0)
        return counted

    def _video_part(self, file_uri: str, mime_type: str) -> types.Part:
        fps = self.settings.gemini_fps
        return types.Part(
            file_data=types.FileData(file_uri=file_uri, mime_type=mime_type),
            video_metadata=types.VideoMetadata(fps=fps) if fps else None,
        )

    def _wait_until_active(self, client: genai.Client, file: types.File) -> types.File:
        """Poll the uploaded file until Gemini has processed it."""
        deadline = time.monotonic() + self.settings.gemini_timeout_sec
        delay = 0.1
        while file.state != types.FileState.ACTIVE:
            if file.state == types.FileState.FAILED:
                raise PermanentError(ErrorCode.AI_REJECTED, f"file processing failed: {file.error}")
            if time.monotonic() > deadline:
                raise TransientError(
                    ErrorCode.AI_UNAVAILABLE, f"file {file.name} still {file.state}"
                )
            time.sleep(delay)
            delay = min(delay * 2, 2.0)
            file = client.files.get(name=file.name or "")
        return file

    def _generate(
        self,
        client: genai.Client,
        parts: list[types.Part],
        progress: ProgressFn,
        topic: str | None,
    ) -> tuple[GeminiAnswer, Usage, str | None]:
        s = self.settings
        config = types.GenerateContentConfig(
            response_mime_type="application/json",
            response_schema=response_schema(topic),
            media_resolution=MEDIA_RESOLUTIONS[s.gemini_media_resolution]
            if s.gemini_media_resolution
            else None,
        )
        contents = [types.Content(role="user", parts=parts)]
        usage = Usage(parts=self._part_tokens(client, parts))
        progress(Stage.AI_THINKING)
        for attempt in range(1, GENERATE_ATTEMPTS + 1):
            with logs.timed("gemini_generate", attempt=attempt, model=s.gemini_model):
                response = client.models.generate_content(
                    model=s.gemini_model, contents=contents, config=config
                )
            usage = add_usage(usage, response.usage_metadata)
            text = answer_text(response)
            progress(Stage.WRITING)
            try:
                return parse_answer(text, topic), usage, response.model_version
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


def _api_error(exc: errors.APIError) -> JobError:
    """An HTTP error the client did not (or could no longer) retry. 401/403/404 and
    a bad API key are our configuration (wrong key, model name), not the video."""
    detail = f"Gemini {exc.code} {exc.status}: {exc.message}"
    if exc.code in RETRY_STATUS_CODES:
        return TransientError(ErrorCode.AI_UNAVAILABLE, detail)
    if exc.code in (401, 403, 404) or "api key" in (exc.message or "").lower():
        logs.error(f"Gemini refused our credentials: {detail}")
        return PermanentError(ErrorCode.AI_UNAVAILABLE, detail)
    return PermanentError(ErrorCode.AI_REJECTED, detail)


def _timed_speech(measurements: Measurements | None) -> list[tuple[float, float, str]]:
    if measurements is None or measurements.transcript is None:
        return []
    return [(seg.start, seg.end, seg.text) for seg in measurements.transcript.segments]
