output "capacity_provider_name" {
  description = "Name of the ECS capacity provider, to list in the cluster's capacity providers and in services' capacity provider strategies."
  value       = aws_ecs_capacity_provider.this.name
}

output "autoscaling_group_arn" {
  description = "ARN of the Auto Scaling group of the container instances."
  value       = aws_autoscaling_group.this.arn
}

output "autoscaling_group_name" {
  description = "Name of the Auto Scaling group of the container instances."
  value       = aws_autoscaling_group.this.name
}

output "instance_role_arn" {
  description = "ARN of the container instances' IAM role (never to be used as a task role)."
  value       = aws_iam_role.instance.arn
}

output "instance_role_name" {
  description = "Name of the container instances' IAM role, for attaching further instance-level policies."
  value       = aws_iam_role.instance.name
}

output "security_group_id" {
  description = "ID of the container instances' security group."
  value       = aws_security_group.this.id
}

output "launch_template_id" {
  description = "ID of the container instances' launch template."
  value       = aws_launch_template.this.id
}
