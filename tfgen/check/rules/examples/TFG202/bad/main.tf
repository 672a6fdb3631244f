# The instance profile's role trusts EC2 but carries no ECS agent permissions.
resource "aws_iam_role" "ecs_instance" { # <- TFG202
  name = "app-ecs-instance"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy_attachment" "ssm" {
  role       = aws_iam_role.ecs_instance.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_instance_profile" "ecs" {
  name = "app-ecs-instance"
  role = aws_iam_role.ecs_instance.name
}

resource "aws_launch_template" "ecs" {
  name_prefix   = "app-ecs-"
  image_id      = "ami-0123456789abcdef0"
  instance_type = "t3.medium"
  user_data     = base64encode("#!/bin/bash\necho ECS_CLUSTER=app >> /etc/ecs/ecs.config\n")

  iam_instance_profile {
    name = aws_iam_instance_profile.ecs.name
  }
}

# 2017-era HCL: the legacy `roles = [...]` list names the profile's role.
resource "aws_iam_role" "legacy_instance" { # <- TFG202
  name = "app-legacy-instance"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy_attachment" "legacy_ssm" {
  role       = aws_iam_role.legacy_instance.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_instance_profile" "legacy" {
  name  = "app-legacy-instance"
  roles = [aws_iam_role.legacy_instance.name]
}

resource "aws_instance" "legacy" {
  ami                  = "ami-0123456789abcdef0"
  instance_type        = "t3.medium"
  iam_instance_profile = aws_iam_instance_profile.legacy.name
  user_data            = "#!/bin/bash\necho ECS_CLUSTER=app >> /etc/ecs/ecs.config\n"
}
