"""Stand-in Terraform providers (hashicorp/google, hashicorp/archive) for offline checks.

`python -m tools.tfprovider` serves both over Terraform plugin protocol 5 and prints the
TF_REATTACH_PROVIDERS JSON; `tools/terraform_check.py` uses it for `terraform validate` and
`terraform plan` without the Terraform registry or Google credentials.
"""
