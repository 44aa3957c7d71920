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

  upload_prefix = "uploads/"
  use_api_key   = var.analyzer == "gemini_api_key"
  use_vertex    = var.analyzer == "vertex_ai"

  # Google-managed identities that act on our resources.
  pubsub_service_agent = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-pubsub.iam.gserviceaccount.com"
  gcs_service_agent    = "serviceAccount:${data.google_storage_project_service_account.gcs.email_address}"

  apis = toset(concat([
    "artifactregistry.googleapis.com",
    "cloudbuild.googleapis.com",
    "cloudfunctions.googleapis.com",
    "firebaserules.googleapis.com",
    "firestore.googleapis.com",
    "iam.googleapis.com",
    "iamcredentials.googleapis.com", # signBlob for the V4 signed upload URLs
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
