variable "name" {
  description = "Name of the work queue; the dead-letter queue is named \"<name>-dlq\" and each topic \"<name>-<key>\"."
  type        = string

  validation {
    # SQS caps queue names at 80 characters and this module appends "-dlq".
    condition     = can(regex("^[A-Za-z0-9_-]{1,76}$", var.name))
    error_message = "name must be 1-76 letters, digits, hyphens or underscores (SQS allows 80 and \"-dlq\" is appended)."
  }
}

variable "processing_time_seconds" {
  description = "Longest time one task takes to process a message, in seconds; the visibility timeout must exceed it or a message still being processed is handed to a second consumer."
  type        = number
  default     = 30

  validation {
    condition     = var.processing_time_seconds >= 1 && var.processing_time_seconds < 43200 && floor(var.processing_time_seconds) == var.processing_time_seconds
    error_message = "processing_time_seconds must be a whole number of seconds from 1 to 43199 (the visibility timeout, which must exceed it, is capped at 43200)."
  }
}

variable "visibility_timeout_seconds" {
  description = "How long a received message stays hidden from other consumers, in seconds; null uses twice processing_time_seconds (at most 43200)."
  type        = number
  default     = null

  validation {
    condition = var.visibility_timeout_seconds == null || try(
      var.visibility_timeout_seconds > var.processing_time_seconds && var.visibility_timeout_seconds <= 43200 && floor(var.visibility_timeout_seconds) == var.visibility_timeout_seconds,
      false
    )
    error_message = "visibility_timeout_seconds must be a whole number of seconds above processing_time_seconds and at most 43200: a shorter timeout hands a message still being processed to a second consumer."
  }
}

variable "max_receive_count" {
  description = "Receives after which a message that keeps failing is moved to the dead-letter queue."
  type        = number
  default     = 5

  validation {
    condition     = var.max_receive_count >= 1 && var.max_receive_count <= 1000 && floor(var.max_receive_count) == var.max_receive_count
    error_message = "max_receive_count must be a whole number from 1 to 1000."
  }
}

variable "message_retention_seconds" {
  description = "How long the work queue keeps a message that nobody processed, in seconds (60 to 1209600)."
  type        = number
  default     = 345600

  validation {
    condition     = var.message_retention_seconds >= 60 && var.message_retention_seconds <= 1209600 && floor(var.message_retention_seconds) == var.message_retention_seconds
    error_message = "message_retention_seconds must be a whole number from 60 to 1209600 (14 days)."
  }
}

variable "receive_wait_time_seconds" {
  description = "Long-polling wait of a receive call, in seconds (0 to 20); 20 means fewer empty receives and lower cost."
  type        = number
  default     = 20

  validation {
    condition     = var.receive_wait_time_seconds >= 0 && var.receive_wait_time_seconds <= 20 && floor(var.receive_wait_time_seconds) == var.receive_wait_time_seconds
    error_message = "receive_wait_time_seconds must be a whole number from 0 to 20."
  }
}

variable "kms_key_arn" {
  description = "ARN of a customer managed KMS key encrypting both queues; null encrypts them with SQS-managed keys (SSE-SQS). The key policy must let sns.amazonaws.com use the key when topics are given."
  type        = string
  default     = null

  validation {
    # An ARN, not an alias: the consumer policy grants kms:Decrypt on exactly this key.
    condition     = var.kms_key_arn == null || can(regex("^arn:[a-z-]+:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<id>), not an alias."
  }
}

variable "topics" {
  description = "SNS topics the queue subscribes to, keyed by a short name: an existing topic's arn (with create = false when that arn is only known after apply), or none to create the topic \"<name>-<key>\" with who may publish (IAM principal ARNs; empty means any principal of the account its IAM policies allow); the subscription's filter policy (JSON) and scope, and raw message delivery."
  type = map(object({
    create               = optional(bool)
    arn                  = optional(string)
    publisher_arns       = optional(list(string), [])
    filter_policy        = optional(string)
    filter_policy_scope  = optional(string, "MessageAttributes")
    raw_message_delivery = optional(bool, false)
  }))
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for k in keys(var.topics) : can(regex("^[A-Za-z0-9_-]{1,}$", k)) && length(var.name) + 1 + length(k) <= 256])
    error_message = "Each topics key must be letters, digits, hyphens or underscores, and \"<name>-<key>\" at most 256 characters (an SNS topic name)."
  }

  validation {
    condition     = alltrue([for t in values(var.topics) : t.arn == null || can(regex("^arn:[a-z-]+:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$", t.arn))])
    error_message = "Each topics arn must be an SNS topic ARN (a standard topic, no wildcards)."
  }

  validation {
    condition     = alltrue([for t in values(var.topics) : t.create == null || try(t.create == (t.arn == null), false)])
    error_message = "Each topics create must be true without an arn and false with one (set it when the arn is only known after apply)."
  }

  validation {
    # Who may publish to a topic created elsewhere is that topic's owner's decision.
    condition     = alltrue([for t in values(var.topics) : t.arn == null || length(t.publisher_arns) == 0])
    error_message = "publisher_arns applies only to topics this module creates; leave it empty for a topic given by arn."
  }

  validation {
    condition     = alltrue([for t in values(var.topics) : t.filter_policy == null || can(keys(jsondecode(t.filter_policy)))])
    error_message = "Each topics filter_policy must be a JSON object (use jsonencode), as SNS requires."
  }

  validation {
    condition     = alltrue([for t in values(var.topics) : contains(["MessageAttributes", "MessageBody"], t.filter_policy_scope)])
    error_message = "Each topics filter_policy_scope must be MessageAttributes or MessageBody."
  }

  validation {
    condition = alltrue(flatten([
      for t in values(var.topics) : [for p in t.publisher_arns : can(regex("^arn:[a-z-]+:iam::[0-9]{12}:(root|role/.+|user/.+)$", p))]
    ]))
    error_message = "Each topics publisher_arns entry must be an IAM role, user or account root ARN (no wildcards)."
  }
}

variable "topic_kms_key_id" {
  description = "KMS key (ID, ARN or alias) encrypting the topics; the default AWS managed key alias/aws/sns serves publishers in the account, a customer managed key is needed for AWS services publishing (EventBridge, S3)."
  type        = string
  default     = "alias/aws/sns"

  validation {
    condition     = length(trimspace(var.topic_kms_key_id)) > 0
    error_message = "topic_kms_key_id must name a KMS key; topics are always encrypted."
  }
}

variable "tags" {
  description = "Tags applied to every taggable resource of the module."
  type        = map(string)
  default     = {}
}
