variable "name" {
  description = "Name of the ECS cluster."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9_-]{1,255}$", var.name))
    error_message = "name must be 1-255 letters, digits, hyphens or underscores."
  }
}

variable "capacity_providers" {
  description = "Capacity providers associated with the cluster, for example [\"FARGATE\", \"FARGATE_SPOT\"] or the name of an EC2 Auto Scaling group capacity provider."
  type        = list(string)

  validation {
    condition     = length(var.capacity_providers) > 0 && length(distinct(var.capacity_providers)) == length(var.capacity_providers)
    error_message = "capacity_providers must name at least one capacity provider, without duplicates."
  }
}

variable "default_capacity_provider" {
  description = "Capacity provider that services without their own capacity provider strategy run on; must be one of capacity_providers."
  type        = string

  validation {
    condition     = contains(var.capacity_providers, var.default_capacity_provider)
    error_message = "default_capacity_provider must be one of capacity_providers."
  }
}

variable "container_insights" {
  description = "Whether CloudWatch Container Insights collects cluster, service and task metrics."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags added to every taggable resource of the module."
  type        = map(string)
  default     = {}
}

variable "exec_logging" {
  description = "Log ECS Exec sessions: a KMS key encrypting the sessions and an exec log group encrypted with it, set as the cluster's execute command configuration. Turn it on when a service enables ECS Exec."
  type        = bool
  default     = false
}

variable "exec_log_retention_days" {
  description = "Days the ECS Exec session logs are kept."
  type        = number
  default     = 365
}
