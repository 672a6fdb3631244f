# Encrypted at rest from the start (it cannot be turned on later).
resource "aws_efs_file_system" "shared" {
  creation_token = "shared"
  encrypted      = true

  lifecycle {
    prevent_destroy = true
  }
}
