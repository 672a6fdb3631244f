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

output "jobs" {
  description = "Per job: its EventBridge Scheduler schedule, the scheduler role and the dead-letter queue of runs it gave up on."
  value = {
    for key, job in module.job : key => {
      schedule_name = job.schedule_name
      role_arn      = job.role_arn
      dlq_url       = job.dlq_url
    }
  }
}
