# A plan rule: it judges the change from the state to this configuration.
# Applied before: no tags. Tags change in place; mounts are not interrupted.
resource "aws_efs_access_point" "app" {
  file_system_id = "fs-0123456789abcdef0"

  root_directory {
    path = "/app"
  }

  tags = { team = "web" }
}
