# Values from .tfgen-answers.yaml, written by tfgen. Edit here; `tfgen update` keeps your edits.

name               = "shop"
environment        = "prod"
region             = "eu-west-1"
tags               = {}
vpc_cidr           = "10.0.0.0/16"
azs                = ["eu-west-1a", "eu-west-1b"]
single_nat_gateway = true
load_balancer = {
  internal        = false
  certificate_arn = null
}
deploy = {
  keep_images = 50
}
ci = {
  system            = "github"
  repository        = "acme/shop"
  branch            = "main"
  oidc_provider_arn = null
}
services = {
  web = {
    image             = null
    port              = 8080
    cpu               = 256
    memory            = 512
    desired_count     = 2
    autoscaling       = null
    expose            = true
    health_check_path = "/healthz"
    path_pattern      = "/*"
    listener_priority = 30
    pipeline          = true
    environment       = {}
    secrets           = {}
    permissions = {
      s3_buckets      = []
      dynamodb_tables = []
    }
  }
  api = {
    image             = null
    port              = 8080
    cpu               = 256
    memory            = 512
    desired_count     = 2
    autoscaling       = null
    expose            = true
    health_check_path = "/healthz"
    path_pattern      = "/api/*"
    listener_priority = 20
    pipeline          = true
    environment = {
      LOG_LEVEL = "info"
    }
    secrets = {}
    permissions = {
      s3_buckets      = []
      dynamodb_tables = []
    }
  }
  docs = {
    image             = "public.ecr.aws/nginx/nginx:1.27"
    port              = 80
    cpu               = 256
    memory            = 512
    desired_count     = 2
    autoscaling       = null
    expose            = true
    health_check_path = "/"
    path_pattern      = "/docs/*"
    listener_priority = 10
    pipeline          = false
    environment       = {}
    secrets           = {}
    permissions = {
      s3_buckets      = []
      dynamodb_tables = []
    }
  }
}
