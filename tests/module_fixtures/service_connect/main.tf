module "service_connect" {
  source = "../../../modules/service_connect"

  name = "shop-prod.internal"
  tags = { app = "shop", env = "prod" }
}
