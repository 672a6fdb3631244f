# Encrypted in transit, but any client that reaches the mount target may mount it.
resource "aws_ecs_task_definition" "cms" { # <- TFG405
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
