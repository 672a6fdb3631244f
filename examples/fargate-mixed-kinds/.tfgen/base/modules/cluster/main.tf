resource "aws_ecs_cluster" "this" {
  #checkov:skip=CKV_AWS_224:No service of this stack enables ECS Exec, so there is no exec session to log or encrypt; add execute_command_configuration when enabling it.
  name = var.name

  setting {
    name  = "containerInsights"
    value = var.container_insights ? "enabled" : "disabled"
  }

  tags = var.tags
}

resource "aws_ecs_cluster_capacity_providers" "this" {
  cluster_name       = aws_ecs_cluster.this.name
  capacity_providers = var.capacity_providers

  default_capacity_provider_strategy {
    capacity_provider = var.default_capacity_provider
    weight            = 1
    base              = 0
  }
}
