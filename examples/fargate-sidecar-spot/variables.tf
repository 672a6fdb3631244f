variable "name" {
  description = "Stack name; with the environment it prefixes every resource name (name-environment)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,19}$", var.name))
    error_message = "name: 2-20 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "environment" {
  description = "Environment name, such as dev or prod."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,9}$", var.environment))
    error_message = "environment: 1-10 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "region" {
  description = "AWS region to deploy into."
  type        = string
}

variable "tags" {
  description = "Extra tags for every resource, beside Project, Environment and ManagedBy."
  type        = map(string)
  default     = {}
}

variable "vpc_cidr" {
  description = "CIDR block of the new VPC; public and private subnets are carved from it per AZ."
  type        = string
}

variable "azs" {
  description = "Availability zones to span (at least two: services and EFS mount targets are multi-AZ)."
  type        = list(string)

  validation {
    condition     = length(var.azs) >= 2
    error_message = "azs: give at least two availability zones."
  }
}

variable "single_nat_gateway" {
  description = "One NAT gateway for all AZs (cheaper) instead of one per AZ (survives an AZ outage)."
  type        = bool
  default     = true
}

variable "load_balancer" {
  description = "The Application Load Balancer: internal or internet-facing, and the ACM certificate for HTTPS (null: plain HTTP)."
  type = object({
    internal        = bool
    certificate_arn = optional(string)
  })
}

variable "efs" {
  description = "The shared EFS file system's performance and throughput modes."
  type = object({
    performance_mode = string
    throughput_mode  = string
  })
}

variable "services" {
  description = "The ECS services, keyed by name. Each gets its own task definition, task role, execution role, security group and log group."
  type = map(object({
    image         = string
    port          = number
    cpu           = number
    memory        = number
    desired_count = number
    autoscaling = optional(object({
      min        = number
      max        = number
      cpu_target = number
    }))

    expose            = optional(bool, false)
    health_check_path = optional(string, "/")
    path_pattern      = optional(string, "/*")
    listener_priority = optional(number)

    efs_mount     = optional(string)
    efs_read_only = optional(bool, false)

    cpu_architecture = optional(string, "X86_64")

    spot = optional(object({
      base  = number
      share = number
    }))

    exec = optional(bool, false)

    command    = optional(list(string))
    entrypoint = optional(list(string))
    target     = optional(string)
    depends_on = optional(list(object({
      container = string
      condition = string
    })), [])
    sidecars = optional(list(object({
      name                 = string
      image                = string
      port                 = optional(number)
      essential            = optional(bool, false)
      environment          = optional(map(string), {})
      secrets              = optional(map(string), {})
      efs_mount            = optional(string)
      efs_read_only        = optional(bool, false)
      health_check_command = optional(list(string))
      cpu                  = optional(number, 0)
      memory               = optional(number)
      depends_on = optional(list(object({
        container = string
        condition = string
      })), [])
    })), [])

    environment = optional(map(string), {})
    secrets     = optional(map(string), {})
    permissions = optional(object({
      s3_buckets = optional(list(object({
        name   = string
        access = string
      })), [])
      dynamodb_tables = optional(list(object({
        name   = string
        access = string
      })), [])
    }), {})
  }))
}
