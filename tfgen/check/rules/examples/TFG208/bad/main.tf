# The task only reads one bucket, but its role may do anything in S3, to any bucket.
resource "aws_iam_role" "task" {
  name = "exporter-task"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy" "s3" { # <- TFG208
  name   = "s3"
  role   = aws_iam_role.task.id
  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        { "Effect": "Allow", "Action": "s3:*", "Resource": "*" }
      ]
    }
  EOT
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

# A second task whose role reads every resource of every service, through an AWS managed policy.
resource "aws_iam_role" "reports" { # <- TFG208
  name = "reports-task"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy_attachment" "reports" {
  role       = aws_iam_role.reports.name
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}

resource "aws_ecs_task_definition" "reports" {
  family                   = "reports"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  task_role_arn            = aws_iam_role.reports.arn
  container_definitions    = jsonencode([{ name = "reports", image = "example/reports:1.0", essential = true }])
}
