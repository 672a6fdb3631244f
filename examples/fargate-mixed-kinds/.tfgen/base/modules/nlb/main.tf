locals {
  tls_enabled = var.certificate_arn != null

  ingress_rules = {
    for pair in setproduct(keys(var.services), var.ingress_cidr_blocks) :
    "${pair[0]}-${pair[1]}" => { service = pair[0], port = var.services[pair[0]].port, cidr = pair[1] }
  }

  # Target group names are unique per account and region, at most 32 characters of
  # alphanumerics and hyphens, with no leading or trailing hyphen. name_prefix would keep
  # only 6 readable characters, so the name is "<lb name>-<key>" cut to 25 characters
  # plus a 6-hex-digit hash. The hash covers the service key (two keys that share a
  # truncated prefix still differ) and every attribute whose change replaces the target
  # group (port, VPC): a replacement then gets a new name, which create_before_destroy
  # needs because the listener must move to the new group before the old one goes.
  # "nlb/" keeps these names apart from an ALB's built from the same name and key.
  target_group_names = {
    for key, svc in var.services : key => format(
      "%s-%s",
      replace(substr(replace("${var.name}-${key}", "/[^a-zA-Z0-9-]/", "-"), 0, 25), "/-+$/", ""),
      substr(sha1("nlb/${var.name}/${key}/${svc.port}/${var.vpc_id}"), 0, 6),
    )
  }
}

resource "aws_security_group" "this" {
  name        = "${var.name}-nlb"
  description = "NLB ${var.name}: admits the service ports from the allowed CIDRs. Egress to tasks is added per service."
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-nlb" })
}

resource "aws_vpc_security_group_ingress_rule" "listener" {
  for_each = local.ingress_rules

  security_group_id = aws_security_group.this.id
  description       = "Clients in ${each.value.cidr} reach the ${each.value.service} listener on TCP ${each.value.port}"
  ip_protocol       = "tcp"
  from_port         = each.value.port
  to_port           = each.value.port
  cidr_ipv4         = each.value.cidr

  tags = var.tags
}

resource "aws_lb" "this" {
  #checkov:skip=CKV_AWS_91:Access logs need an S3 bucket with an ELB delivery policy, an account-level choice; add access_logs when you have one
  name               = var.name
  load_balancer_type = "network"
  internal           = var.internal
  subnets            = var.subnet_ids
  # An NLB only accepts security groups if it is created with them, and the tasks admit
  # traffic by referencing this group.
  security_groups = [aws_security_group.this.id]

  enable_cross_zone_load_balancing = true
  enable_deletion_protection       = var.deletion_protection

  # PrivateLink consumers connect from their own VPCs, whose CIDRs are unknown here and may
  # overlap ours, so CIDR rules cannot describe them. Who may connect through the endpoint
  # service is decided by its allowed principals and manual acceptance instead; "on" would
  # also demand a CIDR rule here for every consumer.
  enforce_security_group_inbound_rules_on_private_link_traffic = var.privatelink ? "off" : null

  tags = var.tags
}

resource "aws_lb_target_group" "this" {
  for_each = var.services

  name                 = local.target_group_names[each.key]
  vpc_id               = var.vpc_id
  port                 = each.value.port
  protocol             = "TCP" # TLS, when used, ends at the listener
  target_type          = "ip"  # awsvpc tasks register by ENI IP address, never by instance
  deregistration_delay = 30

  health_check {
    enabled             = true
    protocol            = "TCP"
    port                = "traffic-port"
    interval            = 30
    healthy_threshold   = 3
    unhealthy_threshold = 3
  }

  tags = merge(var.tags, { Name = local.target_group_names[each.key], Service = each.key })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_lb_listener" "this" {
  for_each = var.services

  load_balancer_arn = aws_lb.this.arn
  port              = each.value.port
  protocol          = local.tls_enabled ? "TLS" : "TCP"
  certificate_arn   = var.certificate_arn
  ssl_policy        = local.tls_enabled ? var.ssl_policy : null

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this[each.key].arn
  }

  tags = merge(var.tags, { Service = each.key })
}

resource "aws_vpc_endpoint_service" "privatelink" {
  count = var.privatelink ? 1 : 0

  network_load_balancer_arns = [aws_lb.this.arn]
  # Every consumer connection is approved by hand, even from an allowed principal.
  acceptance_required        = true
  allowed_principals         = var.privatelink_allowed_principals
  supported_ip_address_types = ["ipv4"]

  tags = merge(var.tags, { Name = var.name })
}
