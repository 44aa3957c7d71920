"""Which Gemini models we use, and per model family what a request may carry.

The default model and the fallbacks are settings (`GEMINI_MODEL`,
`GEMINI_FALLBACK_MODELS`; Terraform, `.env.example` and the README say the same, a
test checks it). A family says what may be sent: the thinking field and its levels,
whether a part may carry its own media resolution, where Vertex AI serves it. A model
id no family knows gets nothing optional: no thinking config, no media resolution.

What the table says, and where it was read (Google's pages, December 2026, through the
project's search tool):

- Models and dates: ai.google.dev/gemini-api/docs/deprecations. GA Flash models with no
  shutdown date: gemini-3.8-flash (2026-09-02), -3.7-flash (2026-08-13), -3.6-flash and
  -3.5-flash-lite (2026-07-21), -3.5-flash (2026-05-19); gemini-3.1-flash-lite shuts
  down 2027-05-07; gemini-2.5-flash and -2.5-pro shut down 2026-12-01 (requests routed
  to 3.5 Flash-Lite / 3.8 Flash at their prices, or 404 for newer keys).
- Thinking: Gemini 3 takes `thinking_level`, never together with `thinking_budget`
  (ai.google.dev/gemini-api/docs/thinking). Levels from the developer guides
  (docs.cloud.google.com/gemini-enterprise-agent-platform/models/guides/gemini-3-8-flash,
  -3-6-flash, -3-5-flash): 3.8 and 3.7 Flash LOW/MEDIUM/HIGH (no MINIMAL), 3.6 and 3.5
  Flash and the Flash-Lites MINIMAL..HIGH, 3.1 Pro LOW..HIGH. Sampling parameters are
  ignored on 3.x Flash (we send none).
- Media resolution (ai.google.dev/gemini-api/docs/media-resolution, v1beta): per part
  on Gemini 3 only; Gemini 3 video is 70 tokens a frame by default, LOW and MEDIUM
  alike, 280 at HIGH; Gemini 2.5 258 a frame (66 at LOW), global setting only; audio
  32 tokens a second at every resolution.
- Vertex AI (Gemini Enterprise Agent Platform): Gemini 3 Flash models on `global` and
  the `us`/`eu` multi-regions, 3.1 Pro on `global` only (the same guides).

Chosen: gemini-3.8-flash, the newest GA Flash (its guide names video understanding
among its strengths; $0.75/$3.75 per million input/output tokens until 2026-12-31,
$1.50/$7.50 after, ai.google.dev/gemini-api/docs/pricing); then gemini-3.7-flash (same
family and parameters, cheaper in tokens); then gemini-3.5-flash-lite (another
generation and family, $0.30/$2.50), so one model's outage or retirement leaves two.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

DEFAULT_MODEL = "gemini-3.8-flash"
DEFAULT_FALLBACKS = ("gemini-3.7-flash", "gemini-3.5-flash-lite")
LEVELS = ("minimal", "low", "medium", "high")  # weakest first


@dataclass(frozen=True)
class Family:
    name: str
    pattern: str  # a regular expression over model ids
    thinking: str | None = None  # "level" (thinking_level) or None: send none
    levels: tuple[str, ...] = ()
    per_part_resolution: bool = False
    global_resolution: bool = False  # generationConfig.mediaResolution (all media)
    vertex_locations: frozenset[str] | None = None  # None: not known, any
    frame_tokens: dict[str, int] = field(default_factory=dict)  # resolution -> tokens

    def matches(self, model: str) -> bool:
        return re.fullmatch(self.pattern, model) is not None

    def tokens_per_frame(self, resolution: str | None) -> int:
        return self.frame_tokens.get(resolution or "default", self.frame_tokens.get("default", 0))


_GEMINI3_FRAMES = {"default": 70, "low": 70, "medium": 70, "high": 280}
_GLOBAL_MULTI = frozenset({"global", "us", "eu"})

FAMILIES: tuple[Family, ...] = (
    Family(
        "gemini-3-flash (3.7, 3.8)",
        r"gemini-3\.[78]-flash",
        thinking="level",
        levels=("low", "medium", "high"),
        per_part_resolution=True,
        vertex_locations=_GLOBAL_MULTI,
        frame_tokens=_GEMINI3_FRAMES,
    ),
    Family(
        "gemini-3-flash (3.5, 3.6, Flash-Lite)",
        r"gemini-3\.[0-9]+-flash(-lite)?",
        thinking="level",
        levels=LEVELS,
        per_part_resolution=True,
        vertex_locations=_GLOBAL_MULTI,
        frame_tokens=_GEMINI3_FRAMES,
    ),
    Family(
        "gemini-3-pro",
        r"gemini-3(\.[0-9]+)?-pro(-preview)?",
        thinking="level",
        levels=("low", "medium", "high"),
        per_part_resolution=True,
        vertex_locations=frozenset({"global"}),
        frame_tokens=_GEMINI3_FRAMES,
    ),
    Family(
        "gemini-2.5 (retired 2026-12-01)",
        r"gemini-2\.5-(flash|pro|flash-lite)",
        global_resolution=True,
        frame_tokens={"default": 258, "low": 66, "medium": 258, "high": 258},
    ),
)
UNKNOWN = Family("unknown", r"")


def family_of(model: str) -> Family:
    return next((f for f in FAMILIES if f.matches(model)), UNKNOWN)


def nearest_level(family: Family, wanted: str | None) -> str | None:
    """The level to send: the wanted one, or the weakest supported level above it
    (3.7/3.8 Flash refuse MINIMAL: LOW); None when the family takes no level."""
    if wanted is None or family.thinking != "level" or not family.levels:
        return None
    if wanted in family.levels:
        return wanted
    stronger = LEVELS[LEVELS.index(wanted) :]
    return next((level for level in stronger if level in family.levels), family.levels[-1])


@dataclass(frozen=True)
class Plan:
    """What one request to one model carries (read by `request.py`)."""

    model: str
    family: Family
    thinking_level: str | None  # "low" ... or None
    video_resolution: str | None  # per part, for the whole-video part
    hook_resolution: str | None  # per part, for the first seconds
    global_resolution: str | None  # generationConfig.mediaResolution
    clips: bool  # videoMetadata (fps, offsets) may be sent: the hook part exists
    adjustments: tuple[str, ...] = ()  # what differs from the settings, for the log


def plan(
    model: str,
    *,
    api_version: str,
    thinking_level: str | None,
    video_resolution: str | None,
    hook_resolution: str | None,
) -> Plan:
    """The request for `model` from the settings and the family table."""
    family = family_of(model)
    notes: list[str] = []
    level = nearest_level(family, thinking_level)
    if thinking_level and level != thinking_level:
        notes.append(f"thinking level {thinking_level} -> {level or 'model default'}")
    # videoMetadata and a part's mediaResolution are v1beta fields (gate: the API answers
    # 400 "Unknown name" on v1).
    clips = api_version != "v1"
    per_part = family.per_part_resolution and clips
    video = video_resolution if per_part else None
    hook = hook_resolution if per_part else None
    global_ = video_resolution if family.global_resolution and not per_part else None
    if video_resolution and not (video or global_):
        notes.append(f"media resolution {video_resolution} not sent ({family.name})")
    if not clips:
        notes.append(f"API {api_version}: no video clips, no hook part")
    return Plan(model, family, level, video, hook, global_, clips, tuple(notes))
