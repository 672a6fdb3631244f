# A plan rule: it judges the change from the state to this configuration.
# Applied before: performance_mode = "generalPurpose". performance_mode cannot change in place,
# so Terraform plans to delete the file system (and every file on it) and create an empty one.
resource "aws_efs_file_system" "shared" { # <- TFG501
  encrypted        = true
  performance_mode = "maxIO"
}

resource "aws_efs_backup_policy" "shared" {
  file_system_id = aws_efs_file_system.shared.id
  backup_policy {
    status = "ENABLED"
  }
}
