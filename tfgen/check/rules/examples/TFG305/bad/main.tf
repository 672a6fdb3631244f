# Port 80 forwards plain HTTP straight to the service.
resource "aws_lb" "web" {
  name    = "web"
  subnets = ["subnet-aaaa1111", "subnet-bbbb2222"]
}

resource "aws_lb_target_group" "web" {
  name        = "web"
  port        = 8080
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = "vpc-0123456789abcdef0"
}

resource "aws_lb_listener" "http" { # <- TFG305
  load_balancer_arn = aws_lb.web.arn
  port              = 80

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}

# The default action only answers 404, but the listener rules forward plain HTTP all the same.
resource "aws_lb" "api" {
  name    = "api"
  subnets = ["subnet-aaaa1111", "subnet-bbbb2222"]
}

resource "aws_lb_listener" "rules_only" { # <- TFG305
  load_balancer_arn = aws_lb.api.arn
  port              = 80

  default_action {
    type = "fixed-response"
    fixed_response {
      content_type = "text/plain"
      status_code  = "404"
    }
  }
}

resource "aws_lb_listener_rule" "api" {
  listener_arn = aws_lb_listener.rules_only.arn
  priority     = 10

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }

  condition {
    path_pattern {
      values = ["/api/*"]
    }
  }
}

# An internal load balancer is judged the same: the traffic inside the VPC is unencrypted too.
resource "aws_lb" "internal" {
  name     = "internal"
  internal = true
  subnets  = ["subnet-aaaa1111", "subnet-bbbb2222"]
}

resource "aws_lb_listener" "internal_http" { # <- TFG305
  load_balancer_arn = aws_lb.internal.arn
  port              = 80

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}
