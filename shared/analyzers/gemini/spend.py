"""Every generateContent call against the service's daily token budget
(`shared.core.budget`, `shared.core.ports.TokenBudget`):

    estimate = the request's input tokens (countTokens of each part, `part_tokens`;
               a rough count, on the high side, if that failed)
             + GEMINI_MAX_OUTPUT_TOKENS (sent as maxOutputTokens: thinking included)
    reserve(estimate) refused?  -> no call: PermanentError(ai_budget_spent), which the
                                   orchestration turns into the offline result + notice
    the call answers            -> settle(usageMetadata.totalTokenCount), whatever the
                                   answer (truncated, blocked, unusable: all billed)
    an HTTP error answer        -> settle(0): nothing was generated
    no answer (timeout, network)-> settle(estimate): it may have been generated

Each attempt reserves on its own: every model tried, every answer asked again, every
429 waited out.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Callable

from google import genai
from google.genai import errors, types

from shared.adapters import logs
from shared.analyzers.gemini import request
from shared.core.errors import ErrorCode, PermanentError
from shared.core.ports import TokenBudget
from shared.core.schema import HOOK_WINDOW_SEC
from shared.core.settings import Settings

# A rough input count for when countTokens failed, on the high side: every frame at
# HIGH resolution (280 tokens on Gemini 3), audio at 32 tokens a second, the hook
# clip at 5 frames a second, a prompt token per two characters.
ROUGH_FRAME_TOKENS = 280
ROUGH_AUDIO_TOKENS_PER_SEC = 32
ROUGH_HOOK_FPS = 5.0
BACKOFF_ALLOWANCE_SEC = 30  # the client's longest wait between its own retries
# Counting tokens costs nothing: one try each, never a backoff before the analysis.
COUNT_CONFIG = types.CountTokensConfig(
    http_options=types.HttpOptions(timeout=10_000, retry_options=types.HttpRetryOptions(attempts=1))
)


def part_tokens(client: genai.Client, model: str, parts: list[types.Part]) -> dict[str, int]:
    """Input tokens of each part (the estimate, and the bill per part); {} when not counted."""
    counted: dict[str, int] = {}
    for name, part in zip(request.part_names(len(parts)), parts, strict=True):
        try:
            answer = client.models.count_tokens(
                model=model,
                contents=[types.Content(role="user", parts=[part])],
                config=COUNT_CONFIG,
            )
        except Exception as exc:  # the rough count stands in
            logs.warning(f"tokens of the {name} part not counted: {exc!r}")
            return {}
        counted[name] = int(answer.total_tokens or 0)
    return counted


def rough_input_tokens(duration_sec: float, fps: float | None, prompt: str) -> int:
    """The input of one request when countTokens could not say, on the high side."""
    seconds = math.ceil(max(duration_sec, 1.0))
    video = seconds * ((fps or 1.0) * ROUGH_FRAME_TOKENS + ROUGH_AUDIO_TOKENS_PER_SEC)
    hook = HOOK_WINDOW_SEC * (ROUGH_HOOK_FPS * ROUGH_FRAME_TOKENS + ROUGH_AUDIO_TOKENS_PER_SEC)
    return math.ceil(video + hook) + len(prompt) // 2


class Spend:
    """One analyzer's calls against `budget` (None: not counted: devstack/smoke_gemini.py,
    a developer's own key; the functions always pass one, shared.orchestration.wiring)."""

    def __init__(self, settings: Settings, budget: TokenBudget | None) -> None:
        self.budget = budget
        self.max_output_tokens = settings.gemini_max_output_tokens
        # A call may take the client's every attempt and its waits; then it lapses.
        attempts = settings.gemini_retries + 1
        self.lapse_sec = float((settings.gemini_timeout_sec + BACKOFF_ALLOWANCE_SEC) * attempts)

    def estimate(self, counted: dict[str, int], rough_input: int) -> int:
        """What one call may cost at most: its input tokens plus maxOutputTokens."""
        found = sum(counted.values()) if counted else rough_input
        return found + self.max_output_tokens

    def call(
        self, estimate: int, generate: Callable[[], types.GenerateContentResponse]
    ) -> types.GenerateContentResponse:
        if self.budget is None:
            return generate()
        call_id = secrets.token_hex(12)
        if not self.budget.reserve(call_id, estimate, self.lapse_sec):
            raise PermanentError(
                ErrorCode.AI_BUDGET_SPENT,
                f"the call's estimate of {estimate} tokens would pass QUOTA_SERVICE_TOKENS",
            )
        used = estimate  # no answer came (timeout, network): it may have been generated
        try:
            response = generate()
            used = _total(response, estimate)
            return response
        except errors.APIError:  # Google answered with an error: nothing generated
            used = 0
            raise
        finally:
            self.budget.settle(call_id, used)


def _total(response: types.GenerateContentResponse, estimate: int) -> int:
    """Google's count of the call; the estimate when an answer has none."""
    usage = response.usage_metadata
    if usage is None or usage.total_token_count is None:
        return estimate
    return int(usage.total_token_count)
