# Values from .tfgen-answers.yaml, written by tfgen. Edit here; `tfgen update` keeps your edits.

name               = "ledger"
environment        = "prod"
region             = "us-west-2"
tags               = {}
vpc_cidr           = "10.0.0.0/16"
azs                = ["us-west-2a", "us-west-2b"]
single_nat_gateway = true
load_balancer = {
  internal        = true
  certificate_arn = null
  privatelink     = true
}
services = {
  engine = {
    image         = "123456789012.dkr.ecr.us-west-2.amazonaws.com/ledger-engine:7.0.3"
    port          = 7000
    cpu           = 16384
    memory        = 122880
    desired_count = 2
    autoscaling   = null
    expose        = true
    environment   = {}
    secrets       = {}
    permissions = {
      s3_buckets = []
      dynamodb_tables = [
        {
          name   = "ledger-entries"
          access = "read_write"
        },
        {
          name   = "ledger-accounts"
          access = "read"
        },
      ]
    }
  }
}
