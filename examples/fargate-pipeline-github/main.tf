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
    } if service.expose
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

  # A service the pipeline builds starts from its repository's `initial` tag (or the image given)
  # and then runs what the pipeline deploys, which the next apply leaves in place.
  image         = each.value.image != null ? each.value.image : "${lookup(module.ecr.urls, each.key, "")}:initial"
  deploy_images = each.value.pipeline ? "pipeline" : "terraform"

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

  load_balancer = each.value.expose ? {
    target_group_arn  = module.alb.target_group_arns[each.key]
    security_group_id = module.alb.security_group_id
  } : null
}

# The services built from source: one ECR repository each (immutable tags, scanned on push,
# encrypted with KMS, the last 50 images kept), which the pipeline pushes to.
module "ecr" {
  source = "./modules/ecr"

  repositories     = { for key, service in var.services : key => "${local.name}/${key}" if service.pipeline }
  keep_last_images = var.deploy.keep_images
}

# The role the GitHub Actions pipeline of acme/shop (main only) assumes through OIDC:
# push to those repositories, register task definitions, deploy those services, pass their roles.
module "deploy_role" {
  source = "./modules/deploy_role"

  name                 = "${local.name}-deploy"
  ci_system            = var.ci.system
  repository           = var.ci.repository
  branch               = var.ci.branch
  create_oidc_provider = var.ci.oidc_provider_arn == null
  oidc_provider_arn    = var.ci.oidc_provider_arn
  gitlab_url           = var.ci.gitlab_url

  ecr_repository_arns = values(module.ecr.arns)
  service_arns        = [for key, service in var.services : module.service[key].service_arn if service.pipeline]
  pass_role_arns = flatten([
    for key, service in var.services : [module.service[key].task_role_arn, module.service[key].execution_role_arn] if service.pipeline
  ])
}

# A service that Terraform deployed before keeps running: its ECS service moves to the resource
# that leaves the pipeline's task definitions in place, rather than being replaced.
moved {
  from = module.service["web"].aws_ecs_service.this[0]
  to   = module.service["web"].aws_ecs_service.pipeline[0]
}
moved {
  from = module.service["api"].aws_ecs_service.this[0]
  to   = module.service["api"].aws_ecs_service.pipeline[0]
}
