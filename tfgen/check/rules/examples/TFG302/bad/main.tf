# A Classic Load Balancer: previous generation.
resource "aws_elb" "web" { # <- TFG302
  name    = "web-classic"
  subnets = ["subnet-aaaa1111", "subnet-bbbb2222"]

  listener {
    lb_port           = 80
    lb_protocol       = "http"
    instance_port     = 8080
    instance_protocol = "http"
  }
}
