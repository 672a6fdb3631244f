output "queue_arn" {
  description = "ARN of the work queue."
  value       = aws_sqs_queue.this.arn
}

output "queue_url" {
  description = "URL of the work queue, what the consumer's SDK calls take (give it to the task as an environment variable)."
  value       = aws_sqs_queue.this.id
}

output "queue_name" {
  description = "Name of the work queue, the QueueName dimension of its CloudWatch metrics (for queue_scaling)."
  value       = aws_sqs_queue.this.name
}

output "dlq_arn" {
  description = "ARN of the dead-letter queue receiving messages that failed max_receive_count times."
  value       = aws_sqs_queue.dlq.arn
}

output "dlq_url" {
  description = "URL of the dead-letter queue, for inspecting or redriving failed messages."
  value       = aws_sqs_queue.dlq.id
}

output "topic_arns" {
  description = "ARN of each topic the queue subscribes to (created here or given), keyed like topics; publishers send to these."
  value       = local.topic_arns
}

output "visibility_timeout_seconds" {
  description = "Visibility timeout the work queue was given (explicit or derived from processing_time_seconds)."
  value       = local.visibility_timeout_seconds
}

output "consumer_policy_json" {
  description = "IAM policy document (JSON) a consumer's task role needs: receive, delete, change visibility and read attributes on this queue only, plus kms:Decrypt on kms_key_arn when one is used."
  value       = data.aws_iam_policy_document.consumer.json
}
