# The SDK in the container picks up the task role's temporary credentials by itself.
resource "aws_iam_role" "sync_task" {
  name = "sync-task"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
  })
}

resource "aws_ecs_task_definition" "sync" {
  family                   = "sync"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  task_role_arn            = aws_iam_role.sync_task.arn
  container_definitions = jsonencode([{
    name        = "sync"
    image       = "example/sync:1.0"
    essential   = true
    environment = [{ name = "AWS_REGION", value = "eu-west-1" }]
  }])
}
