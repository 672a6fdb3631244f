"""IAM policy reading shared by the 2xx and 4xx rules: trust, role policies, what a role allows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from tfgen.check.model import Model, PartialString, Resource, Unknown, glob_match, is_unknown
from tfgen.check.rules.base import Pending, Undecided, fully_known, known, undecided_as
from tfgen.check.rules.helpers import as_list, decode_json


def role_of(model: Model, value: Any) -> Resource | Unknown | None:
    """The aws_iam_role a task_role_arn / role name / role id refers to."""
    if value is None:
        return None
    return model.resolve(value, "aws_iam_role", attributes=("arn", "name", "id"))


def items(value: Any) -> list[Any]:
    """A value as a list of its items, unknown ones included as items (none when absent)."""
    return list(value) if isinstance(value, (list, tuple)) else [] if value is None else [value]


def statements(document: Any) -> list[Any]:
    """The statements of a policy document: dicts, or Unknowns where a statement is not known.
    Undecided when the document itself cannot be read."""
    doc = decode_json(document)
    if not isinstance(doc, dict):
        raise Undecided("policy document is not an object")
    return [s if isinstance(s, (dict, Unknown)) else Unknown("statement not known") for s in as_list(doc.get("Statement"))]


def grants(statement: dict[str, Any], action: str, reason: str) -> bool:
    """Does the statement's Action match `action`? Undecided when an action is unknown and none matched."""
    actions = items(statement.get("Action"))
    if any(isinstance(a, str) and glob_match(a, action) for a in actions):
        return True
    fully_known(actions, reason)
    return False


def trusts(role: Resource, service: str) -> bool:
    """Does the role's trust policy let `service` (e.g. ecs-tasks.amazonaws.com) assume it?"""
    with undecided_as(f"{role.address}: trust policy not known"):
        found = statements(role.get("assume_role_policy"))
    pending = Pending()
    for statement in found:
        with pending:
            statement = known(statement)
            if statement.get("Effect", "Allow") != "Allow" or not grants(statement, "sts:AssumeRole", "trust policy action not known"):
                continue
            principal = known(statement.get("Principal"))
            if principal == "*":
                return True
            services = items(principal.get("Service")) if isinstance(principal, dict) else []
            if service in services:
                return True
            fully_known(services, "trusted service not known")
    pending.settle()
    return False


@dataclass
class RolePolicies:
    """Everything attached to one role: policy documents (decoded or Unknown) and managed ARNs."""

    documents: list[tuple[Resource, Any]] = field(default_factory=list)  # (where it is written, document)
    managed_arns: list[Any] = field(default_factory=list)
    # Attachments whose target role cannot be known: they may belong to this role.
    unknown: list[Unknown] = field(default_factory=list)


def role_policies(model: Model, role: Resource) -> RolePolicies:
    out = RolePolicies()
    inline = role.blocks("inline_policy")
    if is_unknown(inline):
        out.unknown.append(Unknown(f"{role.address}: inline_policy blocks not known"))
    for block in items(inline) if not is_unknown(inline) else []:
        out.documents.append((role, block.get("policy") if isinstance(block, dict) else block))
    managed = role.get("managed_policy_arns")
    if is_unknown(managed):
        out.unknown.append(managed)
    else:
        out.managed_arns.extend(items(managed))

    links = _role_links(model)
    for kind, source, payload in links.known.get(id(role), []):
        if kind == "inline":
            out.documents.append((source, payload))
        else:
            _add_policy_arn(model, out, source, payload)
    out.unknown.extend(links.unknown)
    for arn in list(out.managed_arns):
        policy = model.resolve(arn, "aws_iam_policy", attributes=("arn", "id"))
        if isinstance(policy, Resource) and policy.mode == "data":
            out.managed_arns[out.managed_arns.index(arn)] = _data_policy_arn(policy)
        elif isinstance(policy, Resource):
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
            for item in items(role_value):
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
            for arn in items(exclusive.get("policy_arns")):
                link("arn", exclusive, exclusive.get("role_name"), arn)
        return links

    return model.memo("iam.role-links", build)


def _data_policy_arn(policy: Resource) -> Any:
    """The ARN a `data "aws_iam_policy"` looks up: its arn, or the AWS managed policy its name
    names (a customer policy of the same name is judged as that AWS policy would be)."""
    if policy.get("arn") is not None:
        return policy.get("arn")
    name = policy.get("name")
    return f"arn:aws:iam::aws:policy/{name}" if isinstance(name, str) and name else Unknown(f"{policy.address}: policy not known")


def _add_policy_arn(model: Model, out: RolePolicies, attachment: Resource, arn: Any) -> None:
    policy = model.resolve(arn, "aws_iam_policy", attributes=("arn", "id"))
    if isinstance(policy, Resource) and policy.mode == "data":
        out.managed_arns.append(_data_policy_arn(policy))
    elif isinstance(policy, Resource):
        out.documents.append((policy, policy.get("policy")))
    elif isinstance(arn, Unknown) and not isinstance(arn, PartialString):
        out.unknown.append(arn)
    else:
        out.managed_arns.append(arn)


def allowed_statements(document: Any, pending: Pending) -> Iterator[dict[str, Any]]:
    """The Allow statements of a policy document; a statement that is not known is added to
    `pending` and skipped. Undecided when the document itself cannot be read."""
    for statement in statements(document):
        allow = False
        with pending:
            allow = known(statement).get("Effect", "Allow") == "Allow"
        if allow:
            yield statement


def allows(policies: RolePolicies, action: str, resource_ok: Callable[[Any], bool]) -> bool:
    """Does some Allow statement grant `action` on a resource that `resource_ok(value)` accepts?

    `resource_ok` returns True or False for one Resource entry, or raises Undecided.
    Undecided when no grant is found and something that might grant it is not known.
    """
    pending = Pending()
    for unknown in policies.unknown:
        pending.add(unknown.reason)
    for _, document in policies.documents:
        with pending:
            for statement in allowed_statements(document, pending):
                with pending:
                    if not grants(statement, action, "policy action not known"):
                        continue
                    for value in items(statement.get("Resource")):
                        with pending:
                            if resource_ok(value):
                                return True
    for arn in policies.managed_arns:
        with pending:
            if managed_policy_allows(arn, action):
                return True
    pending.settle()
    return False


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
    # What the ECS documentation suggests for EventBridge scheduled tasks (ecsEventsRole), all on "*".
    "AmazonEC2ContainerServiceEventsRole": ("ecs:RunTask", "iam:PassRole", "ecs:TagResource"),
    "IAMFullAccess": ("iam:*",),
}


def managed_policy_name(arn: Any) -> str | None:
    """The policy name of a managed policy ARN, also when its partition or account is unknown."""
    text = arn.pattern if isinstance(arn, PartialString) else arn if isinstance(arn, str) else None
    if text is None or "/" not in text or "*" in text.rsplit("/", 1)[-1]:
        return None
    return text.rsplit("/", 1)[-1]


def managed_policy_allows(arn: Any, action: str) -> bool:
    """Whether an attached managed policy (not written in this configuration) allows `action`."""
    text = arn.pattern if isinstance(arn, PartialString) else arn
    name = managed_policy_name(arn)
    if name is None or not isinstance(text, str):
        known(arn)
        raise Undecided("managed policy not known")
    if ":iam::aws:policy/" in text:
        actions = AWS_MANAGED_ACTIONS.get(name)
        if actions is None:
            return False
        return any(glob_match(pattern, action) for pattern in actions)
    raise Undecided(f"customer managed policy {name} is not in this configuration")
