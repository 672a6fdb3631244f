variable "schedule_expression" {
  description = "Passed to the job, so a test can exercise the module's validation."
  type        = string
  default     = "cron(0 3 * * ? *)"
}

module "nightly_report" {
  source = "../../../modules/scheduled_job"

  name                = "shop-prod-nightly-report"
  schedule_expression = var.schedule_expression
  timezone            = "Europe/Paris"

  cluster_arn         = "arn:aws:ecs:eu-west-1:111122223333:cluster/shop-prod"
  task_definition_arn = "arn:aws:ecs:eu-west-1:111122223333:task-definition/shop-prod-nightly-report:7"
  task_role_arn       = "arn:aws:iam::111122223333:role/shop-prod-nightly-report-task"
  execution_role_arn  = "arn:aws:iam::111122223333:role/shop-prod-nightly-report-execution"

  capacity_provider_strategy = [
    { capacity_provider = "FARGATE", weight = 1, base = 1 },
    { capacity_provider = "FARGATE_SPOT", weight = 3 },
  ]
  subnet_ids         = ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"]
  security_group_ids = ["sg-0123456789abcdef0"]

  maximum_retry_attempts    = 2
  maximum_event_age_seconds = 1800

  tags = { app = "shop", env = "prod" }
}

module "hourly_cleanup" {
  source = "../../../modules/scheduled_job"

  name                = "shop-prod-cleanup"
  schedule_expression = "rate(1 hour)"

  cluster_arn         = "arn:aws:ecs:eu-west-1:111122223333:cluster/shop-prod"
  task_definition_arn = "arn:aws:ecs:eu-west-1:111122223333:task-definition/shop-prod-cleanup"
  task_role_arn       = "arn:aws:iam::111122223333:role/shop-prod-cleanup-task"
  execution_role_arn  = "arn:aws:iam::111122223333:role/shop-prod-cleanup-execution"

  subnet_ids         = ["subnet-0a1b2c3d4e5f60718"]
  security_group_ids = ["sg-0123456789abcdef0"]
}
