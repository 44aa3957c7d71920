# Upload events: uploads topic -> push subscription -> analyze; failures retry
# with backoff and, after max_delivery_attempts, land on the dead-letter topic.
#
# Why a Terraform-managed push subscription instead of the function's
# event_trigger: an event_trigger makes Eventarc create and own the subscription,
# and Terraform cannot set a dead-letter topic, a retry backoff or a delivery
# limit on it (with retry on, a failing video would be retried for 7 days).
# Here the subscription is ours: exponential backoff 10 s..600 s, at most
# max_delivery_attempts deliveries, then the dead-letter topic. It pushes with an
# OIDC token of a dedicated invoker account to analyze's URL; functions-framework
# turns the push envelope into the same CloudEvent (type
# google.cloud.pubsub.topic.v1.messagePublished) that Eventarc would deliver,
# because analyze's entry point is declared as a CloudEvent function. A non-2xx
# answer (an exception in analyze, or its timeout) is a nack, which is a retry.

resource "google_pubsub_topic" "uploads" {
  #checkov:skip=CKV_GCP_83:Messages hold only object metadata (no video, no personal data); Google-managed encryption suffices.
  name    = "${var.name_prefix}-uploads"
  project = var.project_id

  depends_on = [google_project_service.apis]
}

resource "google_pubsub_topic" "dead_letter" {
  #checkov:skip=CKV_GCP_83:Messages hold only object metadata (no video, no personal data); Google-managed encryption suffices.
  name    = "${var.name_prefix}-uploads-dead-letter"
  project = var.project_id

  depends_on = [google_project_service.apis]
}

resource "google_pubsub_subscription" "analyze" {
  name    = "${var.name_prefix}-analyze-push"
  project = var.project_id
  topic   = google_pubsub_topic.uploads.id

  # A push waits up to this long for analyze's answer: above its timeout.
  ack_deadline_seconds       = local.push_ack_deadline
  message_retention_duration = "86400s" # the video itself is deleted after a day

  push_config {
    # The path names the topic so the CloudEvent's source does too.
    push_endpoint = "${google_cloudfunctions2_function.analyze.service_config[0].uri}/${google_pubsub_topic.uploads.id}"

    oidc_token {
      service_account_email = google_service_account.analyze_invoker.email
      audience              = google_cloudfunctions2_function.analyze.service_config[0].uri
    }
  }

  retry_policy {
    minimum_backoff = "10s"
    maximum_backoff = "600s"
  }

  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.dead_letter.id
    max_delivery_attempts = var.max_delivery_attempts
  }

  expiration_policy {
    ttl = "" # never expires, however quiet the service is
  }

  lifecycle {
    precondition {
      condition     = local.retry_window_sec >= local.burst_wait_sec
      error_message = "A burst of ${var.burst_uploads} uploads would dead-letter: with ${var.analyze_max_instances} analyze instances the last one waits ~${local.burst_wait_sec} s, but ${var.max_delivery_attempts} delivery attempts retry for only ~${local.retry_window_sec} s. Raise analyze_max_instances or max_delivery_attempts (terraform/README.md, \"Bursts\")."
    }
  }

  depends_on = [
    google_pubsub_topic_iam_member.pubsub_publishes_dead_letter,
    google_cloud_run_service_iam_member.invoker_runs_analyze,
  ]
}

# Failed events stay here for a week: `gcloud pubsub subscriptions pull`.
resource "google_pubsub_subscription" "dead_letter" {
  name    = "${var.name_prefix}-uploads-dead-letter"
  project = var.project_id
  topic   = google_pubsub_topic.dead_letter.id

  ack_deadline_seconds       = 60
  message_retention_duration = "604800s"
  retain_acked_messages      = false

  expiration_policy {
    ttl = ""
  }
}
