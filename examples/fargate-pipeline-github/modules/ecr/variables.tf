variable "repositories" {
  description = "Repositories to create: a static key (the service name) => repository name (e.g. web = \"shop/web\")."
  type        = map(string)

  validation {
    condition     = length(var.repositories) > 0
    error_message = "repositories must name at least one repository."
  }

  validation {
    condition = alltrue([
      for n in values(var.repositories) :
      length(n) >= 2 && length(n) <= 256 && can(regex("^[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)*$", n))
    ])
    error_message = "Each repository name must be 2-256 lowercase letters, digits and separators (. _ __ - /), starting and ending each path part with a letter or digit, as ECR requires."
  }
}

variable "encryption_type" {
  description = "Encryption at rest of the images: KMS (with kms_key_arn, or the AWS managed key aws/ecr when null) or AES256 (S3-managed keys)."
  type        = string
  default     = "KMS"

  validation {
    condition     = contains(["KMS", "AES256"], var.encryption_type)
    error_message = "encryption_type must be KMS or AES256."
  }
}

variable "kms_key_arn" {
  description = "ARN of the customer managed KMS key encrypting the images when encryption_type is KMS; null uses the AWS managed key aws/ecr."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:[a-z-]+:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<id>)."
  }

  validation {
    condition     = var.kms_key_arn == null || var.encryption_type == "KMS"
    error_message = "kms_key_arn is only used with encryption_type KMS."
  }
}

variable "keep_last_images" {
  description = "How many images (tagged or not) each repository keeps; older ones expire, so a rollback can reach back this many pushes."
  type        = number
  default     = 30

  validation {
    condition     = var.keep_last_images >= 1 && var.keep_last_images <= 10000 && floor(var.keep_last_images) == var.keep_last_images
    error_message = "keep_last_images must be a whole number from 1 to 10000."
  }
}

variable "untagged_expiry_days" {
  description = "Days after which an untagged image (a layer set left behind by a re-push or a failed build) expires."
  type        = number
  default     = 7

  validation {
    condition     = var.untagged_expiry_days >= 1 && floor(var.untagged_expiry_days) == var.untagged_expiry_days
    error_message = "untagged_expiry_days must be a whole number of at least 1."
  }
}

variable "pull_principal_arns" {
  description = "IAM principals (roles, users or account roots, e.g. of other accounts) allowed to pull through a repository policy; empty means no repository policy, so only identity policies of this account grant access."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for p in var.pull_principal_arns : can(regex("^arn:[a-z-]+:iam::[0-9]{12}:(root|role/.+|user/.+)$", p))])
    error_message = "Each pull_principal_arns entry must be an IAM role, user or account root ARN (no wildcards)."
  }
}

variable "tags" {
  description = "Tags applied to every taggable resource of the module."
  type        = map(string)
  default     = {}
}
