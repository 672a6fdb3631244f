# Values from .tfgen-answers.yaml, written by tfgen. Edit here; `tfgen update` keeps your edits.

name               = "mq"
environment        = "prod"
region             = "eu-central-1"
tags               = {}
vpc_id             = "vpc-0a1b2c3d4e5f60718"
public_subnet_ids  = ["subnet-0c3c3c3c3c3c3c3c3", "subnet-0d4d4d4d4d4d4d4d4"]
private_subnet_ids = ["subnet-0a1a1a1a1a1a1a1a1", "subnet-0b2b2b2b2b2b2b2b2"]
ec2 = {
  instance_type    = "c6i.xlarge"
  min_size         = 2
  max_size         = 4
  desired_capacity = 2
  ami_id           = "ami-0f0e0d0c0b0a09080"
}
load_balancer = {
  internal        = false
  certificate_arn = null
  privatelink     = false
}
efs = {
  performance_mode = "generalPurpose"
  throughput_mode  = "bursting"
}
services = {
  broker = {
    image         = "public.ecr.aws/docker/library/rabbitmq:3.13"
    port          = 5672
    cpu           = 2048
    memory        = 4096
    desired_count = 2
    autoscaling   = null
    expose        = true
    efs_mount     = "/var/lib/rabbitmq"
    efs_read_only = false
    environment   = {}
    secrets       = {}
    permissions = {
      s3_buckets      = []
      dynamodb_tables = []
    }
  }
}
