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
    } if service.kind == "nlb"
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
  environment    = merge(try({ QUEUE_URL = module.queue[each.key].queue_url }, {}), each.value.environment)
  secrets        = each.value.secrets
  permissions    = each.value.permissions

  vpc_id     = local.vpc_id
  subnet_ids = local.private_subnet_ids

  load_balancer = lookup(local.service_load_balancers, each.key, null)

  # A job registers its task definition only; EventBridge Scheduler runs it (module.job).
  create_service = each.value.kind != "job"

  service_connect = each.value.kind == "job" ? null : {
    namespace_arn = module.service_connect.arn
    server        = each.value.connect
  }

  task_policy_documents = [for key, queue in module.queue : queue.consumer_policy_json if key == each.key]

  publish_topics     = each.value.publish
  publish_topic_arns = try(module.topics[each.key].arns, {})
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
        target_group_arn  = module.nlb.target_group_arns[key]
        security_group_id = module.nlb.security_group_id
      } if service.kind == "nlb"
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

# The SNS topics each publisher publishes to (its module admits only its task role).
module "topics" {
  source   = "./modules/topics"
  for_each = { for key, service in var.services : key => service.publish if length(service.publish) > 0 }

  name   = "${local.name}-${each.key}"
  topics = each.value
}

# Each worker's SQS queue, encrypted, with a dead-letter queue and a redrive policy, fed by the
# topics it subscribes to (each subscription with its filter policy). The worker finds its URL in
# the environment variable QUEUE_URL (unless its own environment sets one).
module "queue" {
  source   = "./modules/queue"
  for_each = { for key, service in var.services : key => service.queue if service.queue != null }

  name                      = "${local.name}-${each.key}"
  processing_time_seconds   = each.value.processing_time_seconds
  max_receive_count         = each.value.max_receive_count
  message_retention_seconds = each.value.retention_seconds

  topics = {
    for sub in each.value.subscribe : "${sub.service}-${sub.topic}" => {
      create        = false
      arn           = module.topics[sub.service].arns[sub.topic]
      filter_policy = sub.filter_policy
    }
  }
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
