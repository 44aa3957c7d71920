"""One generateContent request from a `models.Plan`: the parts and the config.

    part 1  the whole video            (GEMINI_FPS if set; its own media resolution
                                        on Gemini 3: GEMINI_MEDIA_RESOLUTION, else the
                                        model's default, 70 tokens a frame)
    part 2  the first HOOK_WINDOW_SEC  (same file, clipped, HOOK_FPS, at
            of the same file            GEMINI_HOOK_MEDIA_RESOLUTION: HIGH reads captions)
    part 3  the prompt
    config  JSON schema; maxOutputTokens (GEMINI_MAX_OUTPUT_TOKENS: thinking included);
            thinking_level where the family takes one; a global media resolution only
            where parts cannot carry their own (Gemini 2.5)

Per-part resolution also makes countTokens right: it ignores a global resolution.
"""

from __future__ import annotations

from typing import Any

from google.genai import types

from shared.analyzers.gemini.answer import response_schema
from shared.analyzers.gemini.models import Plan
from shared.core.schema import HOOK_WINDOW_SEC

# The hook part: the first HOOK_WINDOW_SEC of the same file at this many frames a second.
HOOK_FPS = 5.0
PART_NAMES = ("video", "hook", "prompt")

_GLOBAL = {
    "low": types.MediaResolution.MEDIA_RESOLUTION_LOW,
    "medium": types.MediaResolution.MEDIA_RESOLUTION_MEDIUM,
    "high": types.MediaResolution.MEDIA_RESOLUTION_HIGH,
}
_PART = {
    "low": types.PartMediaResolutionLevel.MEDIA_RESOLUTION_LOW,
    "medium": types.PartMediaResolutionLevel.MEDIA_RESOLUTION_MEDIUM,
    "high": types.PartMediaResolutionLevel.MEDIA_RESOLUTION_HIGH,
}
_LEVELS = {
    "minimal": types.ThinkingLevel.MINIMAL,
    "low": types.ThinkingLevel.LOW,
    "medium": types.ThinkingLevel.MEDIUM,
    "high": types.ThinkingLevel.HIGH,
}


def parts(
    plan: Plan,
    *,
    file_uri: str,
    mime_type: str,
    prompt: str,
    duration_sec: float,
    fps: float | None,
) -> list[types.Part]:
    """The request's parts, named by PART_NAMES (no hook part without clips)."""
    data = types.FileData(file_uri=file_uri, mime_type=mime_type)
    video = types.Part(
        file_data=data,
        video_metadata=types.VideoMetadata(fps=fps) if fps and plan.clips else None,
        media_resolution=_part_resolution(plan.video_resolution),
    )
    found = [video]
    if plan.clips:
        end = min(HOOK_WINDOW_SEC, duration_sec) if duration_sec > 0 else HOOK_WINDOW_SEC
        found.append(
            types.Part(
                file_data=data,
                video_metadata=types.VideoMetadata(
                    start_offset="0s", end_offset=f"{round(end, 2):g}s", fps=HOOK_FPS
                ),
                media_resolution=_part_resolution(plan.hook_resolution),
            )
        )
    return [*found, types.Part(text=prompt)]


def part_names(count: int) -> tuple[str, ...]:
    return PART_NAMES if count == 3 else ("video", "prompt")


def config(plan: Plan, topic: str | None, max_output_tokens: int) -> types.GenerateContentConfig:
    extra: dict[str, Any] = {}
    if plan.thinking_level:
        extra["thinking_config"] = types.ThinkingConfig(thinking_level=_LEVELS[plan.thinking_level])
    if plan.global_resolution:
        extra["media_resolution"] = _GLOBAL[plan.global_resolution]
    return types.GenerateContentConfig(
        response_mime_type="application/json",
        response_schema=response_schema(topic),
        max_output_tokens=max_output_tokens,
        **extra,
    )


def _part_resolution(level: str | None) -> types.PartMediaResolution | None:
    return types.PartMediaResolution(level=_PART[level]) if level else None
