output "role_arn" {
  description = "ARN of the deploy role, what the pipeline assumes (role-to-assume on GitHub, ROLE_ARN on GitLab)."
  value       = aws_iam_role.this.arn
}

output "role_name" {
  description = "Name of the deploy role."
  value       = aws_iam_role.this.name
}

output "oidc_provider_arn" {
  description = "ARN of the IAM OIDC provider the role trusts (created here or the one given)."
  value       = local.oidc_provider_arn
}

output "subject" {
  description = "The token subject (sub claim) the trust policy admits, for checking against the CI system's documentation."
  value       = local.subject
}

output "audience" {
  description = "The token audience (aud claim) the trust policy requires; the pipeline must request a token for it."
  value       = local.audience
}
