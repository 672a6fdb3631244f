provider "aws" {
  region = var.region

  # Tags on every resource the provider creates, so cost and ownership are never a mystery.
  default_tags {
    tags = merge(
      {
        Project     = var.name
        Environment = var.environment
        ManagedBy   = "tfgen"
      },
      var.tags,
    )
  }
}
