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
  description = "Subnets of the load balancer, in at least two availability zones (public subnets when internet-facing)."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2 && length(distinct(var.subnet_ids)) == length(var.subnet_ids)
    error_message = "An Application Load Balancer needs at least two distinct subnets, in different availability zones."
  }
}

variable "internal" {
  description = "Whether the load balancer is internal (reachable only from inside the VPC and connected networks) instead of internet-facing."
  type        = bool
  default     = false
}

variable "certificate_arn" {
  description = "ARN of the ACM (or IAM) certificate for the HTTPS listener; null serves plain HTTP on port 80 only."
  type        = string
  default     = null

  validation {
    condition     = var.certificate_arn == null || can(regex("^arn:aws[a-z-]*:(acm|iam):", var.certificate_arn))
    error_message = "The certificate_arn must be an ACM or IAM certificate ARN, or null."
  }
}

variable "ssl_policy" {
  description = "TLS negotiation policy of the HTTPS listener; only policies whose minimum protocol is TLS 1.2 or later are accepted."
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

variable "services" {
  description = "Services routed by the load balancer, keyed by service name: container port, health check path, path pattern and listener rule priority."
  type = map(object({
    port              = number
    health_check_path = optional(string, "/")
    path_pattern      = optional(string, "/*")
    priority          = number
  }))
  default = {}

  validation {
    condition     = alltrue([for s in values(var.services) : s.port >= 1 && s.port <= 65535 && floor(s.port) == s.port])
    error_message = "Every service port must be a whole number between 1 and 65535."
  }

  validation {
    condition     = alltrue([for s in values(var.services) : s.priority >= 1 && s.priority <= 50000 && floor(s.priority) == s.priority])
    error_message = "Every listener rule priority must be a whole number between 1 and 50000."
  }

  validation {
    condition     = length(distinct([for s in values(var.services) : s.priority])) == length(var.services)
    error_message = "Listener rule priorities must be unique across services."
  }

  validation {
    condition     = alltrue([for s in values(var.services) : startswith(s.health_check_path, "/") && length(s.health_check_path) <= 1024])
    error_message = "Every health_check_path must start with \"/\" and be at most 1024 characters."
  }

  validation {
    condition     = alltrue([for s in values(var.services) : length(s.path_pattern) >= 1 && length(s.path_pattern) <= 128])
    error_message = "Every path_pattern must be 1-128 characters."
  }
}

variable "tags" {
  description = "Tags applied to every taggable resource of the module."
  type        = map(string)
  default     = {}
}
