# The three Cloud Functions (2nd gen, Python 3.11). Each runs as its own service
# account (iam.tf) and is built by a dedicated build account into our own
# Artifact Registry repository.

locals {
  # Settings every function reads (shared/settings.py, upper-cased).
  common_env = {
    GOOGLE_CLOUD_PROJECT   = var.project_id
    UPLOAD_BUCKET          = google_storage_bucket.uploads.name
    UPLOAD_PREFIX          = local.upload_prefix
    FRONTEND_URL           = var.frontend_url
    MAX_FILE_SIZE_MB       = tostring(var.max_file_size_mb)
    MAX_VIDEO_DURATION_SEC = tostring(var.max_video_duration_sec)
    JOB_TTL_DAYS           = tostring(var.job_ttl_days)
    RESULTS_PREFIX         = local.results_prefix
    LOG_LEVEL              = "INFO"
  }

  # Who may start an analysis, and how many a day (checked before any URL is signed).
  quota_env = {
    QUOTA_USER_DAILY            = tostring(var.quota_user_daily)
    QUOTA_IP_DAILY              = tostring(var.quota_ip_daily)
    QUOTA_SERVICE_DAILY         = tostring(var.quota_service_daily)
    QUOTA_SERVICE_TOKENS        = tostring(var.quota_service_tokens)
    TRUSTED_PROXY_HOPS          = "1" # Google's front end appends the caller's address
    APP_CHECK_ENFORCE           = var.enforce_app_check ? "true" : "false"
    GOOGLE_CLOUD_PROJECT_NUMBER = data.google_project.this.number
  }

  # status signs the storyboard frames' GET URLs as itself.
  status_env = {
    SIGNING_SERVICE_ACCOUNT = google_service_account.status.email
  }

  upload_url_env = {
    STATUS_BASE_URL         = google_cloudfunctions2_function.status.service_config[0].uri
    SIGNING_SERVICE_ACCOUNT = google_service_account.upload_url.email # signs via IAM signBlob
  }

  analyze_env = {
    ANALYZER                  = var.analyzer == "offline" ? "offline" : "gemini"
    GEMINI_MODEL              = var.gemini_model
    GEMINI_FALLBACK_MODELS    = join(",", var.gemini_fallback_models)
    GEMINI_API_VERSION        = var.gemini_api_version
    GOOGLE_GENAI_USE_VERTEXAI = local.use_vertex ? "true" : "false"
    GOOGLE_CLOUD_LOCATION     = var.vertex_location
    CLAIM_LEASE_SEC           = tostring(local.claim_lease_sec)
    MAX_ATTEMPTS              = tostring(var.max_attempts)
  }

  # Every numeric library of the analysis on one instruction set, whatever CPU Cloud
  # Run gives the instance: the same video gives the same result (shared/core/cpu.py).
  cpu_env = {
    REELS_CPU_ISA = var.cpu_isa
  }
}

resource "google_artifact_registry_repository" "functions" {
  #checkov:skip=CKV_GCP_84:Images are rebuilt from the source bucket; Google-managed encryption suffices.
  repository_id = "${var.name_prefix}-functions"
  project       = var.project_id
  location      = var.region
  format        = "DOCKER"
  description   = "Container images of the Reels Scripter functions."

  # Delete images older than 30 days, except the last 5 of each function.
  cleanup_policies {
    id     = "delete-old"
    action = "DELETE"
    condition {
      older_than = "2592000s"
    }
  }
  cleanup_policies {
    id     = "keep-recent"
    action = "KEEP"
    most_recent_versions {
      keep_count = 5
    }
  }

  depends_on = [google_project_service.apis]
}

resource "google_cloudfunctions2_function" "upload_url" {
  #checkov:skip=CKV_GCP_124:The public API: browsers call it directly, there is no load balancer in front.
  name     = "${var.name_prefix}-upload-url"
  project  = var.project_id
  location = var.region

  build_config {
    runtime           = "python311"
    entry_point       = "upload_url"
    service_account   = google_service_account.build.id
    docker_repository = google_artifact_registry_repository.functions.id
    source {
      storage_source {
        bucket = google_storage_bucket.sources.name
        object = google_storage_bucket_object.function["upload_url"].name
      }
    }
  }

  service_config {
    service_account_email          = google_service_account.upload_url.email
    available_memory               = var.http_memory
    timeout_seconds                = 30
    max_instance_count             = var.http_max_instances
    ingress_settings               = "ALLOW_ALL"
    all_traffic_on_latest_revision = true

    environment_variables = merge(local.common_env, local.upload_url_env, local.quota_env)
  }

  depends_on = [google_project_iam_member.build]
}

resource "google_cloudfunctions2_function" "status" {
  #checkov:skip=CKV_GCP_124:The public API: browsers poll it directly, there is no load balancer in front.
  name     = "${var.name_prefix}-status"
  project  = var.project_id
  location = var.region

  build_config {
    runtime           = "python311"
    entry_point       = "status"
    service_account   = google_service_account.build.id
    docker_repository = google_artifact_registry_repository.functions.id
    source {
      storage_source {
        bucket = google_storage_bucket.sources.name
        object = google_storage_bucket_object.function["status"].name
      }
    }
  }

  service_config {
    service_account_email          = google_service_account.status.email
    available_memory               = var.http_memory
    timeout_seconds                = 30
    max_instance_count             = var.http_max_instances
    ingress_settings               = "ALLOW_ALL"
    all_traffic_on_latest_revision = true
    environment_variables          = merge(local.common_env, local.status_env)
  }

  depends_on = [google_project_iam_member.build]
}

# Invoked only by the Pub/Sub push subscription (pubsub.tf): internal ingress
# (Pub/Sub push of the same project counts as internal) and no public invoker.
resource "google_cloudfunctions2_function" "analyze" {
  name     = "${var.name_prefix}-analyze"
  project  = var.project_id
  location = var.region

  build_config {
    runtime           = "python311"
    entry_point       = "analyze"
    service_account   = google_service_account.build.id
    docker_repository = google_artifact_registry_repository.functions.id
    source {
      storage_source {
        bucket = google_storage_bucket.sources.name
        object = google_storage_bucket_object.function["analyze"].name
      }
    }
  }

  service_config {
    service_account_email            = google_service_account.analyze.email
    available_memory                 = var.analyze_memory
    available_cpu                    = var.analyze_cpu
    timeout_seconds                  = local.analyze_timeout_sec
    max_instance_count               = var.analyze_max_instances
    max_instance_request_concurrency = 1 # one video per instance
    ingress_settings                 = "ALLOW_INTERNAL_ONLY"
    all_traffic_on_latest_revision   = true

    environment_variables = merge(local.common_env, local.analyze_env, local.quota_env, local.cpu_env)

    # The key is read from Secret Manager at start; it is never in Terraform state.
    dynamic "secret_environment_variables" {
      for_each = local.use_api_key ? [google_secret_manager_secret.gemini_api_key[0]] : []
      content {
        key        = "GEMINI_API_KEY"
        project_id = var.project_id
        secret     = secret_environment_variables.value.secret_id
        version    = "latest"
      }
    }
  }

  depends_on = [
    google_project_iam_member.build,
    google_secret_manager_secret_iam_member.analyze_reads_gemini_key,
  ]
}
