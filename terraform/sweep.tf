# The sweep: every job ends and every upload goes, even when a worker died.
# Cloud Scheduler calls the sweep function every minute (OIDC, its own account);
# the function restarts jobs whose lease ran out (a fresh finalize notification on
# the uploads topic) or fails them, and deletes uploads and frames no live job owns.
# See "Recovery" in the top-level README.

locals {
  sweep_env = {
    CLAIM_LEASE_SEC = tostring(local.claim_lease_sec)
    MAX_ATTEMPTS    = tostring(var.max_attempts)
    UPLOADS_TOPIC   = google_pubsub_topic.uploads.name
  }
}

resource "google_service_account" "sweep" {
  project      = var.project_id
  account_id   = "${var.name_prefix}-sweep"
  display_name = "Reels Scripter sweep function"
}

resource "google_service_account" "scheduler" {
  project      = var.project_id
  account_id   = "${var.name_prefix}-scheduler"
  display_name = "Reels Scripter Cloud Scheduler (calls the sweep)"
}

resource "google_cloudfunctions2_function" "sweep" {
  #checkov:skip=CKV_GCP_124:Cloud Scheduler calls it over HTTPS with an OIDC token (not internal traffic); only the scheduler's account may invoke it.
  name     = "${var.name_prefix}-sweep"
  project  = var.project_id
  location = var.region

  build_config {
    runtime           = "python311"
    entry_point       = "sweep"
    service_account   = google_service_account.build.id
    docker_repository = google_artifact_registry_repository.functions.id
    source {
      storage_source {
        bucket = google_storage_bucket.sources.name
        object = google_storage_bucket_object.function["sweep"].name
      }
    }
  }

  service_config {
    service_account_email          = google_service_account.sweep.email
    available_memory               = var.http_memory
    timeout_seconds                = 120
    max_instance_count             = 1 # one sweep at a time is enough
    ingress_settings               = "ALLOW_ALL"
    all_traffic_on_latest_revision = true
    environment_variables          = merge(local.common_env, local.sweep_env)
  }

  depends_on = [google_project_iam_member.build]
}

# Only the scheduler's account may call it.
resource "google_cloud_run_service_iam_member" "scheduler_invokes_sweep" {
  project  = var.project_id
  location = var.region
  service  = google_cloudfunctions2_function.sweep.service_config[0].service
  role     = "roles/run.invoker"
  member   = google_service_account.scheduler.member
}

resource "google_cloud_scheduler_job" "sweep" {
  name      = "${var.name_prefix}-sweep"
  project   = var.project_id
  region    = var.region
  schedule  = var.sweep_schedule
  time_zone = "Etc/UTC"

  attempt_deadline = "180s"
  retry_config {
    retry_count = 0 # the next minute's run is the retry
  }

  http_target {
    http_method = "POST"
    uri         = google_cloudfunctions2_function.sweep.service_config[0].uri
    body        = base64encode("{}")
    headers     = { "Content-Type" = "application/json" }
    oidc_token {
      service_account_email = google_service_account.scheduler.email
      audience              = google_cloudfunctions2_function.sweep.service_config[0].uri
    }
  }

  depends_on = [google_project_service.apis]
}

# What the sweep touches: job documents, the upload bucket (list, read, delete) and
# the uploads topic (a restart is a new notification).
resource "google_project_iam_member" "sweep_reads_and_fails_jobs" {
  project = var.project_id
  role    = "roles/datastore.user"
  member  = google_service_account.sweep.member
}

resource "google_project_iam_custom_role" "upload_sweeper" {
  project     = var.project_id
  role_id     = "${replace(var.name_prefix, "-", "_")}_uploadSweeper"
  title       = "Reels Scripter: sweep uploads"
  description = "List, read and delete upload objects and storyboard frames no live job owns."
  permissions = ["storage.objects.list", "storage.objects.get", "storage.objects.delete"]
}

resource "google_storage_bucket_iam_member" "sweep_cleans_uploads" {
  bucket = google_storage_bucket.uploads.name
  role   = google_project_iam_custom_role.upload_sweeper.name
  member = google_service_account.sweep.member
}

resource "google_pubsub_topic_iam_member" "sweep_restarts_jobs" {
  project = var.project_id
  topic   = google_pubsub_topic.uploads.name
  role    = "roles/pubsub.publisher"
  member  = google_service_account.sweep.member
}
