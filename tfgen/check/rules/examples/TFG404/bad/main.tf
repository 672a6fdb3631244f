# Platform version 1.3.0 predates EFS support on Fargate.
resource "aws_ecs_task_definition" "cms" {
  family                   = "cms"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024
  container_definitions    = jsonencode([{ name = "cms", image = "example/cms:3.1", essential = true }])

  volume {
    name = "uploads"
    efs_volume_configuration {
      file_system_id     = "fs-0123456789abcdef0"
      transit_encryption = "ENABLED"
    }
  }
}

resource "aws_ecs_service" "cms" { # <- TFG404
  name             = "cms"
  cluster          = "app"
  task_definition  = aws_ecs_task_definition.cms.arn
  launch_type      = "FARGATE"
  platform_version = "1.3.0"
  desired_count    = 2

  network_configuration {
    subnets = ["subnet-aaaa1111", "subnet-bbbb2222"]
  }
}
