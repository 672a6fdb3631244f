variable "name" {
  description = "Name of the load balancer, also the prefix of its security group and target group names."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9]([a-zA-Z0-9-]{0,30}[a-zA-Z0-9])?$", var.name)) && !startswith(var.name, "internal-")
    error_message = "The name must be 1-32 alphanumerics or hyphens, must not begin or end with a hyphen and must not begin with \"internal-\"."
  }
}

variable "vpc_id" {
  description = "ID of the VPC that holds the load balancer, its security group and its target groups."
  type        = string

  validation {
    condition     = startswith(var.vpc_id, "vpc-")
    error_message = "The vpc_id must be a VPC ID (vpc-...)."
  }
}

variable "subnet_ids" {
  description = "Subnets of the load balancer, one per availability zone (public subnets when internet-facing)."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 1 && length(distinct(var.subnet_ids)) == length(var.subnet_ids)
    error_message = "A Network Load Balancer needs at least one subnet, with no duplicates."
  }
}

variable "internal" {
  description = "Whether the load balancer is internal (reachable only from inside the VPC, connected networks and PrivateLink) instead of internet-facing."
  type        = bool
  default     = false
}

variable "certificate_arn" {
  description = "ARN of the ACM (or IAM) certificate for TLS listeners; null makes every listener plain TCP."
  type        = string
  default     = null

  validation {
    condition     = var.certificate_arn == null || can(regex("^arn:aws[a-z-]*:(acm|iam):", var.certificate_arn))
    error_message = "The certificate_arn must be an ACM or IAM certificate ARN, or null."
  }
}

variable "ssl_policy" {
  description = "TLS negotiation policy of the TLS listeners; only policies whose minimum protocol is TLS 1.2 or later are accepted."
  type        = string
  default     = "ELBSecurityPolicy-TLS13-1-2-2021-06"

  validation {
    condition     = can(regex("^ELBSecurityPolicy-(TLS13-1-[23]-|TLS-1-2-|FS-1-2-)", var.ssl_policy))
    error_message = "The ssl_policy must be an ELBSecurityPolicy whose minimum protocol is TLS 1.2 or 1.3 (for example ELBSecurityPolicy-TLS13-1-2-2021-06)."
  }
}

variable "ingress_cidr_blocks" {
  description = "IPv4 CIDR blocks allowed to reach the listener ports; narrow it (for example to the VPC CIDR) for an internal load balancer."
  type        = list(string)
  default     = ["0.0.0.0/0"]

  validation {
    condition     = alltrue([for cidr in var.ingress_cidr_blocks : can(cidrnetmask(cidr))])
    error_message = "Every entry of ingress_cidr_blocks must be an IPv4 CIDR block such as 10.0.0.0/16."
  }
}

variable "deletion_protection" {
  description = "Whether AWS refuses to delete the load balancer until this is turned off."
  type        = bool
  default     = true
}

variable "privatelink" {
  description = "Whether to publish the load balancer as a PrivateLink VPC endpoint service that other VPCs and accounts can connect to."
  type        = bool
  default     = false
}

variable "privatelink_allowed_principals" {
  description = "IAM principal ARNs (accounts, roles or users) allowed to create endpoints to the endpoint service; each connection still needs acceptance."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for p in var.privatelink_allowed_principals : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(root|role/.+|user/.+)$", p))])
    error_message = "Every allowed principal must be an IAM ARN such as arn:aws:iam::123456789012:root; the wildcard \"*\" is not accepted."
  }
}

variable "services" {
  description = "Services exposed by the load balancer, keyed by service name: the port the listener and the container share."
  type = map(object({
    port = number
  }))
  default = {}

  validation {
    condition     = alltrue([for s in values(var.services) : s.port >= 1 && s.port <= 65535 && floor(s.port) == s.port])
    error_message = "Every service port must be a whole number between 1 and 65535."
  }

  validation {
    condition     = length(distinct([for s in values(var.services) : s.port])) == length(var.services)
    error_message = "Each service needs its own port: a load balancer has one listener per port."
  }
}

variable "tags" {
  description = "Tags applied to every taggable resource of the module."
  type        = map(string)
  default     = {}
}
