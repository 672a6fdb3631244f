output "scalable_target_resource_id" {
  description = "Application Auto Scaling resource ID of the service (service/<cluster>/<service>)."
  value       = aws_appautoscaling_target.this.resource_id
}

output "policy_arn" {
  description = "ARN of the backlog-per-task target tracking policy."
  value       = aws_appautoscaling_policy.this.arn
}
