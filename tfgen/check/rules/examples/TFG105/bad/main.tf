# No launch_type and no capacity provider: the service runs on EC2, the default.
resource "aws_ecs_service" "batch" { # <- TFG105
  name            = "batch"
  cluster         = "jobs"
  task_definition = "batch:3"
  desired_count   = 1
}
