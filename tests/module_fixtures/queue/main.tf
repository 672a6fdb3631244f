# A worker fed by two topics of its own and one created elsewhere (filtered), and an audit queue encrypted with a customer
# managed key; each consumer task role gets the module's consumer policy.

variable "processing_time_seconds" {
  description = "Passed to the orders queue, so a test can exercise the module's validation."
  type        = number
  default     = 120
}

variable "visibility_timeout_seconds" {
  description = "Passed to the orders queue, so a test can exercise the module's validation."
  type        = number
  default     = 300
}

module "orders" {
  source = "../../../modules/queue"

  name                       = "shop-prod-orders"
  processing_time_seconds    = var.processing_time_seconds
  visibility_timeout_seconds = var.visibility_timeout_seconds
  max_receive_count          = 4

  topics = {
    order-events = {
      filter_policy        = jsonencode({ event = ["order.created", "order.paid"] })
      raw_message_delivery = true
    }
    refunds = {
      publisher_arns = ["arn:aws:iam::111122223333:role/shop-prod-payments-task"]
    }
    catalog = {
      arn           = "arn:aws:sns:eu-west-1:111122223333:shop-prod-catalog-updates"
      filter_policy = jsonencode({ kind = ["price"] })
    }
  }

  tags = { app = "shop", env = "prod" }
}

module "audit" {
  source = "../../../modules/queue"

  name                    = "shop-prod-audit"
  processing_time_seconds = 10
  kms_key_arn             = "arn:aws:kms:eu-west-1:111122223333:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789"
}

data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "worker" {
  for_each = { orders = module.orders.consumer_policy_json, audit = module.audit.consumer_policy_json }

  name               = "shop-prod-${each.key}-task"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

resource "aws_iam_role_policy" "consume" {
  for_each = { orders = module.orders.consumer_policy_json, audit = module.audit.consumer_policy_json }

  name   = "consume-queue"
  role   = aws_iam_role.worker[each.key].id
  policy = each.value
}
