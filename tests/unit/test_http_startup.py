"""An HTTP function refuses to start on Cloud Run with an emulator's variable set (it
would accept the Auth emulator's unsigned tokens), and starts anywhere else."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from shared.adapters.http import EmulatorOnCloudRun, refuse_emulators_on_cloud_run

ROOT = Path(__file__).resolve().parents[2]


def test_emulators_are_refused_on_cloud_run_only() -> None:
    with pytest.raises(EmulatorOnCloudRun, match="FIREBASE_AUTH_EMULATOR_HOST"):
        refuse_emulators_on_cloud_run(
            {"K_SERVICE": "upload-url", "FIREBASE_AUTH_EMULATOR_HOST": "127.0.0.1:9099"}
        )
    refuse_emulators_on_cloud_run({"FIREBASE_AUTH_EMULATOR_HOST": "127.0.0.1:9099"})
    refuse_emulators_on_cloud_run({"K_SERVICE": "upload-url"})


@pytest.mark.parametrize("function", ["upload_url", "status"])
def test_the_function_does_not_load(function: str) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "K_SERVICE": function,
        "FIREBASE_AUTH_EMULATOR_HOST": "127.0.0.1:9099",
    }
    proc = subprocess.run(
        [sys.executable, "-c", f"import functions.{function}.main"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode != 0 and "EmulatorOnCloudRun" in proc.stderr, proc.stderr[-2000:]
