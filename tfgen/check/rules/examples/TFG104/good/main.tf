# The service's launch type is one the task definition was validated for.
resource "aws_ecs_task_definition" "api" {
  family                   = "api"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  container_definitions    = jsonencode([{ name = "api", image = "nginx:1.27", essential = true }])
}

resource "aws_ecs_service" "api" {
  name            = "api"
  cluster         = "app"
  task_definition = aws_ecs_task_definition.api.arn
  launch_type     = "FARGATE"
  desired_count   = 1

  network_configuration {
    subnets = ["subnet-aaaa1111"]
  }
}
