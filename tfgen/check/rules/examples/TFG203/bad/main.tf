# No task_role_arn: the containers have no credentials of their own.
resource "aws_ecs_task_definition" "reports" { # <- TFG203
  family                   = "reports"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024
  container_definitions    = jsonencode([{ name = "reports", image = "example/reports:1.4", essential = true }])
}
