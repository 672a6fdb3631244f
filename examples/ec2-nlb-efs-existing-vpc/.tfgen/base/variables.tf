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

variable "vpc_id" {
  description = "ID of the existing VPC to deploy into."
  type        = string
}

variable "public_subnet_ids" {
  description = "Public subnets of that VPC, for an internet-facing load balancer."
  type        = list(string)
  default     = []
}

variable "private_subnet_ids" {
  description = "Private subnets of that VPC (at least two AZs) for tasks, container instances, EFS mount targets."
  type        = list(string)

  validation {
    condition     = length(var.private_subnet_ids) >= 2
    error_message = "private_subnet_ids: give at least two subnets in different availability zones."
  }
}

variable "ec2" {
  description = "Container instances for the EC2 launch type: instance type, Auto Scaling group sizes, AMI (null: the ECS-optimized Amazon Linux 2023 AMI)."
  type = object({
    instance_type    = string
    min_size         = number
    max_size         = number
    desired_capacity = number
    ami_id           = optional(string)
  })
}

variable "load_balancer" {
  description = "The Network Load Balancer: internal or internet-facing, and the ACM certificate for TLS (null: plain TCP)."
  type = object({
    internal        = bool
    certificate_arn = optional(string)
    privatelink     = optional(bool, false)
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

    expose = optional(bool, false)

    efs_mount     = optional(string)
    efs_read_only = optional(bool, false)

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
