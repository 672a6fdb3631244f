# Values from .tfgen-answers.yaml, written by tfgen. Edit here; `tfgen update` keeps your edits.

name               = "reports"
environment        = "prod"
region             = "eu-west-3"
tags               = {}
vpc_cidr           = "10.0.0.0/16"
azs                = ["eu-west-3a", "eu-west-3b"]
single_nat_gateway = true
services = {
  nightly = {
    image         = "public.ecr.aws/docker/library/python:3.12-slim"
    port          = null
    cpu           = 512
    memory        = 1024
    desired_count = 0
    autoscaling   = null
    expose        = false
    kind          = "job"
    connect       = false
    publish       = []
    queue         = null
    job = {
      schedule        = "cron(0 3 * * ? *)"
      timezone        = "Europe/Paris"
      retries         = 2
      max_age_seconds = 3600
    }
    environment = {}
    secrets     = {}
    permissions = {
      s3_buckets = [
        {
          name   = "acme-reports"
          access = "read_write"
        },
      ]
      dynamodb_tables = []
    }
  }
}
