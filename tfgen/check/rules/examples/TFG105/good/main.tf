# Fargate: no instances to provision, patch or scale.
resource "aws_ecs_service" "batch" {
  name            = "batch"
  cluster         = "jobs"
  task_definition = "batch:3"
  launch_type     = "FARGATE"
  desired_count   = 1

  network_configuration {
    subnets = ["subnet-aaaa1111"]
  }
}
