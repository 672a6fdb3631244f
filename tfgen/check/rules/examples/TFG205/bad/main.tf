# The tasks run with the very role the ECS agent's instance profile uses.
resource "aws_iam_role" "shared" {
  name = "app-shared"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = ["ec2.amazonaws.com", "ecs-tasks.amazonaws.com"] }
    }]
  })
}

resource "aws_iam_instance_profile" "ecs" {
  name = "app-ecs-instance"
  role = aws_iam_role.shared.name
}

resource "aws_ecs_task_definition" "app" { # <- TFG205
  family                   = "app"
  requires_compatibilities = ["EC2"]
  task_role_arn            = aws_iam_role.shared.arn
  container_definitions    = jsonencode([{ name = "app", image = "example/app:1.0", memory = 256, essential = true }])
}
