# The agent's role and the task's role are separate roles.
resource "aws_iam_role" "ecs_instance" {
  name = "app-ecs-instance"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}

resource "aws_iam_instance_profile" "ecs" {
  name = "app-ecs-instance"
  role = aws_iam_role.ecs_instance.name
}

resource "aws_iam_role" "app_task" {
  name = "app-task"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
  })
}

resource "aws_ecs_task_definition" "app" {
  family                   = "app"
  requires_compatibilities = ["EC2"]
  task_role_arn            = aws_iam_role.app_task.arn
  container_definitions    = jsonencode([{ name = "app", image = "example/app:1.0", memory = 256, essential = true }])
}
