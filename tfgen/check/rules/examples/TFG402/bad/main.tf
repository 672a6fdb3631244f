# encrypted is left out, and it defaults to false.
resource "aws_efs_file_system" "shared" { # <- TFG402
  creation_token = "shared"

  lifecycle {
    prevent_destroy = true
  }
}
