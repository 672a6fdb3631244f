variable "name" {
  description = "Full name of the service, used for the ECS service, the task definition family, the log group and as a prefix for the IAM roles and the security group."
  type        = string

  validation {
    # IAM role names are capped at 64 characters and this module appends "-execution".
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9_-]{0,53}$", var.name))
    error_message = "name must be 1-54 characters of letters, digits, hyphens and underscores, starting with a letter or digit."
  }
}

variable "container_name" {
  description = "Name of the single essential container in the task definition, also used as the log stream prefix and for the load balancer attachment."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$", var.container_name))
    error_message = "container_name must be 1-255 characters of letters, digits, hyphens and underscores."
  }
}

variable "region" {
  description = "AWS region the service runs in, used for the awslogs driver and for DynamoDB table ARNs."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]+$", var.region))
    error_message = "region must be an AWS region code such as eu-west-1."
  }
}

variable "cluster_arn" {
  description = "ARN of the ECS cluster the service runs in."
  type        = string

  validation {
    # The cluster name is taken from the ARN for the autoscaling resource id.
    condition     = can(regex("^arn:[a-z-]+:ecs:[a-z0-9-]+:[0-9]{12}:cluster/[A-Za-z0-9_-]+$", var.cluster_arn))
    error_message = "cluster_arn must be an ECS cluster ARN (arn:<partition>:ecs:<region>:<account>:cluster/<name>)."
  }
}

variable "launch_type" {
  description = "Where the tasks run: FARGATE, or EC2 container instances."
  type        = string
  default     = "FARGATE"

  validation {
    condition     = contains(["FARGATE", "EC2"], var.launch_type)
    error_message = "launch_type must be FARGATE or EC2."
  }
}

variable "cpu_architecture" {
  description = "The task's CPU architecture: X86_64, or ARM64 for AWS Graviton (Fargate, or EC2 on Graviton instance types)."
  type        = string
  default     = "X86_64"

  validation {
    condition     = contains(["X86_64", "ARM64"], var.cpu_architecture)
    error_message = "cpu_architecture must be X86_64 or ARM64."
  }
}

variable "capacity_provider_name" {
  description = "Name of the EC2 capacity provider to place tasks with when launch_type is EC2; null uses the plain EC2 launch type."
  type        = string
  default     = null

  validation {
    condition     = var.capacity_provider_name == null || var.launch_type == "EC2"
    error_message = "capacity_provider_name is only used with launch_type EC2; leave it null for FARGATE."
  }
}

variable "cluster_capacity_providers_id" {
  description = "ID of the cluster's capacity provider association, passed only so the service is created after it (ECS rejects a strategy naming a provider the cluster does not have yet)."
  type        = string
  default     = null
}

variable "image" {
  description = "Container image reference, ideally pinned by digest or immutable tag."
  type        = string

  validation {
    condition     = length(trimspace(var.image)) > 0
    error_message = "image must not be empty."
  }
}

variable "container_port" {
  description = "TCP port the container listens on."
  type        = number

  validation {
    condition     = var.container_port >= 1 && var.container_port <= 65535 && floor(var.container_port) == var.container_port
    error_message = "container_port must be an integer between 1 and 65535."
  }
}

variable "cpu" {
  description = "Task-level CPU units (1024 = 1 vCPU); on Fargate one of 256, 512, 1024, 2048, 4096, 8192, 16384."
  type        = number

  validation {
    condition     = var.cpu >= 128 && floor(var.cpu) == var.cpu
    error_message = "cpu must be an integer of at least 128 CPU units."
  }
}

variable "memory" {
  description = "Task-level memory in MiB; on Fargate it must pair validly with cpu (tfgen validates the pair and `tfgen check` rule TFG102 reports an invalid one)."
  type        = number

  validation {
    condition     = var.memory >= 128 && floor(var.memory) == var.memory
    error_message = "memory must be an integer of at least 128 MiB."
  }
}

variable "desired_count" {
  description = "Number of tasks at creation; afterwards autoscaling (or the operator) owns the count."
  type        = number
  default     = 1

  validation {
    condition     = var.desired_count >= 0 && floor(var.desired_count) == var.desired_count
    error_message = "desired_count must be a non-negative integer."
  }
}

variable "environment" {
  description = "Plain environment variables for the container, passed to AWS literally (no template interpolation)."
  type        = map(string)
  default     = {}

  validation {
    condition = length(setintersection(
      [for k in keys(var.environment) : upper(k)],
      ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"]
    )) == 0
    error_message = "environment must not carry AWS credentials; grant access through the task role (permissions) instead."
  }
}

variable "secrets" {
  description = "Secret environment variables: NAME => Secrets Manager secret ARN, SSM parameter ARN or SSM parameter name (in var.region, the task's account), injected by ECS at start."
  type        = map(string)
  default     = {}

  validation {
    condition = alltrue([
      for v in values(var.secrets) :
      can(regex("^arn:[a-z-]+:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:.+$", v)) ||
      can(regex("^arn:[a-z-]+:ssm:[a-z0-9-]+:[0-9]{12}:parameter/.+$", v)) ||
      can(regex("^([A-Za-z0-9_.-]+|(/[A-Za-z0-9_.-]+)+)$", v))
    ])
    error_message = "Each secrets value must be a full Secrets Manager secret ARN, an SSM parameter ARN or an SSM parameter name, so the execution role can be granted exactly that resource."
  }

  validation {
    condition = length(setintersection(
      [for k in keys(var.secrets) : upper(k)],
      ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"]
    )) == 0
    error_message = "secrets must not inject AWS credentials; grant access through the task role (permissions) instead."
  }
}

variable "vpc_id" {
  description = "ID of the VPC the tasks' security group is created in."
  type        = string

  validation {
    condition     = can(regex("^vpc-[0-9a-f]+$", var.vpc_id))
    error_message = "vpc_id must look like vpc-0123456789abcdef0."
  }
}

variable "subnet_ids" {
  description = "Private subnet IDs the tasks are placed in (tasks never get a public IP)."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) > 0
    error_message = "subnet_ids must list at least one subnet."
  }
}

variable "load_balancer" {
  description = "Target group and load balancer security group to register the container with; null for a service without a load balancer. container_name and container_port name a sidecar to register instead of the service's own container."
  type = object({
    target_group_arn  = string
    security_group_id = string
    container_name    = optional(string)
    container_port    = optional(number)
  })
  default = null
}

variable "efs" {
  description = "EFS file system and access point to mount into the container over TLS with IAM authorization; null for no shared storage."
  type = object({
    file_system_id    = string
    file_system_arn   = string
    access_point_id   = string
    access_point_arn  = string
    security_group_id = string
    container_path    = string
    read_only         = optional(bool, false)
  })
  default = null

  validation {
    condition     = var.efs == null || startswith(try(var.efs.container_path, ""), "/")
    error_message = "efs.container_path must be an absolute path."
  }
}

variable "permissions" {
  description = "AWS resources the task role may use: S3 buckets and DynamoDB tables by name, each with access read or read_write."
  type = object({
    s3_buckets = optional(list(object({
      name   = string
      access = string
    })), [])
    dynamodb_tables = optional(list(object({
      name   = string
      access = string
    })), [])
  })
  default  = {}
  nullable = false

  validation {
    condition = alltrue([
      for g in concat(var.permissions.s3_buckets, var.permissions.dynamodb_tables) :
      contains(["read", "read_write"], g.access)
    ])
    error_message = "Each permissions entry must have access \"read\" or \"read_write\"."
  }

  validation {
    condition = alltrue([
      for b in var.permissions.s3_buckets : can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", b.name))
    ])
    error_message = "Each permissions.s3_buckets name must be a bucket name (not an ARN and without wildcards)."
  }

  validation {
    condition = alltrue([
      for t in var.permissions.dynamodb_tables : can(regex("^[A-Za-z0-9_.-]{3,255}$", t.name))
    ])
    error_message = "Each permissions.dynamodb_tables name must be a table name (not an ARN and without wildcards)."
  }
}

variable "autoscaling" {
  description = "Target-tracking autoscaling on average CPU: task count bounds and the CPU percentage to hold; null for a fixed task count."
  type = object({
    min        = number
    max        = number
    cpu_target = number
  })
  default = null

  validation {
    condition = var.autoscaling == null || (
      try(var.autoscaling.min >= 0 && var.autoscaling.min <= var.autoscaling.max, false)
    )
    error_message = "autoscaling.min must be >= 0 and <= autoscaling.max."
  }

  validation {
    condition = var.autoscaling == null || (
      try(var.autoscaling.cpu_target > 0 && var.autoscaling.cpu_target <= 100, false)
    )
    error_message = "autoscaling.cpu_target must be a percentage above 0 and at most 100."
  }
}

variable "log_retention_days" {
  description = "Days the container logs are kept in CloudWatch Logs."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653)."
  }
}

variable "tags" {
  description = "Tags applied to every taggable resource of the module."
  type        = map(string)
  default     = {}
}

variable "command" {
  description = "The service's container command; null keeps the image's CMD."
  type        = list(string)
  default     = null
}

variable "entrypoint" {
  description = "The service's container entry point; null keeps the image's ENTRYPOINT."
  type        = list(string)
  default     = null
}

variable "container_depends_on" {
  description = "Containers of the task the service's container waits for at start, each with a condition: START, COMPLETE, SUCCESS or HEALTHY."
  type = list(object({
    container = string
    condition = string
  }))
  default  = []
  nullable = false

  validation {
    condition     = alltrue([for d in var.container_depends_on : contains(["START", "COMPLETE", "SUCCESS", "HEALTHY"], d.condition)])
    error_message = "Each container_depends_on condition must be START, COMPLETE, SUCCESS or HEALTHY."
  }
}

variable "sidecars" {
  description = "Extra containers in the task: image, an optional port, environment and secrets (as the service's), start order, a mount of the task's EFS volume, a health check command (CMD or CMD-SHELL first), CPU units and a memory limit. They log to the service's log group under their own name."
  type = list(object({
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
  }))
  default  = []
  nullable = false

  validation {
    condition     = length(distinct(concat([var.container_name], [for s in var.sidecars : s.name]))) == length(var.sidecars) + 1
    error_message = "Container names must be unique in the task, the service's own (container_name) included."
  }

  validation {
    condition = alltrue(flatten([
      for s in var.sidecars : [
        for v in values(s.secrets) :
        can(regex("^arn:[a-z-]+:(secretsmanager|ssm):[a-z0-9-]+:[0-9]{12}:(secret:|parameter/).+$", v)) ||
        can(regex("^([A-Za-z0-9_.-]+|(/[A-Za-z0-9_.-]+)+)$", v))
      ]
    ]))
    error_message = "Each sidecar secrets value must be a Secrets Manager secret ARN, an SSM parameter ARN or an SSM parameter name."
  }
}

variable "spot" {
  description = "Fargate Spot: base tasks on FARGATE, then share percent of the rest on FARGATE_SPOT (the strategy's weights are share : 100 - share, reduced); null runs every task with the launch type. The cluster must have both capacity providers."
  type = object({
    base  = number
    share = number
  })
  default = null

  validation {
    condition     = var.spot == null || var.launch_type == "FARGATE"
    error_message = "spot is a Fargate capacity provider strategy; leave it null with launch_type EC2."
  }

  validation {
    condition     = var.spot == null || try(var.spot.base >= 0 && var.spot.share >= 1 && var.spot.share <= 100 && floor(var.spot.share) == var.spot.share, false)
    error_message = "spot.base must be >= 0 and spot.share a whole percentage from 1 to 100."
  }
}

variable "exec" {
  description = "ECS Exec: the cluster's exec log group ARN and KMS key ARN, which the task role may write to and decrypt with; null leaves ECS Exec off."
  type = object({
    log_group_arn = string
    kms_key_arn   = string
  })
  default = null
}
