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

  analyze_memory_mib = can(regex("Gi$", var.analyze_memory)) ? tonumber(trimsuffix(var.analyze_memory, "Gi")) * 1024 : tonumber(trimsuffix(var.analyze_memory, "Mi"))

  # Bursts (terraform/README.md): while every instance is busy, a push gets 429 and
  # Pub/Sub retries with exponential backoff (10 s doubling to 600 s). The last of
  # `burst_uploads` waits for ceil(burst / instances) analyses; the retries must
  # outlast that, or the upload dead-letters without ever running.
  burst_waves      = ceil(var.burst_uploads / var.analyze_max_instances)
  burst_wait_sec   = local.burst_waves * var.analysis_seconds_p95
  retry_window_sec = sum([for i in range(var.max_delivery_attempts - 1) : min(10 * pow(2, i), 600)])
  upload_prefix    = "uploads/"
  results_prefix   = "results/" # storyboard frames: never analysed, kept as long as their job
  use_api_key      = var.analyzer == "gemini_api_key"
  use_vertex       = var.analyzer == "vertex_ai"

  # Google-managed identities that act on our resources.
  pubsub_service_agent = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-pubsub.iam.gserviceaccount.com"
  gcs_service_agent    = "serviceAccount:${data.google_storage_project_service_account.gcs.email_address}"

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
  ], local.use_vertex ? ["aiplatform.googleapis.com"] : []))
}

resource "google_project_service" "apis" {
  for_each = var.enable_apis ? local.apis : toset([])

  project            = var.project_id
  service            = each.value
  disable_on_destroy = false
}
