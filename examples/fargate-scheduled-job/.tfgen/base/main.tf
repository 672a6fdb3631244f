locals {
  # Every resource name starts with the stack and its environment, e.g. "shop-prod".
  name = "${var.name}-${var.environment}"
}

# A new VPC across 2 availability zones: public subnets for the load balancer and NAT,
# private subnets for tasks, which get no public IP.
module "network" {
  source = "./modules/network"

  name               = local.name
  vpc_cidr           = var.vpc_cidr
  azs                = var.azs
  single_nat_gateway = var.single_nat_gateway
}

locals {
  vpc_id             = module.network.vpc_id
  public_subnet_ids  = module.network.public_subnet_ids
  private_subnet_ids = module.network.private_subnet_ids
}

module "cluster" {
  source = "./modules/cluster"

  name = local.name
  # Fargate: AWS runs the tasks, there are no servers to manage.
  capacity_providers        = ["FARGATE", "FARGATE_SPOT"]
  default_capacity_provider = "FARGATE"
}

# One ECS service per entry of var.services, each with its own task role.
module "service" {
  source   = "./modules/service"
  for_each = var.services

  name           = "${local.name}-${each.key}"
  container_name = each.key
  region         = var.region
  cluster_arn    = module.cluster.arn

  launch_type = "FARGATE"

  image          = each.value.image
  container_port = each.value.port
  cpu            = each.value.cpu
  memory         = each.value.memory
  desired_count  = each.value.desired_count
  autoscaling    = each.value.autoscaling
  environment    = each.value.environment
  secrets        = each.value.secrets
  permissions    = each.value.permissions

  vpc_id     = local.vpc_id
  subnet_ids = local.private_subnet_ids

  # A job registers its task definition only; EventBridge Scheduler runs it (module.job).
  create_service = each.value.kind != "job"
}

# Each job: an EventBridge Scheduler schedule that runs its task definition on the cluster, with
# a scheduler role that may run only that family and pass only its two roles, retries, a
# maximum event age and a dead-letter queue for runs it gave up on.
module "job" {
  source   = "./modules/scheduled_job"
  for_each = { for key, service in var.services : key => service.job if service.job != null }

  name                      = "${local.name}-${each.key}"
  schedule_expression       = each.value.schedule
  timezone                  = each.value.timezone
  maximum_retry_attempts    = each.value.retries
  maximum_event_age_seconds = each.value.max_age_seconds

  cluster_arn         = module.cluster.arn
  task_definition_arn = module.service[each.key].task_definition_arn
  task_role_arn       = module.service[each.key].task_role_arn
  execution_role_arn  = module.service[each.key].execution_role_arn
  subnet_ids          = local.private_subnet_ids
  security_group_ids  = [module.service[each.key].security_group_id]

  launch_type = "FARGATE"
}
