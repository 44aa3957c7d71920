"""An operator's checks of the Gemini configuration (`python -m reels_cli doctor`,
`make doctor`): what the settings pick, what each model's requests will carry, and
whether Google still serves each model (`models.get`: free, no video sent).

The live call through the whole request is `make smoke-gemini` (devstack/smoke_gemini.py).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from shared.analyzers.gemini.models import family_of, plan
from shared.core.settings import Settings


@dataclass(frozen=True)
class Check:
    level: str  # "ok", "warn", "fail", "info"
    text: str


def configuration(settings: Settings) -> list[Check]:
    """What the settings say, without calling anything."""
    s = settings
    checks: list[Check] = []
    if not s.uses_gemini:
        checks.append(
            Check("info", "analysis: the offline analyzer (no GEMINI_API_KEY, no Vertex AI)")
        )
        return checks
    if s.google_genai_use_vertexai:
        checks.append(
            Check(
                "info",
                f"Gemini on Vertex AI, project {s.google_cloud_project}, "
                f"location {s.google_cloud_location}",
            )
        )
    elif s.gemini_api_key:
        source = "upload"
        if s.gemini_file_source == "register" or (
            s.gemini_file_source == "auto" and not os.environ.get("STORAGE_EMULATOR_HOST")
        ):
            source = "register the bucket's object (no re-upload)"
        checks.append(
            Check("info", f"Gemini Developer API {s.gemini_api_version}; video: {source}")
        )
    else:
        checks.append(
            Check("fail", "ANALYZER=gemini but neither GEMINI_API_KEY nor Vertex AI is set")
        )
    for model in s.gemini_models:
        checks.extend(_model(settings, model))
    return checks


def _model(settings: Settings, model: str) -> list[Check]:
    s = settings
    family = family_of(model)
    chosen = plan(
        model,
        api_version=s.gemini_api_version,
        thinking_level=s.gemini_thinking_level,
        video_resolution=s.gemini_media_resolution,
        hook_resolution=s.gemini_hook_media_resolution,
    )
    role = "model" if model == s.gemini_model else "fallback"
    sends = [
        f"thinking_level {chosen.thinking_level.upper()}" if chosen.thinking_level else None,
        f"video {chosen.video_resolution}" if chosen.video_resolution else None,
        f"hook {chosen.hook_resolution}" if chosen.hook_resolution else None,
        f"global resolution {chosen.global_resolution}" if chosen.global_resolution else None,
    ]
    sent = ", ".join(x for x in sends if x) or "nothing optional"
    level = "warn" if family.name == "unknown" or "retired" in family.name else "info"
    checks = [Check(level, f"{role} {model}: family {family.name}; sends {sent}")]
    checks += [Check("warn", f"  {model}: {note}") for note in chosen.adjustments]
    locations = family.vertex_locations
    if s.google_genai_use_vertexai and locations and s.google_cloud_location not in locations:
        checks.append(
            Check(
                "fail",
                f"  {model} is not served on Vertex AI in {s.google_cloud_location}: "
                f"use {', '.join(sorted(locations))}",
            )
        )
    return checks


def liveness(settings: Settings, analyzer: object) -> list[Check]:
    """models.get for each configured model (no video, no tokens)."""
    from shared.analyzers.gemini import status
    from shared.analyzers.gemini.engine import GeminiAnalyzer

    assert isinstance(analyzer, GeminiAnalyzer)
    status.forget_checks()
    try:
        client = analyzer.client()
    except Exception as exc:
        return [Check("fail", f"Gemini client: {exc}")]
    checks = []
    for model in settings.gemini_models:
        found = status.check_model(client, model, scope="doctor")
        if not found.alive:
            checks.append(Check("fail", f"{model}: {found.detail}"))
        elif found.detail:
            checks.append(Check("warn", f"{model}: {found.detail}"))
        else:
            checks.append(Check("ok", f"{model}: served (models.get)"))
    if not any(c.level == "ok" for c in checks):
        checks.append(
            Check(
                "fail",
                "no configured model answers: every job gets the offline analysis with a note",
            )
        )
    return checks
