output "upload_url_url" {
  description = "Public URL of the upload_url function: the --api of the CLI client and the web page."
  value       = google_cloudfunctions2_function.upload_url.service_config[0].uri
}

output "status_url" {
  description = "Public URL of the status function (GET <status_url>/<job_id>)."
  value       = google_cloudfunctions2_function.status.service_config[0].uri
}

output "analyze_url" {
  description = "Internal URL of the analyze function (only the Pub/Sub push may call it)."
  value       = google_cloudfunctions2_function.analyze.service_config[0].uri
}

output "upload_bucket" {
  description = "Bucket the browser uploads videos to."
  value       = google_storage_bucket.uploads.name
}

output "dead_letter_subscription" {
  description = "Pull subscription holding upload events analyze failed on."
  value       = google_pubsub_subscription.dead_letter.name
}

output "gemini_api_key_secret" {
  description = "Secret Manager secret to add the Gemini API key to (null unless analyzer = gemini_api_key)."
  value       = local.use_api_key ? google_secret_manager_secret.gemini_api_key[0].secret_id : null
}
