output "cluster_name" {
  description = "Name of the ECS cluster."
  value       = module.cluster.name
}

output "vpc_id" {
  description = "ID of the VPC the stack runs in."
  value       = local.vpc_id
}

output "services" {
  description = "Per service: ECS service name, task role ARN (what its containers may do), execution role ARN and log group."
  value = {
    for key, service in module.service : key => {
      service_name       = service.service_name
      task_role_arn      = service.task_role_arn
      execution_role_arn = service.execution_role_arn
      log_group_name     = service.log_group_name
    }
  }
}

output "load_balancer_dns_name" {
  description = "DNS name of the load balancer; point a CNAME or alias record at it."
  value       = module.alb.dns_name
}

output "load_balancer_zone_id" {
  description = "Hosted zone ID of the load balancer, for a Route 53 alias record."
  value       = module.alb.zone_id
}

output "efs_file_system_id" {
  description = "ID of the shared EFS file system."
  value       = module.efs.id
}
