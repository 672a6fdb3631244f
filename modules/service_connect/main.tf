# An HTTP namespace, not a DNS one: Service Connect resolves names through its Envoy proxy and
# Cloud Map's API, so no Route 53 hosted zone is created or needed.
resource "aws_service_discovery_http_namespace" "this" {
  name        = var.name
  description = var.description
  tags        = var.tags
}
