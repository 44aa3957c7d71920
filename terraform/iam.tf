# One service account per function, each with only what it needs. No key files:
# upload_url signs URLs through IAM signBlob. Firestore grants are project-level
# because Firestore has no per-collection IAM; the browser side is limited by
# firestore.rules instead.

resource "google_service_account" "upload_url" {
  project      = var.project_id
  account_id   = "${var.name_prefix}-upload-url"
  display_name = "Reels Scripter upload_url function"
}

resource "google_service_account" "analyze" {
  project      = var.project_id
  account_id   = "${var.name_prefix}-analyze"
  display_name = "Reels Scripter analyze function"
}

resource "google_service_account" "status" {
  project      = var.project_id
  account_id   = "${var.name_prefix}-status"
  display_name = "Reels Scripter status function"
}

# The identity of the Pub/Sub push to analyze (OIDC token).
resource "google_service_account" "analyze_invoker" {
  project      = var.project_id
  account_id   = "${var.name_prefix}-analyze-invoker"
  display_name = "Reels Scripter Pub/Sub push to analyze"
}

# Cloud Build runs the function builds as this account.
resource "google_service_account" "build" {
  project      = var.project_id
  account_id   = "${var.name_prefix}-build"
  display_name = "Reels Scripter function builds"
}

# ---- upload_url ------------------------------------------------------------

# Signs V4 URLs with its own identity (signBlob on itself, no other account).
resource "google_service_account_iam_member" "upload_url_signs_as_itself" {
  service_account_id = google_service_account.upload_url.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = google_service_account.upload_url.member
}

# The signed PUT acts as upload_url: it may create objects in the upload bucket only.
resource "google_storage_bucket_iam_member" "upload_url_creates_uploads" {
  bucket = google_storage_bucket.uploads.name
  role   = "roles/storage.objectCreator"
  member = google_service_account.upload_url.member
}

resource "google_project_iam_member" "upload_url_writes_jobs" {
  project = var.project_id
  role    = "roles/datastore.user"
  member  = google_service_account.upload_url.member
}

# ---- analyze ---------------------------------------------------------------

# Read and delete uploaded videos, on the upload bucket only. No predefined role
# is exactly that (objectUser could also create and overwrite), so a small one.
resource "google_project_iam_custom_role" "upload_reader_deleter" {
  project     = var.project_id
  role_id     = "${replace(var.name_prefix, "-", "_")}_uploadReaderDeleter"
  title       = "Reels Scripter: read and delete uploads"
  description = "Read an uploaded video and delete it after analysis."
  permissions = ["storage.objects.get", "storage.objects.delete"]
}

resource "google_storage_bucket_iam_member" "analyze_reads_deletes_uploads" {
  bucket = google_storage_bucket.uploads.name
  role   = google_project_iam_custom_role.upload_reader_deleter.id
  member = google_service_account.analyze.member
}

resource "google_project_iam_member" "analyze_writes_jobs" {
  project = var.project_id
  role    = "roles/datastore.user"
  member  = google_service_account.analyze.member
}

resource "google_secret_manager_secret_iam_member" "analyze_reads_gemini_key" {
  count = local.use_api_key ? 1 : 0

  project   = var.project_id
  secret_id = google_secret_manager_secret.gemini_api_key[0].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.analyze.member
}

# Vertex AI has no per-model IAM: project-level user, only when Vertex is chosen.
resource "google_project_iam_member" "analyze_uses_vertex" {
  count = local.use_vertex ? 1 : 0

  project = var.project_id
  role    = "roles/aiplatform.user"
  member  = google_service_account.analyze.member
}

# The video is registered with the Gemini API instead of uploaded again
# (files.register_files: the function's token carries devstorage.read_only and
# cloud-platform; Gemini's service agent reads the object itself). Read only, on the
# upload bucket only, and only with the API key.
resource "google_storage_bucket_iam_member" "gemini_reads_uploads" {
  count = local.use_api_key ? 1 : 0

  bucket = google_storage_bucket.uploads.name
  role   = "roles/storage.objectViewer"
  member = local.gemini_service_agent
}

# ---- status ----------------------------------------------------------------

resource "google_project_iam_member" "status_reads_jobs" {
  project = var.project_id
  role    = "roles/datastore.viewer"
  member  = google_service_account.status.member
}

# ---- who may call the functions --------------------------------------------

# upload_url and status are the public API (no sign-in in this product).
resource "google_cloud_run_service_iam_member" "public_upload_url" {
  #checkov:skip=CKV_GCP_102:Public by design: the browser calls it without sign-in; it only hands out a size- and type-bound signed URL.
  project  = var.project_id
  location = var.region
  service  = google_cloudfunctions2_function.upload_url.name
  role     = "roles/run.invoker"
  member   = "allUsers"
}

resource "google_cloud_run_service_iam_member" "public_status" {
  #checkov:skip=CKV_GCP_102:Public by design: the browser polls a job by its secret id.
  project  = var.project_id
  location = var.region
  service  = google_cloudfunctions2_function.status.name
  role     = "roles/run.invoker"
  member   = "allUsers"
}

# analyze: only the push subscription's identity may invoke it.
resource "google_cloud_run_service_iam_member" "invoker_runs_analyze" {
  project  = var.project_id
  location = var.region
  service  = google_cloudfunctions2_function.analyze.name
  role     = "roles/run.invoker"
  member   = google_service_account.analyze_invoker.member
}

# ---- Google service agents -------------------------------------------------

# Cloud Storage publishes the finalize notifications to the uploads topic only.
resource "google_pubsub_topic_iam_member" "gcs_publishes_uploads" {
  project = var.project_id
  topic   = google_pubsub_topic.uploads.name
  role    = "roles/pubsub.publisher"
  member  = local.gcs_service_agent
}

# Pub/Sub forwards undeliverable messages: publish on the dead-letter topic, and
# acknowledge them on the source subscription.
resource "google_pubsub_topic_iam_member" "pubsub_publishes_dead_letter" {
  project = var.project_id
  topic   = google_pubsub_topic.dead_letter.name
  role    = "roles/pubsub.publisher"
  member  = local.pubsub_service_agent
}

resource "google_pubsub_subscription_iam_member" "pubsub_acks_analyze_subscription" {
  project      = var.project_id
  subscription = google_pubsub_subscription.analyze.name
  role         = "roles/pubsub.subscriber"
  member       = local.pubsub_service_agent
}

# Pub/Sub mints the push's OIDC token as the invoker account (that account only).
resource "google_service_account_iam_member" "pubsub_mints_invoker_tokens" {
  service_account_id = google_service_account.analyze_invoker.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = local.pubsub_service_agent
}

# ---- builds ----------------------------------------------------------------

# The role Google documents for a custom Cloud Run functions build account.
resource "google_project_iam_member" "build" {
  project = var.project_id
  role    = "roles/run.builder"
  member  = google_service_account.build.member
}

resource "google_storage_bucket_iam_member" "build_reads_sources" {
  bucket = google_storage_bucket.sources.name
  role   = "roles/storage.objectViewer"
  member = google_service_account.build.member
}

resource "google_artifact_registry_repository_iam_member" "build_pushes_images" {
  project    = var.project_id
  location   = var.region
  repository = google_artifact_registry_repository.functions.name
  role       = "roles/artifactregistry.writer"
  member     = google_service_account.build.member
}

# ---- storyboard frames -----------------------------------------------------

# analyze writes each job's frames under results/ (objects it creates itself).
resource "google_storage_bucket_iam_member" "analyze_writes_frames" {
  bucket = google_storage_bucket.uploads.name
  role   = "roles/storage.objectCreator"
  member = google_service_account.analyze.member
}

# status signs the frames' GET URLs as itself: a signed URL carries the signer's
# rights, so it needs to read objects, and signBlob on itself (no other account).
resource "google_project_iam_custom_role" "frame_reader" {
  project     = var.project_id
  role_id     = "${replace(var.name_prefix, "-", "_")}_frameReader"
  title       = "Reels Scripter: read storyboard frames"
  description = "Read objects of the upload bucket through signed GET URLs."
  permissions = ["storage.objects.get"]
}

resource "google_storage_bucket_iam_member" "status_reads_frames" {
  bucket = google_storage_bucket.uploads.name
  role   = google_project_iam_custom_role.frame_reader.name
  member = google_service_account.status.member
}

resource "google_service_account_iam_member" "status_signs_as_itself" {
  service_account_id = google_service_account.status.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = google_service_account.status.member
}
