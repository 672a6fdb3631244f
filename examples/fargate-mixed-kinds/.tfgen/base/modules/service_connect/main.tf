# An HTTP namespace, not a DNS one: Service Connect resolves names through its Envoy proxy and
# Cloud Map's API, so no Route 53 hosted zone is created or needed.
resource "aws_service_discovery_http_namespace" "this" {
  name        = var.name
  description = var.description
  tags        = var.tags
}

################################################################################
# Security groups: each server admits exactly the security groups of the clients
################################################################################

locals {
  # Every client may call every server but itself (its own tasks need no rule to reach it).
  client_server_pairs = {
    for pair in setproduct(keys(var.clients), keys(var.servers)) :
    "${pair[0]}/${pair[1]}" => { client = pair[0], server = pair[1] }
    if pair[0] != pair[1]
  }
}

resource "aws_vpc_security_group_ingress_rule" "from_client" {
  for_each = local.client_server_pairs

  security_group_id            = var.servers[each.value.server].security_group_id
  description                  = "Service Connect: ${each.value.client} calls ${each.value.server} on ${var.servers[each.value.server].port}/tcp"
  ip_protocol                  = "tcp"
  from_port                    = var.servers[each.value.server].port
  to_port                      = var.servers[each.value.server].port
  referenced_security_group_id = var.clients[each.value.client]
  tags                         = merge(var.tags, { Name = "${each.value.client}-to-${each.value.server}" })
}

resource "aws_vpc_security_group_egress_rule" "to_server" {
  for_each = local.client_server_pairs

  security_group_id            = var.clients[each.value.client]
  description                  = "Service Connect: ${each.value.client} calls ${each.value.server} on ${var.servers[each.value.server].port}/tcp"
  ip_protocol                  = "tcp"
  from_port                    = var.servers[each.value.server].port
  to_port                      = var.servers[each.value.server].port
  referenced_security_group_id = var.servers[each.value.server].security_group_id
  tags                         = merge(var.tags, { Name = "${each.value.client}-to-${each.value.server}" })
}
