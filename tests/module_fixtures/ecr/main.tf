module "ecr" {
  source = "../../../modules/ecr"

  repositories = {
    web    = "shop/web"
    worker = "shop/orders-worker"
  }
  keep_last_images     = 20
  untagged_expiry_days = 3
  pull_principal_arns  = ["arn:aws:iam::444455556666:root"]

  tags = { app = "shop", env = "prod" }
}

module "ecr_aes" {
  source = "../../../modules/ecr"

  repositories    = { tools = "shop/tools" }
  encryption_type = "AES256"
}
