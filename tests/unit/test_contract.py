"""shared/core/contract.py: the one document every client takes its types, messages,
stages and derived-state rules from, and the limits a deployment serves the page.
The page's side of it: tests/browser/test_contract_js.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from devstack.stack import Stack
from reels_cli.__main__ import content_type_for
from shared.core import jobs
from shared.core.contract import EXTENSION_TYPES, contract, limits
from shared.core.messages import ERRORS, STAGE_PROGRESS, STAGES, ErrorCode, Stage
from shared.core.settings import MIME_EXTENSIONS, Settings

ROOT = Path(__file__).resolve().parents[2]


def test_the_contract_round_trips_as_json_and_is_what_the_module_prints() -> None:
    document = contract()
    assert json.loads(json.dumps(document)) == document
    printed = subprocess.run(
        [sys.executable, "-m", "shared.core.contract"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},  # `defaults` reads the environment
    ).stdout
    assert json.loads(printed) == document


def test_every_error_code_and_stage_is_in_it_with_its_text() -> None:
    document = contract()
    assert document["errors"] == {code.value: ERRORS[code] for code in ErrorCode}
    assert set(document["stages"]) == {stage.value for stage in Stage}
    for stage in Stage:
        entry = document["stages"][stage.value]
        assert entry == {"text": STAGES[stage], "progress": STAGE_PROGRESS.get(stage)}
    assert document["stages"]["failed"]["progress"] is None  # FAILED keeps its progress


def test_states_and_the_derived_failure_rules_are_the_jobs_modules() -> None:
    document = contract()
    assert document["states"] == [state.value for state in jobs.State]
    assert set(document["terminal"]) == {state.value for state in jobs.TERMINAL}
    assert document["uploadGraceSec"] == jobs.UPLOAD_GRACE.total_seconds()
    assert document["staleAfterSec"] == jobs.STALE_AFTER.total_seconds()


def test_types_extensions_and_names_agree() -> None:
    document = contract()
    assert document["types"] == MIME_EXTENSIONS
    assert set(document["extensionTypes"].values()) <= set(document["types"])
    for mime, extension in document["types"].items():
        assert document["extensionTypes"][extension] == mime  # each type's own extension
        assert document["typeNames"][mime]  # and the name the page shows


def test_limits_follow_the_settings() -> None:
    settings = Settings(
        _env_file=None, max_file_size_mb=7, max_video_duration_sec=42, claim_lease_sec=60
    )
    assert limits(settings) == {
        "maxFileSizeMb": 7,
        "maxVideoDurationSec": 42,
        "allowedTypes": list(MIME_EXTENSIONS),
        "listenerSilenceSec": 30,  # 1.5 x the worker's heartbeat (a third of the lease)
    }
    assert contract()["defaults"] == limits(Settings(_env_file=None))


def test_the_example_config_shows_the_default_limits() -> None:
    """web/config.example.json is copied by hand into deployments: its limits are the
    functions' defaults."""
    example = json.loads((ROOT / "web" / "config.example.json").read_text(encoding="utf-8"))
    defaults = limits(Settings(_env_file=None))
    assert {key: example[key] for key in defaults} == defaults


def test_the_local_stack_serves_the_limits_of_its_own_settings(tmp_path: Path) -> None:
    overrides = {"MAX_FILE_SIZE_MB": "7", "MAX_VIDEO_DURATION_SEC": "42", "CLAIM_LEASE_SEC": "60"}
    config = Stack(workdir=tmp_path, extra_env=overrides).web_config()
    expected = limits(Settings(max_file_size_mb=7, max_video_duration_sec=42, claim_lease_sec=60))
    assert {key: config[key] for key in expected} == expected
    assert config["uploadUrlEndpoint"] and config["statusEndpoint"] and config["firebase"]


def test_the_cli_sends_the_contracts_type_for_each_extension() -> None:
    for extension, mime in EXTENSION_TYPES.items():
        assert content_type_for(Path(f"clip.{extension.upper()}")) == mime


def test_every_notice_is_in_it_with_its_text() -> None:
    from shared.core.messages import NOTICES, Notice

    assert contract()["notices"] == {notice.value: NOTICES[notice] for notice in Notice}
