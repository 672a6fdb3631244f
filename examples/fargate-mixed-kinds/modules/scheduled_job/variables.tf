variable "name" {
  description = "Name of the job, used for the schedule, the scheduler role (\"<name>-scheduler\") and the dead-letter queue (\"<name>-schedule-dlq\")."
  type        = string

  validation {
    # IAM role names are capped at 64 characters and this module appends "-scheduler".
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9_-]{0,53}$", var.name))
    error_message = "name must be 1-54 letters, digits, hyphens or underscores, starting with a letter or digit."
  }
}

variable "schedule_expression" {
  description = "When the job runs: rate(<n> <unit>) or cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>), in EventBridge Scheduler syntax."
  type        = string

  validation {
    # rate: a singular unit for 1 and a plural one above it, as EventBridge requires.
    # cron: six fields, with "?" in exactly one of day-of-month and day-of-week.
    condition = (
      can(regex("^rate\\((1 (minute|hour|day)|([2-9]|[1-9][0-9]+) (minutes|hours|days))\\)$", var.schedule_expression)) ||
      can(regex("^cron\\([^ ?]+ [^ ?]+ (\\? [^ ?]+ [^ ?]+|[^ ?]+ [^ ?]+ \\?) [^ ?]+\\)$", var.schedule_expression))
    )
    error_message = "schedule_expression must be rate(<n> <unit>) with a unit of minute(s), hour(s) or day(s) (singular for 1, plural above), or cron() with six fields (minutes hours day-of-month month day-of-week year) and \"?\" in exactly one of day-of-month and day-of-week, e.g. cron(0 3 * * ? *)."
  }
}

variable "timezone" {
  description = "IANA time zone the cron expression is evaluated in (e.g. Europe/Paris); rate expressions ignore it."
  type        = string
  default     = "UTC"

  validation {
    condition     = can(regex("^[A-Za-z]+(/[A-Za-z0-9_+-]+){0,2}$", var.timezone))
    error_message = "timezone must be an IANA time zone name such as UTC or Europe/Paris."
  }
}

variable "enabled" {
  description = "Whether the schedule fires; false keeps it defined but paused."
  type        = bool
  default     = true
}

variable "cluster_arn" {
  description = "ARN of the ECS cluster the task runs on; the scheduler role may run the task on this cluster only."
  type        = string

  validation {
    condition     = can(regex("^arn:[a-z-]+:ecs:[a-z0-9-]+:[0-9]{12}:cluster/[A-Za-z0-9_-]+$", var.cluster_arn))
    error_message = "cluster_arn must be an ECS cluster ARN (arn:<partition>:ecs:<region>:<account>:cluster/<name>)."
  }
}

variable "task_definition_arn" {
  description = "ARN of the task definition to run (with or without revision); the scheduler role may run any revision of its family."
  type        = string

  validation {
    condition     = can(regex("^arn:[a-z-]+:ecs:[a-z0-9-]+:[0-9]{12}:task-definition/[A-Za-z0-9_-]{1,255}(:[0-9]+)?$", var.task_definition_arn))
    error_message = "task_definition_arn must be an ECS task definition ARN (arn:<partition>:ecs:<region>:<account>:task-definition/<family>[:<revision>])."
  }
}

variable "task_role_arn" {
  description = "ARN of the task definition's task role, the one role besides execution_role_arn the scheduler may pass."
  type        = string

  validation {
    condition     = can(regex("^arn:[a-z-]+:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$", var.task_role_arn))
    error_message = "task_role_arn must be an IAM role ARN without wildcards."
  }
}

variable "execution_role_arn" {
  description = "ARN of the task definition's execution role, the one role besides task_role_arn the scheduler may pass."
  type        = string

  validation {
    condition     = can(regex("^arn:[a-z-]+:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$", var.execution_role_arn))
    error_message = "execution_role_arn must be an IAM role ARN without wildcards."
  }
}

variable "task_count" {
  description = "Number of tasks each invocation starts."
  type        = number
  default     = 1

  validation {
    condition     = var.task_count >= 1 && var.task_count <= 10 && floor(var.task_count) == var.task_count
    error_message = "task_count must be a whole number from 1 to 10 (the RunTask limit)."
  }
}

variable "launch_type" {
  description = "FARGATE or EC2; ignored when capacity_provider_strategy is given."
  type        = string
  default     = "FARGATE"

  validation {
    condition     = contains(["FARGATE", "EC2"], var.launch_type)
    error_message = "launch_type must be FARGATE or EC2."
  }
}

variable "capacity_provider_strategy" {
  description = "Capacity providers to place the task with instead of the launch type (e.g. FARGATE_SPOT with a base on FARGATE); empty uses launch_type."
  type = list(object({
    capacity_provider = string
    weight            = optional(number, 1)
    base              = optional(number, 0)
  }))
  default  = []
  nullable = false

  validation {
    condition     = length(var.capacity_provider_strategy) <= 6 && length(distinct([for s in var.capacity_provider_strategy : s.capacity_provider])) == length(var.capacity_provider_strategy)
    error_message = "capacity_provider_strategy takes at most 6 distinct capacity providers."
  }

  validation {
    condition     = alltrue([for s in var.capacity_provider_strategy : s.weight >= 0 && s.weight <= 1000 && s.base >= 0 && s.base <= 100000])
    error_message = "Each capacity_provider_strategy weight must be 0-1000 and base 0-100000."
  }
}

variable "subnet_ids" {
  description = "Private subnets the task runs in (it never gets a public IP)."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) > 0 && length(var.subnet_ids) <= 16
    error_message = "subnet_ids must list 1 to 16 subnets."
  }
}

variable "security_group_ids" {
  description = "Security groups of the task."
  type        = list(string)

  validation {
    condition     = length(var.security_group_ids) > 0 && length(var.security_group_ids) <= 5
    error_message = "security_group_ids must list 1 to 5 security groups."
  }
}

variable "maximum_retry_attempts" {
  description = "How many times the scheduler retries a RunTask call that failed (0 to 185)."
  type        = number
  default     = 3

  validation {
    condition     = var.maximum_retry_attempts >= 0 && var.maximum_retry_attempts <= 185 && floor(var.maximum_retry_attempts) == var.maximum_retry_attempts
    error_message = "maximum_retry_attempts must be a whole number from 0 to 185."
  }
}

variable "maximum_event_age_seconds" {
  description = "How long the scheduler keeps retrying an invocation before sending it to the dead-letter queue, in seconds (60 to 86400)."
  type        = number
  default     = 3600

  validation {
    condition     = var.maximum_event_age_seconds >= 60 && var.maximum_event_age_seconds <= 86400 && floor(var.maximum_event_age_seconds) == var.maximum_event_age_seconds
    error_message = "maximum_event_age_seconds must be a whole number from 60 to 86400."
  }
}

variable "tags" {
  description = "Tags applied to every taggable resource of the module and to the tasks it starts."
  type        = map(string)
  default     = {}
}
