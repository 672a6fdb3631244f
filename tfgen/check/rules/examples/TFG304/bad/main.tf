# PrivateLink cannot deliver to an Application Load Balancer.
resource "aws_lb" "internal" {
  name               = "engine"
  internal           = true
  load_balancer_type = "application"
  subnets            = ["subnet-aaaa1111", "subnet-bbbb2222"]
}

resource "aws_vpc_endpoint_service" "engine" { # <- TFG304
  acceptance_required        = true
  network_load_balancer_arns = [aws_lb.internal.arn]
}
