"""What Gemini answers: the schema it is asked for, the finish reason, the JSON.

The answer's model is `GeminiAnswer`: the result schema's `AiAnswer` plus the
detected speech language. The `response_schema` is derived from it, field order
included, so a new result field reaches Gemini without being listed anywhere.
"""

from __future__ import annotations

import json
import re
from typing import Any

from google.genai import types
from pydantic import Field, ValidationError

from shared.core.errors import ErrorCode, PermanentError
from shared.core.schema import (
    ALTERNATIVES_COUNT,
    KEYS_COUNT,
    AiAnswer,
    HookJudgement,
    ScriptRow,
    Usage,
    inline_json_schema,
)

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


class GeminiAnswer(AiAnswer):
    """What Gemini writes: the AiAnswer plus the detected speech language and its
    judgement of the hook (the measured half of the hook comes from measurements)."""

    language: str = Field(
        "", description='ISO 639-1 code of the speech language, lower case; "" if no speech.'
    )
    hook: HookJudgement = Field(description="The hook of the first seconds.")


class GeminiAnswerForTopic(GeminiAnswer):
    """With the user's topic: also a script for their own video."""

    adapted_script: list[ScriptRow] = Field(
        min_length=1, description="The same shots and timing, rewritten for the user's topic."
    )


def answer_model(topic: str | None) -> type[GeminiAnswer]:
    return GeminiAnswerForTopic if topic else GeminiAnswer


def response_schema(topic: str | None = None) -> dict[str, Any]:
    """The schema sent as `response_schema`: the answer model's, `$ref`/`anyOf`-free,
    field order from the model, every field required (a nullable one, like a key's
    `at`, then comes as null), exactly KEYS_COUNT keys and ALTERNATIVES_COUNT
    alternative openings (parsing is more lenient, see `parse_answer`)."""
    schema = inline_json_schema(answer_model(topic))
    properties = schema["properties"]
    schema["required"] = list(properties)
    keys = properties["keys"]
    keys["minItems"] = keys["maxItems"] = KEYS_COUNT
    lists = ("keys", "script", "recommendations", "adapted_script")
    for name in (n for n in lists if n in properties):
        item = properties[name]["items"]
        item["required"] = list(item["properties"])
    hook = properties["hook"]
    hook["required"] = list(hook["properties"])
    alternatives = hook["properties"]["alternatives"]
    alternatives["minItems"] = alternatives["maxItems"] = ALTERNATIVES_COUNT
    return schema


def answer_text(response: types.GenerateContentResponse) -> str:
    """The answer's text, or the PermanentError its finish reason calls for."""
    feedback = response.prompt_feedback
    if feedback is not None and feedback.block_reason not in (
        None,
        types.BlockedReason.BLOCKED_REASON_UNSPECIFIED,
    ):
        raise PermanentError(ErrorCode.AI_BLOCKED, f"prompt blocked: {feedback.block_reason}")
    if not response.candidates:
        raise PermanentError(ErrorCode.AI_BAD_ANSWER, "no candidates in the response")
    reason = response.candidates[0].finish_reason
    reason_name = reason.value if reason is not None else "STOP"
    if reason_name in BLOCKED_FINISH_REASONS:
        raise PermanentError(ErrorCode.AI_BLOCKED, f"finish reason {reason_name}")
    if reason_name == "MAX_TOKENS":
        raise PermanentError(ErrorCode.AI_TRUNCATED, "finish reason MAX_TOKENS")
    if reason_name not in ("STOP", "FINISH_REASON_UNSPECIFIED"):
        raise PermanentError(ErrorCode.AI_BAD_ANSWER, f"finish reason {reason_name}")
    text = response.text
    if not text:
        raise PermanentError(ErrorCode.AI_BAD_ANSWER, "empty answer")
    return text


_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL)


def parse_answer(text: str, topic: str | None = None) -> GeminiAnswer:
    """Parse and validate; extra keys beyond KEYS_COUNT are dropped (they come
    strongest first), anything else off-schema is PermanentError(ErrorCode.AI_BAD_ANSWER)."""
    fenced = _FENCE.match(text)
    if fenced:  # not expected with a response_schema, but harmless to accept
        text = fenced.group(1)
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise PermanentError(ErrorCode.AI_BAD_ANSWER, f"invalid JSON: {exc}") from exc
    if isinstance(data, dict) and isinstance(data.get("keys"), list):
        data["keys"] = data["keys"][:KEYS_COUNT]
    try:
        answer = answer_model(topic).model_validate(data)
    except ValidationError as exc:
        raise PermanentError(ErrorCode.AI_BAD_ANSWER, f"schema mismatch: {exc}") from exc
    if len(answer.hook.alternatives) != ALTERNATIVES_COUNT:
        raise PermanentError(ErrorCode.AI_BAD_ANSWER, "hook: not three alternative openings")
    return answer


def add_usage(total: Usage, metadata: types.GenerateContentResponseUsageMetadata | None) -> Usage:
    """`total` plus one response's token counts."""
    if metadata is None:
        return total

    def add(a: int | None, b: int | None) -> int | None:
        return a if b is None else (a or 0) + b

    return Usage(
        parts=dict(total.parts),
        prompt_tokens=add(total.prompt_tokens, metadata.prompt_token_count),
        output_tokens=add(total.output_tokens, metadata.candidates_token_count),
        thinking_tokens=add(total.thinking_tokens, metadata.thoughts_token_count),
        total_tokens=add(total.total_tokens, metadata.total_token_count),
    )
