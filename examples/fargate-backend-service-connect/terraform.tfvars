# Values from .tfgen-answers.yaml, written by tfgen. Edit here; `tfgen update` keeps your edits.

name               = "shop"
environment        = "dev"
region             = "eu-west-1"
tags               = {}
vpc_cidr           = "10.0.0.0/16"
azs                = ["eu-west-1a", "eu-west-1b"]
single_nat_gateway = true
load_balancer = {
  internal        = false
  certificate_arn = null
}
services = {
  web = {
    image             = "public.ecr.aws/nginx/nginx:1.27"
    port              = 80
    cpu               = 256
    memory            = 512
    desired_count     = 2
    autoscaling       = null
    expose            = true
    kind              = "web"
    connect           = false
    publish           = []
    queue             = null
    job               = null
    health_check_path = "/"
    path_pattern      = "/*"
    listener_priority = 10
    internal_path     = null
    internal_priority = null
    environment = {
      API_URL = "http://api:8080"
    }
    secrets = {}
    permissions = {
      s3_buckets      = []
      dynamodb_tables = []
    }
  }
  api = {
    image         = "public.ecr.aws/docker/library/python:3.12-slim"
    port          = 8080
    cpu           = 256
    memory        = 512
    desired_count = 2
    autoscaling = {
      min        = 2
      max        = 6
      cpu_target = 60
    }
    expose            = false
    kind              = "backend"
    connect           = true
    publish           = []
    queue             = null
    job               = null
    health_check_path = "/healthz"
    path_pattern      = "/*"
    listener_priority = null
    internal_path     = "/api/*"
    internal_priority = 10
    environment       = {}
    secrets           = {}
    permissions = {
      s3_buckets      = []
      dynamodb_tables = []
    }
  }
}
