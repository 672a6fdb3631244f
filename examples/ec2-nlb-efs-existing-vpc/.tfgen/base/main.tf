locals {
  # Every resource name starts with the stack and its environment, e.g. "shop-prod".
  name = "${var.name}-${var.environment}"

  # Services that mount the shared file system; each gets its own access point and IAM grant.
  efs_services = { for key, service in var.services : key => service if service.efs_mount != null }
}

# An existing VPC: tasks and container instances go into its private subnets.
locals {
  vpc_id             = var.vpc_id
  public_subnet_ids  = var.public_subnet_ids
  private_subnet_ids = var.private_subnet_ids
}

module "cluster" {
  source = "./modules/cluster"

  name = local.name
  # EC2: the Auto Scaling group below supplies the container instances.
  capacity_providers        = [module.ec2_capacity.capacity_provider_name]
  default_capacity_provider = module.ec2_capacity.capacity_provider_name
}

# Container instances: ECS-optimized Amazon Linux 2023, registered with the cluster by the ECS
# agent through their instance profile, scaled by the capacity provider.
module "ec2_capacity" {
  source = "./modules/ec2_capacity"

  name             = local.name
  cluster_name     = module.cluster.name
  instance_type    = var.ec2.instance_type
  min_size         = var.ec2.min_size
  max_size         = var.ec2.max_size
  desired_capacity = var.ec2.desired_capacity
  ami_id           = var.ec2.ami_id
  vpc_id           = local.vpc_id
  subnet_ids       = local.private_subnet_ids
}

# A Network Load Balancer: TCP, one listener per service port.
module "nlb" {
  source = "./modules/nlb"

  name            = local.name
  vpc_id          = local.vpc_id
  subnet_ids      = var.load_balancer.internal ? local.private_subnet_ids : local.public_subnet_ids
  internal        = var.load_balancer.internal
  certificate_arn = var.load_balancer.certificate_arn
  privatelink     = var.load_balancer.privatelink

  services = {
    for key, service in var.services : key => {
      port = service.port
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

  # tfgen:ignore=TFG105 the broker is tuned to c6i hosts and their local NVMe scratch space
  launch_type                   = "EC2"
  capacity_provider_name        = module.ec2_capacity.capacity_provider_name
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

  vpc_id     = local.vpc_id
  subnet_ids = local.private_subnet_ids

  load_balancer = each.value.expose ? {
    target_group_arn  = module.nlb.target_group_arns[each.key]
    security_group_id = module.nlb.security_group_id
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
