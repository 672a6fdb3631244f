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
  description = "DNS name of the ALB (the NLB has its own below); point a CNAME or alias record at it."
  value       = module.alb.dns_name
}

output "load_balancer_zone_id" {
  description = "Hosted zone ID of the ALB, for a Route 53 alias record."
  value       = module.alb.zone_id
}

output "nlb_dns_name" {
  description = "DNS name of the NLB; point a CNAME or alias record at it."
  value       = module.nlb.dns_name
}

output "nlb_zone_id" {
  description = "Hosted zone ID of the NLB, for a Route 53 alias record."
  value       = module.nlb.zone_id
}

output "service_connect_namespace" {
  description = "The Cloud Map namespace of Service Connect: services reach its servers at http://<service>:<port>."
  value = {
    arn  = module.service_connect.arn
    name = module.service_connect.name
  }
}

output "queues" {
  description = "Per worker: its queue's URL and ARN and its dead-letter queue's URL (inspect or redrive failed messages there)."
  value = {
    for key, queue in module.queue : key => {
      url     = queue.queue_url
      arn     = queue.queue_arn
      dlq_url = queue.dlq_url
    }
  }
}

output "topics" {
  description = "Per publishing service: the ARN of each topic it publishes to, by short name."
  value       = { for key, topics in module.topics : key => topics.arns }
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
