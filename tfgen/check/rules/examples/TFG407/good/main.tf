# Backed up by AWS Backup, and Terraform refuses to destroy it.
resource "aws_efs_file_system" "shared" {
  encrypted = true

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_efs_backup_policy" "shared" {
  file_system_id = aws_efs_file_system.shared.id

  backup_policy {
    status = "ENABLED"
  }
}
