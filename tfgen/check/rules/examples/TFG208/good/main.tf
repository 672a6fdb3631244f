# Exactly the actions the task uses, on exactly its bucket.
resource "aws_s3_bucket" "exports" {
  bucket = "example-exports"
}

resource "aws_iam_role" "task" {
  name = "exporter-task"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
  })
}

data "aws_iam_policy_document" "s3" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.exports.arn}/*"]
  }
  statement {
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.exports.arn]
  }
}

resource "aws_iam_role_policy" "s3" {
  name   = "s3"
  role   = aws_iam_role.task.id
  policy = data.aws_iam_policy_document.s3.json
}

resource "aws_ecs_task_definition" "exporter" {
  family                   = "exporter"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  task_role_arn            = aws_iam_role.task.arn
  container_definitions    = jsonencode([{ name = "exporter", image = "example/exporter:1.0", essential = true }])
}

# An AWS managed policy scoped to what X-Ray tracing needs is no broad grant.
resource "aws_iam_role_policy_attachment" "xray" {
  role       = aws_iam_role.task.name
  policy_arn = "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"
}
