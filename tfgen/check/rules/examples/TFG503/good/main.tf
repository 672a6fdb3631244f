# A plan rule: it judges the change from the state to this configuration.
# Applied before: idle_timeout = 60. The idle timeout changes in place; the DNS name stays.
resource "aws_lb" "web" {
  name               = "web"
  load_balancer_type = "application"
  idle_timeout       = 120
  subnets            = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]
}
