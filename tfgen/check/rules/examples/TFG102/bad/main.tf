# 256 CPU units allow 512, 1024 or 2048 MiB: 4096 is not a Fargate size.
resource "aws_ecs_task_definition" "worker" { # <- TFG102
  family                   = "worker"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "4096"
  container_definitions    = jsonencode([{ name = "worker", image = "busybox:1.36", essential = true }])
}
