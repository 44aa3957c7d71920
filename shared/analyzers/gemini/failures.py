"""What an HTTP error of the Gemini API means for the job: the error is the retry policy.

    408, 5xx (after the client's retries), 429 (after RetryInfo's wait)  -> TransientError
    404 (model retired, unknown, not offered to this key), 403, 401,
    400 about our request (a field, a config, the model)                  -> Misconfigured
    a bad API key                                                         -> Misconfigured,
                                                                             no other model
    a file Gemini could not process (state FAILED)                        -> AI_REJECTED

A misconfiguration is ours, never the video's: the operator log names the model, the
API version and Google's message; the next fallback model is tried once; when none
works the orchestration gives the user the offline analysis with a note (never a
FAILURE, never a retry loop).
"""

from __future__ import annotations

import re
from typing import Any

from google.genai import errors

from shared.adapters import logs
from shared.core.errors import ErrorCode, JobError, PermanentError, TransientError

RETRIED_BY_CLIENT = [408, 500, 502, 503, 504]  # 429 waits for RetryInfo (engine.py)


class Misconfigured(PermanentError):
    """Our request or configuration was refused. `other_model` says whether another
    model could fare better (a retired model: yes; a bad API key: no)."""

    def __init__(self, detail: str, *, other_model: bool = True) -> None:
        super().__init__(ErrorCode.AI_MISCONFIGURED, detail)
        self.other_model = other_model


def classify(exc: errors.APIError, *, model: str, api_version: str, call: str) -> JobError:
    detail = f"Gemini {exc.code} {exc.status} on {call} ({model}, API {api_version}): {exc.message}"
    if exc.code == 429 or exc.code in RETRIED_BY_CLIENT:
        return TransientError(ErrorCode.AI_UNAVAILABLE, detail)
    bad_key = "api key" in (exc.message or "").lower() or _reason(exc) == "API_KEY_INVALID"
    if exc.code in (400, 401, 403, 404) or bad_key:
        logs.error(
            f"Gemini misconfigured: {detail}",
            stage="gemini",
            code=ErrorCode.AI_MISCONFIGURED,
            model=model,
            api_version=api_version,
            google_status=exc.status,
            google_message=exc.message,
        )
        return Misconfigured(detail, other_model=not bad_key and exc.code != 401)
    return PermanentError(ErrorCode.AI_REJECTED, detail)


def retry_delay(exc: errors.APIError) -> float | None:
    """RetryInfo's retryDelay of a 429, in seconds (None when the answer has none)."""
    for detail in _details(exc):
        if str(detail.get("@type", "")).endswith("google.rpc.RetryInfo"):
            found = re.fullmatch(r"([0-9.]+)s", str(detail.get("retryDelay", "")))
            if found:
                return float(found.group(1))
    return None


def _reason(exc: errors.APIError) -> str:
    for detail in _details(exc):
        if detail.get("reason"):
            return str(detail["reason"])
    return ""


def _details(exc: errors.APIError) -> list[dict[str, Any]]:
    body = exc.details if isinstance(exc.details, dict) else {}
    error = body.get("error") if isinstance(body.get("error"), dict) else body
    found = error.get("details") if isinstance(error, dict) else None
    return [d for d in found if isinstance(d, dict)] if isinstance(found, list) else []
