data "aws_partition" "current" {}

# Looked up only when no AMI is given, so a plan with ami_id set makes no AWS call.
data "aws_ssm_parameter" "ecs_ami" {
  count = var.ami_id == null ? 1 : 0

  name = "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"
}

locals {
  ami_id = var.ami_id != null ? var.ami_id : one(data.aws_ssm_parameter.ecs_ami[*].insecure_value)
}

################################################################################
# Instance role and profile
################################################################################

data "aws_iam_policy_document" "instance_assume" {
  statement {
    sid     = "EC2AssumeRole"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "instance" {
  name               = "${var.name}-ecs-instance"
  description        = "ECS container instances of ${var.name}: the ECS agent and the SSM agent. Tasks use their own task roles."
  assume_role_policy = data.aws_iam_policy_document.instance_assume.json

  tags = var.tags
}

# The policy names are spelled out (not looped over) so that static checkers see them.
resource "aws_iam_role_policy_attachment" "ecs_agent" {
  role       = aws_iam_role.instance.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"
}

# Shell access through Session Manager, so no SSH key or inbound port is needed.
resource "aws_iam_role_policy_attachment" "ssm_core" {
  role       = aws_iam_role.instance.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_instance_profile" "this" {
  name = "${var.name}-ecs-instance"
  role = aws_iam_role.instance.name

  tags = var.tags
}

################################################################################
# Security group
################################################################################

resource "aws_security_group" "this" {
  name_prefix = "${var.name}-ecs-instances-"
  description = "ECS container instances of ${var.name}: no inbound traffic, tasks use awsvpc ENIs with their own security groups. Outbound HTTPS only."
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-ecs-instances" })

  # A description change replaces the group; the new one must exist before the
  # launch template lets go of the old one.
  lifecycle {
    create_before_destroy = true
  }
}

#trivy:ignore:AVD-AWS-0104
resource "aws_vpc_security_group_egress_rule" "https" {
  security_group_id = aws_security_group.this.id
  description       = "HTTPS to the ECS, ECR, S3, CloudWatch Logs and SSM endpoints, which the ECS and SSM agents call through the NAT gateway"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"

  tags = merge(var.tags, { Name = "${var.name}-ecs-instances-https-out" })
}

################################################################################
# Launch template and Auto Scaling group
################################################################################

resource "aws_launch_template" "this" {
  name                   = var.name
  description            = "ECS container instances of cluster ${var.cluster_name}"
  image_id               = local.ami_id
  instance_type          = var.instance_type
  update_default_version = true

  # Written inline (not through a local) so the ECS_CLUSTER line is visible to static
  # checkers. ECS_AWSVPC_BLOCK_IMDS keeps awsvpc tasks away from the instance role's
  # credentials; they get their own through the task role (ECS_ENABLE_TASK_IAM_ROLE).
  user_data = base64encode(<<-EOT
    #!/bin/bash
    set -euo pipefail
    cat >> /etc/ecs/ecs.config <<'EOF'
    ECS_CLUSTER=${var.cluster_name}
    ECS_ENABLE_TASK_IAM_ROLE=true
    ECS_AWSVPC_BLOCK_IMDS=true
    EOF
  EOT
  )

  iam_instance_profile {
    arn = aws_iam_instance_profile.this.arn
  }

  network_interfaces {
    device_index                = 0
    associate_public_ip_address = false
    delete_on_termination       = true
    security_groups             = [aws_security_group.this.id]
  }

  metadata_options {
    http_endpoint = "enabled"
    http_tokens   = "required"
    # 1 rather than the usual container-host value of 2. The ECS agent, the SSM agent and
    # the awsvpc CNI plugins run in the host network namespace and need a single hop.
    # awsvpc tasks send from their own ENI, so a hop limit does not stop them at all:
    # ECS_AWSVPC_BLOCK_IMDS in the user data does. What 1 adds is that any container
    # on the docker bridge (a bridge-mode daemon task, a docker build) cannot get an
    # IMDSv2 token and with it the instance role's credentials.
    http_put_response_hop_limit = 1
    instance_metadata_tags      = "disabled"
  }

  # /dev/xvda is the root device of the ECS-optimized Amazon Linux 2023 AMI; a custom
  # AMI with another root device name must change it, or this adds a second volume.
  block_device_mappings {
    device_name = "/dev/xvda"

    ebs {
      volume_size           = var.root_volume_size
      volume_type           = "gp3"
      encrypted             = true
      delete_on_termination = true
    }
  }

  monitoring {
    enabled = true
  }

  tag_specifications {
    resource_type = "instance"
    tags          = merge(var.tags, { Name = "${var.name}-ecs" })
  }

  tag_specifications {
    resource_type = "volume"
    tags          = merge(var.tags, { Name = "${var.name}-ecs" })
  }

  tag_specifications {
    resource_type = "network-interface"
    tags          = merge(var.tags, { Name = "${var.name}-ecs" })
  }

  tags = var.tags
}

resource "aws_autoscaling_group" "this" {
  name                = var.name
  min_size            = var.min_size
  max_size            = var.max_size
  desired_capacity    = var.desired_capacity
  vpc_zone_identifier = var.subnet_ids
  health_check_type   = "EC2"

  # The capacity provider has managed termination protection off, so scale-in must
  # not be blocked; ECS managed draining moves tasks off an instance before it goes.
  protect_from_scale_in = false

  launch_template {
    id      = aws_launch_template.this.id
    version = "$Latest"
  }

  # ECS sets this tag on groups it scales; declaring it keeps plans free of drift.
  tag {
    key                 = "AmazonECSManaged"
    value               = "true"
    propagate_at_launch = true
  }

  tag {
    key                 = "Name"
    value               = "${var.name}-ecs"
    propagate_at_launch = true
  }

  dynamic "tag" {
    for_each = { for k, v in var.tags : k => v if k != "Name" && k != "AmazonECSManaged" }

    content {
      key                 = tag.key
      value               = tag.value
      propagate_at_launch = true
    }
  }

  # ECS managed scaling sets the desired capacity once the group exists; Terraform
  # resetting it on every apply would fight the scaler.
  lifecycle {
    ignore_changes = [desired_capacity]
  }

  # Instances launched before the agent policy is attached would fail to register.
  depends_on = [
    aws_iam_role_policy_attachment.ecs_agent,
    aws_iam_role_policy_attachment.ssm_core,
  ]
}

resource "aws_ecs_capacity_provider" "this" {
  name = var.name

  auto_scaling_group_provider {
    auto_scaling_group_arn         = aws_autoscaling_group.this.arn
    managed_termination_protection = "DISABLED"
    managed_draining               = "ENABLED"

    managed_scaling {
      status          = "ENABLED"
      target_capacity = 100
    }
  }

  tags = var.tags
}
