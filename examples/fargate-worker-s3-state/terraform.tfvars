# Values from .tfgen-answers.yaml, written by tfgen. Edit here; `tfgen update` keeps your edits.

name        = "etl"
environment = "dev"
region      = "ap-southeast-2"
tags = {
  owner = "data team"
  note  = "ETL jobs: input/output @ acme"
}
vpc_cidr           = "10.0.0.0/16"
azs                = ["ap-southeast-2a", "ap-southeast-2b"]
single_nat_gateway = true
services = {
  worker = {
    image         = "public.ecr.aws/docker/library/python:3.12-slim"
    port          = 8080
    cpu           = 1024
    memory        = 3072
    desired_count = 1
    autoscaling = {
      min        = 1
      max        = 4
      cpu_target = 70
    }
    expose           = false
    cpu_architecture = "ARM64"
    environment = {
      QUEUE_URL    = "https://sqs.ap-southeast-2.amazonaws.com/123456789012/etl-jobs"
      GREETING     = "say \"hello\"\n\tthen $${name} and %%{if x}y%%{endif} \\ done"
      WINDOWS_PATH = "C:\\data\\in"
    }
    secrets = {}
    permissions = {
      s3_buckets = [
        {
          name   = "acme-etl-input"
          access = "read"
        },
        {
          name   = "acme-etl-output"
          access = "read_write"
        },
      ]
      dynamodb_tables = []
    }
  }
}
