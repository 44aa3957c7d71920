"""Knowing the model is alive: `models.get` once per instance (cached an hour), and
what each answer says about the model that served it.

- A model `models.get` answers 404 (retired, unknown, not offered to this key) or 403
  for is skipped before any video is sent; the operator log says why.
- An answer whose `modelStatus` is not STABLE (LEGACY, DEPRECATED, RETIRED, or a
  retirement time) or whose `modelVersion` is another model (a retired id routed to its
  replacement, at the replacement's price) is logged as a warning with the date;
  `meta.model_served` records who answered.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from google import genai
from google.genai import errors, types

from shared.adapters import logs
from shared.core.errors import ErrorCode

CHECK_TTL_SEC = 3600.0
GET_CONFIG = types.GetModelConfig(
    http_options=types.HttpOptions(timeout=10_000, retry_options=types.HttpRetryOptions(attempts=1))
)


@dataclass(frozen=True)
class ModelCheck:
    model: str
    alive: bool
    detail: str = ""  # Google's message when not alive, or why it was not checked


_checks: dict[tuple[str, str], tuple[float, ModelCheck]] = {}
_lock = threading.Lock()


def check_model(
    client: genai.Client, model: str, *, scope: str, api_version: str = ""
) -> ModelCheck:
    """`models.get`, cached per (endpoint and key scope, model) for CHECK_TTL_SEC. Only a
    404 or 403 marks a model dead: a network failure or a 5xx is no verdict."""
    key = (scope, model)
    with _lock:
        cached = _checks.get(key)
        if cached and time.monotonic() - cached[0] < CHECK_TTL_SEC:
            return cached[1]
    try:
        client.models.get(model=model, config=GET_CONFIG)
        check = ModelCheck(model, True)
    except errors.APIError as exc:
        if exc.code in (403, 404):
            check = ModelCheck(model, False, f"{exc.code} {exc.status}: {exc.message}")
            logs.error(
                f"Gemini model {model} unavailable (API {api_version or '?'}): {check.detail}",
                stage="gemini",
                code=ErrorCode.AI_MISCONFIGURED,
                model=model,
                api_version=api_version,
            )
        else:
            return ModelCheck(model, True, f"not checked: {exc.code} {exc.status}")
    except Exception as exc:  # the network: no verdict, try the model
        return ModelCheck(model, True, f"not checked: {exc!r}")
    with _lock:
        _checks[key] = (time.monotonic(), check)
    return check


def forget_checks() -> None:
    """Drop the cache (tests; an operator's doctor run)."""
    with _lock:
        _checks.clear()


def served_by(response: types.GenerateContentResponse, model: str) -> str | None:
    """The model that answered; warns when it is not the one asked for, or when the
    answer says the model is on its way out."""
    served = response.model_version
    if served and not _same_model(served, model):
        logs.warning(
            f"Gemini {model} was served by {served} (another model, at its price)",
            stage="gemini",
            model=model,
            model_served=served,
        )
    status = response.model_status
    stage = status.model_stage.value if status and status.model_stage else None
    if status is not None and (stage not in (None, "STABLE", "PREVIEW") or status.retirement_time):
        when = status.retirement_time.date().isoformat() if status.retirement_time else "no date"
        logs.warning(
            f"Gemini model {model} is {stage or 'retiring'} (retirement: {when}): "
            f"{status.message or ''}".strip(),
            stage="gemini",
            model=model,
            model_stage=stage,
            retirement=when,
        )
    return served


def _same_model(served: str, model: str) -> bool:
    """ "gemini-3.8-flash-001" or "models/gemini-3.8-flash" answer for "gemini-3.8-flash"."""
    name = served.removeprefix("models/")
    return name == model or name.startswith(model + "-")
