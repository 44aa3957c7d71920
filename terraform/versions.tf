# Provider pins. The lock file (.terraform.lock.hcl) is written by the first
# `terraform init` on a machine that reaches the Terraform registry.
terraform {
  required_version = ">= 1.5.0"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "~> 7.0"
    }
    archive = {
      source  = "hashicorp/archive"
      version = "~> 2.7"
    }
  }
}

provider "google" {
  project = var.project_id
  region  = var.region
  # Firebase Rules, Identity Platform and friends need a quota project when Terraform
  # runs with user credentials (gcloud auth application-default login): without
  # these two, their calls fail with 403.
  user_project_override = true
  billing_project       = var.project_id
}
