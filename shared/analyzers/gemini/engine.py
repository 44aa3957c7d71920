"""The Gemini analyzer: the transport, through `google-genai`.

    [measured shots + timed speech, from the measurement step]   (GEMINI_ALIGN_TO_CUTS)
    -> models alive? models.get once per instance, cached         (status.py)
    -> the video by reference: registered from the bucket, or
       uploaded (local), or its gs:// URI (Vertex AI)             (files.py)
    -> for each model, configured first, then the fallbacks:
         its estimate reserved from the day's token budget, then
         generateContent(video, hook clip, prompt) with the family's
         options, maxOutputTokens and a JSON response_schema      (spend.py, models.py,
                                                                   request.py)
         misconfigured (404, 403, 400 about our request)? next model, once each
    -> finish reason checked -> JSON parsed and validated         (answer.py)
    -> script rows aligned to the measured shots                  (align.py, result.py)
    -> the Gemini file deleted (upload or registration)

Errors end up as PermanentError / TransientError with the codes in
shared.core.messages (failures.py); the client retries 408/5xx itself, a 429 waits
for the delay its RetryInfo names.
"""

from __future__ import annotations

import importlib
import json
import time
from collections.abc import Callable
from typing import TypeVar

from google import genai
from google.auth import exceptions as auth_exceptions
from google.genai import errors, types

from shared.adapters import logs
from shared.analyzers.gemini import files, request, status
from shared.analyzers.gemini.answer import GeminiAnswer, add_usage, answer_text, parse_answer
from shared.analyzers.gemini.failures import RETRIED_BY_CLIENT, Misconfigured, classify, retry_delay
from shared.analyzers.gemini.models import Plan, plan
from shared.analyzers.gemini.prompt import build_prompt
from shared.analyzers.gemini.result import build_result
from shared.analyzers.gemini.spend import Spend, part_tokens, rough_input_tokens
from shared.core.errors import ErrorCode, PermanentError, TransientError
from shared.core.measurements import Measurements
from shared.core.messages import Stage
from shared.core.ports import TokenBudget
from shared.core.schema import AnalysisResult, Usage
from shared.core.settings import Settings
from shared.core.video import MeasureRequest, ProgressFn, VideoInfo

HOOK_FPS = request.HOOK_FPS
# An answer that is not valid JSON (or not the schema, or Gemini 3's MALFORMED_RESPONSE)
# gets one more try: a second sample usually is fine and the file is reused. Filtered
# and truncated answers are not retried: the same video and prompt end the same way.
GENERATE_ATTEMPTS = 2
# Gemini reads on-screen text itself: it needs shots and timed speech, no OCR, and
# runs without them when measuring fails.
MEASURE_FOR_ALIGNMENT = MeasureRequest(speech=True, ocr=False, required=False)
T = TypeVar("T")


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


# Worth another delivery: the network failed, or the answer was not an HTTP answer.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    *_network_errors(),
    errors.UnknownApiResponseError,
)


class GeminiAnalyzer:
    engine = "gemini"

    def __init__(
        self,
        settings: Settings,
        *,
        retry_delay_sec: float = 1.0,
        credentials: files.CredentialsFactory = files.default_credentials,
        budget: TokenBudget | None = None,
    ) -> None:
        """`retry_delay_sec` is the client's first backoff on 408/5xx (doubling, with
        jitter); `credentials(scopes)` gives Google credentials (Vertex AI, registration);
        every generateContent call is reserved from and settled to `budget` (spend.py)."""
        self.settings = settings
        self.spend = Spend(settings, budget)
        self._retry_delay_sec = retry_delay_sec
        self._credentials = credentials
        self._client: genai.Client | None = None

    @property
    def needs(self) -> MeasureRequest | None:
        """Shots and timed speech to align the script to, unless switched off."""
        return MEASURE_FOR_ALIGNMENT if self.settings.gemini_align_to_cuts else None

    @property
    def fingerprint(self) -> str:
        """What makes two analyses of the same bytes differ (the result cache's key)."""
        s = self.settings
        return json.dumps(
            [
                s.gemini_models,
                s.gemini_api_version,
                s.gemini_thinking_level,
                s.gemini_media_resolution,
                s.gemini_hook_media_resolution,
                s.gemini_fps,
                s.gemini_align_to_cuts,
                s.google_genai_use_vertexai,
                s.gemini_max_output_tokens,
            ]
        )

    @property
    def api_version(self) -> str:
        if self.settings.google_genai_use_vertexai:
            return "v1" if self.settings.gemini_api_version == "v1" else "v1beta1"
        return self.settings.gemini_api_version

    # -- the client

    def client(self) -> genai.Client:
        if self._client is None:
            s = self.settings
            http_options = types.HttpOptions(
                base_url=s.gemini_base_url or None,
                api_version=self.api_version,
                timeout=s.gemini_timeout_sec * 1000,
                retry_options=types.HttpRetryOptions(
                    attempts=s.gemini_retries + 1,  # the first call plus the retries
                    initial_delay=self._retry_delay_sec,
                    max_delay=max(self._retry_delay_sec, 30.0),
                    jitter=self._retry_delay_sec,
                    http_status_codes=RETRIED_BY_CLIENT,
                ),
            )
            try:
                if s.google_genai_use_vertexai:
                    self._client = genai.Client(
                        vertexai=True,
                        project=s.google_cloud_project,
                        location=s.google_cloud_location,
                        credentials=self._credentials(
                            ["https://www.googleapis.com/auth/cloud-platform"]
                        ),
                        http_options=http_options,
                    )
                else:
                    self._client = genai.Client(api_key=s.gemini_api_key, http_options=http_options)
            except Exception as exc:  # no API key / project / credentials: ours to fix
                raise Misconfigured(f"Gemini client: {exc!r}", other_model=False) from exc
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
        tried: list[str] = []
        ref: files.VideoRef | None = None
        try:
            models = self._alive_models(client, tried)
            ref = self._reference(client, video, progress)
            for model in models:
                try:
                    answer, usage, served = self._ask(
                        client, model, ref, video, prompt, progress, topic
                    )
                except Misconfigured as exc:
                    tried.append(model)
                    if not exc.other_model or model == models[-1]:
                        raise
                    logs.warning(f"trying the next Gemini model after {model}", stage="gemini")
                    continue
                return self._result(
                    answer, usage, model, served, tried, video, language, measurements
                )
            raise Misconfigured(f"no Gemini model left to try (tried {tried})")
        except TRANSIENT_ERRORS as exc:
            raise TransientError(ErrorCode.AI_UNAVAILABLE, f"Gemini: {exc!r}") from exc
        finally:
            if ref is not None and ref.file is not None:
                files.delete(client, ref.file)

    def _alive_models(self, client: genai.Client, tried: list[str]) -> list[str]:
        """The configured model and the fallbacks that `models.get` does not call dead."""
        scope = f"{self.settings.gemini_base_url or 'google'}|{self.api_version}|{bool(self.settings.gemini_api_key)}"
        alive = []
        for model in self.settings.gemini_models:
            if status.check_model(client, model, scope=scope, api_version=self.api_version).alive:
                alive.append(model)
            else:
                tried.append(model)
        if not alive:
            raise Misconfigured(
                f"no configured Gemini model is available: {tried}", other_model=False
            )
        return alive

    def _reference(
        self, client: genai.Client, video: VideoInfo, progress: ProgressFn
    ) -> files.VideoRef:
        s = self.settings
        if s.google_genai_use_vertexai:
            if not video.gcs_uri:
                raise PermanentError(
                    ErrorCode.ANALYSIS_FAILED, "Vertex AI needs the video's gs:// URI"
                )
            return files.VideoRef(video.gcs_uri, video.content_type)
        progress(Stage.UPLOADING_AI)
        file, how = None, "uploaded"
        try:
            if files.use_registration(s, video):
                with logs.timed("gemini_register", uri=video.gcs_uri):
                    file = self._quota_wait(
                        lambda: files.register(client, video, self._credentials)
                    )
                how = "registered"
            if file is None:
                with logs.timed("gemini_upload", size=video.size):
                    file = self._quota_wait(lambda: files.upload(client, video))
                how = "uploaded"
            ref = files.VideoRef(
                "", video.content_type, file, how, video.size if how == "uploaded" else 0
            )
            file = files.wait_until_active(client, file, s.gemini_timeout_sec)
            ref.file, ref.uri = file, file.uri or ""
            ref.mime_type = file.mime_type or video.content_type
            logs.info(f"video {how} for Gemini", stage="gemini_file", bytes_sent=ref.bytes_sent)
            return ref
        except errors.APIError as exc:
            if file is not None:
                files.delete(client, file)
            raise classify(exc, model="files", api_version=self.api_version, call="files") from exc
        except PermanentError:
            if file is not None:
                files.delete(client, file)
            raise

    def _ask(
        self,
        client: genai.Client,
        model: str,
        ref: files.VideoRef,
        video: VideoInfo,
        prompt: str,
        progress: ProgressFn,
        topic: str | None,
    ) -> tuple[GeminiAnswer, Usage, str | None]:
        s = self.settings
        chosen = plan(
            model,
            api_version=self.api_version,
            thinking_level=s.gemini_thinking_level,
            video_resolution=s.gemini_media_resolution,
            hook_resolution=s.gemini_hook_media_resolution,
        )
        for note in chosen.adjustments:
            logs.info(f"Gemini {model}: {note}", stage="gemini")
        parts = request.parts(
            chosen,
            file_uri=ref.uri,
            mime_type=ref.mime_type,
            prompt=prompt,
            duration_sec=video.duration_sec,
            fps=s.gemini_fps,
        )
        rough = rough_input_tokens(video.duration_sec, s.gemini_fps, prompt)
        try:
            return self._generate(client, chosen, parts, progress, topic, rough)
        except errors.APIError as exc:
            raise classify(
                exc, model=model, api_version=self.api_version, call="generateContent"
            ) from exc

    def _generate(
        self,
        client: genai.Client,
        chosen: Plan,
        parts: list[types.Part],
        progress: ProgressFn,
        topic: str | None,
        rough_input: int,
    ) -> tuple[GeminiAnswer, Usage, str | None]:
        config = request.config(chosen, topic, self.settings.gemini_max_output_tokens)
        contents = [types.Content(role="user", parts=parts)]
        usage = Usage(parts=part_tokens(client, chosen.model, parts))
        estimate = self.spend.estimate(usage.parts, rough_input)
        progress(Stage.AI_THINKING)
        for attempt in range(1, GENERATE_ATTEMPTS + 1):
            with logs.timed("gemini_generate", attempt=attempt, model=chosen.model):
                response = self._quota_wait(
                    lambda: self.spend.call(
                        estimate,
                        lambda: client.models.generate_content(
                            model=chosen.model, contents=contents, config=config
                        ),
                    )
                )
            usage = add_usage(usage, response.usage_metadata)
            served = status.served_by(response, chosen.model)
            try:
                text = answer_text(response)
                progress(Stage.WRITING)
                return parse_answer(text, topic), usage, served
            except PermanentError as exc:
                if exc.code is not ErrorCode.AI_BAD_ANSWER or attempt == GENERATE_ATTEMPTS:
                    raise
                logs.warning(f"Gemini answer unusable, asking again: {exc.detail[:300]}")
        raise AssertionError("unreachable")

    def _quota_wait(self, call: Callable[[], T]) -> T:
        """A 429 is retried after the delay its RetryInfo names, when that is short
        enough to wait here; otherwise it is left to Pub/Sub's redelivery."""
        for attempt in range(self.settings.gemini_retries + 1):
            try:
                return call()
            except errors.APIError as exc:
                delay = retry_delay(exc) if exc.code == 429 else None
                if exc.code != 429 or attempt == self.settings.gemini_retries:
                    raise
                wait = delay if delay is not None else self._retry_delay_sec * 2**attempt
                if wait > self.settings.gemini_quota_wait_sec:
                    raise
                logs.warning(f"Gemini quota: waiting {wait:g} s (RetryInfo)", stage="gemini")
                time.sleep(wait)
        raise AssertionError("unreachable")

    def _result(
        self,
        answer: GeminiAnswer,
        usage: Usage,
        model: str,
        served: str | None,
        tried: list[str],
        video: VideoInfo,
        language: str,
        measurements: Measurements | None,
    ) -> AnalysisResult:
        result = build_result(
            answer,
            usage=usage,
            model=model,
            versions={"google-genai": genai.__version__, **({"gemini": served} if served else {})},
            video=video,
            language=language,
            measured=measurements,
        )
        meta = result.meta.model_copy(update={"model_served": served, "models_tried": tried})
        return result.model_copy(update={"meta": meta})


def _timed_speech(measurements: Measurements | None) -> list[tuple[float, float, str]]:
    if measurements is None or measurements.transcript is None:
        return []
    return [(seg.start, seg.end, seg.text) for seg in measurements.transcript.segments]
