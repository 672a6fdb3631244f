"""Running the terraform binary: offline provider mirrors, init, validate, plan, show."""

from tfgen.terraform.runner import Terraform, find_provider_mirror, mirror_cli_config

__all__ = ["Terraform", "find_provider_mirror", "mirror_cli_config"]
