# The tasks admit only the load balancer's security group.
resource "aws_security_group" "lb" {
  name   = "web-lb"
  vpc_id = "vpc-0123456789abcdef0"
}

resource "aws_security_group" "tasks" {
  name   = "web-tasks"
  vpc_id = "vpc-0123456789abcdef0"
}

resource "aws_vpc_security_group_ingress_rule" "tasks_from_lb" {
  security_group_id            = aws_security_group.tasks.id
  referenced_security_group_id = aws_security_group.lb.id
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
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
