# A Fargate task definition left on the default network mode ("bridge").
resource "aws_ecs_task_definition" "web" { # <- TFG101
  family                   = "web"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "bridge"
  cpu                      = 256
  memory                   = 512
  container_definitions    = jsonencode([{ name = "web", image = "nginx:1.27", essential = true }])
}
