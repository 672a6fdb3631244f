resource "aws_ecs_cluster" "this" {
  #checkov:skip=CKV_AWS_224:Exec sessions are logged and encrypted (execute_command_configuration) when exec_logging is on; without it no service enables ECS Exec, so there is no session to log.
  name = var.name

  setting {
    name  = "containerInsights"
    value = var.container_insights ? "enabled" : "disabled"
  }

  dynamic "configuration" {
    for_each = var.exec_logging ? [1] : []

    content {
      execute_command_configuration {
        kms_key_id = aws_kms_key.exec[0].arn
        logging    = "OVERRIDE"

        log_configuration {
          cloud_watch_encryption_enabled = true
          cloud_watch_log_group_name     = aws_cloudwatch_log_group.exec[0].name
        }
      }
    }
  }

  tags = var.tags
}

resource "aws_ecs_cluster_capacity_providers" "this" {
  cluster_name       = aws_ecs_cluster.this.name
  capacity_providers = var.capacity_providers

  default_capacity_provider_strategy {
    capacity_provider = var.default_capacity_provider
    weight            = 1
    base              = 0
  }
}

################################################################################
# ECS Exec: sessions encrypted with the cluster's own KMS key and logged to an
# encrypted log group (only when exec_logging is on)
################################################################################

locals {
  exec_log_group_name = "/ecs/${var.name}/exec"

  # Account, region and partition come from the key's own ARN, so no account lookup is needed.
  exec_key_arn_parts = var.exec_logging ? split(":", aws_kms_key.exec[0].arn) : []
}

resource "aws_kms_key" "exec" {
  count = var.exec_logging ? 1 : 0

  description             = "ECS Exec sessions and their log group of cluster ${var.name}"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  tags                    = var.tags
}

data "aws_iam_policy_document" "exec_key" {
  #checkov:skip=CKV_AWS_109:A key policy's Resource "*" is this key alone; the account administers it through IAM, as in AWS's default key policy
  #checkov:skip=CKV_AWS_111:A key policy's Resource "*" is this key alone; CloudWatch Logs may use it only for the exec log group
  #checkov:skip=CKV_AWS_356:A key policy's Resource "*" is this key alone
  count = var.exec_logging ? 1 : 0

  statement {
    sid       = "AccountAdministersTheKeyThroughIam"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.exec_key_arn_parts[1]}:iam::${local.exec_key_arn_parts[4]}:root"]
    }
  }

  statement {
    sid       = "CloudWatchLogsEncryptsTheExecLogGroup"
    actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${local.exec_key_arn_parts[3]}.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${local.exec_key_arn_parts[1]}:logs:${local.exec_key_arn_parts[3]}:${local.exec_key_arn_parts[4]}:log-group:${local.exec_log_group_name}"]
    }
  }
}

resource "aws_kms_key_policy" "exec" {
  count = var.exec_logging ? 1 : 0

  key_id = aws_kms_key.exec[0].id
  policy = data.aws_iam_policy_document.exec_key[0].json
}

resource "aws_cloudwatch_log_group" "exec" {
  count = var.exec_logging ? 1 : 0

  name              = local.exec_log_group_name
  retention_in_days = var.exec_log_retention_days
  kms_key_id        = aws_kms_key.exec[0].arn
  tags              = var.tags

  # CloudWatch Logs checks at creation that it may use the key.
  depends_on = [aws_kms_key_policy.exec]
}
