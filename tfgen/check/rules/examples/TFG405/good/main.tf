# Mounted through an access point, authorized by the task role.
resource "aws_efs_file_system" "shared" {
  encrypted = true
}

resource "aws_efs_access_point" "cms" {
  file_system_id = aws_efs_file_system.shared.id
  posix_user {
    uid = 1000
    gid = 1000
  }
  root_directory {
    path = "/cms"
  }
}

resource "aws_iam_role" "cms_task" {
  name = "cms-task"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
  })
}

data "aws_iam_policy_document" "efs" {
  statement {
    actions   = ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]
    resources = [aws_efs_file_system.shared.arn]
    condition {
      test     = "StringEquals"
      variable = "elasticfilesystem:AccessPointArn"
      values   = [aws_efs_access_point.cms.arn]
    }
  }
}

resource "aws_iam_role_policy" "efs" {
  name   = "efs"
  role   = aws_iam_role.cms_task.id
  policy = data.aws_iam_policy_document.efs.json
}

resource "aws_ecs_task_definition" "cms" {
  family                   = "cms"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024
  task_role_arn            = aws_iam_role.cms_task.arn
  container_definitions    = jsonencode([{ name = "cms", image = "example/cms:3.1", essential = true }])

  volume {
    name = "uploads"
    efs_volume_configuration {
      file_system_id     = aws_efs_file_system.shared.id
      transit_encryption = "ENABLED"
      authorization_config {
        access_point_id = aws_efs_access_point.cms.id
        iam             = "ENABLED"
      }
    }
  }
}
