# One task role per task family, each created from the same map.
locals {
  tasks = { "task-a" = "example/a:1.0", "task-b" = "example/b:1.0" }
}

resource "aws_iam_role" "task" {
  for_each = local.tasks
  name     = "${each.key}-task"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
  })
}

resource "aws_ecs_task_definition" "this" {
  for_each                 = local.tasks
  family                   = each.key
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  task_role_arn            = aws_iam_role.task[each.key].arn
  container_definitions    = jsonencode([{ name = each.key, image = each.value, essential = true }])
}
