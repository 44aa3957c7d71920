# The bucket the browser PUTs videos into, and the bucket of function sources.

data "google_storage_project_service_account" "gcs" {
  project = var.project_id
}

resource "google_storage_bucket" "uploads" {
  #checkov:skip=CKV_GCP_62:Videos live minutes (analyze deletes them, lifecycle after 1 day); Cloud Audit Logs cover access, a log bucket would outlive the data.
  #checkov:skip=CKV_GCP_78:Versioning would keep every deleted video: uploads are transient by design.
  name                        = "${var.project_id}-${var.name_prefix}-uploads"
  project                     = var.project_id
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = true # only transient uploads live here

  # The browser PUTs to a V4 signed URL; OPTIONS preflight is answered by GCS.
  cors {
    origin          = [var.frontend_url]
    method          = ["PUT"] # frames load as <img> with signed URLs: no CORS needed
    response_header = ["Content-Type", "x-goog-content-length-range"]
    max_age_seconds = 3600
  }

  # Safety net: analyze deletes each video (and the sweep what analyze missed);
  # anything left under uploads/ is gone after a day.
  lifecycle_rule {
    condition {
      age            = 1
      matches_prefix = [local.upload_prefix]
    }
    action {
      type = "Delete"
    }
  }

  # Storyboard frames live as long as their job document (Firestore TTL).
  lifecycle_rule {
    condition {
      age            = var.job_ttl_days
      matches_prefix = [local.results_prefix]
    }
    action {
      type = "Delete"
    }
  }

  depends_on = [google_project_service.apis]
}

# Object finalize under uploads/ -> the uploads topic (JSON object metadata as payload).
resource "google_storage_notification" "uploads" {
  bucket             = google_storage_bucket.uploads.name
  topic              = google_pubsub_topic.uploads.id
  payload_format     = "JSON_API_V1"
  event_types        = ["OBJECT_FINALIZE"]
  object_name_prefix = local.upload_prefix

  depends_on = [google_pubsub_topic_iam_member.gcs_publishes_uploads]
}

# Zipped function sources; the object name carries the zip's hash, so a code
# change is a new object and Cloud Functions redeploys.
resource "google_storage_bucket" "sources" {
  #checkov:skip=CKV_GCP_62:Holds only build inputs written by Terraform; access is in Cloud Audit Logs.
  #checkov:skip=CKV_GCP_78:Content-addressed object names already keep every deployed version.
  name                        = "${var.project_id}-${var.name_prefix}-sources"
  project                     = var.project_id
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = true

  depends_on = [google_project_service.apis]
}

# `make package` writes build/functions/<name>/ (main.py, shared/, requirements.txt).
data "archive_file" "function" {
  for_each = toset(["upload_url", "analyze", "status", "sweep"])

  type        = "zip"
  source_dir  = "${path.module}/../build/functions/${each.key}"
  output_path = "${path.module}/../build/zips/${each.key}.zip"
}

resource "google_storage_bucket_object" "function" {
  for_each = data.archive_file.function

  name   = "functions/${each.key}-${each.value.output_sha256}.zip"
  bucket = google_storage_bucket.sources.name
  source = each.value.output_path
}
