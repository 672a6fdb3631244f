terraform {
  # 1.10 brings the S3 backend's lock file (use_lockfile), so state locking needs no DynamoDB table.
  required_version = ">= 1.10"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # Tested with 5.100; the modules avoid arguments that 6.x removed.
      version = ">= 5.70, < 7.0"
    }
  }
}
