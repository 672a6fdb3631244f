locals {
  # Read from the (validated) ARNs so no account or region lookup is needed.
  cluster_arn_parts = split(":", var.cluster_arn)
  partition         = local.cluster_arn_parts[1]
  account_id        = local.cluster_arn_parts[4]

  # Every revision of the family: a new revision registered by a deploy keeps the job runnable.
  task_definition_family_arn = "${replace(var.task_definition_arn, "/:[0-9]+$/", "")}:*"
  # Tasks started in this cluster, the resource ECS authorises tagging-on-create against.
  cluster_task_arns = "${replace(var.cluster_arn, ":cluster/", ":task/")}/*"

  use_capacity_providers = length(var.capacity_provider_strategy) > 0
  on_fargate             = !local.use_capacity_providers && var.launch_type == "FARGATE"
}

################################################################################
# Dead-letter queue for invocations the scheduler gave up on
################################################################################

resource "aws_sqs_queue" "dlq" {
  name                      = "${var.name}-schedule-dlq"
  sqs_managed_sse_enabled   = true
  message_retention_seconds = 1209600

  tags = var.tags
}

data "aws_iam_policy_document" "dlq" {
  statement {
    sid       = "AllowSchedulerRoleToSend"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.dlq.arn]

    # EventBridge Scheduler delivers dead letters with the schedule's execution role.
    principals {
      type        = "AWS"
      identifiers = [aws_iam_role.this.arn]
    }
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["sqs:*"]
    resources = [aws_sqs_queue.dlq.arn]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_sqs_queue_policy" "dlq" {
  queue_url = aws_sqs_queue.dlq.id
  policy    = data.aws_iam_policy_document.dlq.json
}

################################################################################
# Scheduler role: run this family on this cluster, pass exactly its two roles
################################################################################

data "aws_iam_policy_document" "assume" {
  statement {
    sid     = "SchedulerAssumeRole"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["scheduler.amazonaws.com"]
    }

    # Only schedules of this account (confused-deputy protection).
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "this" {
  name               = "${var.name}-scheduler"
  description        = "EventBridge Scheduler role of job ${var.name}: run its task definition on its cluster"
  assume_role_policy = data.aws_iam_policy_document.assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "this" {
  statement {
    sid       = "RunJobTaskDefinitionOnCluster"
    actions   = ["ecs:RunTask"]
    resources = [local.task_definition_family_arn]

    condition {
      test     = "ArnEquals"
      variable = "ecs:cluster"
      values   = [var.cluster_arn]
    }
  }

  # RunTask with tags (the job's tags and the task definition's, propagated) needs tagging on
  # create, allowed only as part of RunTask and only for tasks of this cluster.
  statement {
    sid       = "TagJobTasksOnCreate"
    actions   = ["ecs:TagResource"]
    resources = [local.cluster_task_arns]

    condition {
      test     = "StringEquals"
      variable = "ecs:CreateAction"
      values   = ["RunTask"]
    }
  }

  statement {
    sid     = "PassJobRolesToEcsTasks"
    actions = ["iam:PassRole"]
    # Listed as given rather than through distinct(), so a checker sees two single roles before
    # apply (the task and execution roles are two different roles).
    resources = [var.task_role_arn, var.execution_role_arn]

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["ecs-tasks.amazonaws.com"]
    }
  }

  statement {
    sid       = "SendFailedInvocationsToDlq"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.dlq.arn]
  }
}

resource "aws_iam_role_policy" "this" {
  name   = "run-job-task"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.this.json
}

################################################################################
# Schedule
################################################################################

resource "aws_scheduler_schedule" "this" {
  #checkov:skip=CKV_AWS_297:The schedule holds only the task definition ARN and network settings, no secret input; EventBridge Scheduler encrypts it with an AWS owned key
  name        = var.name
  description = "Runs the ${var.name} ECS task on ${var.schedule_expression}"
  state       = var.enabled ? "ENABLED" : "DISABLED"

  schedule_expression          = var.schedule_expression
  schedule_expression_timezone = var.timezone

  # A job runs at its time, not somewhere in a window after it.
  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = var.cluster_arn
    role_arn = aws_iam_role.this.arn

    ecs_parameters {
      task_definition_arn = var.task_definition_arn
      task_count          = var.task_count

      launch_type      = local.use_capacity_providers ? null : var.launch_type
      platform_version = local.on_fargate ? "LATEST" : null

      dynamic "capacity_provider_strategy" {
        for_each = var.capacity_provider_strategy

        content {
          capacity_provider = capacity_provider_strategy.value.capacity_provider
          weight            = capacity_provider_strategy.value.weight
          base              = capacity_provider_strategy.value.base
        }
      }

      network_configuration {
        subnets          = var.subnet_ids
        security_groups  = var.security_group_ids
        assign_public_ip = false
      }

      enable_ecs_managed_tags = true
      propagate_tags          = "TASK_DEFINITION"
      tags                    = length(var.tags) > 0 ? var.tags : null
    }

    retry_policy {
      maximum_retry_attempts       = var.maximum_retry_attempts
      maximum_event_age_in_seconds = var.maximum_event_age_seconds
    }

    dead_letter_config {
      arn = aws_sqs_queue.dlq.arn
    }
  }

  # The first invocation must find its permissions and its dead-letter queue in place.
  depends_on = [aws_iam_role_policy.this, aws_sqs_queue_policy.dlq]
}
