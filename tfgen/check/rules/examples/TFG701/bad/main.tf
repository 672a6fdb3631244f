# Images pushed to the repository are never scanned for known vulnerabilities.
resource "aws_ecr_repository" "web" { # <- TFG701
  name                 = "shop/web"
  image_tag_mutability = "IMMUTABLE"

  image_scanning_configuration {
    scan_on_push = false
  }
}
