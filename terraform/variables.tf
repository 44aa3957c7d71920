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
    error_message = "region must be a Google Cloud region such as europe-west1."
  }
}

variable "firestore_location" {
  description = "Location of the Firestore database: a region (europe-west1) or a multi-region (eur3, nam5)."
  type        = string
  default     = "europe-west1"

  validation {
    condition     = can(regex("^([a-z]+-[a-z]+[0-9]{1,2}|eur3|nam5)$", var.firestore_location))
    error_message = "firestore_location must be a region or one of the multi-regions eur3, nam5."
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

variable "gemini_model" {
  description = "Gemini model name analyze uses."
  type        = string
  default     = "gemini-2.5-flash"

  validation {
    condition     = can(regex("^gemini-[a-z0-9.-]+$", var.gemini_model))
    error_message = "gemini_model must be a Gemini model name such as gemini-2.5-flash."
  }
}

variable "vertex_location" {
  description = "Vertex AI location used when analyzer = vertex_ai."
  type        = string
  default     = "us-central1"

  validation {
    condition     = can(regex("^([a-z]+-[a-z]+[0-9]{1,2}|global|us|eu)$", var.vertex_location))
    error_message = "vertex_location must be a region such as us-central1, or global."
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

variable "max_delivery_attempts" {
  description = "Deliveries of one upload event before it goes to the dead-letter topic (also MAX_ATTEMPTS of analyze). Sized with analyze_max_instances against bursts (terraform/README.md)."
  type        = number
  default     = 8

  validation {
    condition     = var.max_delivery_attempts >= 5 && var.max_delivery_attempts <= 100
    error_message = "max_delivery_attempts must be between 5 and 100 (Pub/Sub's limits)."
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
    condition     = can(regex("^[0-9]+(Mi|Gi)$", var.analyze_memory)) && local.analyze_memory_mib >= 512 && local.analyze_memory_mib <= 32768
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

  # Cloud Run's pairs (checked at apply, not at plan): 4 vCPU need at least 2 GiB,
  # 6 and 8 vCPU at least 4 GiB; more than 4 GiB needs 2 vCPU, more than 8 GiB 4,
  # more than 16 GiB 6, more than 24 GiB 8.
  validation {
    condition = (
      (tonumber(var.analyze_cpu) < 4 || local.analyze_memory_mib >= 2048) &&
      (tonumber(var.analyze_cpu) < 6 || local.analyze_memory_mib >= 4096) &&
      (local.analyze_memory_mib <= 4096 || tonumber(var.analyze_cpu) >= 2) &&
      (local.analyze_memory_mib <= 8192 || tonumber(var.analyze_cpu) >= 4) &&
      (local.analyze_memory_mib <= 16384 || tonumber(var.analyze_cpu) >= 6) &&
      (local.analyze_memory_mib <= 24576 || tonumber(var.analyze_cpu) >= 8)
    )
    error_message = "analyze_cpu and analyze_memory are not a pair Cloud Run accepts: 4 vCPU need >= 2Gi, 6 or 8 vCPU >= 4Gi; over 4Gi needs >= 2 vCPU, over 8Gi >= 4, over 16Gi >= 6, over 24Gi 8."
  }
}

variable "analyze_max_instances" {
  description = "Most analyze instances at once (each handles one video): protects the Gemini quota. With the delivery retries it must absorb a burst of burst_uploads (terraform/README.md, \"Bursts\")."
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
  description = "Uploads that may arrive at once and must all be analysed, not dead-lettered."
  type        = number
  default     = 50
  validation {
    condition     = var.burst_uploads >= 1
    error_message = "burst_uploads must be at least 1."
  }
}

variable "analysis_seconds_p95" {
  description = "How long one analysis takes (95th percentile), for sizing against bursts."
  type        = number
  default     = 120
  validation {
    condition     = var.analysis_seconds_p95 >= 10 && var.analysis_seconds_p95 <= 540
    error_message = "analysis_seconds_p95 must be between 10 and 540 (analyze's timeout)."
  }
}
