# A Fargate service wired to a Classic Load Balancer by name.
resource "aws_ecs_service" "web" { # <- TFG301
  name            = "web"
  cluster         = "app"
  task_definition = "web:7"
  launch_type     = "FARGATE"
  desired_count   = 2

  load_balancer {
    elb_name       = "web-classic"
    container_name = "web"
    container_port = 8080
  }

  network_configuration {
    subnets = ["subnet-aaaa1111", "subnet-bbbb2222"]
  }
}
