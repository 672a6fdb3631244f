# Nothing stands between this data and `terraform destroy`.
resource "aws_efs_file_system" "shared" { # <- TFG407
  encrypted = true
}
