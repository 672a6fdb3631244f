# An Application Load Balancer.
resource "aws_lb" "web" {
  name               = "web"
  load_balancer_type = "application"
  subnets            = ["subnet-aaaa1111", "subnet-bbbb2222"]
}
