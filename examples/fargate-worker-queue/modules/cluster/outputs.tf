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
