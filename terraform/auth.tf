# Users without sign-up: Firebase Authentication (Identity Platform) with anonymous
# sign-in. The page signs in on the first visit; upload_url verifies the ID token.
# Next layer (not on by default): Firebase App Check, see terraform/README.md and
# var.enforce_app_check.

resource "google_identity_platform_config" "auth" {
  project = var.project_id

  sign_in {
    anonymous {
      enabled = true
    }
  }

  # The page's origin may sign users in.
  authorized_domains = [
    "localhost",
    regex("^https?://([^/:]+)", var.frontend_url)[0],
  ]

  depends_on = [google_project_service.apis]
}
