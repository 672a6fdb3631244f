# Tasks in two zones, but the file system is reachable from one subnet only.
resource "aws_efs_file_system" "shared" { # <- TFG403
  encrypted = true
}

resource "aws_efs_mount_target" "a" {
  file_system_id = aws_efs_file_system.shared.id
  subnet_id      = "subnet-aaaa1111"
}

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
      file_system_id     = aws_efs_file_system.shared.id
      transit_encryption = "ENABLED"
    }
  }
}
