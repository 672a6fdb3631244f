# A Network Load Balancer fronts the endpoint service.
resource "aws_lb" "internal" {
  name               = "engine"
  internal           = true
  load_balancer_type = "network"
  subnets            = ["subnet-aaaa1111", "subnet-bbbb2222"]
}

resource "aws_vpc_endpoint_service" "engine" {
  acceptance_required        = true
  network_load_balancer_arns = [aws_lb.internal.arn]
}
