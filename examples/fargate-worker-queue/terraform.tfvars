# Values from .tfgen-answers.yaml, written by tfgen. Edit here; `tfgen update` keeps your edits.

name               = "orders"
environment        = "prod"
region             = "us-east-2"
tags               = {}
vpc_cidr           = "10.0.0.0/16"
azs                = ["us-east-2a", "us-east-2b"]
single_nat_gateway = true
load_balancer = {
  internal        = false
  certificate_arn = null
}
services = {
  api = {
    image             = "public.ecr.aws/nginx/nginx:1.27"
    port              = 80
    cpu               = 256
    memory            = 512
    desired_count     = 2
    autoscaling       = null
    expose            = true
    kind              = "web"
    connect           = false
    publish           = ["events"]
    queue             = null
    job               = null
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
  fulfil = {
    image         = "public.ecr.aws/docker/library/python:3.12-slim"
    port          = 80
    cpu           = 512
    memory        = 1024
    desired_count = 1
    autoscaling   = null
    expose        = false
    kind          = "worker"
    connect       = false
    publish       = []
    queue = {
      processing_time_seconds = 120
      max_receive_count       = 3
      retention_seconds       = 345600
      subscribe = [
        {
          service       = "api"
          topic         = "events"
          filter_policy = "{\"event_type\": [\"order_placed\"]}"
        },
      ]
      scaling = {
        min              = 1
        max              = 10
        backlog_per_task = 100
      }
    }
    job               = null
    health_check_path = "/"
    path_pattern      = "/*"
    listener_priority = null
    environment       = {}
    secrets           = {}
    permissions = {
      s3_buckets      = []
      dynamodb_tables = []
    }
  }
}
