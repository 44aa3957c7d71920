"""The stand-in's own model registry and model families, written from Google's pages
as of December 2026 (independently of the code under test, which has its own table in
shared/analyzers/gemini/models.py: a stand-in that read the code's table would prove
nothing).

Sources (read with the project's search tool, 2026-12):
- ai.google.dev/gemini-api/docs/deprecations: gemini-3.8-flash (2026-09-02),
  -3.7-flash (2026-08-13), -3.6-flash and -3.5-flash-lite (2026-07-21), -3.5-flash
  (2026-05-19): no shutdown date; gemini-3.1-flash-lite: shutdown 2027-05-07;
  gemini-2.0-flash shut down 2026-06-01.
- "What to do before Gemini 2.5 Pro and 2.5 Flash are retired on December 1, 2026"
  (aideprecations, quoting the deprecations page): after 2026-12-01 requests to
  gemini-2.5-flash are routed to gemini-3.5-flash-lite, gemini-2.5-pro to
  gemini-3.8-flash, billed at the new model's rates; keys created since answer 404
  "This model models/... is no longer available to new users" (message shape quoted
  in public issues, e.g. sohzm/cheating-daddy#459, claude-mem#3278).
- Developer guides (docs.cloud.google.com/gemini-enterprise-agent-platform/models/
  guides/gemini-3-8-flash, -3-6-flash, -3-5-flash): thinking levels 3.8/3.7 Flash
  LOW, MEDIUM, HIGH (default MEDIUM); 3.6/3.5 Flash and 3.x Flash-Lite MINIMAL..HIGH;
  3.1 Pro LOW..HIGH. Regions: 3.x Flash global and the us/eu multi-regions, 3.1 Pro
  global only. Temperature/topK/topP custom values ignored on 3.x Flash, presence
  and frequency penalties an error.
- ai.google.dev/gemini-api/docs/media-resolution and the Gemini 3 Flash model page:
  Gemini 3 video 70 tokens a frame by default (LOW and MEDIUM alike), 280 at HIGH;
  per-part media resolution only on Gemini 3; audio 32 tokens a second at every
  resolution. Gemini 2.5: 258 a frame, 66 at LOW, global resolution only.
- Model pages (docs.cloud.google.com/.../models/gemini/3-flash, 2.5 Flash): "Maximum
  output tokens 65,536"; maxOutputTokens counts the thinking tokens too (a thinking
  model that thinks long ends in MAX_TOKENS with little or no text).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime


@dataclass(frozen=True)
class Family:
    name: str
    thinking: str  # "level" (thinkingLevel) or "budget" (thinkingBudget)
    levels: frozenset[str] = frozenset()
    per_part_resolution: bool = False
    frame_tokens: dict[str, int] = field(default_factory=dict)  # resolution -> tokens
    vertex_locations: frozenset[str] | None = None  # None: any region
    sampling_deprecated: bool = False  # temperature/topP/topK ignored (logged as deprecated)
    penalties_refused: bool = False  # presencePenalty/frequencyPenalty: 400
    max_output_tokens: int = 65_536  # maxOutputTokens in [1, this], thinking included

    def tokens_per_frame(self, resolution: str | None) -> int:
        short = (resolution or "").removeprefix("MEDIA_RESOLUTION_")
        return self.frame_tokens.get(short, self.frame_tokens["DEFAULT"])


GEMINI3_TOKENS = {"DEFAULT": 70, "UNSPECIFIED": 70, "LOW": 70, "MEDIUM": 70, "HIGH": 280}
ALL_LEVELS = frozenset({"MINIMAL", "LOW", "MEDIUM", "HIGH"})
GLOBAL_MULTI = frozenset({"global", "us", "eu"})

FLASH_LMH = Family(
    "gemini-3-flash-lmh",
    "level",
    frozenset({"LOW", "MEDIUM", "HIGH"}),
    per_part_resolution=True,
    frame_tokens=GEMINI3_TOKENS,
    vertex_locations=GLOBAL_MULTI,
    sampling_deprecated=True,
    penalties_refused=True,
)
FLASH = Family(
    "gemini-3-flash",
    "level",
    ALL_LEVELS,
    per_part_resolution=True,
    frame_tokens=GEMINI3_TOKENS,
    vertex_locations=GLOBAL_MULTI,
    sampling_deprecated=True,
    penalties_refused=True,
)
PRO = Family(
    "gemini-3-pro",
    "level",
    frozenset({"LOW", "MEDIUM", "HIGH"}),
    per_part_resolution=True,
    frame_tokens=GEMINI3_TOKENS,
    vertex_locations=frozenset({"global"}),
    sampling_deprecated=True,
)
GEMINI25 = Family(
    "gemini-2.5",
    "budget",
    frame_tokens={"DEFAULT": 258, "UNSPECIFIED": 258, "LOW": 66, "MEDIUM": 258, "HIGH": 258},
)


@dataclass(frozen=True)
class Model:
    id: str
    family: Family
    stage: str = "STABLE"  # modelStatus.modelStage: STABLE, PREVIEW, DEPRECATED, RETIRED
    retirement: datetime | None = None
    routed_to: str | None = None  # old keys: served by this model instead (retired ones)
    new_keys_refused: bool = False  # keys created after the deprecation: 404
    gone: bool = False  # shut down for everyone: 404


def _day(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


MODELS: dict[str, Model] = {
    m.id: m
    for m in (
        Model("gemini-3.8-flash", FLASH_LMH),
        Model("gemini-3.7-flash", FLASH_LMH),
        Model("gemini-3.6-flash", FLASH),
        Model("gemini-3.5-flash", FLASH),
        Model("gemini-3.5-flash-lite", FLASH),
        Model("gemini-3.1-flash-lite", FLASH, "DEPRECATED", _day("2027-05-07")),
        Model("gemini-3.1-pro-preview", PRO, "PREVIEW"),
        Model(
            "gemini-2.5-flash",
            GEMINI25,
            "RETIRED",
            _day("2026-12-01"),
            routed_to="gemini-3.5-flash-lite",
            new_keys_refused=True,
        ),
        Model(
            "gemini-2.5-pro",
            GEMINI25,
            "RETIRED",
            _day("2026-12-01"),
            routed_to="gemini-3.8-flash",
            new_keys_refused=True,
        ),
        Model("gemini-2.0-flash", GEMINI25, "RETIRED", _day("2026-06-01"), gone=True),
    )
}


def model_status(model: Model) -> dict[str, str]:
    """The response's `modelStatus` for a model that answers."""
    status = {"modelStage": model.stage}
    if model.retirement is not None:
        status["retirementTime"] = model.retirement.strftime("%Y-%m-%dT%H:%M:%SZ")
    if model.routed_to:
        day = model.retirement.date().isoformat() if model.retirement else "?"
        status["message"] = (
            f"{model.id} was shut down on {day}. This request was served by "
            f"{model.routed_to} and billed at its rates."
        )
    elif model.stage == "DEPRECATED" and model.retirement is not None:
        status["message"] = (
            f"{model.id} is deprecated and will be shut down on {model.retirement.date()}."
        )
    return status
