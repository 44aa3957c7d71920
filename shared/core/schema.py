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
HOOK_WINDOW_SEC = 3.0  # "the first seconds": what the hook breakdown looks at
ALTERNATIVES_COUNT = 3

# The hook taxonomy (README, "Reel anatomy"): what the first seconds promise.
HOOK_TYPES: dict[str, str] = {
    "question": "Вопрос зрителю",
    "bold_claim": "Смелое утверждение",
    "result_first": "Сначала результат",
    "direct_address": "Прямое обращение («стоп, смотри»)",
    "list_promise": "Обещание списка («3 способа»)",
    "curiosity_gap": "Интрига (недосказанность)",
    "pattern_interrupt": "Резкое начало (ломает ожидание)",
    "story_opening": "Начало истории",
    "tutorial_promise": "Обещание научить",
    "urgency": "Срочность («осталось 8 минут»)",
    "text_hook": "Заголовок на экране",
    "no_hook": "Хука нет",
}
HookType = Literal[
    "question",
    "bold_claim",
    "result_first",
    "direct_address",
    "list_promise",
    "curiosity_gap",
    "pattern_interrupt",
    "story_opening",
    "tutorial_promise",
    "urgency",
    "text_hook",
    "no_hook",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Original(_Model):
    transcription: str = Field(description="Full transcription of the speech, in its language.")
    translation: str | None = Field(
        description="Translation of the transcription into the output language."
    )


class Moment(_Model):
    """Where in the video a claim is seen or heard."""

    start_sec: float = Field(ge=0, description="Start, seconds.")
    end_sec: float = Field(ge=0, description="End, seconds.")


class Key(_Model):
    title: str = Field(description="Short name of the reason the video works.")
    description: str = Field(description="Why it works, citing what is seen or heard.")
    at: Moment | None = Field(
        None, description="The moment it refers to; null if about the whole video."
    )


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
    at: Moment | None = Field(None, description="The moment it is about, if one.")


class HookJudgement(_Model):
    """What the hook is and how strong: Gemini's answer, or the offline rules'."""

    type: HookType = Field(description="The hook type, from the fixed taxonomy.")
    why: str = Field(description="Why it works or what weakens it, citing the first seconds.")
    strength: int = Field(ge=1, le=10, description="Hook strength, 1 (none) to 10.")
    reasons: list[str] = Field(description="What raised or lowered the strength.")
    alternatives: list[str] = Field(
        default_factory=list,
        description="Alternative opening lines of the same type, in the output language.",
    )


class HookMeasured(_Model):
    """The first HOOK_WINDOW_SEC seconds as measured (both analyzers)."""

    first_word_sec: float | None = None
    words: str = ""  # said in the window, verbatim
    on_screen_text: str = ""  # shown in the window
    first_text_sec: float | None = None  # when the first on-screen text appears
    first_cut_sec: float | None = None
    motion_first_sec: float | None = None  # mean frame change in the first second, 0..1
    camera_first: str | None = None  # the first shot's camera move (CAMERA_MOVES)
    loudness_start_lufs: float | None = None  # the window
    loudness_rest_lufs: float | None = None  # after it


class Hook(HookJudgement):
    type_label: str = ""  # the type in Russian (HOOK_TYPES)
    window_sec: float = HOOK_WINDOW_SEC
    measured: HookMeasured = Field(default_factory=HookMeasured)


class Span(_Model):
    start_sec: float
    end_sec: float


class TextSpan(Span):
    text: str


class Timeline(_Model):
    """The pacing at a glance: what happens when (drawn as one chart on the page)."""

    duration_sec: float
    shots: list[Span] = Field(default_factory=list)
    speech: list[Span] = Field(default_factory=list)
    text: list[TextSpan] = Field(default_factory=list)
    loudness_step_sec: float = 0.5
    loudness: list[float | None] = Field(default_factory=list)  # LUFS (momentary), per step
    hook: Span = Field(default_factory=lambda: Span(start_sec=0.0, end_sec=HOOK_WINDOW_SEC))
    # The music (shared/core/music.py); empty in results written before it was measured.
    music: list[Span] = Field(default_factory=list)  # where music plays without a voice
    beats: list[float] = Field(default_factory=list)  # seconds
    tempo_bpm: float | None = None
    cuts_on_beat: int = 0  # cuts within 80 ms of a beat ...
    cuts_in_music: int = 0  # ... of the cuts made while the beat goes on


class Frame(_Model):
    """A storyboard frame: one per script row, stored in the bucket (name only here;
    `status` answers a short-lived signed URL)."""

    row: int = Field(ge=0)
    time_sec: float = Field(ge=0)
    object: str


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
    # Input tokens of each part of the request (Gemini's countTokens): the whole
    # video, the closer look at the hook, the prompt.
    parts: dict[str, int] = Field(default_factory=dict)


class NoticeItem(_Model):
    """A line the reader sees above the result (shared.core.messages.NOTICES)."""

    code: str
    message: str


class Meta(_Model):
    engine: Literal["gemini", "offline"]
    model: str | None = None  # the model asked (Gemini): the configured one or a fallback
    model_served: str | None = None  # the model that answered (the response's modelVersion)
    models_tried: list[str] = Field(default_factory=list)  # misconfigured before `model`
    versions: dict[str, str] = Field(default_factory=dict)
    duration_sec: float | None = None
    language: str | None = Field(None, description="Detected language of the speech.")
    output_language: str = "ru"
    translation_note: str | None = None
    usage: Usage | None = None
    aligned_to_cuts: bool = False
    measurements: dict[str, Any] | None = None
    notices: list[NoticeItem] = Field(default_factory=list)


class AnalysisResult(AiAnswer):
    """A finished analysis, as stored in the job and returned by `status`.

    The seed's four sections are unchanged; the anatomy (hook, timeline, storyboard,
    adapted script) is optional, so results stored before it still read."""

    keys: list[Key] = Field(max_length=KEYS_COUNT)
    script: list[ScriptRow]
    recommendations: list[Recommendation]
    meta: Meta
    hook: Hook | None = None
    timeline: Timeline | None = None
    storyboard: list[Frame] = Field(default_factory=list)
    adapted_script: list[ScriptRow] | None = None
    adapted_note: str | None = None  # why there is none (e.g. it needs Gemini)


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
