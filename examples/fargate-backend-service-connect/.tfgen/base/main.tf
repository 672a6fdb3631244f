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
      port              = service.port
      health_check_path = service.health_check_path
      path_pattern      = service.path_pattern
      priority          = service.listener_priority
    } if service.kind == "web"
  }
}

# An internal Application Load Balancer in the private subnets: the backends' internal_path
# routes, reachable only inside the VPC (plain HTTP: traffic never leaves the VPC).
module "internal_alb" {
  source = "./modules/alb"

  # "-int" keeps it apart from the public ALB; AWS caps load balancer names at 32 characters.
  name       = "${substr(local.name, 0, min(length(local.name), 28))}-int"
  vpc_id     = local.vpc_id
  subnet_ids = local.private_subnet_ids
  internal   = true

  services = {
    for key, service in var.services : key => {
      port              = service.port
      health_check_path = service.health_check_path
      path_pattern      = service.internal_path
      priority          = service.internal_priority
    } if service.internal_path != null
  }
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

  load_balancer = lookup(local.service_load_balancers, each.key, null)

  service_connect = each.value.kind == "job" ? null : {
    namespace_arn = module.service_connect.arn
    server        = each.value.connect
  }
}

locals {
  # The load balancer in front of each service, chosen by its kind.
  service_load_balancers = merge(
    {
      for key, service in var.services : key => {
        target_group_arn  = module.alb.target_group_arns[key]
        security_group_id = module.alb.security_group_id
      } if service.kind == "web"
    },
    {
      for key, service in var.services : key => {
        target_group_arn  = module.internal_alb.target_group_arns[key]
        security_group_id = module.internal_alb.security_group_id
      } if service.internal_path != null
    },
  )
}

# Service Connect: a Cloud Map namespace every service joins as a client; the services with
# connect are also servers, reached as http://<service>:<port>. Each server's security group
# admits exactly the security groups of the other services, on its port.
module "service_connect" {
  source = "./modules/service_connect"

  name = local.name

  servers = {
    for key, service in var.services : key => {
      security_group_id = module.service[key].security_group_id
      port              = service.port
    } if service.connect
  }
  clients = { for key, service in var.services : key => module.service[key].security_group_id if service.kind != "job" }
}
