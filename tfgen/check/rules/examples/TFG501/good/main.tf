# A plan rule: it judges the change from the state to this configuration.
# Applied before: throughput_mode = "bursting". throughput_mode changes in place, and
# prevent_destroy makes Terraform refuse any plan that would destroy the file system.
resource "aws_efs_file_system" "shared" {
  encrypted       = true
  throughput_mode = "elastic"

  lifecycle {
    prevent_destroy = true
  }
}
