# One mount target in each private subnet (one per availability zone).
variable "private_subnet_ids" {
  type    = map(string)
  default = { "eu-west-1a" = "subnet-aaaa1111", "eu-west-1b" = "subnet-bbbb2222" }
}

resource "aws_efs_file_system" "shared" {
  encrypted = true
}

resource "aws_efs_mount_target" "this" {
  for_each       = var.private_subnet_ids
  file_system_id = aws_efs_file_system.shared.id
  subnet_id      = each.value
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
