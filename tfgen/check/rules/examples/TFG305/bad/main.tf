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
