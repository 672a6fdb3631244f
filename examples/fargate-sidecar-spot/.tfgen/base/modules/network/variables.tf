variable "name" {
  description = "Prefix for the Name tag of every resource and for the flow-log log group and IAM role names."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9][a-zA-Z0-9_-]{0,47}$", var.name))
    error_message = "name must be 1-48 characters of letters, digits, hyphens and underscores, starting with a letter or digit (it prefixes the flow-log IAM role name, limited to 64 characters)."
  }
}

variable "vpc_cidr" {
  description = "IPv4 CIDR block of the VPC, between /16 and /22 so that every AZ gets a public and a private subnet."
  type        = string

  validation {
    condition = (
      can(cidrnetmask(var.vpc_cidr))
      && try(cidrsubnet(var.vpc_cidr, 0, 0) == var.vpc_cidr, false)
      && try(tonumber(split("/", var.vpc_cidr)[1]) >= 16 && tonumber(split("/", var.vpc_cidr)[1]) <= 22, false)
    )
    error_message = "vpc_cidr must be an IPv4 network address in CIDR notation (for example 10.0.0.0/16) with a prefix length from /16 to /22."
  }
}

variable "azs" {
  description = "Availability zone names to spread the subnets over, for example [\"eu-west-1a\", \"eu-west-1b\"]."
  type        = list(string)

  validation {
    condition     = length(var.azs) >= 2 && length(var.azs) <= 7
    error_message = "azs must list at least 2 availability zones (high availability) and at most 7 (the subnet layout splits the VPC CIDR in eighths)."
  }

  validation {
    condition     = length(distinct(var.azs)) == length(var.azs)
    error_message = "azs must not contain duplicates."
  }

  validation {
    condition     = alltrue([for az in var.azs : can(regex("^[a-z]{2}(-[a-z0-9]+)+[a-z]$", az))])
    error_message = "Each entry in azs must be an availability zone name such as eu-west-1a, not a zone ID or a region."
  }
}

variable "single_nat_gateway" {
  description = "Whether all private subnets share one NAT gateway (cheaper) instead of one NAT gateway per AZ (survives the loss of an AZ)."
  type        = bool
  default     = true
}

variable "flow_log_retention_days" {
  description = "Number of days CloudWatch Logs keeps the VPC flow log records."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.flow_log_retention_days)
    error_message = "flow_log_retention_days must be a retention period CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "tags" {
  description = "Tags added to every taggable resource of the module."
  type        = map(string)
  default     = {}
}
