output "arns" {
  description = "ARN of each topic, keyed by its short name: what the publisher's task role may publish to and the queues subscribe to."
  value       = { for k, t in aws_sns_topic.this : k => t.arn }
}
