data "aws_partition" "current" {}

locals {
  # awsvpc tasks take one private IP each, so the private subnets get the big slices:
  # the VPC CIDR is cut in eighths, private subnet i takes eighth i, and the public
  # subnets (NAT gateways and load balancer nodes only) share the last eighth.
  az_index = { for i, az in var.azs : az => i }

  private_cidrs = { for az, i in local.az_index : az => cidrsubnet(var.vpc_cidr, 3, i) }
  public_cidrs  = { for az, i in local.az_index : az => cidrsubnet(cidrsubnet(var.vpc_cidr, 3, 7), 3, i) }

  nat_azs = var.single_nat_gateway ? [var.azs[0]] : var.azs

  flow_log_group_name = "/aws/vpc-flow-logs/${var.name}"

  # Region and account come from the log group's ARN once it exists, so the
  # flow-log role can be scoped without an aws_caller_identity/aws_region lookup.
  flow_log_arn_parts = split(":", aws_cloudwatch_log_group.flow_log.arn)
  flow_log_region    = local.flow_log_arn_parts[3]
  flow_log_account   = local.flow_log_arn_parts[4]
}

resource "aws_vpc" "this" {
  cidr_block           = var.vpc_cidr
  enable_dns_support   = true
  enable_dns_hostnames = true

  tags = merge(var.tags, { Name = var.name })
}

# Managing the default SG without any rule block strips the rules AWS puts on it,
# so nothing that falls back to the default SG can talk to anything.
resource "aws_default_security_group" "this" {
  vpc_id = aws_vpc.this.id

  tags = merge(var.tags, { Name = "${var.name}-default-closed" })
}

resource "aws_internet_gateway" "this" {
  vpc_id = aws_vpc.this.id

  tags = merge(var.tags, { Name = var.name })
}

resource "aws_subnet" "public" {
  for_each = local.az_index

  vpc_id            = aws_vpc.this.id
  availability_zone = each.key
  cidr_block        = local.public_cidrs[each.key]

  # Only NAT gateways (with their own EIPs) and load balancers live here; nothing
  # launched in these subnets should get a public address it did not ask for.
  map_public_ip_on_launch = false

  tags = merge(var.tags, { Name = "${var.name}-public-${each.key}", Tier = "public" })
}

resource "aws_subnet" "private" {
  for_each = local.az_index

  vpc_id            = aws_vpc.this.id
  availability_zone = each.key
  cidr_block        = local.private_cidrs[each.key]

  map_public_ip_on_launch = false

  tags = merge(var.tags, { Name = "${var.name}-private-${each.key}", Tier = "private" })
}

resource "aws_eip" "nat" {
  #checkov:skip=CKV2_AWS_19:Each EIP is attached to its NAT gateway below; checkov misses the link through the for_each key.
  for_each = toset(local.nat_azs)

  domain = "vpc"

  tags = merge(var.tags, { Name = "${var.name}-nat-${each.key}" })

  depends_on = [aws_internet_gateway.this]
}

resource "aws_nat_gateway" "this" {
  for_each = toset(local.nat_azs)

  allocation_id = aws_eip.nat[each.key].id
  subnet_id     = aws_subnet.public[each.key].id

  tags = merge(var.tags, { Name = "${var.name}-${each.key}" })

  depends_on = [aws_internet_gateway.this]
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.this.id

  tags = merge(var.tags, { Name = "${var.name}-public" })
}

resource "aws_route" "public_internet" {
  route_table_id         = aws_route_table.public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.this.id
}

resource "aws_route_table_association" "public" {
  for_each = aws_subnet.public

  subnet_id      = each.value.id
  route_table_id = aws_route_table.public.id
}

# One route table per AZ even with a single NAT gateway, so that switching
# single_nat_gateway off only re-points routes instead of recreating tables.
resource "aws_route_table" "private" {
  for_each = local.az_index

  vpc_id = aws_vpc.this.id

  tags = merge(var.tags, { Name = "${var.name}-private-${each.key}" })
}

resource "aws_route" "private_nat" {
  for_each = local.az_index

  route_table_id         = aws_route_table.private[each.key].id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.this[var.single_nat_gateway ? var.azs[0] : each.key].id
}

resource "aws_route_table_association" "private" {
  for_each = aws_subnet.private

  subnet_id      = each.value.id
  route_table_id = aws_route_table.private[each.key].id
}

################################################################################
# VPC flow logs
################################################################################

#trivy:ignore:AVD-AWS-0017
resource "aws_cloudwatch_log_group" "flow_log" {
  #checkov:skip=CKV_AWS_158:CloudWatch Logs already encrypts at rest with a service key; a customer managed key needs an account-specific key policy, an account-level choice.
  name              = local.flow_log_group_name
  retention_in_days = var.flow_log_retention_days

  tags = var.tags
}

data "aws_iam_policy_document" "flow_log_assume" {
  statement {
    sid     = "VPCFlowLogsAssumeRole"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["vpc-flow-logs.amazonaws.com"]
    }

    # Confused-deputy guard: only flow logs of this account and region may use the role.
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.flow_log_account]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${data.aws_partition.current.partition}:ec2:${local.flow_log_region}:${local.flow_log_account}:vpc-flow-log/*"]
    }
  }
}

resource "aws_iam_role" "flow_log" {
  name               = "${var.name}-vpc-flow-log"
  description        = "Lets VPC Flow Logs deliver the ${var.name} VPC's records to ${local.flow_log_group_name}."
  assume_role_policy = data.aws_iam_policy_document.flow_log_assume.json

  tags = var.tags
}

data "aws_iam_policy_document" "flow_log" {
  statement {
    sid    = "DeliverToOwnLogGroup"
    effect = "Allow"
    actions = [
      "logs:CreateLogStream",
      "logs:PutLogEvents",
      "logs:DescribeLogStreams",
    ]
    resources = [
      aws_cloudwatch_log_group.flow_log.arn,
      "${aws_cloudwatch_log_group.flow_log.arn}:*",
    ]
  }

  # AWS lists DescribeLogGroups among the permissions flow-log delivery needs. It
  # lists groups by name prefix, so it cannot be pinned to one group's ARN; it stays
  # read-only and limited to this account and region.
  statement {
    sid       = "FindLogGroup"
    effect    = "Allow"
    actions   = ["logs:DescribeLogGroups"]
    resources = ["arn:${data.aws_partition.current.partition}:logs:${local.flow_log_region}:${local.flow_log_account}:log-group:*"]
  }
}

resource "aws_iam_role_policy" "flow_log" {
  name   = "deliver-to-${replace(trimprefix(local.flow_log_group_name, "/"), "/", "-")}"
  role   = aws_iam_role.flow_log.id
  policy = data.aws_iam_policy_document.flow_log.json
}

resource "aws_flow_log" "this" {
  vpc_id               = aws_vpc.this.id
  traffic_type         = "ALL"
  log_destination_type = "cloud-watch-logs"
  log_destination      = aws_cloudwatch_log_group.flow_log.arn
  iam_role_arn         = aws_iam_role.flow_log.arn

  tags = merge(var.tags, { Name = var.name })

  # The role's policy is a separate resource; without it the first deliveries fail.
  depends_on = [aws_iam_role_policy.flow_log]
}
