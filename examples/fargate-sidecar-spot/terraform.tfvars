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
efs = {
  performance_mode = "generalPurpose"
  throughput_mode  = "elastic"
}
services = {
  app = {
    image         = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop-app:3.1.0"
    port          = 8080
    cpu           = 1024
    memory        = 2048
    desired_count = 4
    autoscaling = {
      min        = 4
      max        = 12
      cpu_target = 60
    }
    expose            = true
    health_check_path = "/"
    path_pattern      = "/*"
    listener_priority = 10
    efs_mount         = "/srv/media"
    efs_read_only     = false
    cpu_architecture  = "ARM64"
    environment = {
      LOG_LEVEL  = "info"
      MEDIA_ROOT = "/srv/media"
    }
    secrets = {
      DB_PASSWORD = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/prod/db-AbCdEf"
      SIGNING_KEY = "arn:aws:ssm:eu-west-1:123456789012:parameter/shop/prod/signing-key"
      API_TOKEN   = "/shop/prod/api-token"
    }
    permissions = {
      s3_buckets      = []
      dynamodb_tables = []
    }
    spot = {
      base  = 2
      share = 75
    }
    exec       = true
    command    = ["gunicorn", "--bind", "0.0.0.0:8080", "--workers", "4", "shop.wsgi"]
    entrypoint = ["/usr/bin/tini", "--"]
    depends_on = [
      {
        container = "proxy"
        condition = "HEALTHY"
      },
    ]
    target = "proxy"
    sidecars = [
      {
        name      = "proxy"
        image     = "public.ecr.aws/nginx/nginx:1.27"
        port      = 80
        essential = true
        environment = {
          UPSTREAM = "127.0.0.1:8080"
        }
        secrets = {
          BASIC_AUTH = "shop-prod-proxy-basic-auth"
        }
        depends_on           = []
        efs_mount            = "/usr/share/nginx/html/media"
        efs_read_only        = true
        health_check_command = ["CMD-SHELL", "curl -fs http://localhost/ || exit 1"]
        cpu                  = 128
        memory               = 256
      },
    ]
  }
}
