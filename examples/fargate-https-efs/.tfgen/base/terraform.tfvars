# Values from .tfgen-answers.yaml, written by tfgen. Edit here; `tfgen update` keeps your edits.

name        = "shop"
environment = "prod"
region      = "eu-west-1"
tags = {
  team        = "web"
  cost-center = "4711"
}
vpc_cidr           = "10.0.0.0/16"
azs                = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
single_nat_gateway = false
load_balancer = {
  internal        = false
  certificate_arn = "arn:aws:acm:eu-west-1:123456789012:certificate/0f3c9a52-7d1e-4b8a-9c5e-2a6b1d4e8f90"
}
efs = {
  performance_mode = "generalPurpose"
  throughput_mode  = "elastic"
}
services = {
  web = {
    image         = "public.ecr.aws/nginx/nginx:1.27"
    port          = 80
    cpu           = 512
    memory        = 1024
    desired_count = 2
    autoscaling = {
      min        = 2
      max        = 6
      cpu_target = 60
    }
    expose            = true
    health_check_path = "/"
    path_pattern      = "/*"
    listener_priority = 20
    efs_mount         = "/usr/share/nginx/html/media"
    efs_read_only     = true
    environment       = {}
    secrets           = {}
    permissions = {
      s3_buckets = [
        {
          name   = "shop-prod-assets"
          access = "read"
        },
      ]
      dynamodb_tables = []
    }
  }
  api = {
    image             = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop-api:2.4.1"
    port              = 8080
    cpu               = 1024
    memory            = 2048
    desired_count     = 2
    autoscaling       = null
    expose            = true
    health_check_path = "/api/health"
    path_pattern      = "/api/*"
    listener_priority = 10
    efs_mount         = "/data"
    efs_read_only     = false
    environment = {
      LOG_LEVEL = "info"
      PORT      = "8080"
    }
    secrets = {
      DB_PASSWORD = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/prod/db-AbCdEf"
    }
    permissions = {
      s3_buckets = []
      dynamodb_tables = [
        {
          name   = "orders"
          access = "read_write"
        },
      ]
    }
  }
}
