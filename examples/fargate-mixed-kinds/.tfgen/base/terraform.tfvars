# Values from .tfgen-answers.yaml, written by tfgen. Edit here; `tfgen update` keeps your edits.

name               = "mixed"
environment        = "dev"
region             = "eu-west-1"
tags               = {}
vpc_cidr           = "10.0.0.0/16"
azs                = ["eu-west-1a", "eu-west-1b"]
single_nat_gateway = true
load_balancer = {
  internal        = false
  certificate_arn = null
  privatelink     = false
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
    publish           = ["orders"]
    queue             = null
    job               = null
    health_check_path = "/"
    path_pattern      = "/*"
    listener_priority = 10
    environment = {
      CATALOG_URL = "http://catalog:8080"
    }
    secrets = {}
    permissions = {
      s3_buckets      = []
      dynamodb_tables = []
    }
  }
  ingest = {
    image             = "public.ecr.aws/docker/library/python:3.12-slim"
    port              = 9000
    cpu               = 256
    memory            = 512
    desired_count     = 2
    autoscaling       = null
    expose            = true
    kind              = "nlb"
    connect           = false
    publish           = []
    queue             = null
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
  catalog = {
    image             = "public.ecr.aws/docker/library/python:3.12-slim"
    port              = 8080
    cpu               = 256
    memory            = 512
    desired_count     = 2
    autoscaling       = null
    expose            = false
    kind              = "backend"
    connect           = true
    publish           = []
    queue             = null
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
  mailer = {
    image         = "public.ecr.aws/docker/library/python:3.12-slim"
    port          = 80
    cpu           = 256
    memory        = 512
    desired_count = 1
    autoscaling   = null
    expose        = false
    kind          = "worker"
    connect       = false
    publish       = []
    queue = {
      processing_time_seconds = 30
      max_receive_count       = 5
      retention_seconds       = 345600
      subscribe = [
        {
          service       = "web"
          topic         = "orders"
          filter_policy = null
        },
      ]
      scaling = null
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
  cleanup = {
    image         = "public.ecr.aws/docker/library/python:3.12-slim"
    port          = null
    cpu           = 256
    memory        = 512
    desired_count = 0
    autoscaling   = null
    expose        = false
    kind          = "job"
    connect       = false
    publish       = []
    queue         = null
    job = {
      schedule        = "rate(1 day)"
      timezone        = "UTC"
      retries         = 0
      max_age_seconds = 86400
    }
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
