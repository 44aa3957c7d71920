"""The analysis result: defined once, here, as Pydantic models.

`AnalysisResult` is what a job stores and `status` returns. `AiAnswer` is the
part Gemini writes (everything but `meta`); `inline_json_schema` turns it into
the `$ref`-free, `anyOf`-free schema that Gemini's `response_schema` accepts.
"""

from __future__ import annotations

import copy
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

KEYS_COUNT = 5


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Original(_Model):
    transcription: str = Field(description="Full transcription of the speech, in its language.")
    translation: str | None = Field(
        description="Translation of the transcription into the output language."
    )


class Key(_Model):
    title: str = Field(description="Short name of the reason the video works.")
    description: str = Field(description="Why it works, citing what is seen or heard.")


class ScriptRow(_Model):
    time: str = Field(description='Time range of the shot, like "0:00-0:03".')
    start_sec: float | None = Field(None, ge=0, description="Shot start, seconds.")
    end_sec: float | None = Field(None, ge=0, description="Shot end, seconds.")
    visual: str = Field(description="What is in the frame and how it is filmed.")
    text: str = Field(description="On-screen text (captions, titles); empty if none.")
    note: str = Field(description="Voice-over, sound, or a filming note.")


class Recommendation(_Model):
    category: str = Field(description="Category, e.g. Хук, Монтаж, Звук, Текст.")
    text: str = Field(description="A practical, concrete piece of advice.")


class AiAnswer(_Model):
    """What the AI writes: the seed's JSON shape."""

    original: Original
    keys: list[Key] = Field(min_length=1, max_length=KEYS_COUNT)
    script: list[ScriptRow] = Field(min_length=1)
    recommendations: list[Recommendation] = Field(min_length=1)


class Usage(_Model):
    prompt_tokens: int | None = None
    output_tokens: int | None = None
    thinking_tokens: int | None = None
    total_tokens: int | None = None


class Meta(_Model):
    engine: Literal["gemini", "offline"]
    model: str | None = None
    versions: dict[str, str] = Field(default_factory=dict)
    duration_sec: float | None = None
    language: str | None = Field(None, description="Detected language of the speech.")
    output_language: str = "ru"
    translation_note: str | None = None
    usage: Usage | None = None
    aligned_to_cuts: bool = False
    measurements: dict[str, Any] | None = None


class AnalysisResult(AiAnswer):
    """A finished analysis, as stored in the job and returned by `status`."""

    keys: list[Key] = Field(max_length=KEYS_COUNT)
    script: list[ScriptRow]
    recommendations: list[Recommendation]
    meta: Meta


def format_timecode(seconds: float) -> str:
    """Seconds as M:SS, or M:SS.s when not a whole second (cuts rarely are)."""
    tenths = max(0, round(seconds * 10))
    minutes, rest = divmod(tenths, 600)
    whole, tenth = divmod(rest, 10)
    return f"{minutes}:{whole:02d}" + (f".{tenth}" if tenth else "")


def format_range(start: float, end: float) -> str:
    return f"{format_timecode(start)}-{format_timecode(end)}"


_DROP = {"title", "default", "examples"}


def inline_json_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON schema with every `$ref` inlined and `anyOf: [X, null]`
    turned into `X` + `nullable: true` (what Gemini's response_schema takes)."""
    raw = model.model_json_schema()
    defs = raw.pop("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, list):
            return [walk(n) for n in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            target = copy.deepcopy(defs[node["$ref"].rsplit("/", 1)[-1]])
            extra = {k: v for k, v in node.items() if k != "$ref"}
            return walk({**target, **extra})
        if "anyOf" in node:
            options = [o for o in node["anyOf"] if o.get("type") != "null"]
            nullable = len(options) != len(node["anyOf"])
            if len(options) != 1:
                raise ValueError(f"cannot inline a union of {len(options)} types")
            merged = {**{k: v for k, v in node.items() if k != "anyOf"}, **options[0]}
            inlined: dict[str, Any] = walk(merged)
            if nullable:
                inlined["nullable"] = True
            return inlined
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in _DROP:
                continue
            if key == "properties":
                out[key] = {name: walk(sub) for name, sub in value.items()}
            else:
                out[key] = walk(value)
        if out.get("type") == "object" and "properties" in out:
            out["propertyOrdering"] = list(out["properties"])
        return out

    schema: dict[str, Any] = walk(raw)
    return schema
