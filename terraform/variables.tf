variable "project_id" {
  description = "Google Cloud project id everything is created in."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a Google Cloud project id (6-30 lower-case letters, digits, hyphens)."
  }
}

variable "region" {
  description = "Region of the functions, the buckets and the Artifact Registry repository."
  type        = string
  default     = "europe-west1"

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]{1,2}$", var.region))
    error_message = "region must be a Google Cloud region such as europe-west1, europe-west10 or northamerica-northeast1."
  }
}

variable "firestore_location" {
  description = "Location of the Firestore database: a region (europe-west1) or a multi-region (eur3, nam5)."
  type        = string
  default     = "europe-west1"

  validation {
    condition     = can(regex("^([a-z]+-[a-z]+[0-9]{1,2}|[a-z]{3,4}[0-9]{1,2})$", var.firestore_location))
    error_message = "firestore_location must be a region (europe-west1) or a Firestore multi-region (eur3, nam5, nam7)."
  }
}

variable "name_prefix" {
  description = "Prefix of every resource name (functions, buckets, topics, service accounts)."
  type        = string
  default     = "reels"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,11}$", var.name_prefix))
    error_message = "name_prefix must be 2-12 lower-case letters, digits or hyphens, starting with a letter."
  }
}

variable "frontend_url" {
  description = "Origin of the web page (scheme://host[:port], no path): the only origin the upload bucket's CORS allows."
  type        = string

  validation {
    condition     = can(regex("^https?://[a-zA-Z0-9.-]+(:[0-9]+)?$", var.frontend_url))
    error_message = "frontend_url must be an origin such as https://reels.example.com (no path, no trailing slash)."
  }
}

variable "analyzer" {
  description = "How analyze calls the model: gemini_api_key (Gemini API, key in Secret Manager), vertex_ai (Gemini on Vertex AI, no key) or offline (no Gemini at all)."
  type        = string
  default     = "gemini_api_key"

  validation {
    condition     = contains(["gemini_api_key", "vertex_ai", "offline"], var.analyzer)
    error_message = "analyzer must be one of gemini_api_key, vertex_ai, offline."
  }
}

variable "cpu_isa" {
  description = "Instruction set every numeric library of the analysis uses (shared/core/cpu.py): AVX2 runs on every CPU Cloud Run has and gives the same result on all of them."
  type        = string
  default     = "AVX2"

  validation {
    condition     = contains(["GENERIC", "AVX", "AVX2", "AVX512"], var.cpu_isa)
    error_message = "cpu_isa must be one of GENERIC, AVX, AVX2, AVX512."
  }
}

variable "gemini_model" {
  description = "Gemini model analyze asks first (shared/analyzers/gemini/models.py says why: the newest GA Flash, December 2026)."
  type        = string
  default     = "gemini-3.8-flash"

  validation {
    condition     = can(regex("^gemini-[a-z0-9.-]+$", var.gemini_model))
    error_message = "gemini_model must be a Gemini model name such as gemini-3.8-flash."
  }
}

variable "gemini_fallback_models" {
  description = "Models tried in order, once each, when the one before is retired, unknown or refuses our request; when none works the user gets the offline analysis with a note."
  type        = list(string)
  default     = ["gemini-3.7-flash", "gemini-3.5-flash-lite"]

  validation {
    condition     = alltrue([for m in var.gemini_fallback_models : can(regex("^gemini-[a-z0-9.-]+$", m))])
    error_message = "gemini_fallback_models must be Gemini model names such as gemini-3.7-flash."
  }
}

variable "gemini_api_version" {
  description = "Gemini Developer API version the requests are pinned to: the video clip (videoMetadata) and per-part media resolution are v1beta fields."
  type        = string
  default     = "v1beta"

  validation {
    condition     = contains(["v1beta", "v1alpha", "v1"], var.gemini_api_version)
    error_message = "gemini_api_version must be v1beta, v1alpha or v1."
  }
}

variable "vertex_location" {
  description = "Vertex AI (Gemini Enterprise Agent Platform) location used when analyzer = vertex_ai: Gemini 3 models are served on global (3.x Flash also on the us and eu multi-regions), not in single regions."
  type        = string
  default     = "global"

  validation {
    condition     = can(regex("^(global|us|eu)$", var.vertex_location))
    error_message = "vertex_location must be global, us or eu: Gemini 3 is not served in single regions such as us-central1."
  }
}

variable "max_file_size_mb" {
  description = "Largest upload accepted, in MB (signed into the upload URL)."
  type        = number
  default     = 100

  validation {
    condition     = var.max_file_size_mb >= 1 && var.max_file_size_mb <= 1024
    error_message = "max_file_size_mb must be between 1 and 1024."
  }
}

variable "max_video_duration_sec" {
  description = "Longest video accepted, in seconds. analyze's 540 s timeout is sized for at most 180 s."
  type        = number
  default     = 180

  validation {
    condition     = var.max_video_duration_sec >= 1 && var.max_video_duration_sec <= 180
    error_message = "max_video_duration_sec must be between 1 and 180 (analyze's timeout is sized for 180 s)."
  }
}

variable "max_attempts" {
  description = "Runs of one upload before analyze gives up on transient failures and fails the job with a message (MAX_ATTEMPTS of analyze and the sweep). The subscription's delivery limit adds the deliveries a burst may be refused (terraform/README.md, \"Bursts\")."
  type        = number
  default     = 5

  validation {
    condition     = var.max_attempts >= 1 && var.max_attempts <= 20
    error_message = "max_attempts must be between 1 and 20."
  }
}

variable "analyze_memory" {
  description = "Memory of the analyze function (video decoding, and the offline analyzer's speech model)."
  type        = string
  default     = "2Gi"

  validation {
    condition     = can(regex("^[0-9]+(Mi|Gi)$", var.analyze_memory))
    error_message = "analyze_memory must look like 512Mi or 2Gi."
  }
  validation {
    # The size in MiB as local.analyze_memory_mib computes it (a variable's own validation
    # may not go through a local that reads the variable: that is a cycle).
    condition = try(alltrue([
      for mib in [tonumber(regex("^([0-9]+)(?:Mi|Gi)$", var.analyze_memory)[0]) * (endswith(var.analyze_memory, "Gi") ? 1024 : 1)] :
      mib >= 512 && mib <= 32768
    ]), true)
    error_message = "analyze_memory must be between 512Mi (the offline analyzer's model) and 32Gi."
  }
}

variable "analyze_cpu" {
  description = "vCPUs of the analyze function."
  type        = string
  default     = "1"

  validation {
    condition     = contains(["1", "2", "4", "6", "8"], var.analyze_cpu)
    error_message = "analyze_cpu must be 1, 2, 4, 6 or 8."
  }

  # Cloud Run refuses other pairs at apply time (local.cloud_run_memory_mib): caught at plan.
  validation {
    condition = try(
      local.analyze_memory_mib >= local.cloud_run_memory_mib[var.analyze_cpu][0] &&
      local.analyze_memory_mib <= local.cloud_run_memory_mib[var.analyze_cpu][1],
      true # a malformed value is reported by its own validation
    )
    error_message = "Cloud Run runs ${var.analyze_cpu} vCPU with ${try(local.cloud_run_memory_mib[var.analyze_cpu][0], "?")}Mi to ${try(local.cloud_run_memory_mib[var.analyze_cpu][1], "?")}Mi of memory, not analyze_memory = ${var.analyze_memory}: 4 vCPU need at least 2Gi, 6 and 8 vCPU 4Gi; over 4Gi needs 2 vCPU, over 8Gi 4, over 16Gi 6, over 24Gi 8."
  }
}

variable "analyze_max_instances" {
  description = "Most analyze instances at once (each handles one video): protects the Gemini quota. A burst of burst_uploads must start within the hour on them (terraform/README.md, \"Bursts\")."
  type        = number
  default     = 10

  validation {
    condition     = var.analyze_max_instances >= 1 && var.analyze_max_instances <= 100
    error_message = "analyze_max_instances must be between 1 and 100."
  }
}

variable "http_memory" {
  description = "Memory of the upload_url and status functions."
  type        = string
  default     = "256Mi"

  validation {
    condition     = can(regex("^[0-9]+(Mi|Gi)$", var.http_memory))
    error_message = "http_memory must look like 256Mi or 1Gi."
  }
}

variable "http_max_instances" {
  description = "Most instances of each of upload_url and status."
  type        = number
  default     = 10

  validation {
    condition     = var.http_max_instances >= 1 && var.http_max_instances <= 100
    error_message = "http_max_instances must be between 1 and 100."
  }
}

variable "enable_apis" {
  description = "Enable the Google Cloud APIs the system uses (turn off when they are managed elsewhere)."
  type        = bool
  default     = true
}

variable "job_ttl_days" {
  description = "Days a job (its document and its storyboard frames) is kept."
  type        = number
  default     = 7
  validation {
    condition     = var.job_ttl_days >= 1 && var.job_ttl_days <= 365
    error_message = "job_ttl_days must be between 1 and 365."
  }
}

variable "quota_user_daily" {
  description = "Videos a day per user (anonymous Firebase users count one each)."
  type        = number
  default     = 10
  validation {
    condition     = var.quota_user_daily >= 0
    error_message = "quota_user_daily must not be negative."
  }
}

variable "quota_ip_daily" {
  description = "Videos a day per client address."
  type        = number
  default     = 30
  validation {
    condition     = var.quota_ip_daily >= 0
    error_message = "quota_ip_daily must not be negative."
  }
}

variable "quota_service_daily" {
  description = "Videos a day for the whole service: the cap on the daily bill."
  type        = number
  default     = 1000
  validation {
    condition     = var.quota_service_daily >= 0
    error_message = "quota_service_daily must not be negative."
  }
}

variable "quota_service_tokens" {
  description = "Gemini tokens a day for the whole service; 0 = no token cap."
  type        = number
  default     = 0
  validation {
    condition     = var.quota_service_tokens >= 0
    error_message = "quota_service_tokens must not be negative."
  }
}

variable "enforce_app_check" {
  description = "Next layer after anonymous sign-in: require a Firebase App Check token on upload_url once the web app is registered with App Check (see terraform/README.md)."
  type        = bool
  default     = false
  validation {
    condition     = contains([true, false], var.enforce_app_check)
    error_message = "enforce_app_check is true or false."
  }
}

variable "sweep_schedule" {
  description = "When Cloud Scheduler runs the sweep (cron, UTC): every minute keeps a dead worker's job within lease + 2 minutes."
  type        = string
  default     = "* * * * *"
  validation {
    condition     = length(split(" ", var.sweep_schedule)) == 5
    error_message = "sweep_schedule must be a five-field cron expression, like \"* * * * *\"."
  }
}

variable "burst_uploads" {
  description = "Uploads that may arrive at once and must all be analysed, not dead-lettered: the subscription's retries are sized for it (terraform/README.md, \"Bursts\")."
  type        = number
  default     = 50
  validation {
    condition     = var.burst_uploads >= 1 && floor(var.burst_uploads) == var.burst_uploads
    error_message = "burst_uploads must be a whole number, at least 1."
  }
}

variable "analysis_seconds_p95" {
  description = "How long one analysis takes (95th percentile), in seconds: sets the retry backoff and the burst sizing."
  type        = number
  default     = 120
  validation {
    condition     = var.analysis_seconds_p95 >= 10 && var.analysis_seconds_p95 <= 540
    error_message = "analysis_seconds_p95 must be between 10 and 540 (analyze's timeout)."
  }
}
