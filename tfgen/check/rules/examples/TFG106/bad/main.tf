# The task asks for 4 vCPU and 8 GiB, but the capacity provider's instances are t3.medium
# (2 vCPU, 4 GiB): no instance can ever hold it.
resource "aws_ecs_cluster" "app" {
  name = "app"
}

resource "aws_launch_template" "ecs" {
  name_prefix   = "app-ecs-"
  image_id      = "ami-0123456789abcdef0"
  instance_type = "t3.medium"
  user_data     = base64encode("#!/bin/bash\necho ECS_CLUSTER=app >> /etc/ecs/ecs.config\n")
}

resource "aws_autoscaling_group" "ecs" {
  name                = "app-ecs"
  min_size            = 1
  max_size            = 3
  vpc_zone_identifier = ["subnet-aaaa1111", "subnet-bbbb2222"]

  launch_template {
    id      = aws_launch_template.ecs.id
    version = "$Latest"
  }
}

resource "aws_ecs_capacity_provider" "ec2" {
  name = "app-ec2"

  auto_scaling_group_provider {
    auto_scaling_group_arn = aws_autoscaling_group.ecs.arn
  }
}

resource "aws_ecs_task_definition" "report" { # <- TFG106
  family                   = "report"
  requires_compatibilities = ["EC2"]
  network_mode             = "awsvpc"
  cpu                      = 4096
  memory                   = 8192
  container_definitions    = jsonencode([{ name = "report", image = "example/report:1.0", essential = true }])
}

resource "aws_ecs_service" "report" {
  name            = "report"
  cluster         = aws_ecs_cluster.app.id
  task_definition = aws_ecs_task_definition.report.arn
  desired_count   = 1

  capacity_provider_strategy {
    capacity_provider = aws_ecs_capacity_provider.ec2.name
    weight            = 1
  }

  network_configuration {
    subnets = ["subnet-aaaa1111", "subnet-bbbb2222"]
  }
}
