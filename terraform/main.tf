# Reels Scripter on Google Cloud: upload bucket -> Pub/Sub -> analyze, plus the
# two public HTTP functions, Firestore and (optionally) the Gemini API key secret.

data "google_project" "this" {
  project_id = var.project_id
}

locals {
  # Longest allowed video (180 s) plus probing, the model call and retries.
  # Pub/Sub's push deadline (600 s, its maximum) must stay above it.
  analyze_timeout_sec = 540
  push_ack_deadline   = 600
  # A job's claim lease: the living worker renews it every third of it, so a
  # crashed attempt is taken over by a redelivery within this many seconds.
  claim_lease_sec = 90

  # "2Gi" -> 2048 (an error for a malformed value: variables.tf reports that one).
  analyze_memory_mib = tonumber(regex("^([0-9]+)(?:Mi|Gi)$", var.analyze_memory)[0]) * (endswith(var.analyze_memory, "Gi") ? 1024 : 1)
  # Memory Cloud Run accepts for each vCPU count, in MiB (second generation, which
  # Cloud Functions 2nd gen uses): https://cloud.google.com/run/docs/configuring/services/cpu
  # and .../memory-limits. More than 4 GiB needs 2 vCPU, more than 8 GiB 4, and so on.
  cloud_run_memory_mib = {
    "1" = [512, 4096]
    "2" = [512, 8192]
    "4" = [2048, 16384]
    "6" = [4096, 24576]
    "8" = [4096, 32768]
  }

  upload_prefix  = "uploads/"
  results_prefix = "results/" # storyboard frames: never analysed, kept as long as their job
  use_api_key    = var.analyzer == "gemini_api_key"
  use_vertex     = var.analyzer == "vertex_ai"

  # Google-managed identities that act on our resources.
  pubsub_service_agent = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-pubsub.iam.gserviceaccount.com"
  gcs_service_agent    = "serviceAccount:${data.google_storage_project_service_account.gcs.email_address}"
  # The Gemini Developer API's agent reads registered Cloud Storage objects (files:register).
  gemini_service_agent = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-generativelanguage.iam.gserviceaccount.com"

  apis = toset(concat([
    "artifactregistry.googleapis.com",
    "cloudbuild.googleapis.com",
    "cloudfunctions.googleapis.com",
    "cloudscheduler.googleapis.com", # the sweep, every minute
    "firebaserules.googleapis.com",
    "firestore.googleapis.com",
    "iam.googleapis.com",
    "iamcredentials.googleapis.com",  # signBlob for the V4 signed upload URLs
    "identitytoolkit.googleapis.com", # Firebase Authentication (anonymous users)
    "logging.googleapis.com",
    "pubsub.googleapis.com",
    "run.googleapis.com",
    "secretmanager.googleapis.com",
    "storage.googleapis.com",
  ], local.model_apis))
  # Vertex AI, or the Gemini Developer API (whose service agent reads registered objects).
  model_apis = local.use_vertex ? ["aiplatform.googleapis.com"] : (
    local.use_api_key ? ["generativelanguage.googleapis.com"] : []
  )
}

resource "google_project_service" "apis" {
  for_each = var.enable_apis ? local.apis : toset([])

  project            = var.project_id
  service            = each.value
  disable_on_destroy = false
}
