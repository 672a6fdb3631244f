# Task A (reads S3) and Task B (reads DynamoDB) share one task role.
resource "aws_iam_role" "tasks" {
  name = "shared-task"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
  })
}

resource "aws_ecs_task_definition" "task_a" { # <- TFG207
  family                   = "task-a"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  task_role_arn            = aws_iam_role.tasks.arn
  container_definitions    = jsonencode([{ name = "a", image = "example/a:1.0", essential = true }])
}

resource "aws_ecs_task_definition" "task_b" { # <- TFG207
  family                   = "task-b"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  task_role_arn            = aws_iam_role.tasks.arn
  container_definitions    = jsonencode([{ name = "b", image = "example/b:1.0", essential = true }])
}
