# Long-lived keys in the task definition, readable by anyone who can describe it.
resource "aws_ecs_task_definition" "sync" { # <- TFG209
  family                   = "sync"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  container_definitions = jsonencode([{
    name      = "sync"
    image     = "example/sync:1.0"
    essential = true
    environment = [
      { name = "AWS_ACCESS_KEY_ID", value = "AKIAIOSFODNN7EXAMPLE" },
      { name = "AWS_SECRET_ACCESS_KEY", value = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" },
    ]
  }])
}
