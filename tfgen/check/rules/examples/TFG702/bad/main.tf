# A push can move the tag a running task definition names to another image.
resource "aws_ecr_repository" "web" { # <- TFG702
  name                 = "shop/web"
  image_tag_mutability = "MUTABLE"

  image_scanning_configuration {
    scan_on_push = true
  }
}
