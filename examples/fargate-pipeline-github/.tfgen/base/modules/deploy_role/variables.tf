variable "name" {
  description = "Name of the deploy role."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.name))
    error_message = "name must be 1-64 characters valid in an IAM role name (letters, digits and +=,.@_-)."
  }
}

variable "ci_system" {
  description = "CI system whose OIDC tokens the role trusts: github (GitHub Actions) or gitlab (GitLab CI)."
  type        = string

  validation {
    condition     = contains(["github", "gitlab"], var.ci_system)
    error_message = "ci_system must be github or gitlab."
  }
}

variable "repository" {
  description = "Repository allowed to assume the role: OWNER/NAME on GitHub, the project path (GROUP[/SUBGROUP...]/PROJECT) on GitLab."
  type        = string

  validation {
    # No wildcards: the trust condition is an exact match, so "*" would be taken literally at best
    # and mistaken for a pattern by a reader.
    condition     = can(regex("^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)+$", var.repository)) && (var.ci_system != "github" || length(split("/", var.repository)) == 2)
    error_message = "repository must be OWNER/NAME (GitHub) or GROUP[/SUBGROUP...]/PROJECT (GitLab), without wildcards."
  }
}

variable "branch" {
  description = "Branch whose pipelines may assume the role (pull requests and other branches may not)."
  type        = string
  default     = "main"

  validation {
    condition     = can(regex("^[A-Za-z0-9._/-]+$", var.branch)) && !startswith(var.branch, "refs/")
    error_message = "branch must be a branch name such as main or release/v2 (no wildcards, no refs/heads/ prefix)."
  }
}

variable "create_oidc_provider" {
  description = "Whether to create the account's IAM OIDC provider for the CI system; false references oidc_provider_arn (an account holds one provider per URL)."
  type        = bool
  default     = true
}

variable "oidc_provider_arn" {
  description = "ARN of the existing IAM OIDC provider of the CI system, when create_oidc_provider is false."
  type        = string
  default     = null

  validation {
    condition = (var.create_oidc_provider && var.oidc_provider_arn == null) || (
      !var.create_oidc_provider && can(regex("^arn:[a-z-]+:iam::[0-9]{12}:oidc-provider/.+$", var.oidc_provider_arn))
    )
    error_message = "Give oidc_provider_arn (arn:<partition>:iam::<account>:oidc-provider/<host>) exactly when create_oidc_provider is false."
  }
}

variable "gitlab_url" {
  description = "URL of the GitLab instance issuing the tokens (its OIDC issuer), for self-managed GitLab."
  type        = string
  default     = "https://gitlab.com"

  validation {
    condition     = can(regex("^https://[A-Za-z0-9.-]+(:[0-9]+)?$", var.gitlab_url))
    error_message = "gitlab_url must be an https:// URL without a path or trailing slash, such as https://gitlab.com."
  }
}

variable "audience" {
  description = "Audience (aud) the CI token must carry; null uses sts.amazonaws.com on GitHub and gitlab_url on GitLab (what the pipeline's id_tokens aud must then be)."
  type        = string
  default     = null
}

variable "ecr_repository_arns" {
  description = "ARNs of the ECR repositories the pipeline pushes images to."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for a in var.ecr_repository_arns : can(regex("^arn:[a-z-]+:ecr:[a-z0-9-]+:[0-9]{12}:repository/[a-z0-9._/-]+$", a))])
    error_message = "Each ecr_repository_arns entry must be an ECR repository ARN without wildcards."
  }
}

variable "service_arns" {
  description = "ARNs of the ECS services the pipeline deploys (updates to a new task definition revision)."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for a in var.service_arns : can(regex("^arn:[a-z-]+:ecs:[a-z0-9-]+:[0-9]{12}:service/[A-Za-z0-9_-]+/[A-Za-z0-9_-]+$", a))])
    error_message = "Each service_arns entry must be an ECS service ARN (arn:<partition>:ecs:<region>:<account>:service/<cluster>/<service>) without wildcards."
  }
}

variable "pass_role_arns" {
  description = "ARNs of the task and execution roles the new task definitions name; the pipeline may pass exactly these, to ECS tasks only."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for a in var.pass_role_arns : can(regex("^arn:[a-z-]+:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$", a))])
    error_message = "Each pass_role_arns entry must be an IAM role ARN without wildcards."
  }
}

variable "max_session_duration" {
  description = "Longest session the pipeline gets, in seconds (3600 to 43200)."
  type        = number
  default     = 3600

  validation {
    condition     = var.max_session_duration >= 3600 && var.max_session_duration <= 43200 && floor(var.max_session_duration) == var.max_session_duration
    error_message = "max_session_duration must be a whole number of seconds from 3600 to 43200."
  }
}

variable "tags" {
  description = "Tags applied to every taggable resource of the module."
  type        = map(string)
  default     = {}
}
