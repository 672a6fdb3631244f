locals {
  https_enabled = var.certificate_arn != null

  # Port 443 is opened only when a listener serves it: an open port with no listener
  # would be internet ingress that admits nothing useful.
  listener_ports = local.https_enabled ? [80, 443] : [80]

  ingress_rules = {
    for pair in setproduct(local.listener_ports, var.ingress_cidr_blocks) :
    "${pair[0]}-${pair[1]}" => { port = pair[0], cidr = pair[1] }
  }

  # Target group names are unique per account and region, at most 32 characters of
  # alphanumerics and hyphens, with no leading or trailing hyphen. name_prefix would keep
  # only 6 readable characters, so the name is "<lb name>-<key>" cut to 25 characters
  # plus a 6-hex-digit hash. The hash covers the service key (two keys that share a
  # truncated prefix still differ) and every attribute whose change replaces the target
  # group (port, VPC): a replacement then gets a new name, which create_before_destroy
  # needs because the listener rule must move to the new group before the old one goes.
  # "alb/" keeps these names apart from an NLB's built from the same name and key.
  target_group_names = {
    for key, svc in var.services : key => format(
      "%s-%s",
      replace(substr(replace("${var.name}-${key}", "/[^a-zA-Z0-9-]/", "-"), 0, 25), "/-+$/", ""),
      substr(sha1("alb/${var.name}/${key}/${svc.port}/${var.vpc_id}"), 0, 6),
    )
  }

  # The listener that carries the per-service rules: HTTPS with a certificate, else HTTP.
  listener_arn = local.https_enabled ? aws_lb_listener.https[0].arn : aws_lb_listener.http[0].arn
}

resource "aws_security_group" "this" {
  name        = "${var.name}-alb"
  description = "ALB ${var.name}: admits HTTP and HTTPS from the allowed CIDRs. Egress to tasks is added per service."
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-alb" })
}

resource "aws_vpc_security_group_ingress_rule" "listener" {
  for_each = local.ingress_rules

  security_group_id = aws_security_group.this.id
  description       = "Clients in ${each.value.cidr} reach the ALB listener on port ${each.value.port}"
  ip_protocol       = "tcp"
  from_port         = each.value.port
  to_port           = each.value.port
  cidr_ipv4         = each.value.cidr

  tags = var.tags
}

resource "aws_lb" "this" {
  #checkov:skip=CKV2_AWS_20:Port 80 redirects to HTTPS whenever certificate_arn is set; without a certificate there is no HTTPS listener to redirect to
  #checkov:skip=CKV_AWS_91:Access logs need an S3 bucket with an ELB delivery policy, an account-level choice; add access_logs when you have one
  #checkov:skip=CKV2_AWS_28:A WAF web ACL is an account-level choice with its own cost and rules; associate one with this ALB's ARN when needed
  name               = var.name
  load_balancer_type = "application"
  internal           = var.internal
  subnets            = var.subnet_ids
  security_groups    = [aws_security_group.this.id]

  # Malformed headers are a request smuggling vector against the targets; drop them here.
  drop_invalid_header_fields = true
  enable_deletion_protection = var.deletion_protection

  tags = var.tags
}

resource "aws_lb_target_group" "this" {
  #checkov:skip=CKV_AWS_378:TLS ends at the load balancer; targets are tasks in private subnets reached only from the load balancer's security group
  for_each = var.services

  name                 = local.target_group_names[each.key]
  vpc_id               = var.vpc_id
  port                 = each.value.port
  protocol             = "HTTP"
  target_type          = "ip" # awsvpc tasks register by ENI IP address, never by instance
  deregistration_delay = 30

  health_check {
    enabled             = true
    protocol            = "HTTP"
    port                = "traffic-port"
    path                = each.value.health_check_path
    matcher             = "200-399" # an app that redirects / to a login page is still healthy
    interval            = 30
    timeout             = 5
    healthy_threshold   = 3
    unhealthy_threshold = 3
  }

  tags = merge(var.tags, { Name = local.target_group_names[each.key], Service = each.key })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_lb_listener" "https" {
  count = local.https_enabled ? 1 : 0

  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = var.ssl_policy
  certificate_arn   = var.certificate_arn

  # Only requests matching a service rule reach a target.
  default_action {
    type = "fixed-response"

    fixed_response {
      content_type = "text/plain"
      message_body = "Not Found"
      status_code  = "404"
    }
  }

  tags = var.tags
}

resource "aws_lb_listener" "http_redirect" {
  count = local.https_enabled ? 1 : 0

  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"

  # Port 80 stays open only so that clients typing http:// are sent to HTTPS.
  default_action {
    type = "redirect"

    redirect {
      protocol    = "HTTPS"
      port        = "443"
      status_code = "HTTP_301"
    }
  }

  tags = var.tags
}

resource "aws_lb_listener" "http" {
  # tfgen:ignore=TFG305 no certificate_arn was given; set one to serve HTTPS and redirect port 80 to it
  #checkov:skip=CKV_AWS_2:No certificate_arn was given so the ALB serves plain HTTP; setting certificate_arn switches to HTTPS with a redirect
  #checkov:skip=CKV_AWS_103:Plain HTTP has no TLS policy; the HTTPS listener created when certificate_arn is set enforces TLS 1.2 or later
  count = local.https_enabled ? 0 : 1

  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "fixed-response"

    fixed_response {
      content_type = "text/plain"
      message_body = "Not Found"
      status_code  = "404"
    }
  }

  tags = var.tags
}

resource "aws_lb_listener_rule" "this" {
  for_each = var.services

  listener_arn = local.listener_arn
  priority     = each.value.priority

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this[each.key].arn
  }

  condition {
    path_pattern {
      values = [each.value.path_pattern]
    }
  }

  tags = merge(var.tags, { Service = each.key })
}
