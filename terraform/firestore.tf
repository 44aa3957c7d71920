# Firestore (native mode) holds the job documents: `jobs` (public, what a shared link
# shows) and `jobs_private` (owner, file name, claim...: only its owner reads it).

resource "google_firestore_database" "main" {
  project                 = var.project_id
  name                    = "(default)"
  location_id             = var.firestore_location
  type                    = "FIRESTORE_NATIVE"
  delete_protection_state = "DELETE_PROTECTION_ENABLED"
  deletion_policy         = "ABANDON"

  depends_on = [google_project_service.apis]
}

# Job documents carry `expires_at`; Firestore deletes them once it has passed.
resource "google_firestore_field" "jobs_ttl" {
  project    = var.project_id
  database   = google_firestore_database.main.name
  collection = "jobs"
  field      = "expires_at"

  ttl_config {}
  index_config {} # a TTL timestamp needs no single-field indexes
}

# The sweep's query for PENDING jobs whose upload URL lapsed (an equality and a range on
# two fields: Firestore needs a composite index; the emulator does not, so a test checks
# it matches shared/adapters/firestore_jobs.py PENDING_EXPIRED_FIELDS).
resource "google_firestore_index" "jobs_pending_expired" {
  project     = var.project_id
  database    = google_firestore_database.main.name
  collection  = "jobs"
  query_scope = "COLLECTION"

  fields {
    field_path = "state"
    order      = "ASCENDING"
  }
  fields {
    field_path = "upload_expires_at"
    order      = "ASCENDING"
  }
}

# A job's private document goes with it (TTL deletes each document on its own). The
# owner's list (owner ==) and the sweep's lookup of frames (frames_token ==) use the
# automatic single-field indexes, kept.
resource "google_firestore_field" "jobs_private_ttl" {
  project    = var.project_id
  database   = google_firestore_database.main.name
  collection = "jobs_private"
  field      = "expires_at"

  ttl_config {}
  index_config {}
}

# Result cache entries (a key -> the job holding the result) expire with their job.
resource "google_firestore_field" "result_cache_ttl" {
  project    = var.project_id
  database   = google_firestore_database.main.name
  collection = "result_cache"
  field      = "expires_at"

  ttl_config {}
  index_config {}
}

# Browsers may read one job by its (secret, unguessable) id and nothing else.
resource "google_firebaserules_ruleset" "firestore" {
  project = var.project_id

  source {
    files {
      name    = "firestore.rules"
      content = file("${path.module}/../firestore.rules")
    }
  }

  depends_on = [google_firestore_database.main]
}

resource "google_firebaserules_release" "firestore" {
  project      = var.project_id
  name         = "cloud.firestore"
  ruleset_name = "projects/${var.project_id}/rulesets/${google_firebaserules_ruleset.firestore.name}"

  lifecycle {
    replace_triggered_by = [google_firebaserules_ruleset.firestore]
  }
}
