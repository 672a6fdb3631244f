# Every severity, and one deliberate deviation, for the golden reports.
resource "aws_ecs_service" "batch" {
  name            = "batch"
  cluster         = "jobs"
  task_definition = "batch:3"
  desired_count   = 1
}

resource "aws_efs_file_system" "media" {
  creation_token = "media"
}

resource "aws_efs_file_system" "scratch" {
  # tfgen:ignore=TFG402,TFG407 scratch space, rebuilt nightly: 100% disposable
  creation_token = "scratch"
}
