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

# The name is known only after apply, but elb_name always names a Classic Load Balancer.
resource "aws_elb" "legacy" {
  subnets = ["subnet-aaaa1111", "subnet-bbbb2222"]

  listener {
    lb_port           = 80
    lb_protocol       = "http"
    instance_port     = 8080
    instance_protocol = "http"
  }
}

resource "aws_ecs_service" "legacy" { # <- TFG301
  name            = "legacy"
  cluster         = "app"
  task_definition = "web:7"
  launch_type     = "FARGATE"
  desired_count   = 2

  load_balancer {
    elb_name       = aws_elb.legacy.name
    container_name = "web"
    container_port = 8080
  }

  network_configuration {
    subnets = ["subnet-aaaa1111", "subnet-bbbb2222"]
  }
}
