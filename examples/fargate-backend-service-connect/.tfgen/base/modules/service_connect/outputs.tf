output "arn" {
  description = "ARN of the namespace, the service_connect_configuration namespace of every service that joins it."
  value       = aws_service_discovery_http_namespace.this.arn
}

output "name" {
  description = "Name of the namespace."
  value       = aws_service_discovery_http_namespace.this.name
}

output "id" {
  description = "ID of the namespace (ns-...)."
  value       = aws_service_discovery_http_namespace.this.id
}

output "http_name" {
  description = "Name by which the namespace is discovered over the Cloud Map API."
  value       = aws_service_discovery_http_namespace.this.http_name
}
