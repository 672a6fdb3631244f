output "arn" {
  description = "ARN of the Application Load Balancer."
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
  # output must wait for the listener rules.
  depends_on = [aws_lb_listener_rule.this]
}

output "listener_arn" {
  description = "ARN of the listener that carries the service rules (HTTPS with a certificate, else HTTP)."
  value       = local.listener_arn
}
