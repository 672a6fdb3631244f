# Container instances that join an ECS cluster, but with no instance profile for the agent.
resource "aws_launch_template" "ecs" { # <- TFG201
  name_prefix   = "app-ecs-"
  image_id      = "ami-0123456789abcdef0"
  instance_type = "t3.medium"
  user_data     = base64encode("#!/bin/bash\necho ECS_CLUSTER=app >> /etc/ecs/ecs.config\n")
}
