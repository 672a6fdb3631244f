variable "name" {
  description = "Name of the capacity provider, Auto Scaling group and launch template, and prefix of the IAM role, instance profile and security group names."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9][a-zA-Z0-9_-]{0,47}$", var.name))
    error_message = "name must be 1-48 letters, digits, hyphens or underscores, starting with a letter or digit (it prefixes the IAM role name, limited to 64 characters)."
  }

  validation {
    condition     = !can(regex("^(?i)(aws|ecs|fargate)", var.name))
    error_message = "name must not start with \"aws\", \"ecs\" or \"fargate\": ECS reserves those prefixes for capacity provider names."
  }
}

variable "cluster_name" {
  description = "Name of the ECS cluster the container instances register with (written to ECS_CLUSTER in /etc/ecs/ecs.config)."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9_-]{1,255}$", var.cluster_name))
    error_message = "cluster_name must be 1-255 letters, digits, hyphens or underscores."
  }
}

variable "instance_type" {
  description = "EC2 instance type of the container instances."
  type        = string
  default     = "t3.medium"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]*\\.[a-z0-9]+$", var.instance_type))
    error_message = "instance_type must be an EC2 instance type such as t3.medium."
  }
}

variable "min_size" {
  description = "Minimum number of container instances in the Auto Scaling group."
  type        = number
  default     = 1

  validation {
    condition     = var.min_size >= 0 && floor(var.min_size) == var.min_size
    error_message = "min_size must be a whole number >= 0."
  }
}

variable "max_size" {
  description = "Maximum number of container instances the Auto Scaling group (and ECS managed scaling) may run."
  type        = number
  default     = 3

  validation {
    condition     = var.max_size >= 1 && floor(var.max_size) == var.max_size && var.max_size >= var.min_size
    error_message = "max_size must be a whole number >= 1 and >= min_size."
  }
}

variable "desired_capacity" {
  description = "Number of container instances at creation; afterwards ECS managed scaling owns it."
  type        = number
  default     = 1

  validation {
    condition     = floor(var.desired_capacity) == var.desired_capacity && var.min_size <= var.desired_capacity && var.desired_capacity <= var.max_size
    error_message = "desired_capacity must be a whole number with min_size <= desired_capacity <= max_size."
  }
}

variable "ami_id" {
  description = "AMI of the container instances; null uses the current ECS-optimized Amazon Linux 2023 AMI from the public SSM parameter."
  type        = string
  default     = null

  validation {
    condition     = var.ami_id == null || can(regex("^ami-([0-9a-f]{8}|[0-9a-f]{17})$", var.ami_id))
    error_message = "ami_id must be null or an AMI ID such as ami-0123456789abcdef0."
  }
}

variable "vpc_id" {
  description = "ID of the VPC of the container instances' security group."
  type        = string

  validation {
    condition     = can(regex("^vpc-[0-9a-f]+$", var.vpc_id))
    error_message = "vpc_id must be a VPC ID such as vpc-0123456789abcdef0."
  }
}

variable "subnet_ids" {
  description = "Private subnet IDs the Auto Scaling group launches container instances in, ideally one per availability zone."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) > 0 && alltrue([for id in var.subnet_ids : can(regex("^subnet-[0-9a-f]+$", id))])
    error_message = "subnet_ids must list at least one subnet ID such as subnet-0123456789abcdef0."
  }
}

variable "root_volume_size" {
  description = "Size in GiB of each container instance's encrypted gp3 root volume, which also holds the container images."
  type        = number
  default     = 30

  validation {
    condition     = var.root_volume_size >= 30 && var.root_volume_size <= 16384 && floor(var.root_volume_size) == var.root_volume_size
    error_message = "root_volume_size must be a whole number of GiB from 30 (the ECS-optimized AMI's snapshot size) to 16384."
  }
}

variable "tags" {
  description = "Tags added to every taggable resource of the module, including the instances and their volumes."
  type        = map(string)
  default     = {}
}
