locals {
  visibility_timeout_seconds = coalesce(var.visibility_timeout_seconds, min(2 * var.processing_time_seconds, 43200))

  # With no key given SQS encrypts with its own keys (SSE-SQS), which SNS can deliver into
  # without any key policy; the AWS managed key alias/aws/sqs would refuse SNS.
  sse_sqs = var.kms_key_arn == null

  # `create` decides when given: an ARN made in the same plan (a topic of another module) is
  # unknown until apply, and for_each needs to know which topics to create.
  created_topics = { for k, t in var.topics : k => t if coalesce(t.create, t.arn == null) }
  # The ARN of every topic the queue subscribes to, created here or given.
  topic_arns = merge(
    { for k, t in aws_sns_topic.this : k => t.arn },
    { for k, t in var.topics : k => t.arn if !coalesce(t.create, t.arn == null) },
  )
}

################################################################################
# Queues
################################################################################

resource "aws_sqs_queue" "dlq" {
  name = "${var.name}-dlq"

  sqs_managed_sse_enabled = local.sse_sqs ? true : null
  kms_master_key_id       = var.kms_key_arn

  # A standard queue keeps a message's original enqueue time when it is moved here, so the
  # dead-letter queue keeps messages for the longest time SQS allows to leave room for a look.
  message_retention_seconds = 1209600

  tags = var.tags
}

resource "aws_sqs_queue" "this" {
  name = var.name

  sqs_managed_sse_enabled = local.sse_sqs ? true : null
  kms_master_key_id       = var.kms_key_arn

  visibility_timeout_seconds = local.visibility_timeout_seconds
  message_retention_seconds  = var.message_retention_seconds
  receive_wait_time_seconds  = var.receive_wait_time_seconds

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq.arn
    maxReceiveCount     = var.max_receive_count
  })

  tags = var.tags
}

# Only the work queue may use the dead-letter queue as its dead-letter target.
resource "aws_sqs_queue_redrive_allow_policy" "dlq" {
  queue_url = aws_sqs_queue.dlq.id

  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.this.arn]
  })
}

locals {
  # Both queues get a policy denying non-TLS access; only the work queue admits the topics.
  queue_arns = {
    this = aws_sqs_queue.this.arn
    dlq  = aws_sqs_queue.dlq.arn
  }
  queue_urls = {
    this = aws_sqs_queue.this.id
    dlq  = aws_sqs_queue.dlq.id
  }
}

data "aws_iam_policy_document" "queue" {
  for_each = local.queue_arns

  dynamic "statement" {
    for_each = each.key == "this" && length(var.topics) > 0 ? [1] : []

    content {
      sid       = "AllowOwnTopicsToSend"
      actions   = ["sqs:SendMessage"]
      resources = [each.value]

      principals {
        type        = "Service"
        identifiers = ["sns.amazonaws.com"]
      }

      # Exactly the subscribed topics: SNS sends on behalf of any topic in any account otherwise.
      condition {
        test     = "ArnEquals"
        variable = "aws:SourceArn"
        values   = values(local.topic_arns)
      }
    }
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["sqs:*"]
    resources = [each.value]

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

resource "aws_sqs_queue_policy" "this" {
  for_each = local.queue_urls

  queue_url = each.value
  policy    = data.aws_iam_policy_document.queue[each.key].json
}

################################################################################
# Topics feeding the queue: created here, or existing ones given by arn
################################################################################

resource "aws_sns_topic" "this" {
  for_each = local.created_topics

  name              = "${var.name}-${each.key}"
  kms_master_key_id = var.topic_kms_key_id

  tags = var.tags
}

data "aws_iam_policy_document" "topic" {
  for_each = local.created_topics

  statement {
    sid       = "AllowPublishers"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.this[each.key].arn]

    principals {
      type = "AWS"
      # The account is read from the topic's ARN, so no account lookup is needed.
      identifiers = length(each.value.publisher_arns) > 0 ? each.value.publisher_arns : [
        "arn:${split(":", aws_sns_topic.this[each.key].arn)[1]}:iam::${split(":", aws_sns_topic.this[each.key].arn)[4]}:root"
      ]
    }
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.this[each.key].arn]

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

# Replaces SNS's default policy, which lets the whole account subscribe and manage the topic.
resource "aws_sns_topic_policy" "this" {
  for_each = local.created_topics

  arn    = aws_sns_topic.this[each.key].arn
  policy = data.aws_iam_policy_document.topic[each.key].json
}

resource "aws_sns_topic_subscription" "this" {
  for_each = var.topics

  topic_arn            = local.topic_arns[each.key]
  protocol             = "sqs"
  endpoint             = aws_sqs_queue.this.arn
  raw_message_delivery = each.value.raw_message_delivery
  filter_policy        = each.value.filter_policy
  filter_policy_scope  = each.value.filter_policy == null ? null : each.value.filter_policy_scope

  # Messages published before the queue admits the topic would be dropped.
  depends_on = [aws_sqs_queue_policy.this]
}

################################################################################
# What a consumer's task role needs, and nothing more
################################################################################

data "aws_iam_policy_document" "consumer" {
  statement {
    sid = "ConsumeWorkQueue"
    actions = [
      "sqs:ChangeMessageVisibility",
      "sqs:DeleteMessage",
      "sqs:GetQueueAttributes",
      "sqs:ReceiveMessage",
    ]
    resources = [aws_sqs_queue.this.arn]
  }

  dynamic "statement" {
    for_each = local.sse_sqs ? [] : [var.kms_key_arn]

    content {
      sid       = "DecryptWorkQueueMessages"
      actions   = ["kms:Decrypt"]
      resources = [statement.value]
    }
  }
}
