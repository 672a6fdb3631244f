variable "name" {
  description = "Name of the Cloud Map namespace; services reach each other as http://<discovery name>.<name> or by their client alias (e.g. http://orders:8080)."
  type        = string

  validation {
    # Cloud Map HTTP namespace names: up to 1024 characters, no spaces; kept to DNS-label
    # characters because Service Connect aliases are resolved as host names.
    condition     = length(var.name) <= 1024 && can(regex("^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$", var.name))
    error_message = "name must be letters, digits, dots and hyphens, starting and ending with a letter or digit (at most 1024 characters)."
  }
}

variable "description" {
  description = "Description of the namespace."
  type        = string
  default     = "ECS Service Connect namespace"
}

variable "servers" {
  description = "Services others call through Service Connect, keyed by name: their tasks' security group and the port they serve on."
  type = map(object({
    security_group_id = string
    port              = number
  }))
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for s in values(var.servers) : s.port >= 1 && s.port <= 65535 && floor(s.port) == s.port])
    error_message = "Every server port must be a whole number between 1 and 65535."
  }
}

variable "clients" {
  description = "Services that call the servers, keyed by name: their tasks' security group ID. Each server admits exactly these (itself excepted) on its port, and each gets the matching egress rule."
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "tags" {
  description = "Tags applied to every taggable resource of the module."
  type        = map(string)
  default     = {}
}
