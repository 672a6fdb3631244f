# A plan rule: it judges the change from the state to this configuration.
# Applied before: the role was named "orders-task". A role's name cannot change in place, so it
# is replaced while the task definition's running tasks still use the old one.
resource "aws_iam_role" "task" { # <- TFG504
  name = "orders-task-role"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
  })
}

resource "aws_ecs_task_definition" "orders" {
  family                   = "orders"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"
  task_role_arn            = aws_iam_role.task.arn
  container_definitions    = jsonencode([{ name = "app", image = "nginx:1.27", essential = true }])
}
