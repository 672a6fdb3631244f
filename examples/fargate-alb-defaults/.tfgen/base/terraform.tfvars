# Values from .tfgen-answers.yaml, written by tfgen. Edit here; `tfgen update` keeps your edits.

name               = "app"
environment        = "dev"
region             = "us-east-1"
tags               = {}
vpc_cidr           = "10.0.0.0/16"
azs                = ["us-east-1a", "us-east-1b"]
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
    health_check_path = "/"
    path_pattern      = "/*"
    listener_priority = 10
    environment       = {}
    secrets           = {}
    permissions = {
      s3_buckets      = []
      dynamodb_tables = []
    }
  }
}
