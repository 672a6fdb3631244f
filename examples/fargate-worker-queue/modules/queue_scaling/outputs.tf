output "scalable_target_resource_id" {
  description = "Application Auto Scaling resource ID of the service (service/<cluster>/<service>)."
  value       = aws_appautoscaling_target.this.resource_id
}

output "policy_arns" {
  description = "ARN of each scaling policy: \"target_tracking\", or \"out\" and \"in\" for step scaling."
  value = merge(
    { for p in aws_appautoscaling_policy.this : "target_tracking" => p.arn },
    { for k, p in aws_appautoscaling_policy.step : k => p.arn },
  )
}

output "alarm_arns" {
  description = "ARN of each step scaling alarm (\"out\", \"in\"); empty with target tracking."
  value       = { for k, a in aws_cloudwatch_metric_alarm.step : k => a.arn }
}
