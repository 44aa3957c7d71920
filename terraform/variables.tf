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
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]$", var.region))
    error_message = "region must be a Google Cloud region such as europe-west1."
  }
}

variable "firestore_location" {
  description = "Location of the Firestore database: a region (europe-west1) or a multi-region (eur3, nam5)."
  type        = string
  default     = "europe-west1"

  validation {
    condition     = can(regex("^([a-z]+-[a-z]+[0-9]|eur3|nam5)$", var.firestore_location))
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
    condition     = can(regex("^([a-z]+-[a-z]+[0-9]|global)$", var.vertex_location))
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
  description = "Deliveries of one upload event before it goes to the dead-letter topic (also MAX_ATTEMPTS of analyze)."
  type        = number
  default     = 5

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
}

variable "analyze_cpu" {
  description = "vCPUs of the analyze function."
  type        = string
  default     = "1"

  validation {
    condition     = contains(["1", "2", "4", "6", "8"], var.analyze_cpu)
    error_message = "analyze_cpu must be 1, 2, 4, 6 or 8."
  }
}

variable "analyze_max_instances" {
  description = "Most analyze instances at once (each handles one video): protects the Gemini quota."
  type        = number
  default     = 3

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
