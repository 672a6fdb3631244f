data "aws_partition" "current" {}

locals {
  partition = data.aws_partition.current.partition

  # Taken from the ARN (validated) so no API call is needed for the autoscaling resource id.
  cluster_name = element(split("/", var.cluster_arn), length(split("/", var.cluster_arn)) - 1)

  use_capacity_provider = var.launch_type == "EC2" && var.capacity_provider_name != null

  efs_volume_name = "efs"

  # A valueFrom may carry a JSON key / version suffix (":key:stage:id") after the secret ARN;
  # IAM matches the secret's own ARN, which is its first seven colon-separated fields.
  secretsmanager_arns = distinct([
    for v in local.secret_values :
    join(":", slice(split(":", v), 0, min(7, length(split(":", v)))))
    if strcontains(v, ":secretsmanager:")
  ])
  ssm_parameter_arns = distinct([
    for v in local.secret_values : v if strcontains(v, ":ssm:")
  ])

  s3_all_buckets   = [for b in var.permissions.s3_buckets : b.name]
  s3_write_buckets = [for b in var.permissions.s3_buckets : b.name if b.access == "read_write"]
  ddb_all_tables   = [for t in var.permissions.dynamodb_tables : t.name]
  ddb_write_tables = [for t in var.permissions.dynamodb_tables : t.name if t.access == "read_write"]

  ddb_table_arn_prefix = "arn:${local.partition}:dynamodb:${var.region}:*:table"

  task_policy_enabled = length(local.s3_all_buckets) > 0 || length(local.ddb_all_tables) > 0 || var.efs != null

  container_definition = {
    name      = var.container_name
    image     = var.image
    essential = true

    portMappings = [{
      containerPort = var.container_port
      hostPort      = var.container_port
      protocol      = "tcp"
    }]

    # Built as data and serialised by jsonencode so values reach AWS byte for byte:
    # quotes, backslashes, newlines and template-like sequences are never interpreted.
    environment = [for k, v in var.environment : { name = k, value = v }]
    secrets     = [for k, v in var.secrets : { name = k, valueFrom = v }]

    mountPoints = var.efs == null ? [] : [{
      sourceVolume  = local.efs_volume_name
      containerPath = var.efs.container_path
      readOnly      = var.efs.read_only
    }]

    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.this.name
        awslogs-region        = var.region
        awslogs-stream-prefix = var.container_name
      }
    }
  }
}

locals {
  # Every secret of the task, the service's and its sidecars': the execution role reads exactly these.
  secret_values = distinct(concat(values(var.secrets), flatten([for s in var.sidecars : values(s.secrets)])))
  # Counted by name, which is known at plan time even when the ARNs are not.
  secret_count = length(var.secrets) + length(flatten([for s in var.sidecars : keys(s.secrets)]))

  # A parameter given by name is in the task's region; its ARN's account is "*", pinned to the
  # role's own account by a condition, so the policy is known at plan time without an account lookup.
  ssm_parameter_name_arns = distinct([
    for v in local.secret_values : "arn:${local.partition}:ssm:${var.region}:*:parameter/${trimprefix(v, "/")}"
    if !startswith(v, "arn:")
  ])

  # The container the load balancer sends traffic to: the service's own unless told otherwise (a sidecar).
  lb_container_name = try(coalesce(var.load_balancer.container_name, var.container_name), var.container_name)
  lb_container_port = try(coalesce(var.load_balancer.container_port, var.container_port), var.container_port)

  # Keys ECS takes only when set are left out rather than sent as null.
  main_container_extras = merge(
    { for k, v in { command = var.command, entryPoint = var.entrypoint } : k => v if v != null },
    { for k, v in { dependsOn = local.container_dependencies[var.container_name] } : k => v if length(v) > 0 },
  )

  container_dependencies = merge(
    { (var.container_name) = [for d in var.container_depends_on : { containerName = d.container, condition = d.condition }] },
    { for s in var.sidecars : s.name => [for d in s.depends_on : { containerName = d.container, condition = d.condition }] },
  )

  sidecar_definitions = [
    for s in var.sidecars : merge(
      {
        name         = s.name
        image        = s.image
        essential    = s.essential
        cpu          = s.cpu
        portMappings = s.port == null ? [] : [{ containerPort = s.port, hostPort = s.port, protocol = "tcp" }]
        environment  = [for k, v in s.environment : { name = k, value = v }]
        secrets      = [for k, v in s.secrets : { name = k, valueFrom = v }]
        mountPoints = s.efs_mount == null || var.efs == null ? [] : [{
          sourceVolume  = local.efs_volume_name
          containerPath = s.efs_mount
          readOnly      = s.efs_read_only
        }]
        logConfiguration = merge(local.container_definition.logConfiguration, {
          options = merge(local.container_definition.logConfiguration.options, { awslogs-stream-prefix = s.name })
        })
      },
      { for k, v in { memory = s.memory } : k => v if v != null },
      { for k, v in { dependsOn = local.container_dependencies[s.name] } : k => v if length(v) > 0 },
      { for k, v in { healthCheck = s.health_check_command } : k => { command = v, interval = 30, timeout = 5, retries = 3, startPeriod = 10 } if v != null },
    )
  ]

  container_definitions = concat([merge(local.container_definition, local.main_container_extras)], local.sidecar_definitions)

  # Fargate Spot: weights share : 100 - share, reduced by their greatest common divisor.
  spot_divisor = var.spot == null ? 1 : max([for d in range(1, 101) : d if var.spot.share % d == 0 && (100 - var.spot.share) % d == 0]...)
  spot_strategy = var.spot == null ? [] : [
    { capacity_provider = "FARGATE", base = var.spot.base, weight = (100 - var.spot.share) / local.spot_divisor },
    { capacity_provider = "FARGATE_SPOT", base = 0, weight = var.spot.share / local.spot_divisor },
  ]
}

################################################################################
# Logs
################################################################################

resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_158:CloudWatch Logs encrypts at rest by default; a customer-managed KMS key is a per-account choice outside this module
  name              = "/ecs/${var.name}"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

################################################################################
# IAM: execution role (ECS agent: pull image, write logs, fetch secrets)
# and task role (the application's own AWS permissions), always distinct.
################################################################################

data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    sid     = "EcsTasksAssumeRole"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "execution" {
  name               = "${var.name}-execution"
  description        = "ECS task execution role of ${var.name}: image pulls, log delivery, secret injection"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
  tags               = var.tags
}

resource "aws_iam_role_policy_attachment" "execution" {
  role       = aws_iam_role.execution.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

data "aws_iam_policy_document" "execution_secrets" {
  count = local.secret_count > 0 ? 1 : 0

  dynamic "statement" {
    for_each = length(local.secretsmanager_arns) > 0 ? [local.secretsmanager_arns] : []

    content {
      sid       = "ReadListedSecretsManagerSecrets"
      actions   = ["secretsmanager:GetSecretValue"]
      resources = statement.value
    }
  }

  dynamic "statement" {
    for_each = length(local.ssm_parameter_arns) > 0 ? [local.ssm_parameter_arns] : []

    content {
      sid       = "ReadListedSsmParameters"
      actions   = ["ssm:GetParameters"]
      resources = statement.value
    }
  }

  dynamic "statement" {
    for_each = length(local.ssm_parameter_name_arns) > 0 ? [local.ssm_parameter_name_arns] : []

    content {
      sid       = "ReadSsmParametersListedByName"
      actions   = ["ssm:GetParameters"]
      resources = statement.value

      condition {
        test     = "StringEquals"
        variable = "aws:ResourceAccount"
        values   = ["$${aws:PrincipalAccount}"]
      }
    }
  }
}

resource "aws_iam_role_policy" "execution_secrets" {
  # count on the maps' lengths, which are known at plan time even when the ARNs are not.
  count = local.secret_count > 0 ? 1 : 0

  name   = "read-task-secrets"
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.execution_secrets[0].json
}

resource "aws_iam_role" "task" {
  name               = "${var.name}-task"
  description        = "ECS task role of ${var.name}: the permissions of the application itself"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "task" {
  count = local.task_policy_enabled ? 1 : 0

  dynamic "statement" {
    for_each = length(local.s3_all_buckets) > 0 ? [1] : []

    content {
      sid       = "S3ListBuckets"
      actions   = ["s3:ListBucket"]
      resources = [for b in local.s3_all_buckets : "arn:${local.partition}:s3:::${b}"]
    }
  }

  dynamic "statement" {
    for_each = length(local.s3_all_buckets) > 0 ? [1] : []

    content {
      sid       = "S3ReadObjects"
      actions   = ["s3:GetObject"]
      resources = [for b in local.s3_all_buckets : "arn:${local.partition}:s3:::${b}/*"]
    }
  }

  dynamic "statement" {
    for_each = length(local.s3_write_buckets) > 0 ? [1] : []

    content {
      sid       = "S3WriteObjects"
      actions   = ["s3:PutObject", "s3:DeleteObject"]
      resources = [for b in local.s3_write_buckets : "arn:${local.partition}:s3:::${b}/*"]
    }
  }

  dynamic "statement" {
    for_each = length(local.ddb_all_tables) > 0 ? [1] : []

    content {
      sid = "DynamoDBRead"
      actions = [
        "dynamodb:BatchGetItem",
        "dynamodb:ConditionCheckItem",
        "dynamodb:DescribeTable",
        "dynamodb:GetItem",
        "dynamodb:Query",
        "dynamodb:Scan",
      ]
      resources = flatten([
        for t in local.ddb_all_tables : [
          "${local.ddb_table_arn_prefix}/${t}",
          "${local.ddb_table_arn_prefix}/${t}/index/*",
        ]
      ])

      # The account in the ARN is "*" so no account lookup is needed; this pins it to our own.
      condition {
        test     = "StringEquals"
        variable = "aws:ResourceAccount"
        values   = ["$${aws:PrincipalAccount}"]
      }
    }
  }

  dynamic "statement" {
    for_each = length(local.ddb_write_tables) > 0 ? [1] : []

    content {
      sid = "DynamoDBWrite"
      actions = [
        "dynamodb:BatchWriteItem",
        "dynamodb:DeleteItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
      ]
      # Item writes address the table; indexes are read-only projections.
      resources = [for t in local.ddb_write_tables : "${local.ddb_table_arn_prefix}/${t}"]

      condition {
        test     = "StringEquals"
        variable = "aws:ResourceAccount"
        values   = ["$${aws:PrincipalAccount}"]
      }
    }
  }

  dynamic "statement" {
    for_each = var.efs == null ? [] : [var.efs]

    content {
      sid = "EfsMountThroughAccessPoint"
      actions = concat(
        ["elasticfilesystem:ClientMount"],
        statement.value.read_only ? [] : ["elasticfilesystem:ClientWrite"],
      )
      resources = [statement.value.file_system_arn]

      condition {
        test     = "StringEquals"
        variable = "elasticfilesystem:AccessPointArn"
        values   = [statement.value.access_point_arn]
      }
    }
  }
}

resource "aws_iam_role_policy" "task" {
  # Nothing granted means no policy at all: the role exists only so the task never borrows another.
  count = local.task_policy_enabled ? 1 : 0

  name   = "task-permissions"
  role   = aws_iam_role.task.id
  policy = data.aws_iam_policy_document.task[0].json
}

# ECS Exec: the SSM agent in the task opens the session channels (actions without resource-level
# permissions), writes the session log to the cluster's exec log group and decrypts the session
# with the cluster's KMS key. Two policies, so the first is known at plan time.
data "aws_iam_policy_document" "exec" {
  count = var.exec == null ? 0 : 1

  statement {
    sid = "EcsExecSessionChannels"
    actions = [
      "ssmmessages:CreateControlChannel",
      "ssmmessages:CreateDataChannel",
      "ssmmessages:OpenControlChannel",
      "ssmmessages:OpenDataChannel",
    ]
    resources = ["*"]
  }

  statement {
    sid       = "EcsExecFindLogGroup"
    actions   = ["logs:DescribeLogGroups"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "exec" {
  count = var.exec == null ? 0 : 1

  name   = "ecs-exec"
  role   = aws_iam_role.task.id
  policy = data.aws_iam_policy_document.exec[0].json
}

data "aws_iam_policy_document" "exec_logging" {
  count = var.exec == null ? 0 : 1

  statement {
    sid       = "EcsExecWriteSessionLog"
    actions   = ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"]
    resources = ["${var.exec.log_group_arn}:*"]
  }

  statement {
    sid       = "EcsExecDecryptSession"
    actions   = ["kms:Decrypt"]
    resources = [var.exec.kms_key_arn]
  }
}

resource "aws_iam_role_policy" "exec_logging" {
  count = var.exec == null ? 0 : 1

  name   = "ecs-exec-logging"
  role   = aws_iam_role.task.id
  policy = data.aws_iam_policy_document.exec_logging[0].json
}

################################################################################
# Task definition
################################################################################

resource "aws_ecs_task_definition" "this" {
  #checkov:skip=CKV_AWS_336:Many images (nginx among them) write to their root filesystem; set readonlyRootFilesystem in the container definition when yours does not
  family                   = var.name
  network_mode             = "awsvpc"
  requires_compatibilities = [var.launch_type]
  cpu                      = tostring(var.cpu)
  memory                   = tostring(var.memory)
  task_role_arn            = aws_iam_role.task.arn
  execution_role_arn       = aws_iam_role.execution.arn
  container_definitions    = jsonencode(local.container_definitions)

  # Fargate needs the platform named; on EC2 only arm64 does (placement on Graviton instances).
  dynamic "runtime_platform" {
    for_each = var.launch_type == "FARGATE" || var.cpu_architecture == "ARM64" ? [1] : []

    content {
      operating_system_family = "LINUX"
      cpu_architecture        = var.cpu_architecture
    }
  }

  dynamic "volume" {
    for_each = var.efs == null ? [] : [var.efs]

    content {
      name = local.efs_volume_name

      efs_volume_configuration {
        file_system_id     = volume.value.file_system_id
        transit_encryption = "ENABLED"

        authorization_config {
          access_point_id = volume.value.access_point_id
          iam             = "ENABLED"
        }
      }
    }
  }

  tags = var.tags
}

################################################################################
# Tasks' security group
################################################################################

resource "aws_security_group" "this" {
  name_prefix = "${var.name}-tasks-"
  description = "ECS tasks of ${var.name}: ingress only from the load balancer, egress HTTPS and NFS as needed"
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = "${var.name}-tasks" })

  # Running tasks keep their ENIs on the old group until replaced, so the new one must exist first.
  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "from_load_balancer" {
  #checkov:skip=CKV_AWS_260:The source is the load balancer's security group, not 0.0.0.0/0
  count = var.load_balancer == null ? 0 : 1

  security_group_id            = aws_security_group.this.id
  description                  = "Container port ${local.lb_container_port}/tcp from the load balancer only, for requests and health checks"
  ip_protocol                  = "tcp"
  from_port                    = local.lb_container_port
  to_port                      = local.lb_container_port
  referenced_security_group_id = var.load_balancer.security_group_id
  tags                         = merge(var.tags, { Name = "${var.name}-from-lb" })
}

resource "aws_vpc_security_group_egress_rule" "load_balancer_to_tasks" {
  # The load balancer module adds no egress of its own: each service opens exactly its port.
  count = var.load_balancer == null ? 0 : 1

  security_group_id            = var.load_balancer.security_group_id
  description                  = "Load balancer to the tasks of ${var.name} on container port ${local.lb_container_port}/tcp"
  ip_protocol                  = "tcp"
  from_port                    = local.lb_container_port
  to_port                      = local.lb_container_port
  referenced_security_group_id = aws_security_group.this.id
  tags                         = merge(var.tags, { Name = "${var.name}-lb-to-tasks" })
}

resource "aws_vpc_security_group_egress_rule" "https" {
  security_group_id = aws_security_group.this.id
  description       = "HTTPS out for image pulls (ECR, registries), CloudWatch Logs, Secrets Manager, SSM and other AWS APIs"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
  tags              = merge(var.tags, { Name = "${var.name}-https-out" })
}

resource "aws_vpc_security_group_egress_rule" "to_efs" {
  count = var.efs == null ? 0 : 1

  security_group_id            = aws_security_group.this.id
  description                  = "NFS 2049/tcp to the EFS mount targets only, for the shared volume"
  ip_protocol                  = "tcp"
  from_port                    = 2049
  to_port                      = 2049
  referenced_security_group_id = var.efs.security_group_id
  tags                         = merge(var.tags, { Name = "${var.name}-to-efs" })
}

################################################################################
# Service
################################################################################

resource "aws_ecs_service" "this" {
  name            = var.name
  cluster         = var.cluster_arn
  task_definition = aws_ecs_task_definition.this.arn
  desired_count   = var.desired_count

  # A capacity provider strategy and a launch type are mutually exclusive.
  launch_type      = local.use_capacity_provider || var.spot != null ? null : var.launch_type
  platform_version = var.launch_type == "FARGATE" ? "LATEST" : null

  dynamic "capacity_provider_strategy" {
    for_each = local.use_capacity_provider ? [var.capacity_provider_name] : []

    content {
      capacity_provider = capacity_provider_strategy.value
      weight            = 1
      base              = 0
    }
  }

  dynamic "capacity_provider_strategy" {
    for_each = local.spot_strategy

    content {
      capacity_provider = capacity_provider_strategy.value.capacity_provider
      base              = capacity_provider_strategy.value.base
      weight            = capacity_provider_strategy.value.weight
    }
  }

  # The provider replaces a service whose strategy changes unless it may force a new deployment:
  # with it, a later change of base or share is an in-place update.
  force_new_deployment = var.spot != null

  enable_execute_command = var.exec != null

  # Fargate spreads across AZs by itself; on EC2 the scheduler must be told to.
  dynamic "ordered_placement_strategy" {
    for_each = var.launch_type == "EC2" ? [1] : []

    content {
      type  = "spread"
      field = "attribute:ecs.availability-zone"
    }
  }

  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = [aws_security_group.this.id]
    assign_public_ip = false
  }

  dynamic "load_balancer" {
    for_each = var.load_balancer == null ? [] : [var.load_balancer]

    content {
      target_group_arn = load_balancer.value.target_group_arn
      container_name   = local.lb_container_name
      container_port   = local.lb_container_port
    }
  }

  health_check_grace_period_seconds = var.load_balancer == null ? null : 60

  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  propagate_tags          = "SERVICE"
  enable_ecs_managed_tags = true
  wait_for_steady_state   = false

  tags = var.tags

  depends_on = [
    # Only for ordering: the capacity provider must be associated with the cluster first.
    var.cluster_capacity_providers_id,
    # Tasks need their permissions and network paths from the first start, and the service
    # must be gone before they are removed on destroy.
    aws_iam_role_policy_attachment.execution,
    aws_iam_role_policy.execution_secrets,
    aws_iam_role_policy.task,
    aws_iam_role_policy.exec,
    aws_iam_role_policy.exec_logging,
    aws_vpc_security_group_ingress_rule.from_load_balancer,
    aws_vpc_security_group_egress_rule.load_balancer_to_tasks,
    aws_vpc_security_group_egress_rule.https,
    aws_vpc_security_group_egress_rule.to_efs,
  ]

  lifecycle {
    # After creation autoscaling (or the operator) owns the task count; applying the
    # initial desired_count again would undo its scaling.
    ignore_changes = [desired_count]
  }
}

################################################################################
# Autoscaling
################################################################################

resource "aws_appautoscaling_target" "this" {
  count = var.autoscaling == null ? 0 : 1

  service_namespace  = "ecs"
  resource_id        = "service/${local.cluster_name}/${aws_ecs_service.this.name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = var.autoscaling.min
  max_capacity       = var.autoscaling.max
  tags               = var.tags
}

resource "aws_appautoscaling_policy" "cpu" {
  count = var.autoscaling == null ? 0 : 1

  name               = "${var.name}-cpu-target-tracking"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this[0].service_namespace
  resource_id        = aws_appautoscaling_target.this[0].resource_id
  scalable_dimension = aws_appautoscaling_target.this[0].scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.autoscaling.cpu_target
    scale_out_cooldown = 60
    scale_in_cooldown  = 300

    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}
