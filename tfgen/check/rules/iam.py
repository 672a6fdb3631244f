"""IAM policy reading shared by the 2xx and 4xx rules: trust, role policies, what a role allows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

from tfgen.check.model import Model, PartialString, Resource, Unknown, glob_match
from tfgen.check.rules.helpers import as_list, decode_json


def role_of(model: Model, value: Any) -> Resource | Unknown | None:
    """The aws_iam_role a task_role_arn / role name / role id refers to."""
    if value is None:
        return None
    return model.resolve(value, "aws_iam_role", attributes=("arn", "name", "id"))


def statements(document: Any) -> list[dict[str, Any]] | Unknown:
    doc = decode_json(document)
    if isinstance(doc, Unknown):
        return doc
    if not isinstance(doc, dict):
        return Unknown("policy document is not an object")
    found = as_list(doc.get("Statement"))
    if isinstance(found, Unknown):
        return found
    return [s if isinstance(s, dict) else Unknown("statement not known") for s in found]  # type: ignore[misc]


def _strings(value: Any) -> list[Any]:
    items = as_list(value)
    return [items] if isinstance(items, Unknown) else items


def trusts(role: Resource, service: str) -> bool | Unknown:
    """Does the role's trust policy let `service` (e.g. ecs-tasks.amazonaws.com) assume it?"""
    found = statements(role.get("assume_role_policy"))
    if isinstance(found, Unknown):
        return Unknown(f"{role.address}: trust policy not known")
    unknown: Unknown | None = None
    for statement in found:
        if isinstance(statement, Unknown):
            unknown = statement
            continue
        if statement.get("Effect", "Allow") != "Allow":
            continue
        actions = _strings(statement.get("Action"))
        if not any(isinstance(a, str) and glob_match(a, "sts:AssumeRole") for a in actions):
            if any(isinstance(a, Unknown) for a in actions):
                unknown = Unknown("trust policy action not known")
            continue
        principal = statement.get("Principal")
        if isinstance(principal, Unknown):
            unknown = principal
            continue
        if principal == "*":
            return True
        services = _strings(principal.get("Service")) if isinstance(principal, dict) else []
        if service in services:
            return True
        if any(isinstance(s, Unknown) for s in services):
            unknown = Unknown("trusted service not known")
    return unknown if unknown is not None else False


@dataclass
class RolePolicies:
    """Everything attached to one role: policy documents (decoded or Unknown) and managed ARNs."""

    documents: list[tuple[Resource, Any]] = field(default_factory=list)  # (where it is written, document)
    managed_arns: list[Any] = field(default_factory=list)
    # Attachments whose target role cannot be known: they may belong to this role.
    unknown: list[Unknown] = field(default_factory=list)


def role_policies(model: Model, role: Resource) -> RolePolicies:
    out = RolePolicies()
    for block in role.blocks("inline_policy") if not isinstance(role.blocks("inline_policy"), Unknown) else []:
        out.documents.append((role, block.get("policy") if isinstance(block, dict) else block))
    if isinstance(role.blocks("inline_policy"), Unknown):
        out.unknown.append(Unknown(f"{role.address}: inline_policy blocks not known"))
    managed = as_list(role.get("managed_policy_arns"))
    if isinstance(managed, Unknown):
        out.unknown.append(managed)
    else:
        out.managed_arns.extend(managed)

    links = _role_links(model)
    for kind, source, payload in links.known.get(id(role), []):
        if kind == "inline":
            out.documents.append((source, payload))
        else:
            _add_policy_arn(model, out, source, payload)
    out.unknown.extend(links.unknown)
    for arn in list(out.managed_arns):
        policy = model.resolve(arn, "aws_iam_policy", attributes=("arn", "id"))
        if isinstance(policy, Resource):
            out.managed_arns.remove(arn)
            out.documents.append((policy, policy.get("policy")))
    return out


@dataclass
class _RoleLinks:
    """Which role each role policy and attachment in a model belongs to."""

    known: dict[int, list[tuple[str, Resource, Any]]] = field(default_factory=dict)  # id(role) -> (kind, source, policy or ARN)
    unknown: list[Unknown] = field(default_factory=list)  # attachments whose role cannot be known


def _role_links(model: Model) -> _RoleLinks:
    """Resolved once per model: every role asks for its policies, and resolving each policy's
    role again for every role made large configurations quadratic."""

    def build() -> _RoleLinks:
        links = _RoleLinks()

        def link(kind: str, source: Resource, role_value: Any, payload: Any) -> None:
            items = as_list(role_value)
            for item in [role_value] if isinstance(items, Unknown) else items:
                target = role_of(model, item)
                if isinstance(target, Resource):
                    links.known.setdefault(id(target), []).append((kind, source, payload))
                elif isinstance(target, Unknown):
                    links.unknown.append(target)

        for policy in model.managed("aws_iam_role_policy"):
            link("inline", policy, policy.get("role"), policy.get("policy"))
        for attachment in model.managed("aws_iam_role_policy_attachment"):
            link("arn", attachment, attachment.get("role"), attachment.get("policy_arn"))
        for attachment in model.managed("aws_iam_policy_attachment"):
            link("arn", attachment, attachment.get("roles"), attachment.get("policy_arn"))
        for exclusive in model.managed("aws_iam_role_policy_attachments_exclusive"):
            arns = as_list(exclusive.get("policy_arns"))
            for arn in [arns] if isinstance(arns, Unknown) else arns:
                link("arn", exclusive, exclusive.get("role_name"), arn)
        return links

    return model.memo("iam.role-links", build)


def _add_policy_arn(model: Model, out: RolePolicies, attachment: Resource, arn: Any) -> None:
    policy = model.resolve(arn, "aws_iam_policy", attributes=("arn", "id"))
    if isinstance(policy, Resource):
        out.documents.append((policy, policy.get("policy")))
    elif isinstance(arn, Unknown) and not isinstance(arn, PartialString):
        out.unknown.append(arn)
    else:
        out.managed_arns.append(arn)


def allowed_statements(document: Any) -> Iterator[dict[str, Any] | Unknown]:
    found = statements(document)
    if isinstance(found, Unknown):
        yield found
        return
    for statement in found:
        if isinstance(statement, Unknown):
            yield statement
        elif statement.get("Effect", "Allow") == "Allow":
            yield statement


def allows(policies: RolePolicies, action: str, resource_ok: Any) -> bool | Unknown:
    """Does some Allow statement grant `action` on a resource that `resource_ok(value)` accepts?

    `resource_ok` returns True, False or an Unknown for one Resource entry.
    """
    unknown: Unknown | None = policies.unknown[0] if policies.unknown else None
    for _, document in policies.documents:
        for statement in allowed_statements(document):
            if isinstance(statement, Unknown):
                unknown = unknown or statement
                continue
            actions = _strings(statement.get("Action"))
            if not any(isinstance(a, str) and glob_match(a, action) for a in actions):
                if any(isinstance(a, Unknown) for a in actions):
                    unknown = unknown or Unknown("policy action not known")
                continue
            for value in _strings(statement.get("Resource")):
                verdict = resource_ok(value)
                if verdict is True:
                    return True
                if isinstance(verdict, Unknown):
                    unknown = unknown or verdict
    for arn in policies.managed_arns:
        verdict = managed_policy_allows(arn, action)
        if verdict is True:
            return True
        if isinstance(verdict, Unknown):
            unknown = unknown or verdict
    return unknown if unknown is not None else False


# What the AWS managed policies the rules meet allow (action patterns), from their public text.
AWS_MANAGED_ACTIONS: dict[str, tuple[str, ...]] = {
    "AdministratorAccess": ("*",),
    "AmazonEC2ContainerServiceforEC2Role": (
        "ec2:DescribeTags", "ecs:CreateCluster", "ecs:DeregisterContainerInstance", "ecs:DiscoverPollEndpoint",
        "ecs:Poll", "ecs:RegisterContainerInstance", "ecs:StartTelemetrySession", "ecs:UpdateContainerInstancesState",
        "ecs:Submit*", "ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer",
        "ecr:BatchGetImage", "logs:CreateLogStream", "logs:PutLogEvents",
    ),
    "AmazonElasticFileSystemClientFullAccess": ("elasticfilesystem:ClientMount", "elasticfilesystem:ClientRootAccess", "elasticfilesystem:ClientWrite", "elasticfilesystem:DescribeMountTargets"),
    "AmazonElasticFileSystemClientReadWriteAccess": ("elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite", "elasticfilesystem:DescribeMountTargets"),
    "AmazonElasticFileSystemClientReadOnlyAccess": ("elasticfilesystem:ClientMount", "elasticfilesystem:DescribeMountTargets"),
    "AmazonElasticFileSystemFullAccess": ("elasticfilesystem:*",),
}


def managed_policy_name(arn: Any) -> str | None:
    """The policy name of a managed policy ARN, also when its partition or account is unknown."""
    text = arn.pattern if isinstance(arn, PartialString) else arn if isinstance(arn, str) else None
    if text is None or "/" not in text or "*" in text.rsplit("/", 1)[-1]:
        return None
    return text.rsplit("/", 1)[-1]


def managed_policy_allows(arn: Any, action: str) -> bool | Unknown:
    """Whether an attached managed policy (not written in this configuration) allows `action`."""
    text = arn.pattern if isinstance(arn, PartialString) else arn
    name = managed_policy_name(arn)
    if name is None or not isinstance(text, str):
        return arn if isinstance(arn, Unknown) else Unknown("managed policy not known")
    if ":iam::aws:policy/" in text:
        actions = AWS_MANAGED_ACTIONS.get(name)
        if actions is None:
            return False
        return any(glob_match(pattern, action) for pattern in actions)
    return Unknown(f"customer managed policy {name} is not in this configuration")
