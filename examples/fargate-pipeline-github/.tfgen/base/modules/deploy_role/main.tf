locals {
  oidc_url = var.ci_system == "github" ? "https://token.actions.githubusercontent.com" : var.gitlab_url
  # IAM names the token's claims after the issuer's host: "<host>:sub", "<host>:aud".
  oidc_host = trimprefix(local.oidc_url, "https://")
  audience  = coalesce(var.audience, var.ci_system == "github" ? "sts.amazonaws.com" : var.gitlab_url)

  # The subject claim each system puts in a token issued to a pipeline running on a branch.
  subject = (
    var.ci_system == "github"
    ? "repo:${var.repository}:ref:refs/heads/${var.branch}"
    : "project_path:${var.repository}:ref_type:branch:ref:${var.branch}"
  )

  oidc_provider_arn = var.create_oidc_provider ? aws_iam_openid_connect_provider.this[0].arn : var.oidc_provider_arn
}

# No thumbprint_list: IAM checks these issuers against its own trusted CAs.
resource "aws_iam_openid_connect_provider" "this" {
  count = var.create_oidc_provider ? 1 : 0

  url            = local.oidc_url
  client_id_list = [local.audience]
  tags           = var.tags
}

data "aws_iam_policy_document" "trust" {
  statement {
    sid     = "CiPipelineOnBranch"
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [local.oidc_provider_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.oidc_host}:aud"
      values   = [local.audience]
    }

    # StringEquals, not StringLike: exactly this repository and branch, no pattern.
    condition {
      test     = "StringEquals"
      variable = "${local.oidc_host}:sub"
      values   = [local.subject]
    }
  }
}

resource "aws_iam_role" "this" {
  name                 = var.name
  description          = "Deploy role of ${var.repository} (${var.branch}) through ${var.ci_system} OIDC: push images, roll services"
  assume_role_policy   = data.aws_iam_policy_document.trust.json
  max_session_duration = var.max_session_duration
  tags                 = var.tags
}

data "aws_iam_policy_document" "deploy" {
  # ecr:GetAuthorizationToken, ecs:RegisterTaskDefinition and ecs:DescribeTaskDefinition support
  # no resource-level permissions, so they take "*" (checkov's CKV_AWS_356 knows them as such and
  # passes, so no skip is needed here). Every other action is scoped to the listed resources.
  statement {
    sid = "RegisterTaskDefinitions"
    actions = [
      "ecs:DescribeTaskDefinition",
      "ecs:RegisterTaskDefinition",
    ]
    resources = ["*"]
  }

  dynamic "statement" {
    for_each = length(var.service_arns) > 0 ? [1] : []

    content {
      sid = "DeployListedServices"
      actions = [
        "ecs:DescribeServices",
        "ecs:UpdateService",
      ]
      resources = var.service_arns
    }
  }

  dynamic "statement" {
    for_each = length(var.pass_role_arns) > 0 ? [1] : []

    content {
      sid       = "PassListedTaskRolesToEcs"
      actions   = ["iam:PassRole"]
      resources = var.pass_role_arns

      condition {
        test     = "StringEquals"
        variable = "iam:PassedToService"
        values   = ["ecs-tasks.amazonaws.com"]
      }
    }
  }

  # `docker login` to ECR: the token is account-wide by design and grants nothing by itself.
  dynamic "statement" {
    for_each = length(var.ecr_repository_arns) > 0 ? [1] : []

    content {
      sid       = "EcrLogin"
      actions   = ["ecr:GetAuthorizationToken"]
      resources = ["*"]
    }
  }

  dynamic "statement" {
    for_each = length(var.ecr_repository_arns) > 0 ? [1] : []

    content {
      sid = "PushToListedRepositories"
      actions = [
        "ecr:BatchCheckLayerAvailability",
        "ecr:BatchGetImage",
        "ecr:CompleteLayerUpload",
        # Whether a commit's image is already pushed: tags are immutable, so a re-run deploys it again.
        "ecr:DescribeImages",
        "ecr:GetDownloadUrlForLayer",
        "ecr:InitiateLayerUpload",
        "ecr:PutImage",
        "ecr:UploadLayerPart",
      ]
      resources = var.ecr_repository_arns
    }
  }
}

resource "aws_iam_role_policy" "this" {
  name   = "deploy"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.deploy.json
}
