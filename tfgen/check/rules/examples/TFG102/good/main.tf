# 1 vCPU with 4 GiB: a pair from the Fargate task size table.
resource "aws_ecs_task_definition" "worker" {
  family                   = "worker"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "1024"
  memory                   = "4096"
  container_definitions    = jsonencode([{ name = "worker", image = "busybox:1.36", essential = true }])
}
