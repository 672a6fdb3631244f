locals {
  # Every resource name starts with the stack and its environment, e.g. "shop-prod".
  name = "${var.name}-${var.environment}"

  # The container each service's load balancer sends traffic to: its own, or the sidecar `target` names.
  lb_targets = {
    for key, service in var.services : key => {
      container_name = coalesce(service.target, key)
      container_port = service.target == null || service.target == key ? service.port : one([for c in service.sidecars : c.port if c.name == service.target])
    }
  }

  # Services that mount the shared file system; each gets its own access point and IAM grant.
  efs_services = { for key, service in var.services : key => service if service.efs_mount != null }
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

  # ECS Exec sessions are encrypted with the cluster's KMS key and logged to its encrypted log group.
  exec_logging = true
}

# An Application Load Balancer: HTTP/HTTPS, one listener rule per service path.
module "alb" {
  source = "./modules/alb"

  name            = local.name
  vpc_id          = local.vpc_id
  subnet_ids      = var.load_balancer.internal ? local.private_subnet_ids : local.public_subnet_ids
  internal        = var.load_balancer.internal
  certificate_arn = var.load_balancer.certificate_arn

  services = {
    for key, service in var.services : key => {
      port              = local.lb_targets[key].container_port
      health_check_path = service.health_check_path
      path_pattern      = service.path_pattern
      priority          = service.listener_priority
    } if service.expose
  }
}

# One encrypted EFS file system shared by the services that mount it, reachable from every AZ.
module "efs" {
  source = "./modules/efs"

  name             = local.name
  vpc_id           = local.vpc_id
  subnet_ids       = local.private_subnet_ids
  performance_mode = var.efs.performance_mode
  throughput_mode  = var.efs.throughput_mode

  # One access point per mounting service, all rooted in the same shared folder.
  access_points             = { for key, service in local.efs_services : key => { path = "/shared" } }
  client_security_group_ids = { for key, service in local.efs_services : key => module.service[key].security_group_id }
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

  # Fargate Spot takes part of the tasks: FARGATE_SPOT must be associated with the cluster first.
  spot                          = each.value.spot
  cluster_capacity_providers_id = module.cluster.capacity_providers_id

  image          = each.value.image
  container_port = each.value.port
  cpu            = each.value.cpu
  memory         = each.value.memory
  desired_count  = each.value.desired_count
  autoscaling    = each.value.autoscaling
  environment    = each.value.environment
  secrets        = each.value.secrets
  permissions    = each.value.permissions

  cpu_architecture = each.value.cpu_architecture

  command              = each.value.command
  entrypoint           = each.value.entrypoint
  container_depends_on = each.value.depends_on
  sidecars             = each.value.sidecars

  exec = each.value.exec ? {
    log_group_arn = module.cluster.exec_log_group_arn
    kms_key_arn   = module.cluster.exec_kms_key_arn
  } : null

  vpc_id     = local.vpc_id
  subnet_ids = local.private_subnet_ids

  load_balancer = each.value.expose ? {
    target_group_arn  = module.alb.target_group_arns[each.key]
    security_group_id = module.alb.security_group_id
    container_name    = local.lb_targets[each.key].container_name
    container_port    = local.lb_targets[each.key].container_port
  } : null

  efs = each.value.efs_mount == null ? null : {
    file_system_id    = module.efs.id
    file_system_arn   = module.efs.arn
    access_point_id   = module.efs.access_point_ids[each.key]
    access_point_arn  = module.efs.access_point_arns[each.key]
    security_group_id = module.efs.security_group_id
    container_path    = each.value.efs_mount
    read_only         = each.value.efs_read_only
  }
}
