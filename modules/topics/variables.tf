variable "name" {
  description = "Prefix of the topics' names: each topic is \"<name>-<short name>\"."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,190}$", var.name))
    error_message = "name must be 1-190 letters, digits, hyphens or underscores (an SNS topic name takes 256 with the short name)."
  }
}

variable "topics" {
  description = "Short names of the topics to create."
  type        = list(string)
  nullable    = false

  validation {
    condition     = alltrue([for t in var.topics : can(regex("^[A-Za-z0-9_-]{1,64}$", t))])
    error_message = "Each topic's short name must be 1-64 letters, digits, hyphens or underscores."
  }
}

variable "kms_key_id" {
  description = "KMS key (ID, ARN or alias) encrypting the topics; the AWS managed alias/aws/sns serves publishers and SQS subscribers in the account."
  type        = string
  default     = "alias/aws/sns"
  nullable    = false

  validation {
    condition     = length(trimspace(var.kms_key_id)) > 0
    error_message = "kms_key_id must name a KMS key; topics are always encrypted."
  }
}

variable "tags" {
  description = "Tags applied to every taggable resource of the module."
  type        = map(string)
  default     = {}
}
