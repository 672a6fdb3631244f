# A plan rule: it judges the change from the state to this configuration.
# Applied before: internal = false. `internal` cannot change in place, so the load balancer is
# replaced and gets a new DNS name.
resource "aws_lb" "web" { # <- TFG503
  name               = "web"
  load_balancer_type = "application"
  internal           = true
  subnets            = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]
}
