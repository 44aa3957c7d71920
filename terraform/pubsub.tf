# Upload events: uploads topic -> push subscription -> analyze; failures retry
# with backoff and, after local.delivery_attempts deliveries, land on the dead-letter topic.
#
# Why a Terraform-managed push subscription instead of the function's
# event_trigger: an event_trigger makes Eventarc create and own the subscription,
# and Terraform cannot set a dead-letter topic, a retry backoff or a delivery
# limit on it (with retry on, a failing video would be retried for 7 days).
# Here the subscription is ours: exponential backoff and a delivery limit sized for
# bursts (below), then the dead-letter topic. It pushes with an
# OIDC token of a dedicated invoker account to analyze's URL; functions-framework
# turns the push envelope into the same CloudEvent (type
# google.cloud.pubsub.topic.v1.messagePublished) that Eventarc would deliver,
# because analyze's entry point is declared as a CloudEvent function. A non-2xx
# answer (an exception in analyze, or its timeout) is a nack, which is a retry.

# Bursts (terraform/README.md, "Bursts"). Each analyze instance takes one upload at a
# time; while all are busy a push is refused (429) and Pub/Sub delivers it again after
# a backoff. Every delivery counts towards the dead-letter limit, so the limit must
# outlast the burst: `burst_uploads` uploads arriving at once are all running
# after `burst_drain_sec`, and a refused upload must still have deliveries left then.
locals {
  burst_drain_sec = ceil(var.burst_uploads / var.analyze_max_instances) * var.analysis_seconds_p95

  # The first retry comes quickly (a cold start refuses for seconds, not minutes);
  # later ones at most one analysis apart, so an instance that frees up during a
  # burst finds the next upload soon instead of idling through a long backoff.
  retry_min_backoff_sec = 10
  retry_max_backoff_sec = min(600, max(local.retry_min_backoff_sec, var.analysis_seconds_p95))

  # When the k-th delivery of a message comes (k = 1..100, Pub/Sub's limit):
  # after k - 1 refusals, each backoff doubling from the minimum up to the maximum.
  delivery_times = [
    for k in range(1, 101) : sum(concat([0], [
      for i in range(k - 1) : min(local.retry_min_backoff_sec * pow(2, i), local.retry_max_backoff_sec)
    ]))
  ]
  # Deliveries that may be refused while the burst drains, then up to `max_attempts`
  # runs (analyze retries a transient failure until the job has run that often).
  busy_deliveries   = length([for t in local.delivery_times : t if t < local.burst_drain_sec])
  delivery_attempts = max(5, local.busy_deliveries + var.max_attempts)
  # A job still PENDING an hour after its upload URL expired reads as expired
  # (UPLOAD_GRACE in shared/core/jobs.py): a burst must drain well within that. The
  # sweep ends a stranded upload only after it (BURST_DRAIN_LIMIT in shared/core/recovery.py).
  burst_drain_limit_sec = 3600
}

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
    minimum_backoff = "${local.retry_min_backoff_sec}s"
    maximum_backoff = "${local.retry_max_backoff_sec}s"
  }

  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.dead_letter.id
    max_delivery_attempts = local.delivery_attempts
  }

  expiration_policy {
    ttl = "" # never expires, however quiet the service is
  }

  lifecycle {
    precondition {
      condition     = local.burst_drain_sec <= local.burst_drain_limit_sec
      error_message = "A burst of ${var.burst_uploads} uploads takes ~${local.burst_drain_sec} s to start on ${var.analyze_max_instances} analyze instances (${var.analysis_seconds_p95} s each): uploads still waiting after ${local.burst_drain_limit_sec} s read as expired. Raise analyze_max_instances (terraform/README.md, \"Bursts\")."
    }
    precondition {
      condition     = local.busy_deliveries + var.max_attempts <= 100
      error_message = "A burst of ${var.burst_uploads} uploads needs ${local.busy_deliveries + var.max_attempts} delivery attempts (${local.busy_deliveries} refused while it drains + max_attempts = ${var.max_attempts}); Pub/Sub allows 100. Raise analyze_max_instances or lower max_attempts (terraform/README.md, \"Bursts\")."
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
