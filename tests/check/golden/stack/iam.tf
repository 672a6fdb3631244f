# A task role that may do anything in S3: its message carries "*" and ":" to escape.
resource "aws_iam_role" "export" {
  name               = "export"
  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }] })
}

resource "aws_iam_role_policy" "s3" {
  role   = aws_iam_role.export.id
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "arn:aws:s3:::exports/*" }] })
}

resource "aws_ecs_task_definition" "export" {
  family                   = "export"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  task_role_arn            = aws_iam_role.export.arn
  container_definitions    = jsonencode([{ name = "export", image = "example/export:1.0" }])
}
