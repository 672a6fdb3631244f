# The topic is encrypted with the AWS managed key for SNS.
resource "aws_iam_role" "task" {
  name = "orders-api-task"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
  })
}

resource "aws_ecs_task_definition" "api" {
  family                   = "orders-api"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  task_role_arn            = aws_iam_role.task.arn
  container_definitions    = jsonencode([{ name = "api", image = "example/orders-api:1.0", essential = true }])
}

resource "aws_iam_role_policy" "publish" {
  name = "publish-order-events"
  role = aws_iam_role.task.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sns:Publish", Resource = aws_sns_topic.events.arn }]
  })
}

resource "aws_sns_topic" "events" {
  name              = "order-events"
  kms_master_key_id = "alias/aws/sns"
}
