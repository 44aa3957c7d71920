"""What the stand-in answers: scripted replies and Google's error shapes.

Error bodies follow google.rpc.Status as the Gemini API sends them
(`{"error": {"code", "message", "status", "details"}}`); the messages are the ones
quoted in public reports where one was found (unknown and legacy models, unknown JSON
fields, a file not ACTIVE, insufficient scopes), otherwise written in the same style.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from typing import Any

STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    408: "DEADLINE_EXCEEDED",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    502: "UNAVAILABLE",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}


@dataclass
class Reply:
    """One HTTP answer. `delay_sec` sleeps before answering; `retry_sec` (429 only)
    makes the server refuse the route until that long has passed (RetryInfo)."""

    status: int = 200
    body: Any = field(default_factory=dict)  # JSON-able, or str sent as-is
    headers: dict[str, str] = field(default_factory=dict)
    delay_sec: float = 0.0
    retry_sec: float = 0.0


class Rejected(Exception):
    """A request the real API refuses: carries the reply and the reason for the log."""

    def __init__(self, reply: Reply, reason: str) -> None:
        super().__init__(reason)
        self.reply = reply
        self.reason = reason


def error_reply(
    code: int,
    message: str = "scripted error",
    delay_sec: float = 0.0,
    details: list[dict[str, Any]] | None = None,
) -> Reply:
    body: dict[str, Any] = {
        "error": {"code": code, "message": message, "status": STATUS_NAMES.get(code, "UNKNOWN")}
    }
    if details:
        body["error"]["details"] = details
    return Reply(status=code, body=body, delay_sec=delay_sec)


def reject(code: int, message: str, reason: str | None = None, **kw: Any) -> Rejected:
    return Rejected(error_reply(code, message, **kw), reason or message)


def quota_reply(retry_sec: float = 30.0) -> Reply:
    """429 RESOURCE_EXHAUSTED with Google's QuotaFailure and RetryInfo details."""
    reply = error_reply(
        429,
        "You exceeded your current quota, please check your plan and billing details.",
        details=[
            {
                "@type": "type.googleapis.com/google.rpc.QuotaFailure",
                "violations": [
                    {
                        "quotaMetric": "generativelanguage.googleapis.com/"
                        "generate_content_paid_tier_input_token_count",
                        "quotaId": "GenerateContentPaidTierInputTokensPerModelPerMinute",
                    }
                ],
            },
            {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": f"{retry_sec:g}s"},
        ],
    )
    reply.retry_sec = retry_sec
    return reply


def unknown_field(name: str, where: str) -> Rejected:
    """What the API answers to a field its version does not have."""
    return reject(
        400,
        f"Invalid JSON payload received. Unknown name \"{name}\" at '{where}': Cannot find field.",
        f"unknown field {name} at {where}",
        details=[
            {
                "@type": "type.googleapis.com/google.rpc.BadRequest",
                "fieldViolations": [
                    {
                        "field": where,
                        "description": f'Invalid JSON payload received. Unknown name "{name}" '
                        f"at '{where}': Cannot find field.",
                    }
                ],
            }
        ],
    )


# ---------------------------------------------------------------- answers


def sample_answer(rows: int = 3, duration_sec: float = 6.0) -> dict[str, Any]:
    """A valid answer: the AiAnswer shape plus the Gemini-only `language` and `hook`;
    keys and recommendations point at moments (`at`) as the prompt asks, or null
    when about the whole video."""
    step = duration_sec / rows
    fifth = duration_sec / 5
    script = [
        {
            "time": f"0:{round(i * step):02d}-0:{round((i + 1) * step):02d}",
            "start_sec": round(i * step, 2),
            "end_sec": round((i + 1) * step, 2),
            "visual": f"Кадр {i + 1}: крупный план, камера статична.",
            "text": "ПОДПИСКА" if i == 0 else "",
            "note": f"Закадровый голос, фраза {i + 1}.",
        }
        for i in range(rows)
    ]
    return {
        "original": {
            "transcription": "Hello and welcome. Subscribe for more.",
            "translation": "Привет и добро пожаловать. Подписывайтесь, чтобы увидеть больше.",
        },
        "keys": [
            {
                "title": f"Ключ {i}",
                "description": f"Почему работает: пример {i}.",
                "at": {"start_sec": round((i - 1) * fifth, 2), "end_sec": round(i * fifth, 2)}
                if i < 5
                else None,
            }
            for i in range(1, 6)
        ],
        "script": script,
        "recommendations": [
            {
                "category": "Хук",
                "text": "Начните с вопроса в первые 2 секунды.",
                "at": {"start_sec": 0.0, "end_sec": round(min(2.0, duration_sec), 2)},
            },
            {"category": "Звук", "text": "Поднимите громкость голоса до -14 LUFS.", "at": None},
        ],
        "language": "en",
        "hook": {
            "type": "question",
            "why": "Вопрос в первую секунду включает зрителя.",
            "strength": 8,
            "reasons": ["+3: вопрос в первых словах", "+2: текст в первом кадре"],
            "alternatives": [
                "Почему ваши ролики не досматривают?",
                "Знаете, что убивает охват?",
                "Хотите 2× больше просмотров?",
            ],
        },
    }


def usage(prompt: int = 1200, output: int = 800, thoughts: int = 300) -> dict[str, int]:
    return {
        "promptTokenCount": prompt,
        "candidatesTokenCount": output,
        "thoughtsTokenCount": thoughts,
        "totalTokenCount": prompt + output + thoughts,
    }


def answer_text(answer: dict[str, Any]) -> str:
    """The JSON text Gemini would write for an answer dict."""
    return json.dumps(answer, ensure_ascii=False)


def parts_reply(
    parts: list[dict[str, Any]],
    *,
    finish_reason: str = "STOP",
    usage_metadata: dict[str, int] | None = None,
) -> Reply:
    """A generateContent response whose candidate has these content parts. The server
    fills `modelVersion` and `modelStatus` from its registry unless the body has them."""
    return Reply(
        body={
            "candidates": [
                {
                    "content": {"role": "model", "parts": parts},
                    "finishReason": finish_reason,
                    "index": 0,
                }
            ],
            "usageMetadata": usage_metadata or usage(),
            "responseId": secrets.token_hex(8),
        }
    )


def text_reply(
    text: str, *, finish_reason: str = "STOP", usage_metadata: dict[str, int] | None = None
) -> Reply:
    """A generateContent response whose single candidate says `text`."""
    return parts_reply([{"text": text}], finish_reason=finish_reason, usage_metadata=usage_metadata)


def answer_reply(answer: dict[str, Any] | None = None, **kwargs: Any) -> Reply:
    return text_reply(answer_text(answer if answer is not None else sample_answer()), **kwargs)


def gemini3_reply(answer: dict[str, Any] | None = None, *, thought: str = "") -> Reply:
    """Gemini 3's shape: a thought summary part (when thoughts are included), then the
    JSON split over several text parts, the first with a thought signature."""
    text = answer_text(answer if answer is not None else sample_answer())
    third = len(text) // 3
    parts: list[dict[str, Any]] = []
    if thought:
        parts.append({"text": thought, "thought": True})
    parts += [
        {"text": text[:third], "thoughtSignature": "c2lnbmF0dXJl"},
        {"text": text[third : 2 * third]},
        {"text": text[2 * third :]},
    ]
    return parts_reply(parts)


def truncated_reply(answer: dict[str, Any] | None = None) -> Reply:
    """Output cut off by the token limit: half the JSON, finishReason MAX_TOKENS."""
    text = answer_text(answer if answer is not None else sample_answer())
    return text_reply(text[: len(text) // 2], finish_reason="MAX_TOKENS")


def malformed_reply() -> Reply:
    """Gemini 3's MALFORMED_RESPONSE: the model's output did not parse on its side."""
    return Reply(
        body={
            "candidates": [{"finishReason": "MALFORMED_RESPONSE", "index": 0}],
            "usageMetadata": usage(output=0, thoughts=120),
        }
    )


def blocked_reply(finish_reason: str = "SAFETY") -> Reply:
    """A candidate stopped by a filter: no content, only the reason."""
    return Reply(
        body={
            "candidates": [
                {
                    "finishReason": finish_reason,
                    "index": 0,
                    "safetyRatings": [
                        {"category": "HARM_CATEGORY_DANGEROUS_CONTENT", "probability": "HIGH"}
                    ],
                }
            ],
            "usageMetadata": usage(output=0, thoughts=0),
        }
    )


def prompt_blocked_reply(reason: str = "PROHIBITED_CONTENT") -> Reply:
    """The whole prompt blocked: no candidates, `promptFeedback.blockReason`."""
    return Reply(body={"promptFeedback": {"blockReason": reason}, "usageMetadata": usage(0, 0, 0)})


CHARS_PER_TOKEN = 4  # the stand-in's token: four characters of the answer


def cap_output(reply: Reply, limit: int) -> None:
    """An answer longer than maxOutputTokens (thinking counts first) stops there, as
    Google's does: the text cut, finishReason MAX_TOKENS, the usage what was made."""
    if reply.status != 200 or not isinstance(reply.body, dict):
        return
    usage = reply.body.get("usageMetadata") or {}
    output = int(usage.get("candidatesTokenCount") or 0)
    thoughts = int(usage.get("thoughtsTokenCount") or 0)
    if output + thoughts <= limit:
        return
    thoughts = min(thoughts, limit)
    output = limit - thoughts
    left = output * CHARS_PER_TOKEN
    for candidate in reply.body.get("candidates") or []:
        candidate["finishReason"] = "MAX_TOKENS"
        for part in (candidate.get("content") or {}).get("parts") or []:
            if isinstance(part.get("text"), str) and not part.get("thought"):
                part["text"], left = part["text"][:left], max(0, left - len(part["text"]))
    prompt = int(usage.get("promptTokenCount") or 0)
    reply.body["usageMetadata"] = {
        **usage,
        "candidatesTokenCount": output,
        "thoughtsTokenCount": thoughts,
        "totalTokenCount": prompt + output + thoughts,
    }
