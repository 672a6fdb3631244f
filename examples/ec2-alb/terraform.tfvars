# Values from .tfgen-answers.yaml, written by tfgen. Edit here; `tfgen update` keeps your edits.

name               = "billing"
environment        = "stage"
region             = "us-east-2"
tags               = {}
vpc_cidr           = "10.0.0.0/16"
azs                = ["us-east-2a", "us-east-2b"]
single_nat_gateway = true
ec2 = {
  instance_type    = "m6i.large"
  min_size         = 2
  max_size         = 6
  desired_capacity = 2
  ami_id           = "ami-0a1b2c3d4e5f67890"
}
load_balancer = {
  internal        = false
  certificate_arn = null
}
services = {
  app = {
    image             = "public.ecr.aws/docker/library/httpd:2.4"
    port              = 80
    cpu               = 512
    memory            = 1024
    desired_count     = 3
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
