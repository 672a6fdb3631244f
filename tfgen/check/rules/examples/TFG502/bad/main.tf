# A plan rule: it judges the change from the state to this configuration.
# Applied before: root_directory path "/app". An access point cannot change in place, so it is
# replaced, and tasks whose task definition names the old one cannot mount until updated.
resource "aws_efs_access_point" "app" { # <- TFG502
  file_system_id = "fs-0123456789abcdef0"

  root_directory {
    path = "/srv/app"
  }
}
