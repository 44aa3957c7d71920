"""The Terraform configuration, read with python-hcl2: what it provisions and who may do what.

`terraform plan` needs the Google provider from the registry, which is out of reach here, so
these tests check the configuration's text: the settings the product depends on, and every IAM
grant against one reviewed table.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from tfconfig import ROOT, TF_DIR, TfConfig, block, load_hcl, ref

from shared.core import jobs
from shared.core.settings import Settings
from tests.factories import job_doc

FUNCTIONS = ("upload_url", "analyze", "status", "sweep")


# ---- upload bucket -----------------------------------------------------------


def test_upload_bucket_is_private_and_uniform(tf: TfConfig) -> None:
    bucket = tf.resource("google_storage_bucket", "uploads")
    assert bucket["uniform_bucket_level_access"] is True
    assert bucket["public_access_prevention"] == "enforced"


def test_upload_bucket_deletes_uploads_after_a_day_and_frames_with_their_job(
    tf: TfConfig,
) -> None:
    rules = tf.resource("google_storage_bucket", "uploads")["lifecycle_rule"]
    conditions = [block(rule, "condition") for rule in rules]
    assert conditions == [
        {"age": 1, "matches_prefix": [ref("local.upload_prefix")]},
        {"age": ref("var.job_ttl_days"), "matches_prefix": [ref("local.results_prefix")]},
    ]
    assert all(block(rule, "action") == {"type": "Delete"} for rule in rules)
    assert tf.locals["upload_prefix"] == Settings().upload_prefix
    assert tf.locals["results_prefix"] == Settings().results_prefix


def test_upload_bucket_cors_allows_put_from_the_frontend_only(tf: TfConfig) -> None:
    cors = block(tf.resource("google_storage_bucket", "uploads"), "cors")
    assert cors["origin"] == [ref("var.frontend_url")]
    assert cors["method"] == ["PUT"]  # storyboard frames are <img>: no CORS for them
    assert set(cors["response_header"]) == {"Content-Type", "x-goog-content-length-range"}


def test_finalize_notification_goes_to_the_uploads_topic(tf: TfConfig) -> None:
    note = tf.resource("google_storage_notification", "uploads")
    assert note["bucket"] == ref("google_storage_bucket.uploads.name")
    assert note["topic"] == ref("google_pubsub_topic.uploads.id")
    assert note["payload_format"] == "JSON_API_V1"
    assert note["event_types"] == ["OBJECT_FINALIZE"]
    assert tf.resolve(note["object_name_prefix"]) == "uploads/"
    assert tf.resolve(note["object_name_prefix"]) == Settings().upload_prefix
    # GCS may publish only once its grant exists.
    assert ref("google_pubsub_topic_iam_member.gcs_publishes_uploads") in note["depends_on"]


# ---- Pub/Sub delivery to analyze --------------------------------------------


def test_analyze_subscription_retries_with_backoff_then_dead_letters(tf: TfConfig) -> None:
    sub = tf.resource("google_pubsub_subscription", "analyze")
    assert sub["topic"] == ref("google_pubsub_topic.uploads.id")
    # Derived from the burst sizing (terraform/README.md, "Bursts"); the planned values
    # are asserted in test_terraform_plan.py.
    assert block(sub, "retry_policy") == {
        "minimum_backoff": "${local.retry_min_backoff_sec}s",
        "maximum_backoff": "${local.retry_max_backoff_sec}s",
    }
    dead = block(sub, "dead_letter_policy")
    assert dead["dead_letter_topic"] == ref("google_pubsub_topic.dead_letter.id")
    assert dead["max_delivery_attempts"] == ref("local.delivery_attempts")
    assert block(sub, "expiration_policy") == {"ttl": ""}  # never deleted when idle


def test_analyze_subscription_pushes_to_analyze_as_the_invoker(tf: TfConfig) -> None:
    sub = tf.resource("google_pubsub_subscription", "analyze")
    push = block(sub, "push_config")
    uri = "google_cloudfunctions2_function.analyze.service_config[0].uri"
    assert push["push_endpoint"] == f"${{{uri}}}/${{google_pubsub_topic.uploads.id}}"
    oidc = block(push, "oidc_token")
    assert oidc["service_account_email"] == ref("google_service_account.analyze_invoker.email")
    assert oidc["audience"] == ref(uri)
    # Pub/Sub waits for analyze's answer longer than analyze may run.
    timeout = tf.resolve(
        block(tf.resource("google_cloudfunctions2_function", "analyze"), "service_config")[
            "timeout_seconds"
        ]
    )
    assert timeout == 540
    assert timeout < tf.resolve(sub["ack_deadline_seconds"]) <= 600


def test_dead_letter_subscription_keeps_failed_events_a_week(tf: TfConfig) -> None:
    sub = tf.resource("google_pubsub_subscription", "dead_letter")
    assert sub["topic"] == ref("google_pubsub_topic.dead_letter.id")
    assert "push_config" not in sub  # a pull subscription, read by hand
    assert sub["message_retention_duration"] == "604800s"
    assert block(sub, "expiration_policy") == {"ttl": ""}


def test_max_attempts_setting_matches_the_delivery_limit(tf: TfConfig) -> None:
    env = tf.locals["analyze_env"]
    assert env["MAX_ATTEMPTS"] == ref("tostring(var.max_attempts)")
    assert env["CLAIM_LEASE_SEC"] == ref("tostring(local.claim_lease_sec)")
    # Renewed by the worker's heartbeat: short enough that a crashed attempt is
    # taken over long before Pub/Sub's delivery attempts run out.
    assert tf.locals["claim_lease_sec"] < 600


# ---- functions --------------------------------------------------------------


@pytest.mark.parametrize("name", FUNCTIONS)
def test_function_build_and_identity(tf: TfConfig, name: str) -> None:
    fn = tf.resource("google_cloudfunctions2_function", name)
    build = block(fn, "build_config")
    assert build["runtime"] == "python311"
    assert build["entry_point"] == name
    assert build["service_account"] == ref("google_service_account.build.id")
    source = block(block(build, "source"), "storage_source")
    assert source["bucket"] == ref("google_storage_bucket.sources.name")
    assert source["object"] == ref(f'google_storage_bucket_object.function["{name}"].name')
    service = block(fn, "service_config")
    assert service["service_account_email"] == ref(f"google_service_account.{name}.email")
    assert service["all_traffic_on_latest_revision"] is True
    # The Cloud Run service is named like the function: lower case and hyphens only.
    resolved = fn["name"].replace(ref("var.name_prefix"), tf.variables["name_prefix"]["default"])
    assert re.fullmatch(r"[a-z][a-z0-9-]{0,48}", resolved), resolved
    assert "event_trigger" not in fn  # analyze is fed by our push subscription


def test_source_objects_are_content_addressed(tf: TfConfig) -> None:
    obj = tf.resource("google_storage_bucket_object", "function")
    assert obj["for_each"] == ref("data.archive_file.function")
    assert obj["name"] == "functions/${each.key}-${each.value.output_sha256}.zip"
    archive = tf.data["archive_file"]["function"]
    assert archive["source_dir"] == "${path.module}/../build/functions/${each.key}"
    for name in FUNCTIONS:
        assert f'\\"{name}\\"' in archive["for_each"] or f'"{name}"' in archive["for_each"]


def test_public_functions_and_the_internal_analyze(tf: TfConfig) -> None:
    for name in ("upload_url", "status"):
        service = block(tf.resource("google_cloudfunctions2_function", name), "service_config")
        assert service["ingress_settings"] == "ALLOW_ALL"
        assert service["max_instance_count"] == ref("var.http_max_instances")
    analyze = block(tf.resource("google_cloudfunctions2_function", "analyze"), "service_config")
    assert analyze["ingress_settings"] == "ALLOW_INTERNAL_ONLY"
    assert analyze["available_memory"] == ref("var.analyze_memory")
    assert analyze["max_instance_count"] == ref("var.analyze_max_instances")
    assert analyze["max_instance_request_concurrency"] == 1


def _env(tf: TfConfig, name: str) -> dict[str, Any]:
    service = block(tf.resource("google_cloudfunctions2_function", name), "service_config")
    expr = service["environment_variables"]
    parts = re.fullmatch(r"\$\{(?:merge\((.*)\)|(local\.\w+))\}", expr)
    assert parts, expr
    env: dict[str, Any] = {}
    for part in (parts.group(1) or parts.group(2)).split(","):
        local = re.fullmatch(r"local\.(\w+)", part.strip())
        assert local, f"environment of {name} must merge plain locals: {expr}"
        env.update(tf.locals[local.group(1)])
    return env


def test_environment_variables_are_settings_fields(tf: TfConfig) -> None:
    fields = {f.upper() for f in Settings.model_fields}
    for name in FUNCTIONS:
        unknown = set(_env(tf, name)) - fields
        assert not unknown, f"{name} sets variables Settings does not read: {unknown}"


def test_environment_of_each_function(tf: TfConfig) -> None:
    common = {
        "GOOGLE_CLOUD_PROJECT": ref("var.project_id"),
        "UPLOAD_BUCKET": ref("google_storage_bucket.uploads.name"),
        "UPLOAD_PREFIX": ref("local.upload_prefix"),
        "FRONTEND_URL": ref("var.frontend_url"),
        "MAX_FILE_SIZE_MB": ref("tostring(var.max_file_size_mb)"),
        "MAX_VIDEO_DURATION_SEC": ref("tostring(var.max_video_duration_sec)"),
    }
    for name in FUNCTIONS:
        env = _env(tf, name)
        assert common.items() <= env.items(), name
        assert "GEMINI_API_KEY" not in env  # only ever from Secret Manager
    upload = _env(tf, "upload_url")
    assert upload["STATUS_BASE_URL"] == ref(
        "google_cloudfunctions2_function.status.service_config[0].uri"
    )
    assert upload["SIGNING_SERVICE_ACCOUNT"] == ref("google_service_account.upload_url.email")
    analyze = _env(tf, "analyze")
    for key in (
        "ANALYZER",
        "GEMINI_MODEL",
        "GEMINI_FALLBACK_MODELS",
        "GEMINI_API_VERSION",
        "GOOGLE_GENAI_USE_VERTEXAI",
        "GOOGLE_CLOUD_LOCATION",
        "CLAIM_LEASE_SEC",
        "MAX_ATTEMPTS",
    ):
        assert key in analyze
    assert "SIGNING_SERVICE_ACCOUNT" not in analyze


def test_analyze_pins_the_instruction_set_python_chooses(tf: TfConfig) -> None:
    """One source of truth: the analysis's instruction set (shared/core/cpu.py) is the
    Terraform variable's default, its allowed values are the levels, and analyze gets it."""
    from typing import get_args

    from shared.core import cpu

    assert _env(tf, "analyze")["REELS_CPU_ISA"] == ref("var.cpu_isa")
    variable = tf.variables["cpu_isa"]
    assert variable["default"] == cpu.LEVEL
    allowed = re.findall(r'\\?"([A-Z0-9]+)\\?"', variable["validation"][0]["condition"])
    assert tuple(allowed) == cpu.LEVELS
    field = Settings.model_fields["reels_cpu_isa"]
    assert field.default == cpu.LEVEL and get_args(field.annotation) == cpu.LEVELS


def test_gemini_key_is_a_secret_env_var_of_analyze_only(tf: TfConfig) -> None:
    for name in ("upload_url", "status"):
        service = block(tf.resource("google_cloudfunctions2_function", name), "service_config")
        assert "secret_environment_variables" not in str(service)
    service = block(tf.resource("google_cloudfunctions2_function", "analyze"), "service_config")
    dynamic = service["dynamic"][0]["secret_environment_variables"]
    content = dynamic["content"][0]
    assert content["key"] == "GEMINI_API_KEY"
    assert content["version"] == "latest"
    assert "google_secret_manager_secret.gemini_api_key[0]" in dynamic["for_each"]
    # The value is never in Terraform: no secret version resource anywhere.
    assert "google_secret_manager_secret_version" not in tf.resources
    assert "google_secret_manager_secret" in tf.resources


def test_no_service_account_keys_anywhere(tf: TfConfig) -> None:
    assert "google_service_account_key" not in tf.resources
    text = "\n".join(p.read_text() for p in TF_DIR.glob("*.tf"))
    assert "private_key" not in text
    assert "signing_key_file" not in text.lower()


# ---- IAM ----------------------------------------------------------------------

SA = "${google_service_account.%s.member}"
PUBSUB_AGENT = ref("local.pubsub_service_agent")

# Every grant the configuration makes: (resource type, name) -> (on what, role, to whom).
EXPECTED_GRANTS: dict[tuple[str, str], tuple[str, str, str]] = {
    ("google_service_account_iam_member", "upload_url_signs_as_itself"): (
        ref("google_service_account.upload_url.name"),
        "roles/iam.serviceAccountTokenCreator",
        SA % "upload_url",
    ),
    ("google_storage_bucket_iam_member", "upload_url_creates_uploads"): (
        ref("google_storage_bucket.uploads.name"),
        "roles/storage.objectCreator",
        SA % "upload_url",
    ),
    ("google_project_iam_member", "upload_url_writes_jobs"): (
        ref("var.project_id"),
        "roles/datastore.user",
        SA % "upload_url",
    ),
    ("google_storage_bucket_iam_member", "analyze_reads_deletes_uploads"): (
        ref("google_storage_bucket.uploads.name"),
        ref("google_project_iam_custom_role.upload_reader_deleter.id"),
        SA % "analyze",
    ),
    ("google_project_iam_member", "analyze_writes_jobs"): (
        ref("var.project_id"),
        "roles/datastore.user",
        SA % "analyze",
    ),
    ("google_secret_manager_secret_iam_member", "analyze_reads_gemini_key"): (
        ref("google_secret_manager_secret.gemini_api_key[0].secret_id"),
        "roles/secretmanager.secretAccessor",
        SA % "analyze",
    ),
    ("google_project_iam_member", "analyze_uses_vertex"): (
        ref("var.project_id"),
        "roles/aiplatform.user",
        SA % "analyze",
    ),
    ("google_storage_bucket_iam_member", "gemini_reads_uploads"): (
        ref("google_storage_bucket.uploads.name"),
        "roles/storage.objectViewer",
        ref("local.gemini_service_agent"),
    ),
    ("google_project_iam_member", "status_reads_jobs"): (
        ref("var.project_id"),
        "roles/datastore.viewer",
        SA % "status",
    ),
    ("google_cloud_run_service_iam_member", "public_upload_url"): (
        ref("google_cloudfunctions2_function.upload_url.name"),
        "roles/run.invoker",
        "allUsers",
    ),
    ("google_cloud_run_service_iam_member", "public_status"): (
        ref("google_cloudfunctions2_function.status.name"),
        "roles/run.invoker",
        "allUsers",
    ),
    ("google_cloud_run_service_iam_member", "invoker_runs_analyze"): (
        ref("google_cloudfunctions2_function.analyze.name"),
        "roles/run.invoker",
        SA % "analyze_invoker",
    ),
    ("google_pubsub_topic_iam_member", "gcs_publishes_uploads"): (
        ref("google_pubsub_topic.uploads.name"),
        "roles/pubsub.publisher",
        ref("local.gcs_service_agent"),
    ),
    ("google_pubsub_topic_iam_member", "pubsub_publishes_dead_letter"): (
        ref("google_pubsub_topic.dead_letter.name"),
        "roles/pubsub.publisher",
        PUBSUB_AGENT,
    ),
    ("google_pubsub_subscription_iam_member", "pubsub_acks_analyze_subscription"): (
        ref("google_pubsub_subscription.analyze.name"),
        "roles/pubsub.subscriber",
        PUBSUB_AGENT,
    ),
    ("google_service_account_iam_member", "pubsub_mints_invoker_tokens"): (
        ref("google_service_account.analyze_invoker.name"),
        "roles/iam.serviceAccountTokenCreator",
        PUBSUB_AGENT,
    ),
    ("google_storage_bucket_iam_member", "analyze_writes_frames"): (
        ref("google_storage_bucket.uploads.name"),
        "roles/storage.objectCreator",
        SA % "analyze",
    ),
    ("google_storage_bucket_iam_member", "status_reads_frames"): (
        ref("google_storage_bucket.uploads.name"),
        ref("google_project_iam_custom_role.frame_reader.name"),
        SA % "status",
    ),
    ("google_service_account_iam_member", "status_signs_as_itself"): (
        ref("google_service_account.status.name"),
        "roles/iam.serviceAccountTokenCreator",
        SA % "status",
    ),
    ("google_cloud_run_service_iam_member", "scheduler_invokes_sweep"): (
        ref("google_cloudfunctions2_function.sweep.service_config[0].service"),
        "roles/run.invoker",
        SA % "scheduler",
    ),
    ("google_project_iam_member", "sweep_reads_and_fails_jobs"): (
        ref("var.project_id"),
        "roles/datastore.user",
        SA % "sweep",
    ),
    ("google_storage_bucket_iam_member", "sweep_cleans_uploads"): (
        ref("google_storage_bucket.uploads.name"),
        ref("google_project_iam_custom_role.upload_sweeper.name"),
        SA % "sweep",
    ),
    ("google_pubsub_topic_iam_member", "sweep_restarts_jobs"): (
        ref("google_pubsub_topic.uploads.name"),
        "roles/pubsub.publisher",
        SA % "sweep",
    ),
    ("google_project_iam_member", "build"): (
        ref("var.project_id"),
        "roles/run.builder",
        SA % "build",
    ),
    ("google_storage_bucket_iam_member", "build_reads_sources"): (
        ref("google_storage_bucket.sources.name"),
        "roles/storage.objectViewer",
        SA % "build",
    ),
    ("google_artifact_registry_repository_iam_member", "build_pushes_images"): (
        ref("google_artifact_registry_repository.functions.name"),
        "roles/artifactregistry.writer",
        SA % "build",
    ),
}

# The attribute that names what a grant is on, per IAM resource type.
TARGET_ATTR = {
    "google_project_iam_member": "project",
    "google_storage_bucket_iam_member": "bucket",
    "google_service_account_iam_member": "service_account_id",
    "google_secret_manager_secret_iam_member": "secret_id",
    "google_cloud_run_service_iam_member": "service",
    "google_pubsub_topic_iam_member": "topic",
    "google_pubsub_subscription_iam_member": "subscription",
    "google_artifact_registry_repository_iam_member": "repository",
}


def _grants(tf: TfConfig) -> dict[tuple[str, str], tuple[str, str, str]]:
    grants = {}
    for type_, named in tf.resources.items():
        if "_iam_" not in type_ or type_ == "google_project_iam_custom_role":
            continue
        # Additive members only: an authoritative binding/policy would strip others' access.
        assert type_.endswith("_iam_member"), f"{type_} is authoritative; use *_iam_member"
        for name, body in named.items():
            grants[(type_, name)] = (body[TARGET_ATTR[type_]], body["role"], body["member"])
    return grants


def test_every_grant_is_the_reviewed_one(tf: TfConfig) -> None:
    assert _grants(tf) == EXPECTED_GRANTS


def test_no_broad_roles(tf: TfConfig) -> None:
    for (type_, name), (_target, role, _member) in _grants(tf).items():
        assert role not in {"roles/owner", "roles/editor", "roles/viewer"}, name
        assert "admin" not in role.lower(), f"{name}: {role}"
        if type_ == "google_project_iam_member":
            assert not role.startswith("roles/storage."), f"{name}: storage roles are bucket-level"
            assert not role.startswith("roles/pubsub."), f"{name}: Pub/Sub roles are per topic"
            assert not role.startswith("roles/secretmanager."), f"{name}: per secret"
            assert not role.startswith("roles/iam."), f"{name}: per service account"


def test_only_the_two_public_functions_are_public(tf: TfConfig) -> None:
    public = {
        name
        for (_type, name), (_t, _r, member) in _grants(tf).items()
        if member in ("allUsers", "allAuthenticatedUsers")
    }
    assert public == {"public_upload_url", "public_status"}


def test_analyze_custom_role_reads_and_deletes_only(tf: TfConfig) -> None:
    role = tf.resource("google_project_iam_custom_role", "upload_reader_deleter")
    assert sorted(role["permissions"]) == ["storage.objects.delete", "storage.objects.get"]


def test_optional_grants_follow_the_analyzer_switch(tf: TfConfig) -> None:
    vertex = tf.resource("google_project_iam_member", "analyze_uses_vertex")
    assert vertex["count"] == ref("local.use_vertex ? 1 : 0")
    secret_grant = tf.resource(
        "google_secret_manager_secret_iam_member", "analyze_reads_gemini_key"
    )
    assert secret_grant["count"] == ref("local.use_api_key ? 1 : 0")
    assert tf.resource("google_secret_manager_secret", "gemini_api_key")["count"] == ref(
        "local.use_api_key ? 1 : 0"
    )
    # Registration instead of a re-upload: only with the API key (Vertex reads gs:// itself).
    registered = tf.resource("google_storage_bucket_iam_member", "gemini_reads_uploads")
    assert registered["count"] == ref("local.use_api_key ? 1 : 0")
    assert tf.locals["use_vertex"] == ref('var.analyzer == "vertex_ai"')
    assert tf.locals["use_api_key"] == ref('var.analyzer == "gemini_api_key"')


def test_service_agents_are_googles(tf: TfConfig) -> None:
    assert tf.locals["pubsub_service_agent"] == (
        "serviceAccount:service-${data.google_project.this.number}"
        "@gcp-sa-pubsub.iam.gserviceaccount.com"
    )
    assert tf.locals["gcs_service_agent"] == (
        "serviceAccount:${data.google_storage_project_service_account.gcs.email_address}"
    )
    assert tf.locals["gemini_service_agent"] == (
        "serviceAccount:service-${data.google_project.this.number}"
        "@gcp-sa-generativelanguage.iam.gserviceaccount.com"
    )


# ---- Firestore -----------------------------------------------------------------


def test_firestore_native_database_with_ttl_on_jobs(tf: TfConfig) -> None:
    db = tf.resource("google_firestore_database", "main")
    assert db["type"] == "FIRESTORE_NATIVE"
    assert db["name"] == "(default)"
    ttl = tf.resource("google_firestore_field", "jobs_ttl")
    assert ttl["collection"] == Settings().jobs_collection == "jobs"
    assert ttl["field"] == "expires_at"
    assert ttl["ttl_config"] == [{}]


def test_the_sweeps_pending_query_has_its_composite_index(tf: TfConfig) -> None:
    """The emulator answers an equality plus a range on two fields without an index;
    production refuses it (FAILED_PRECONDITION) and every sweep would stop there."""
    from shared.adapters.firestore_jobs import PENDING_EXPIRED_FIELDS

    index = tf.resource("google_firestore_index", "jobs_pending_expired")
    assert index["collection"] == Settings(_env_file=None).jobs_collection
    assert index["query_scope"] == "COLLECTION"
    fields = [(f["field_path"], f["order"]) for f in index["fields"]]
    assert fields == [(name, "ASCENDING") for name in PENDING_EXPIRED_FIELDS]


def test_a_jobs_private_document_expires_with_it(tf: TfConfig) -> None:
    ttl = tf.resource("google_firestore_field", "jobs_private_ttl")
    assert ttl["collection"] == Settings().private_jobs_collection == "jobs_private"
    assert ttl["field"] == "expires_at" and ttl["ttl_config"] == [{}]
    assert "match /jobs_private/{jobId}" in (ROOT / "firestore.rules").read_text()
    public, private = jobs.split(job_doc())
    assert "expires_at" in public and "expires_at" in private


def test_result_cache_entries_expire_with_their_jobs(tf: TfConfig) -> None:
    ttl = tf.resource("google_firestore_field", "result_cache_ttl")
    assert ttl["collection"] == Settings(_env_file=None).cache_collection == "result_cache"
    assert ttl["field"] == "expires_at"
    rules = (ROOT / "firestore.rules").read_text()
    assert "result_cache" not in rules  # browsers never read the cache (denied by default)


def test_ttl_field_is_the_timestamp_jobs_are_written_with() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    doc = job_doc(now)
    assert doc["expires_at"] == now + timedelta(days=7)  # a datetime: a Firestore timestamp


def test_firestore_rules_are_deployed_from_the_repo_file(tf: TfConfig) -> None:
    ruleset = tf.resource("google_firebaserules_ruleset", "firestore")
    files = block(block(ruleset, "source"), "files")
    assert files["content"] == ref('file("${path.module}/../firestore.rules")')
    assert (TF_DIR / ".." / "firestore.rules").resolve() == ROOT / "firestore.rules"
    release = tf.resource("google_firebaserules_release", "firestore")
    assert release["name"] == "cloud.firestore"
    assert "google_firebaserules_ruleset.firestore.name" in release["ruleset_name"]


def test_rules_file_allows_get_of_one_job_and_listing_ones_own() -> None:
    rules = (ROOT / "firestore.rules").read_text()
    code = "\n".join(line.split("//")[0] for line in rules.splitlines())
    assert "rules_version = '2';" in code
    public = code[code.index("match /jobs/{jobId}") : code.index("match /jobs_private/{jobId}")]
    private = code[code.index("match /jobs_private/{jobId}") :]
    allow = r"allow\s+([\w\s,]+?)\s*:"
    assert re.findall(allow, public) == ["get"]  # the public half: never listed
    assert re.findall(allow, private) == ["get", "list"]  # no create, update, delete, write
    assert private.count("resource.data.owner == request.auth.uid") == 2
    assert "resource.data.owner == request.auth.uid" in code
    assert re.search(r"jobId\.matches\('\^\[A-Za-z0-9_-\]\{32\}\$'\)", code)


# ---- references (what `terraform validate` would check, were providers reachable) -


def _expressions() -> str:
    """All .tf text without comments."""
    lines = []
    for path in sorted(TF_DIR.glob("*.tf")):
        for line in path.read_text().splitlines():
            lines.append(re.sub(r"\s#.*$|^\s*#.*$", "", line))
    return "\n".join(lines)


def test_every_reference_is_declared(tf: TfConfig) -> None:
    text = _expressions()
    for name in re.findall(r"\bvar\.(\w+)", text):
        assert name in tf.variables, f"var.{name} is not declared"
    for name in re.findall(r"\blocal\.(\w+)", text):
        assert name in tf.locals, f"local.{name} is not declared"
    for type_, name in re.findall(r"\bdata\.(\w+)\.(\w+)", text):
        assert name in tf.data.get(type_, {}), f"data.{type_}.{name} is not declared"
    refs = re.findall(r"(?<![\w.\"])((?:google|archive)_\w+)\.(\w+)", text)
    assert len(refs) > 50
    for type_, name in refs:
        assert name in tf.resources.get(type_, {}), f"{type_}.{name} is not declared"


def test_every_variable_is_used(tf: TfConfig) -> None:
    text = _expressions()
    for name in tf.variables:
        assert f"var.{name}" in text, f"variable {name} is never used"


# ---- variables, outputs, versions, example -------------------------------------


def test_every_variable_is_described_and_validated(tf: TfConfig) -> None:
    for name, var in tf.variables.items():
        assert var.get("description"), f"{name} has no description"
        if var.get("type") != "${bool}" and var.get("type") != "bool":
            assert var.get("validation"), f"{name} has no validation"


def _regex_of(tf: TfConfig, name: str) -> str:
    condition = tf.variables[name]["validation"][0]["condition"]
    m = re.search(r'regex\(\\?"(.*?)\\?", var\.' + name, condition)
    assert m, condition
    return m.group(1).replace("\\\\", "\\")


@pytest.mark.parametrize(
    ("name", "good", "bad"),
    [
        ("frontend_url", ["https://reels.example.com", "http://localhost:8000"],
         ["https://reels.example.com/", "reels.example.com", "https://a.com/app", "https://a,b"]),
        ("project_id", ["my-reels-project"], ["My_Project", "abc", "x" * 31]),
        ("analyze_memory", ["2Gi", "512Mi"], ["2G", "2 Gi", "lots"]),
    ],
)  # fmt: skip
def test_variable_validation_patterns(
    tf: TfConfig, name: str, good: list[str], bad: list[str]
) -> None:
    pattern = _regex_of(tf, name)
    for value in good:
        assert re.search(pattern, value), (name, value)
    for value in bad:
        assert not re.search(pattern, value), (name, value)


def test_outputs_name_the_urls_and_the_bucket(tf: TfConfig) -> None:
    assert tf.outputs["upload_url_url"]["value"] == ref(
        "google_cloudfunctions2_function.upload_url.service_config[0].uri"
    )
    assert tf.outputs["status_url"]["value"] == ref(
        "google_cloudfunctions2_function.status.service_config[0].uri"
    )
    assert tf.outputs["upload_bucket"]["value"] == ref("google_storage_bucket.uploads.name")
    for name, out in tf.outputs.items():
        assert out.get("description"), name


def test_providers_are_pinned(tf: TfConfig) -> None:
    providers = {}
    for t in tf.terraform:
        for item in t.get("required_providers", []):
            providers.update(item)
    assert providers["google"]["source"] == "hashicorp/google"
    assert providers["archive"]["source"] == "hashicorp/archive"
    for name in ("google", "archive"):
        assert re.fullmatch(r"~> \d+\.\d+", providers[name]["version"]), providers[name]


def test_tfvars_example_sets_known_variables_and_every_required_one(tf: TfConfig) -> None:
    example = load_hcl(TF_DIR / "terraform.tfvars.example")
    assert set(example) <= set(tf.variables)
    required = {name for name, var in tf.variables.items() if "default" not in var}
    assert required <= set(example)
    # No secret is ever set through variables.
    assert not [k for k in tf.variables if "key" in k or "secret" in k or "password" in k]


def test_required_apis_are_listed(tf: TfConfig) -> None:
    apis = tf.locals["apis"]
    for api in (
        "cloudfunctions",
        "run",
        "cloudbuild",
        "artifactregistry",
        "pubsub",
        "storage",
        "firestore",
        "firebaserules",
        "secretmanager",
        "iamcredentials",
    ):
        assert f'\\"{api}.googleapis.com\\"' in apis or f'"{api}.googleapis.com"' in apis, api
    readme = (TF_DIR / "README.md").read_text()
    assert "gcloud services enable" in readme


def test_readme_walks_through_the_deploy() -> None:
    readme = (TF_DIR / "README.md").read_text()
    for needle in (
        "make deploy",
        "terraform.tfvars.example",
        "gcloud secrets versions add",
        "python -m reels_cli --api",
        "gcloud pubsub subscriptions pull",
        "terraform output",
    ):
        assert needle in readme, needle
