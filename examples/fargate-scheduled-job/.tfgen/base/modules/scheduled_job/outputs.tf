output "schedule_arn" {
  description = "ARN of the EventBridge Scheduler schedule."
  value       = aws_scheduler_schedule.this.arn
}

output "schedule_name" {
  description = "Name of the schedule."
  value       = aws_scheduler_schedule.this.name
}

output "role_arn" {
  description = "ARN of the scheduler role that starts the task."
  value       = aws_iam_role.this.arn
}

output "role_name" {
  description = "Name of the scheduler role."
  value       = aws_iam_role.this.name
}

output "dlq_arn" {
  description = "ARN of the dead-letter queue holding invocations the scheduler gave up on (alarm on its depth)."
  value       = aws_sqs_queue.dlq.arn
}

output "dlq_url" {
  description = "URL of the dead-letter queue."
  value       = aws_sqs_queue.dlq.id
}

output "task_definition_family_arn" {
  description = "Task definition family ARN (revision wildcard) the scheduler role may run."
  value       = local.task_definition_family_arn
}
