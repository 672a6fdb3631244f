terraform {
  required_version = ">= 1.10"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 5.81 made thumbprint_list optional: IAM verifies GitHub's and GitLab's OIDC endpoints
      # against its library of trusted CAs, so no thumbprint is pinned.
      version = ">= 5.81, < 7.0"
    }
  }
}
