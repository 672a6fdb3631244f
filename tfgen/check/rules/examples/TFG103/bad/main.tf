# An EC2 service, but no instance in this configuration joins cluster "app".
resource "aws_ecs_cluster" "app" {
  name = "app"
}

resource "aws_ecs_task_definition" "api" {
  family                   = "api"
  requires_compatibilities = ["EC2"]
  container_definitions    = jsonencode([{ name = "api", image = "nginx:1.27", memory = 256, essential = true }])
}

resource "aws_ecs_service" "api" { # <- TFG103
  name            = "api"
  cluster         = aws_ecs_cluster.app.id
  task_definition = aws_ecs_task_definition.api.arn
  launch_type     = "EC2"
  desired_count   = 2
}
