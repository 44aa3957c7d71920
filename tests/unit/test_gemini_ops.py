"""The operator's tools against the strict stand-in: `python -m reels_cli doctor` and
`make smoke-gemini` (devstack/smoke_gemini.py; with a real key on an operator's
machine, here pointed at the stand-in since CI has no network)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from devstack import smoke_gemini
from reels_cli.__main__ import main as cli
from reels_cli.doctor import main as doctor
from shared.core.settings import Settings
from tests.fakes.gemini_server import FakeGemini

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def gemini_env(server: FakeGemini, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> FakeGemini:
    monkeypatch.chdir(tmp_path)  # no developer's .env
    for key in list(os.environ):
        if key.startswith(("GEMINI_", "GOOGLE_GENAI", "ANALYZER")):
            monkeypatch.delenv(key)
    monkeypatch.setenv("GEMINI_API_KEY", server.api_key)
    monkeypatch.setenv("GEMINI_BASE_URL", server.base_url)
    return server


def test_smoke_runs_the_whole_request_for_the_model_and_each_fallback(gemini_env, capsys):
    assert smoke_gemini.main([]) == 0
    out = capsys.readouterr().out
    for model in Settings(_env_file=None).gemini_models:
        assert f"OK   {model}: served by {model}" in out
    assert "3 of 3 models OK" in out
    server = gemini_env
    generated = server.requests_to("generate")
    assert [r.model for r in generated] == Settings(_env_file=None).gemini_models
    for request in generated:  # both video parts and the schema, as the functions send
        assert len(request.json["contents"][0]["parts"]) == 3
        assert "responseSchema" in request.json["generationConfig"]
    assert len(server.requests_to("count_tokens")) == 9
    assert all(f.deleted for f in server.uploaded_files())
    assert not server.rejections()


def test_smoke_names_a_dead_model_and_fails(gemini_env, capsys, monkeypatch):
    monkeypatch.setenv("GEMINI_MODEL", "gemini-2.5-flash")
    assert smoke_gemini.main([]) == 1
    out = capsys.readouterr().out
    assert "FAIL gemini-2.5-flash: models.get: 404" in out and "no longer available" in out
    assert "2 of 3 models OK" in out


def test_smoke_without_a_key_fails_cleanly_and_sends_nothing(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GEMINI_", "GOOGLE_GENAI"))}
    done = subprocess.run(
        [sys.executable, "-m", "devstack.smoke_gemini"],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 2
    assert "needs a key: set GEMINI_API_KEY" in done.stderr
    assert "Traceback" not in done.stderr


def test_doctor_prints_what_each_model_sends_and_that_it_is_served(gemini_env, capsys):
    assert cli(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "Gemini Developer API v1beta" in out
    assert (
        "model gemini-3.8-flash: family gemini-3-flash (3.7, 3.8); sends thinking_level LOW, hook high"
        in out
    )
    assert "fallback gemini-3.5-flash-lite" in out
    assert "OK   gemini-3.7-flash: served (models.get)" in out
    assert out.rstrip().endswith("all checks passed")
    assert not gemini_env.requests_to("generate")  # nothing paid for


def test_doctor_fails_on_a_retired_model_and_on_a_region_gemini_3_is_not_in(gemini_env, capsys):
    retired = Settings(
        _env_file=None,
        gemini_api_key=gemini_env.api_key,
        gemini_base_url=gemini_env.base_url,
        gemini_model="gemini-2.5-flash",
        gemini_fallback_models="",
    )
    assert doctor([], settings=retired) == 1
    out = capsys.readouterr().out
    assert "WARN model gemini-2.5-flash: family gemini-2.5 (retired" in out
    assert "FAIL gemini-2.5-flash: 404" in out and "every job gets the offline analysis" in out
    regional = Settings(
        _env_file=None,
        google_genai_use_vertexai=True,
        google_cloud_location="us-central1",
        gemini_base_url=gemini_env.base_url,
    )
    assert doctor([], settings=regional) == 1
    assert "not served on Vertex AI in us-central1: use eu, global, us" in capsys.readouterr().out


def test_doctor_offline(capsys) -> None:
    assert doctor([], settings=Settings(_env_file=None, analyzer="offline")) == 0
    assert "offline analyzer" in capsys.readouterr().out
