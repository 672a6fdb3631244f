# The Auto Scaling group's instances register with the cluster through their user data.
resource "aws_ecs_cluster" "app" {
  name = "app"
}

resource "aws_launch_template" "ecs" {
  name_prefix   = "app-ecs-"
  image_id      = "ami-0123456789abcdef0"
  instance_type = "t3.medium"
  user_data = base64encode(<<-EOT
    #!/bin/bash
    echo ECS_CLUSTER=${aws_ecs_cluster.app.name} >> /etc/ecs/ecs.config
  EOT
  )
}

resource "aws_autoscaling_group" "ecs" {
  name_prefix         = "app-ecs-"
  min_size            = 1
  max_size            = 3
  vpc_zone_identifier = ["subnet-aaaa1111", "subnet-bbbb2222"]

  launch_template {
    id      = aws_launch_template.ecs.id
    version = "$Latest"
  }
}

resource "aws_ecs_task_definition" "api" {
  family                   = "api"
  requires_compatibilities = ["EC2"]
  container_definitions    = jsonencode([{ name = "api", image = "nginx:1.27", memory = 256, essential = true }])
}

resource "aws_ecs_service" "api" {
  name            = "api"
  cluster         = aws_ecs_cluster.app.id
  task_definition = aws_ecs_task_definition.api.arn
  launch_type     = "EC2"
  desired_count   = 2
}
