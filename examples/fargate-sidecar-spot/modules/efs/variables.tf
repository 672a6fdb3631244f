variable "name" {
  description = "Name of the file system, used for its Name tag and as the prefix of its security group and access point names."
  type        = string

  validation {
    condition     = length(var.name) >= 1 && length(var.name) <= 200
    error_message = "The name must be 1-200 characters."
  }
}

variable "vpc_id" {
  description = "ID of the VPC that holds the mount targets and their security group."
  type        = string

  validation {
    condition     = startswith(var.vpc_id, "vpc-")
    error_message = "The vpc_id must be a VPC ID (vpc-...)."
  }
}

variable "subnet_ids" {
  description = "Subnets that each get one mount target, in distinct availability zones (at least two, so the storage survives the loss of a zone)."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2 && length(distinct(var.subnet_ids)) == length(var.subnet_ids)
    error_message = "Give at least two distinct subnets, in different availability zones: EFS shared by ECS tasks must be multi-AZ."
  }
}

variable "performance_mode" {
  description = "Performance mode of the file system: generalPurpose (lowest latency, the right choice for almost every workload) or maxIO."
  type        = string
  default     = "generalPurpose"

  validation {
    condition     = contains(["generalPurpose", "maxIO"], var.performance_mode)
    error_message = "The performance_mode must be generalPurpose or maxIO."
  }

  # Checked here rather than on throughput_mode: Terraform does not validate a defaulted
  # variable, and maxIO with the default elastic throughput is the likely mistake.
  validation {
    condition     = !(var.performance_mode == "maxIO" && var.throughput_mode == "elastic")
    error_message = "Elastic throughput is only available with the generalPurpose performance mode; set throughput_mode = \"bursting\" for maxIO."
  }
}

variable "throughput_mode" {
  description = "Throughput mode of the file system: elastic (scales with the workload, pay per use) or bursting (scales with the stored size)."
  type        = string
  default     = "elastic"

  # provisioned is left out because it needs a throughput figure this module does not take.
  validation {
    condition     = contains(["elastic", "bursting"], var.throughput_mode)
    error_message = "The throughput_mode must be elastic or bursting."
  }
}

variable "client_security_group_ids" {
  description = "Security group of each client that mounts the file system (the tasks of each service), keyed by a static name such as the service name."
  type        = map(string)
  default     = {}
}

variable "access_points" {
  description = "Access points to create, keyed by name: the root directory each one confines its clients to, and the POSIX user and group they act as and that owns the directory."
  type = map(object({
    path = string
    uid  = optional(number, 1000)
    gid  = optional(number, 1000)
  }))
  default = {}

  validation {
    condition     = alltrue([for ap in values(var.access_points) : startswith(ap.path, "/") && length(ap.path) <= 100])
    error_message = "Every access point path must be absolute (start with \"/\") and at most 100 characters."
  }

  validation {
    condition = alltrue([
      for ap in values(var.access_points) :
      ap.uid >= 0 && ap.gid >= 0 && ap.uid <= 4294967295 && ap.gid <= 4294967295 && floor(ap.uid) == ap.uid && floor(ap.gid) == ap.gid
    ])
    error_message = "Every uid and gid must be a whole number between 0 and 4294967295."
  }
}

variable "tags" {
  description = "Tags applied to every taggable resource of the module."
  type        = map(string)
  default     = {}
}
