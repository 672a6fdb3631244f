module "github" {
  source = "../../../modules/deploy_role"

  name       = "shop-prod-deploy"
  ci_system  = "github"
  repository = "acme/shop"
  branch     = "main"

  ecr_repository_arns = [
    "arn:aws:ecr:eu-west-1:111122223333:repository/shop/web",
    "arn:aws:ecr:eu-west-1:111122223333:repository/shop/orders-worker",
  ]
  service_arns = [
    "arn:aws:ecs:eu-west-1:111122223333:service/shop-prod/shop-prod-web",
    "arn:aws:ecs:eu-west-1:111122223333:service/shop-prod/shop-prod-orders-worker",
  ]
  pass_role_arns = [
    "arn:aws:iam::111122223333:role/shop-prod-web-task",
    "arn:aws:iam::111122223333:role/shop-prod-web-execution",
  ]

  tags = { app = "shop", env = "prod" }
}

module "gitlab" {
  source = "../../../modules/deploy_role"

  name                 = "shop-staging-deploy"
  ci_system            = "gitlab"
  repository           = "acme/platform/shop"
  branch               = "release/v2"
  create_oidc_provider = false
  oidc_provider_arn    = "arn:aws:iam::111122223333:oidc-provider/gitlab.com"

  ecr_repository_arns = ["arn:aws:ecr:eu-west-1:111122223333:repository/shop/web"]
  service_arns        = ["arn:aws:ecs:eu-west-1:111122223333:service/shop-staging/shop-staging-web"]
  pass_role_arns = [
    "arn:aws:iam::111122223333:role/shop-staging-web-task",
    "arn:aws:iam::111122223333:role/shop-staging-web-execution",
  ]
}
