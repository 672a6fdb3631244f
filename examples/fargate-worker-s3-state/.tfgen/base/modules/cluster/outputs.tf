output "arn" {
  description = "ARN of the ECS cluster."
  value       = aws_ecs_cluster.this.arn
}

output "name" {
  description = "Name of the ECS cluster."
  value       = aws_ecs_cluster.this.name
}

output "id" {
  description = "ID of the ECS cluster (the same value as its ARN)."
  value       = aws_ecs_cluster.this.id
}

output "capacity_providers_id" {
  description = "ID of the cluster's capacity provider association; services reference it so they are created after the association and destroyed before it."
  value       = aws_ecs_cluster_capacity_providers.this.id
}

output "exec_log_group_arn" {
  description = "ARN of the ECS Exec session log group (null without exec_logging); task roles of services with ECS Exec write to it."
  value       = var.exec_logging ? aws_cloudwatch_log_group.exec[0].arn : null
}

output "exec_kms_key_arn" {
  description = "ARN of the KMS key encrypting ECS Exec sessions (null without exec_logging); task roles of services with ECS Exec decrypt with it."
  value       = var.exec_logging ? aws_kms_key.exec[0].arn : null
}
