# The efs module is gone from the configuration: the file system, its policy, mount targets
# and access points are destroyed; the log group stays.

resource "aws_cloudwatch_log_group" "audit" {
  name              = "/shop-prod/audit"
  retention_in_days = 365
}
