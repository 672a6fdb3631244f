# The ID outputs wait for the mount targets: a task that mounts before they are available
# fails to start, and failed starts can trip the service's deployment circuit breaker.

output "id" {
  description = "ID of the file system (fs-...)."
  value       = aws_efs_file_system.this.id
  depends_on  = [aws_efs_mount_target.this]
}

output "arn" {
  description = "ARN of the file system, the resource of the task roles' elasticfilesystem:Client* grants."
  value       = aws_efs_file_system.this.arn
}

output "security_group_id" {
  description = "ID of the mount targets' security group; each client adds an NFS egress rule to it."
  value       = aws_security_group.this.id
}

output "access_point_ids" {
  description = "ID of each access point, keyed like access_points."
  value       = { for key, ap in aws_efs_access_point.this : key => ap.id }
  depends_on  = [aws_efs_mount_target.this]
}

output "access_point_arns" {
  description = "ARN of each access point, keyed like access_points, for the task roles' elasticfilesystem:AccessPointArn condition."
  value       = { for key, ap in aws_efs_access_point.this : key => ap.arn }
  depends_on  = [aws_efs_mount_target.this]
}

output "dns_name" {
  description = "DNS name of the file system, which resolves to the mount target in the caller's availability zone."
  value       = aws_efs_file_system.this.dns_name
  depends_on  = [aws_efs_mount_target.this]
}
