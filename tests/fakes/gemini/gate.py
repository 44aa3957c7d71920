"""What the stand-in accepts in a generateContent or countTokens body, as strictly as
Google documents it (December 2026):

- **Fields per API version.** google-genai 3.x talks to `v1` by default
  (`GOOGLE_AI_API_DEFAULT_VERSION = 'v1'` in its _api_client.py); a part's
  `videoMetadata` and per-part `mediaResolution` are documented on `v1beta` (the media
  resolution page: "The media_resolution parameter for parts is available in the v1beta
  API version"; video understanding's clipping/fps examples use v1beta). A field a
  version does not have is a 400 "Unknown name". Proto JSON takes lowerCamel and the
  original snake_case names alike (the SDK writes `file_uri`, `start_offset`).
- **Config per model family** (catalog.Family): `thinkingLevel` on Gemini 3 only, and
  only its levels (3.7/3.8 Flash refuse MINIMAL); both thinking fields together: 400;
  `thinkingBudget` on Gemini 3 and sampling parameters: deprecated (logged);
  per-part resolution on Gemini 3 only; ULTRA_HIGH is for images only.
- **maxOutputTokens** in [1, the family's output limit] (65,536), else a 400.
- **Video clips**: offsets inside the video, start before end, fps in (0, 24].
- The last content must be the user's (Gemini 3 refuses a trailing model turn).
"""

from __future__ import annotations

from typing import Any

from tests.fakes.gemini.catalog import Family
from tests.fakes.gemini.wire import reject, unknown_field


def _names(*names: str) -> set[str]:
    """Each lowerCamel name and its snake_case twin."""
    out = set(names)
    for name in names:
        out.add("".join(f"_{c.lower()}" if c.isupper() else c for c in name))
    return out


TOP = _names(
    "contents",
    "generationConfig",
    "systemInstruction",
    "safetySettings",
    "tools",
    "toolConfig",
    "cachedContent",
    "model",
)
CONTENT = _names("role", "parts")
PART_V1 = _names(
    "text",
    "inlineData",
    "fileData",
    "thought",
    "thoughtSignature",
    "functionCall",
    "functionResponse",
    "executableCode",
    "codeExecutionResult",
)
PART_BETA = PART_V1 | _names("videoMetadata", "mediaResolution")
FILE_DATA = _names("fileUri", "mimeType", "displayName")
VIDEO_METADATA = _names("startOffset", "endOffset", "fps")
PART_RESOLUTION = _names("level", "numTokens")
GENERATION = _names(
    "responseMimeType",
    "responseSchema",
    "responseJsonSchema",
    "mediaResolution",
    "thinkingConfig",
    "temperature",
    "topP",
    "topK",
    "candidateCount",
    "maxOutputTokens",
    "stopSequences",
    "presencePenalty",
    "frequencyPenalty",
    "seed",
    "responseModalities",
)
THINKING = _names("thinkingBudget", "thinkingLevel", "includeThoughts")
SAMPLING = ("temperature", "topP", "top_p", "topK", "top_k")
PENALTIES = ("presencePenalty", "presence_penalty", "frequencyPenalty", "frequency_penalty")


def get(node: dict[str, Any], name: str) -> Any:
    """A field by its lowerCamel name or its snake_case twin."""
    if name in node:
        return node[name]
    return node.get("".join(f"_{c.lower()}" if c.isupper() else c for c in name))


def _only(node: Any, allowed: set[str], where: str) -> None:
    if not isinstance(node, dict):
        raise reject(400, f"Invalid value at '{where}': expected an object.")
    for key in node:
        if key not in allowed:
            raise unknown_field(key, where)


def check_fields(body: dict[str, Any], api_version: str) -> None:
    """Every field name exists in this API version (else Google's 400 Unknown name)."""
    _only(body, TOP, "")
    part_fields = PART_V1 if api_version == "v1" else PART_BETA
    for i, content in enumerate(get(body, "contents") or []):
        _only(content, CONTENT, f"contents[{i}]")
        for j, part in enumerate(get(content, "parts") or []):
            where = f"contents[{i}].parts[{j}]"
            _only(part, part_fields, where)
            if get(part, "fileData") is not None:
                _only(get(part, "fileData"), FILE_DATA, f"{where}.file_data")
            if get(part, "videoMetadata") is not None:
                _only(get(part, "videoMetadata"), VIDEO_METADATA, f"{where}.video_metadata")
            if get(part, "mediaResolution") is not None:
                _only(get(part, "mediaResolution"), PART_RESOLUTION, f"{where}.media_resolution")
    config = get(body, "generationConfig")
    if config is not None:
        _only(config, GENERATION, "generation_config")
        if get(config, "thinkingConfig") is not None:
            _only(get(config, "thinkingConfig"), THINKING, "generation_config.thinking_config")


def check_config(body: dict[str, Any], family: Family, model: str) -> list[str]:
    """Refuse what this family does not take; return what it takes but deprecates."""
    deprecated: list[str] = []
    config = get(body, "generationConfig") or {}
    thinking = get(config, "thinkingConfig") or {}
    budget, level = get(thinking, "thinkingBudget"), get(thinking, "thinkingLevel")
    if budget is not None and level is not None:
        raise reject(
            400,
            "thinking_budget and thinking_level cannot be set together; "
            "use thinking_level for Gemini 3 models.",
        )
    if level is not None:
        if family.thinking != "level":
            raise reject(400, f"Thinking level is not supported for {model}.")
        if str(level).upper() not in family.levels:
            levels = ", ".join(sorted(family.levels))
            raise reject(
                400, f"Thinking level {level} is not supported for {model}. Supported: {levels}."
            )
    if budget is not None and family.thinking == "level":
        deprecated.append("generationConfig.thinkingConfig.thinkingBudget (use thinkingLevel)")
    for name in SAMPLING:
        if name in config and family.sampling_deprecated:
            deprecated.append(f"generationConfig.{name} (ignored on Gemini 3)")
    for name in PENALTIES:
        if name in config and family.penalties_refused:
            raise reject(400, f"{name} is not supported for {model}.")
    limit = get(config, "maxOutputTokens")
    if limit is not None and not (
        isinstance(limit, int) and 1 <= limit <= family.max_output_tokens
    ):
        raise reject(
            400,
            f"Unable to submit request because it has a maxOutputTokens value of {limit} but "
            f"the supported range is from 1 (inclusive) to {family.max_output_tokens + 1} "
            "(exclusive). Update the value and try again.",
        )
    contents = get(body, "contents") or []
    if contents and get(contents[-1], "role") == "model":
        raise reject(400, "The last content of the request must come from the user.")
    for content in contents:
        for part in get(content, "parts") or []:
            resolution = get(part, "mediaResolution")
            if resolution is None:
                continue
            if not family.per_part_resolution:
                raise reject(400, f"Per-part media resolution is not supported for {model}.")
            level_name = str(get(resolution, "level") or "")
            if level_name.endswith("ULTRA_HIGH") and get(part, "fileData") is not None:
                raise reject(400, "MEDIA_RESOLUTION_ULTRA_HIGH is supported for images only.")
    return deprecated


def seconds(value: Any) -> float:
    """A protobuf Duration as JSON ("3s", "2.5s") or {"seconds", "nanos"}."""
    if isinstance(value, dict):
        return float(value.get("seconds", 0)) + float(value.get("nanos", 0)) / 1e9
    text = str(value or "0s").strip()
    if not text.endswith("s"):
        raise reject(400, f"Invalid value for a duration: {text!r} (expected like '3s').")
    return float(text[:-1] or 0)


def clip(part: dict[str, Any], duration: float | None) -> tuple[float, float, float]:
    """(start, end, fps) of a video part, refusing what is out of bounds."""
    meta = get(part, "videoMetadata") or {}
    start = seconds(get(meta, "startOffset")) if get(meta, "startOffset") is not None else 0.0
    end_value = get(meta, "endOffset")
    end = seconds(end_value) if end_value is not None else (duration or 0.0)
    fps = float(get(meta, "fps") if get(meta, "fps") is not None else 1.0)
    if not 0 < fps <= 24:
        raise reject(400, f"video_metadata.fps must be in (0, 24], got {fps:g}.")
    if start < 0 or (end_value is not None and end <= start):
        raise reject(400, f"video_metadata: start_offset {start:g}s must be before end_offset.")
    if duration is not None and end > duration + 0.05:
        # Not in Google's pages; refused so a clip past the end never passes unnoticed.
        raise reject(
            400, f"video_metadata.end_offset {end:g}s is beyond the video's {duration:g}s."
        )
    return start, end, fps
