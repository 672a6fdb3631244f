# A shared file system for ECS tasks, like tfgen's efs module: a TLS-only file system policy, one
# mount target per subnet (count) and one access point per client (for_each), so the state holds
# both integer and string instance keys.

variable "name" {
  type = string
}

variable "performance_mode" {
  type    = string
  default = "generalPurpose"
}

variable "subnet_ids" {
  type = list(string)
}

variable "security_group_ids" {
  type = list(string)
}

variable "access_points" {
  description = "Client name => POSIX uid/gid and root directory of its access point."
  type = map(object({
    uid  = number
    path = string
  }))
  default = {}
}

variable "tags" {
  type    = map(string)
  default = {}
}

resource "aws_efs_file_system" "this" {
  encrypted        = true
  performance_mode = var.performance_mode
  throughput_mode  = "elastic"

  lifecycle_policy {
    transition_to_ia = "AFTER_30_DAYS"
  }

  tags = merge(var.tags, { Name = var.name })
}

# Refuse every request not made over TLS (a policy document built from the file system's ARN,
# read only once the file system exists).
data "aws_iam_policy_document" "this" {
  statement {
    sid       = "DenyUnencryptedTransport"
    effect    = "Deny"
    actions   = ["*"]
    resources = [aws_efs_file_system.this.arn]

    principals {
      type        = "AWS"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_efs_file_system_policy" "this" {
  file_system_id = aws_efs_file_system.this.id
  policy         = data.aws_iam_policy_document.this.json
}

resource "aws_efs_mount_target" "this" {
  count = length(var.subnet_ids)

  file_system_id  = aws_efs_file_system.this.id
  subnet_id       = var.subnet_ids[count.index]
  security_groups = var.security_group_ids
}

resource "aws_efs_access_point" "this" {
  for_each = var.access_points

  file_system_id = aws_efs_file_system.this.id

  posix_user {
    uid = each.value.uid
    gid = each.value.uid
  }

  root_directory {
    path = each.value.path

    creation_info {
      owner_uid   = each.value.uid
      owner_gid   = each.value.uid
      permissions = "0750"
    }
  }

  tags = merge(var.tags, { Name = "${var.name}-${each.key}" })
}

output "id" {
  value = aws_efs_file_system.this.id
}

output "arn" {
  value = aws_efs_file_system.this.arn
}

output "access_point_ids" {
  value = { for key, ap in aws_efs_access_point.this : key => ap.id }
}
