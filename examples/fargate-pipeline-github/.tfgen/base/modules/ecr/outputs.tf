output "arns" {
  description = "ARN of each repository, keyed like repositories (what a deploy role may push to)."
  value       = { for key, repo in aws_ecr_repository.this : key => repo.arn }
}

output "urls" {
  description = "URL of each repository (<account>.dkr.ecr.<region>.amazonaws.com/<name>), keyed like repositories."
  value       = { for key, repo in aws_ecr_repository.this : key => repo.repository_url }
}

output "names" {
  description = "Name of each repository, keyed like repositories."
  value       = { for key, repo in aws_ecr_repository.this : key => repo.name }
}
