"""One default, four places: the settings (the source of truth), the family table's
constants, Terraform's variables, `.env.example` and the README say the same models,
API version and Vertex location (issue 17: they drifted to a retired model before)."""

from __future__ import annotations

import re

from tfconfig import ROOT, TfConfig

from shared.analyzers.gemini.models import DEFAULT_FALLBACKS, DEFAULT_MODEL, family_of
from shared.core.settings import Settings

DEFAULTS = Settings(_env_file=None)


def test_the_family_table_names_the_settings_defaults() -> None:
    assert DEFAULT_MODEL == DEFAULTS.gemini_model
    assert list(DEFAULT_FALLBACKS) == DEFAULTS.gemini_models[1:]
    for model in DEFAULTS.gemini_models:  # every default model is one the table knows
        family = family_of(model)
        assert family.name != "unknown" and "retired" not in family.name, model
        assert family.vertex_locations and DEFAULTS.google_cloud_location in family.vertex_locations


def test_terraform_defaults_are_the_settings(tf: TfConfig) -> None:
    variables = tf.variables
    assert variables["gemini_model"]["default"] == DEFAULTS.gemini_model
    assert ",".join(variables["gemini_fallback_models"]["default"]) == (
        DEFAULTS.gemini_fallback_models
    )
    assert variables["gemini_api_version"]["default"] == DEFAULTS.gemini_api_version
    assert variables["vertex_location"]["default"] == DEFAULTS.google_cloud_location
    example = (ROOT / "terraform" / "terraform.tfvars.example").read_text()
    assert f'gemini_model = "{DEFAULTS.gemini_model}"' in example


def test_env_example_and_readme_are_the_settings() -> None:
    env = (ROOT / ".env.example").read_text()
    readme = (ROOT / "README.md").read_text()
    for name, value in (
        ("GEMINI_MODEL", DEFAULTS.gemini_model),
        ("GEMINI_FALLBACK_MODELS", DEFAULTS.gemini_fallback_models),
        ("GEMINI_API_VERSION", DEFAULTS.gemini_api_version),
        ("GOOGLE_CLOUD_LOCATION", DEFAULTS.google_cloud_location),
        ("GEMINI_THINKING_LEVEL", DEFAULTS.gemini_thinking_level),
        ("GEMINI_HOOK_MEDIA_RESOLUTION", DEFAULTS.gemini_hook_media_resolution),
        ("GEMINI_MAX_OUTPUT_TOKENS", DEFAULTS.gemini_max_output_tokens),
    ):
        assert re.search(rf"^# {name}={re.escape(str(value))}\b", env, re.M), name
        row = next(line for line in readme.splitlines() if line.startswith("|") and name in line)
        assert f"`{value}`" in row, (name, row)
    assert "gemini-2.5" not in env
