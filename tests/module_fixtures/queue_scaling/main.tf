module "orders_worker_scaling" {
  source = "../../../modules/queue_scaling"

  cluster_name            = "shop-prod"
  service_name            = "shop-prod-orders-worker"
  queue_name              = "shop-prod-orders"
  min_capacity            = 1
  max_capacity            = 10
  backlog_per_task_target = 100

  tags = { app = "shop", env = "prod" }
}

module "audit_worker_scaling" {
  source = "../../../modules/queue_scaling"

  cluster_name                = "shop-prod"
  service_name                = "shop-prod-audit-worker"
  queue_name                  = "shop-prod-audit"
  min_capacity                = 2
  max_capacity                = 8
  backlog_per_task_target     = 50
  policy_type                 = "step"
  scale_in_evaluation_minutes = 10
}
