resource "aws_efs_file_system" "this" {
  #checkov:skip=CKV_AWS_184:Encrypted at rest with the AWS managed key; a customer managed key needs an account-specific key policy
  encrypted        = true
  performance_mode = var.performance_mode
  throughput_mode  = var.throughput_mode

  # Files untouched for 30 days move to the cheaper Infrequent Access class...
  lifecycle_policy {
    transition_to_ia = "AFTER_30_DAYS"
  }

  # ...and come back on their first access, so a file in use again stops paying IA's
  # per-read charge and latency.
  lifecycle_policy {
    transition_to_primary_storage_class = "AFTER_1_ACCESS"
  }

  tags = merge(var.tags, { Name = var.name })
}

# Daily AWS Backup of the file system: its data outlives a mistaken delete or destroy.
resource "aws_efs_backup_policy" "this" {
  file_system_id = aws_efs_file_system.this.id

  backup_policy {
    status = "ENABLED"
  }
}

# Any file system policy replaces EFS's default of full access for every client that can
# reach a mount target. This one grants nothing, so access comes only from identity policies
# (the task roles, mounting with IAM authorization), and it refuses every request not made
# over TLS.
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

resource "aws_security_group" "this" {
  name        = "${var.name}-efs"
  description = "EFS ${var.name} mount targets: admit NFS only from the security groups of the clients that mount it."
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-efs" })
}

resource "aws_vpc_security_group_ingress_rule" "nfs" {
  for_each = var.client_security_group_ids

  security_group_id            = aws_security_group.this.id
  description                  = "NFS from the ${each.key} tasks, which mount this file system"
  ip_protocol                  = "tcp"
  from_port                    = 2049
  to_port                      = 2049
  referenced_security_group_id = each.value

  tags = merge(var.tags, { Client = each.key })
}

# count, not for_each: subnet IDs are often unknown until the VPC is applied.
resource "aws_efs_mount_target" "this" {
  count = length(var.subnet_ids)

  file_system_id  = aws_efs_file_system.this.id
  subnet_id       = var.subnet_ids[count.index]
  security_groups = [aws_security_group.this.id]
}

resource "aws_efs_access_point" "this" {
  for_each = var.access_points

  file_system_id = aws_efs_file_system.this.id

  # Every client of this access point acts as this user, whatever user its container runs as.
  posix_user {
    uid = each.value.uid
    gid = each.value.gid
  }

  # EFS creates the directory on first use, owned by that user, closed to other users.
  root_directory {
    path = each.value.path

    creation_info {
      owner_uid   = each.value.uid
      owner_gid   = each.value.gid
      permissions = "0750"
    }
  }

  tags = merge(var.tags, { Name = "${var.name}-${each.key}" })
}
