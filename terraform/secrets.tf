# The Gemini API key: Terraform creates the empty secret only. Its value is added
# with `gcloud secrets versions add` (README), so it is never in state or tfvars.
resource "google_secret_manager_secret" "gemini_api_key" {
  count = local.use_api_key ? 1 : 0

  secret_id = "${var.name_prefix}-gemini-api-key"
  project   = var.project_id

  replication {
    auto {}
  }

  depends_on = [google_project_service.apis]
}
