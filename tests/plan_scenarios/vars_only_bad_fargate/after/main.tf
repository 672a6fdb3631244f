# A Fargate service whose task size and network mode come only from variables: nothing in the
# HCL says what they are. The scenario plans it with
#   -var cpu=256 -var memory=4096 -var network_mode=bridge
# (no Fargate size pairs 256 CPU units with 4 GB, and Fargate requires awsvpc): only the plan
# shows the values AWS would reject.

variable "cpu" {
  type = number
}

variable "memory" {
  type = number
}

variable "network_mode" {
  type    = string
  default = "awsvpc"
}

variable "private_subnet_ids" {
  type    = list(string)
  default = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
}

module "cluster" {
  source = "../../_modules/cluster"

  name = "etl-prod"
}

module "service" {
  source   = "../../_modules/service"
  for_each = { worker = {} }

  name               = "etl-prod-${each.key}"
  cluster_arn        = module.cluster.arn
  launch_type        = "FARGATE"
  cpu                = var.cpu
  memory             = var.memory
  network_mode       = var.network_mode
  desired_count      = 1
  subnet_ids         = var.private_subnet_ids
  security_group_ids = ["sg-0a1b2c3d4e5f60501"]
}
