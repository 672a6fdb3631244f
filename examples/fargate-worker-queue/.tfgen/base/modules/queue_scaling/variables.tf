variable "cluster_name" {
  description = "Name of the ECS cluster running the worker service (the ClusterName dimension of its Container Insights metrics)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,255}$", var.cluster_name))
    error_message = "cluster_name must be an ECS cluster name (1-255 letters, digits, hyphens or underscores), not an ARN."
  }
}

variable "service_name" {
  description = "Name of the ECS service whose task count follows the queue."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,255}$", var.service_name))
    error_message = "service_name must be an ECS service name (1-255 letters, digits, hyphens or underscores), not an ARN."
  }
}

variable "queue_name" {
  description = "Name of the SQS queue the service consumes (the QueueName dimension of its metrics)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,80}(\\.fifo)?$", var.queue_name))
    error_message = "queue_name must be an SQS queue name, not a URL or an ARN."
  }
}

variable "min_capacity" {
  description = "Fewest tasks the service scales in to; at least 1, because backlog per task is undefined without a running task."
  type        = number
  default     = 1

  validation {
    condition     = var.min_capacity >= 1 && floor(var.min_capacity) == var.min_capacity
    error_message = "min_capacity must be a whole number of at least 1: backlog per task divides by the running task count, so a service at zero tasks would never scale out."
  }
}

variable "max_capacity" {
  description = "Most tasks the service scales out to."
  type        = number

  validation {
    condition     = var.max_capacity >= var.min_capacity && floor(var.max_capacity) == var.max_capacity
    error_message = "max_capacity must be a whole number no smaller than min_capacity."
  }
}

variable "backlog_per_task_target" {
  description = "Visible messages per running task to hold: the longest acceptable queueing delay divided by the time a task takes per message (e.g. 300 s / 3 s = 100)."
  type        = number

  validation {
    condition     = var.backlog_per_task_target > 0
    error_message = "backlog_per_task_target must be above 0."
  }
}

variable "policy_type" {
  description = "How the task count follows the backlog per task: target_tracking (AWS adds and removes tasks to hold the target) or step (CloudWatch alarms above and below the target add or remove tasks in steps)."
  type        = string
  default     = "target_tracking"

  validation {
    condition     = contains(["target_tracking", "step"], var.policy_type)
    error_message = "policy_type must be target_tracking or step."
  }
}

variable "scale_in_evaluation_minutes" {
  description = "Step scaling only: consecutive minutes the backlog per task must stay below the target before a task is removed."
  type        = number
  default     = 15

  validation {
    condition     = var.scale_in_evaluation_minutes >= 1 && var.scale_in_evaluation_minutes <= 1440 && floor(var.scale_in_evaluation_minutes) == var.scale_in_evaluation_minutes
    error_message = "scale_in_evaluation_minutes must be a whole number from 1 to 1440."
  }
}

variable "scale_out_cooldown" {
  description = "Seconds after a scale-out before another scale-out may start."
  type        = number
  default     = 60

  validation {
    condition     = var.scale_out_cooldown >= 0 && floor(var.scale_out_cooldown) == var.scale_out_cooldown
    error_message = "scale_out_cooldown must be a whole, non-negative number of seconds."
  }
}

variable "scale_in_cooldown" {
  description = "Seconds after a scale-in before another scale-in may start; longer than scale-out so a short lull does not stop tasks mid-burst."
  type        = number
  default     = 300

  validation {
    condition     = var.scale_in_cooldown >= 0 && floor(var.scale_in_cooldown) == var.scale_in_cooldown
    error_message = "scale_in_cooldown must be a whole, non-negative number of seconds."
  }
}

variable "tags" {
  description = "Tags applied to every taggable resource of the module."
  type        = map(string)
  default     = {}
}
