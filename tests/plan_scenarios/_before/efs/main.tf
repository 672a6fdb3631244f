# An existing shared file system in a module, mounted in two subnets, with one access point
# per client, beside a root-level log group that no scenario touches.

variable "private_subnet_ids" {
  type    = list(string)
  default = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
}

module "efs" {
  source = "../../_modules/efs"

  name               = "shop-prod-media"
  performance_mode   = "generalPurpose"
  subnet_ids         = var.private_subnet_ids
  security_group_ids = ["sg-0a1b2c3d4e5f60401"]
  access_points = {
    web    = { uid = 1000, path = "/web" }
    worker = { uid = 1001, path = "/worker" }
  }
  tags = { Stack = "shop-prod" }
}

resource "aws_cloudwatch_log_group" "audit" {
  name              = "/shop-prod/audit"
  retention_in_days = 365
}
