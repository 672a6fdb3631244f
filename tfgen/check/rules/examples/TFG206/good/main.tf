# The execution role serves ECS; the task role serves the application.
locals {
  ecs_tasks_trust = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
  })
}

resource "aws_iam_role" "execution" {
  name               = "app-execution"
  assume_role_policy = local.ecs_tasks_trust
}

resource "aws_iam_role" "task" {
  name               = "app-task"
  assume_role_policy = local.ecs_tasks_trust
}

resource "aws_ecs_task_definition" "app" {
  family                   = "app"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  task_role_arn            = aws_iam_role.task.arn
  execution_role_arn       = aws_iam_role.execution.arn
  container_definitions    = jsonencode([{ name = "app", image = "example/app:1.0", essential = true }])
}
