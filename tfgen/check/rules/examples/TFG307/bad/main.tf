# A Network Load Balancer cannot speak HTTP.
resource "aws_lb" "nlb" {
  name               = "broker"
  load_balancer_type = "network"
  subnets            = ["subnet-aaaa1111", "subnet-bbbb2222"]
}

resource "aws_lb_target_group" "broker" {
  name        = "broker"
  port        = 5672
  protocol    = "TCP"
  target_type = "ip"
  vpc_id      = "vpc-0123456789abcdef0"
}

resource "aws_lb_listener" "amqp" { # <- TFG307
  load_balancer_arn = aws_lb.nlb.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.broker.arn
  }
}
