# The load balancer is the way in, but the tasks also accept anyone on their port.
resource "aws_security_group" "tasks" { # <- TFG306
  name   = "web-tasks"
  vpc_id = "vpc-0123456789abcdef0"

  ingress {
    from_port   = 8080
    to_port     = 8080
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_lb_target_group" "web" {
  name        = "web"
  port        = 8080
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = "vpc-0123456789abcdef0"
}

resource "aws_ecs_service" "web" {
  name            = "web"
  cluster         = "app"
  task_definition = "web:7"
  launch_type     = "FARGATE"
  desired_count   = 2

  load_balancer {
    target_group_arn = aws_lb_target_group.web.arn
    container_name   = "web"
    container_port   = 8080
  }

  network_configuration {
    subnets         = ["subnet-aaaa1111", "subnet-bbbb2222"]
    security_groups = [aws_security_group.tasks.id]
  }
}

# Bridge mode: the tasks listen on their container instances' dynamic ports, and the instances'
# security group admits anyone on that range.
resource "aws_security_group" "instances" { # <- TFG306
  name   = "api-instances"
  vpc_id = "vpc-0123456789abcdef0"

  ingress {
    from_port   = 32768
    to_port     = 65535
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_launch_template" "api" {
  name_prefix            = "api-"
  image_id               = "ami-0123456789abcdef0"
  instance_type          = "t3.medium"
  vpc_security_group_ids = [aws_security_group.instances.id]
  user_data              = base64encode("#!/bin/bash\necho ECS_CLUSTER=api >> /etc/ecs/ecs.config\n")
}

resource "aws_autoscaling_group" "api" {
  name                = "api"
  min_size            = 1
  max_size            = 2
  vpc_zone_identifier = ["subnet-aaaa1111", "subnet-bbbb2222"]

  launch_template {
    id      = aws_launch_template.api.id
    version = "$Latest"
  }
}

resource "aws_ecs_cluster" "api" {
  name = "api"
}

resource "aws_ecs_task_definition" "api" {
  family                   = "api"
  requires_compatibilities = ["EC2"]
  network_mode             = "bridge"
  container_definitions = jsonencode([{
    name         = "api"
    image        = "example/api:1.0"
    memory       = 256
    essential    = true
    portMappings = [{ containerPort = 8080, hostPort = 0 }]
  }])
}

resource "aws_lb_target_group" "api" {
  name     = "api"
  port     = 8080
  protocol = "HTTP"
  vpc_id   = "vpc-0123456789abcdef0"
}

resource "aws_ecs_service" "api" {
  name            = "api"
  cluster         = aws_ecs_cluster.api.id
  task_definition = aws_ecs_task_definition.api.arn
  launch_type     = "EC2"
  desired_count   = 2

  load_balancer {
    target_group_arn = aws_lb_target_group.api.arn
    container_name   = "api"
    container_port   = 8080
  }
}
