# The task's AWS calls use its own role.
resource "aws_iam_role" "reports_task" {
  name = "reports-task"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
  })
}

resource "aws_ecs_task_definition" "reports" {
  family                   = "reports"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024
  task_role_arn            = aws_iam_role.reports_task.arn
  container_definitions    = jsonencode([{ name = "reports", image = "example/reports:1.4", essential = true }])
}
