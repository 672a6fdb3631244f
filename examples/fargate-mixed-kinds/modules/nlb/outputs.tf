output "arn" {
  description = "ARN of the Network Load Balancer."
  value       = aws_lb.this.arn
}

output "dns_name" {
  description = "DNS name of the load balancer, the target of an alias or CNAME record."
  value       = aws_lb.this.dns_name
}

output "zone_id" {
  description = "Route 53 hosted zone ID of the load balancer, for alias records."
  value       = aws_lb.this.zone_id
}

output "security_group_id" {
  description = "ID of the load balancer's security group; each service adds its egress rule to its tasks here."
  value       = aws_security_group.this.id
}

output "target_group_arns" {
  description = "ARN of each service's target group, keyed by service name."
  value       = { for key, tg in aws_lb_target_group.this : key => tg.arn }

  # ECS rejects a target group that no listener uses yet, so a service that reads this
  # output must wait for the listeners.
  depends_on = [aws_lb_listener.this]
}

output "endpoint_service_name" {
  description = "Service name of the PrivateLink endpoint service that consumers use to create endpoints; null without privatelink."
  value       = var.privatelink ? aws_vpc_endpoint_service.privatelink[0].service_name : null
}
