# The service's module (a local copy, ./modules/service) drops its task role `task` for a new
# role `app`: the old role is destroyed and the task definition, now pointing at the new role,
# is replaced.

variable "vpc_id" {
  type    = string
  default = "vpc-0a1b2c3d4e5f67890"
}

variable "private_subnet_ids" {
  type    = list(string)
  default = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
}

variable "public_subnet_ids" {
  type    = list(string)
  default = ["subnet-0a1b2c3d4e5f60101", "subnet-0a1b2c3d4e5f60102"]
}

module "cluster" {
  source = "../../_modules/cluster"

  name = "shop-prod"
  tags = { Stack = "shop-prod" }
}

module "alb" {
  source = "../../_modules/alb"

  name               = "shop-prod"
  internal           = false
  vpc_id             = var.vpc_id
  subnet_ids         = var.public_subnet_ids
  security_group_ids = ["sg-0a1b2c3d4e5f60201"]
  tags               = { Stack = "shop-prod" }
}

module "service" {
  source   = "./modules/service"
  for_each = { web = { port = 8080, desired_count = 2 } }

  name               = "shop-prod-${each.key}"
  cluster_arn        = module.cluster.arn
  load_balancer      = { target_group_arn = module.alb.target_group_arn }
  container_port     = each.value.port
  desired_count      = each.value.desired_count
  subnet_ids         = var.private_subnet_ids
  security_group_ids = ["sg-0a1b2c3d4e5f60301"]
  log_retention_days = 30
  tags               = { Stack = "shop-prod", Service = each.key }
}
