"""2xx: IAM roles (instance profiles, task roles, execution roles)."""

from __future__ import annotations

from typing import Any, Iterator

from tfgen.check.model import Computed, Model, Resource, Unknown, glob_match, is_known, is_unknown
from tfgen.check.rules.base import (
    Fail,
    Pending,
    Rule,
    Undecided,
    fully_known,
    judges,
    judges_each,
    known,
    undecided_as,
    unless_unknown,
)
from tfgen.check.rules.helpers import as_list, decode_json, first_block, launch_templates_of, maybe_base64, resolve, shown
from tfgen.check.rules.iam import allowed_statements, allows, items, managed_policy_name, role_of, role_policies, trusts

_DOCS = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide"
_ECS_MARKERS = ("ECS_CLUSTER", "/etc/ecs/ecs.config", "[settings.ecs]")
_ECS_INSTANCE_POLICY = "AmazonEC2ContainerServiceforEC2Role"
_AGENT_ACTIONS = ("ecs:RegisterContainerInstance", "ecs:DiscoverPollEndpoint", "ecs:Poll", "ecs:SubmitTaskStateChange")


def _capacity_groups(model: Model) -> set[str]:
    """Addresses of Auto Scaling groups that an ECS capacity provider uses."""
    found = set()
    for provider in model.managed("aws_ecs_capacity_provider"):
        spec = unless_unknown(None, first_block, provider, "auto_scaling_group_provider")
        if spec is not None:
            group = model.resolve(spec.get("auto_scaling_group_arn"), "aws_autoscaling_group", attributes=("arn", "name", "id"))
            if isinstance(group, Resource):
                found.add(group.address)
    return found


def _via_capacity(model: Model) -> set[str]:
    """Launch templates and configurations of the Auto Scaling groups of capacity providers."""

    def build() -> set[str]:
        groups = _capacity_groups(model)
        return {t.address for g in model.managed("aws_autoscaling_group") if g.address in groups for t in launch_templates_of(model, g)}

    return model.memo("roles.via-capacity", build)


def _instance_sources(model: Model) -> list[Resource]:
    """Launch templates, launch configurations and instances (those not from a template)."""
    return [
        source
        for source in model.managed("aws_launch_template", "aws_launch_configuration", "aws_instance")
        if not (source.type == "aws_instance" and source.get("launch_template") not in (None, []))
    ]


def _runs_agent(model: Model, source: Resource) -> bool:
    """Do instances from `source` run the ECS agent (a capacity provider uses it, or its user data
    configures the agent)?"""
    if source.address in _via_capacity(model):
        return True
    data = source.get("user_data")
    if data is None:
        data = source.get("user_data_base64")
    text = known(maybe_base64(data))
    return isinstance(text, str) and any(marker in text for marker in _ECS_MARKERS)


def _profile_value(source: Resource) -> Any:
    if source.type == "aws_launch_template":
        block = first_block(source, "iam_instance_profile")
        if block is None:
            return None
        return block.get("arn") if block.get("arn") is not None else block.get("name")
    return source.get("iam_instance_profile")


@judges_each(_instance_sources)
def check_instance_profile(model: Model, source: Resource) -> Iterator[Fail]:
    with undecided_as("cannot tell whether it runs the ECS agent"):
        if not _runs_agent(model, source):
            return
    profile = _profile_value(source)
    if not isinstance(profile, Computed):  # a reference to a profile is all this rule needs
        known(profile)
    if profile in (None, ""):
        yield Fail(source, f"ECS container instances from {source.type} have no IAM instance profile")


TFG201 = Rule(
    id="TFG201",
    severity="error",
    title="EC2 container instances need an IAM instance profile",
    guidance="container-instance-role",
    why="The ECS agent on each container instance calls ECS, ECR and CloudWatch with the "
    "instance's credentials. Without an instance profile it cannot register with the cluster.",
    fix="Create an aws_iam_instance_profile for a role that trusts ec2.amazonaws.com and has the "
    "AmazonEC2ContainerServiceforEC2Role managed policy, and set it on the launch template "
    "(iam_instance_profile { arn = ... }), launch configuration or instance.",
    url=f"{_DOCS}/instance_IAM_role.html",
    check=check_instance_profile,
    attributes=('iam_instance_profile',),
)


def _any_resource(value: Any) -> bool:
    known(value)
    return True


def _agent_permissions(model: Model, role: Resource) -> bool:
    policies = role_policies(model, role)
    if any(managed_policy_name(arn) == _ECS_INSTANCE_POLICY for arn in policies.managed_arns):
        return True
    pending = Pending()
    for action in _AGENT_ACTIONS:
        with pending:
            if not allows(policies, action, _any_resource):
                return False
    pending.settle()
    return True


def _profile_roles(model: Model, profile: Resource) -> list[Resource]:
    """The roles of an instance profile: `role`, or the legacy `roles` list (one role at most,
    AWS allows); an empty list when it names none."""
    value = profile.get("role")
    if value is None:
        legacy = as_list(profile.get("roles"))
        return [r for r in (known(role_of(model, item), about=profile) for item in legacy) if r is not None]
    role = known(role_of(model, value), about=profile)
    return [role] if role is not None else []


@judges_each(_instance_sources)
def check_instance_role(model: Model, source: Resource) -> Iterator[Fail]:
    if not unless_unknown(False, _runs_agent, model, source):
        return
    value = unless_unknown(None, _profile_value, source)
    if value in (None, "") or (is_unknown(value) and not isinstance(value, Computed)):
        return
    profile = resolve(model, value, "aws_iam_instance_profile", attributes=("arn", "name", "id"))
    if profile is None:
        return  # an instance profile made elsewhere
    roles = _profile_roles(model, profile)
    if not roles and profile.get("role") is None and not as_list(profile.get("roles")):
        yield Fail(profile, "instance profile has no role")
    seen: set[str] = model.memo("TFG202.seen", set)
    for role in roles:
        if role.address in seen:
            continue
        seen.add(role.address)
        problems = []
        pending = Pending()
        with pending:
            if not trusts(role, "ec2.amazonaws.com"):
                problems.append("does not trust ec2.amazonaws.com")
        with pending:
            if not _agent_permissions(model, role):
                problems.append(f"lacks the ECS agent permissions ({_ECS_INSTANCE_POLICY} or {', '.join(_AGENT_ACTIONS)})")
        if problems:
            yield Fail(role, f"role of instance profile {profile.address} " + " and ".join(problems))
        else:
            pending.settle(about=role)


TFG202 = Rule(
    id="TFG202",
    severity="error",
    title="Instance profile role must trust EC2 and carry the ECS agent permissions",
    guidance="container-instance-role",
    why="The instance profile's role is what the ECS agent runs as: EC2 must be able to assume it, "
    "and it needs the agent's permissions to register, poll and report task state.",
    fix='Let the role trust "ec2.amazonaws.com" and attach '
    "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role.",
    url=f"{_DOCS}/instance_IAM_role.html",
    check=check_instance_role,
)


@judges("aws_ecs_task_definition")
def check_task_role_present(model: Model, task: Resource) -> Iterator[Fail]:
    if task.get("task_role_arn") in (None, ""):
        yield Fail(task, "task definition has no task_role_arn")


TFG203 = Rule(
    id="TFG203",
    severity="warning",
    title="Task definition should have a task role",
    guidance="task-roles",
    why="Containers that call AWS services get their credentials from the task role. Without one "
    "they fall back to the instance's role (EC2) or to long-lived keys, neither scoped to the task.",
    fix="Create an aws_iam_role that trusts ecs-tasks.amazonaws.com with just the permissions this "
    "task needs, and set task_role_arn to its ARN.",
    url=f"{_DOCS}/task-iam-roles.html",
    check=check_task_role_present,
    attributes=('task_role_arn',),
)


@judges("aws_ecs_task_definition")
def check_task_role_trust(model: Model, task: Resource) -> Iterator[Fail]:
    seen: set[str] = model.memo("TFG204.seen", set)
    pending = Pending()
    for attribute, label in (("task_role_arn", "task role"), ("execution_role_arn", "execution role")):
        value = task.get(attribute)
        if value in (None, ""):
            continue
        with pending:
            with undecided_as(label):
                role = known(role_of(model, value))
            if role is None or role.address in seen:
                continue
            with undecided_as(about=role):
                trusted = trusts(role, "ecs-tasks.amazonaws.com")
            if not trusted:
                seen.add(role.address)
                yield Fail(role, f"{label} of {task.address} does not trust ecs-tasks.amazonaws.com")
    pending.settle()


TFG204 = Rule(
    id="TFG204",
    severity="error",
    title="Task and execution roles must trust ecs-tasks.amazonaws.com",
    guidance="task-roles",
    why="ECS assumes the task role and the execution role on the task's behalf through the "
    "ecs-tasks.amazonaws.com service principal; a role that does not trust it cannot be used.",
    fix='Give the role an assume_role_policy allowing sts:AssumeRole to Principal { Service = '
    '"ecs-tasks.amazonaws.com" }.',
    url=f"{_DOCS}/task-iam-roles.html",
    check=check_task_role_trust,
    attributes=('assume_role_policy',),
)


def _instance_roles(model: Model) -> tuple[dict[str, Resource], Unknown | None]:
    """Role address -> the instance profile using it; and the first profile whose role is unknown."""

    def build() -> tuple[dict[str, Resource], Unknown | None]:
        out, unknown = {}, None
        for profile in model.managed("aws_iam_instance_profile"):
            try:
                for role in _profile_roles(model, profile):
                    out[role.address] = profile
            except Undecided as err:
                unknown = unknown or Unknown(f"the role of {profile.address} is not known: {err.reason}")
        return out, unknown

    return model.memo("roles.instance-roles", build)


@judges("aws_ecs_task_definition")
def check_task_role_not_instance_role(model: Model, task: Resource) -> Iterator[Fail]:
    if task.get("task_role_arn") in (None, ""):
        return
    instance_roles, unknown = _instance_roles(model)
    role = known(role_of(model, task.get("task_role_arn")))
    if role is None:
        return
    if role.address in instance_roles:
        yield Fail(task, f"task role {role.address} is also the role of instance profile {instance_roles[role.address].address}")
    elif unknown is not None:
        raise Undecided(unknown.reason)


TFG205 = Rule(
    id="TFG205",
    severity="error",
    title="Task role must not be the EC2 instance profile's role",
    guidance="task-roles",
    why="The instance profile is for the ECS agent; the task role is for one task's own calls. "
    "Sharing them gives every task on the instance the agent's permissions and the agent the task's.",
    fix="Create a separate role for the task (trusting ecs-tasks.amazonaws.com) and keep the "
    "instance profile's role for the agent only.",
    url=f"{_DOCS}/task-iam-roles.html",
    check=check_task_role_not_instance_role,
    attributes=('task_role_arn',),
)


def _role_identity(model: Model, value: Any) -> str | None:
    """What tells roles apart: the role's address in this configuration, else the ARN or name."""
    if value in (None, ""):
        return None
    role = known(role_of(model, value))
    if role is not None:
        return role.address
    return value if isinstance(value, str) else None


@judges("aws_ecs_task_definition")
def check_task_execution_roles_differ(model: Model, task: Resource) -> Iterator[Fail]:
    if task.get("task_role_arn") in (None, "") or task.get("execution_role_arn") in (None, ""):
        return
    task_role = _role_identity(model, task.get("task_role_arn"))
    execution_role = _role_identity(model, task.get("execution_role_arn"))
    if task_role is not None and task_role == execution_role:
        yield Fail(task, f"{task_role} is both the task role and the execution role")


TFG206 = Rule(
    id="TFG206",
    severity="warning",
    title="Task role and execution role should be different roles",
    guidance="execution-role",
    why="The execution role is what ECS uses to pull images and write logs before the task runs; "
    "the task role is what the application calls AWS with. One role for both gives the "
    "application the pull/log permissions and ECS the application's.",
    fix="Use a dedicated execution role (AmazonECSTaskExecutionRolePolicy) and a separate task "
    "role with the application's permissions.",
    url=f"{_DOCS}/task_execution_IAM_role.html",
    check=check_task_execution_roles_differ,
    attributes=('task_role_arn',),
)


def _tasks_by_role(model: Model) -> dict[str, list[Resource]]:
    def build() -> dict[str, list[Resource]]:
        by_role: dict[str, list[Resource]] = {}
        for task in model.managed("aws_ecs_task_definition"):
            identity = unless_unknown(None, _role_identity, model, task.get("task_role_arn"))
            if identity is not None:
                by_role.setdefault(identity, []).append(task)
        return by_role

    return model.memo("roles.tasks-by-role", build)


@judges("aws_ecs_task_definition")
def check_task_role_shared(model: Model, task: Resource) -> Iterator[Fail]:
    identity = unless_unknown(None, _role_identity, model, task.get("task_role_arn"))
    if identity is None:
        return
    families = {str(fully_known(t.get("family"), "task definition family not known")) for t in _tasks_by_role(model)[identity]}
    if len(families) < 2:
        return
    others = sorted(f for f in families if f != str(task.get("family")))
    yield Fail(task, f"task role {identity} is shared with task families {', '.join(others)}")


TFG207 = Rule(
    id="TFG207",
    severity="warning",
    title="Each task family should have its own task role",
    guidance="task-roles",
    why="A task role shared by different applications holds the union of their permissions: "
    "Task A can read Task B's DynamoDB table. One role per task family keeps each least-privileged.",
    fix="Create one task role per task definition family, each with only that task's permissions.",
    url=f"{_DOCS}/task-iam-roles.html",
    check=check_task_role_shared,
    attributes=('task_role_arn',),
)


# Actions that IAM cannot scope to a resource: Resource "*" is the only choice for them.
UNSCOPABLE_ACTIONS = (
    "ecr:GetAuthorizationToken",
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
    "xray:GetSamplingStatisticSummaries",
    "cloudwatch:PutMetricData",
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
    "sts:GetCallerIdentity",
    # What a CI deploy registers: task definitions take no resource-level permissions.
    "ecs:RegisterTaskDefinition",
    "ecs:DescribeTaskDefinition",
    "s3:ListAllMyBuckets",
    "ecs:DiscoverPollEndpoint",
    "logs:DescribeLogGroups",
    "ec2:Describe*",
    "elasticfilesystem:DescribeFileSystems",
)
# AWS managed policies that hand a task far more than one task needs: what each grants.
# Any other "...FullAccess" policy grants a whole service and is broad too.
BROAD_MANAGED_POLICIES: dict[str, str] = {
    "AdministratorAccess": "every action on every resource",
    "PowerUserAccess": "every action except IAM and Organizations",
    "ReadOnlyAccess": "read access to every resource of every service, data included",
    "ViewOnlyAccess": "listing and describing every resource of every service",
    "SecurityAudit": "reading the configuration of every service",
    "IAMFullAccess": "every IAM action, including granting itself more",
    "AmazonS3FullAccess": "every S3 action on every bucket",
    "AmazonS3ReadOnlyAccess": "reading every S3 bucket in the account",
    "AmazonDynamoDBFullAccess": "every DynamoDB action on every table",
    "AmazonDynamoDBReadOnlyAccess": "reading every DynamoDB table in the account",
    "AmazonSQSFullAccess": "every SQS action on every queue",
    "AmazonSNSFullAccess": "every SNS action on every topic",
    "AmazonEC2FullAccess": "every EC2 action",
    "AmazonRDSFullAccess": "every RDS action on every database",
    "AmazonECS_FullAccess": "every ECS action, including running any task definition",
    "AmazonEC2ContainerRegistryFullAccess": "every ECR action on every repository",
    "AmazonSSMFullAccess": "every Systems Manager action, including running commands on instances",
    "AmazonSSMReadOnlyAccess": "reading every Systems Manager parameter",
    "SecretsManagerReadWrite": "reading and writing every secret",
    "CloudWatchFullAccess": "every CloudWatch action",
    "CloudWatchLogsFullAccess": "every CloudWatch Logs action on every log group",
    "AWSLambda_FullAccess": "every Lambda action on every function",
    "AmazonKinesisFullAccess": "every Kinesis action on every stream",
    "AWSKeyManagementServicePowerUser": "managing every KMS key",
}


def broad_managed_grant(name: str) -> str | None:
    """What a broad AWS managed policy grants, or None for one scoped narrowly enough."""
    if name in BROAD_MANAGED_POLICIES:
        return BROAD_MANAGED_POLICIES[name]
    return "every action of its service" if name.endswith("FullAccess") else None


def _broad_actions(statement: dict[str, Any]) -> list[str]:
    return [a for a in items(statement.get("Action")) if isinstance(a, str) and (a == "*" or a.endswith(":*"))]


def _scopable_on_star(statement: dict[str, Any], judged_elsewhere: tuple[str, ...]) -> list[str]:
    if "*" not in items(statement.get("Resource")):
        return []
    return [
        a for a in items(statement.get("Action"))
        if isinstance(a, str)
        and not any(glob_match(pattern, a) or a.lower() == pattern.lower() for pattern in UNSCOPABLE_ACTIONS)
        and a.lower() not in judged_elsewhere
    ]


def _document_problems(document: Any, pending: Pending, judged_elsewhere: tuple[str, ...]) -> tuple[list[str], bool]:
    """What a policy document grants beyond least privilege, and whether it grants every action."""
    problems: list[str] = []
    everything = False
    for statement in allowed_statements(document, pending):
        if not is_known(items(statement.get("Action"))):
            pending.add("policy action not known")
        broad = _broad_actions(statement)
        if broad:
            everything = everything or "*" in broad
            problems.append(f"allows {', '.join(sorted(set(broad)))}")
            continue
        scopable = _scopable_on_star(statement, judged_elsewhere)
        if scopable:
            problems.append(f'allows {", ".join(scopable)} on Resource "*"')
    return problems, everything


def over_privileged(
    model: Model, role: Resource, label: str, reported: set[str], everything: str | None = None, judged_elsewhere: tuple[str, ...] = ()
) -> Iterator[Fail]:
    """A Fail for each policy of `role` (a `label` such as "task role") that grants more than
    least privilege, once per policy and role across calls sharing `reported`; with the
    severity `everything` where a policy grants every action. Actions on Resource "*" that
    another rule judges (`judged_elsewhere`, lower case) are left to it. Undecided when nothing
    was found and a policy cannot be read."""
    policies = role_policies(model, role)
    undecided = Pending()
    for holder, document in policies.documents:
        pending = Pending()
        problems: list[str] = []
        total = False
        with pending:
            problems, total = _document_problems(document, pending, judged_elsewhere)
        key = f"{holder.address}|{role.address}"
        if problems and key not in reported:
            reported.add(key)
            yield Fail(holder, f"{label} {role.address} policy " + "; ".join(problems), severity=everything if total else None)
        elif not problems and pending.first is not None:
            undecided.add(pending.first.reason, holder)
    for arn in policies.managed_arns:
        name = managed_policy_name(arn)
        grant = broad_managed_grant(name) if name is not None else None
        key = f"{name}|{role.address}"
        if grant is not None and key not in reported:
            reported.add(key)
            total = name == "AdministratorAccess"
            yield Fail(role, f"{label} {role.address} has the AWS managed policy {name}, which grants {grant}", severity=everything if total else None)
    undecided.settle()


@judges("aws_ecs_task_definition")
def check_task_role_least_privilege(model: Model, task: Resource) -> Iterator[Fail]:
    role = role_of(model, task.get("task_role_arn"))
    if isinstance(role, Resource):
        yield from over_privileged(model, role, "task role", model.memo("TFG208.reported", set))


TFG208 = Rule(
    id="TFG208",
    severity="warning",
    title="Task role policy should be least privilege",
    guidance="least-privilege",
    why='A task role should grant the specific actions on the specific resources the task uses. '
    '"*" or "service:*" actions, Resource "*" on actions that can be scoped, or a broad AWS '
    "managed policy (AdministratorAccess, PowerUserAccess, ReadOnlyAccess, AmazonS3FullAccess, "
    "...) hand the application (and anyone who compromises it) far more than it needs.",
    fix='List the exact actions (e.g. "s3:GetObject") and the resource ARNs they apply to; keep '
    'Resource "*" for actions that support nothing else (ecr:GetAuthorizationToken, xray:Put*, ...).',
    url=f"{_DOCS}/task-iam-roles.html",
    check=check_task_role_least_privilege,
    attributes=('policy',),
)

_CREDENTIAL_NAMES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")


@judges("aws_ecs_task_definition")
def check_no_credentials_in_environment(model: Model, task: Resource) -> Iterator[Fail]:
    value = task.get("container_definitions")
    if value is None:
        return
    definitions = decode_json(value)
    found = []
    pending = Pending()
    for container in definitions if isinstance(definitions, list) else [definitions]:
        with pending:
            if not isinstance(known(container), dict):
                continue
            environment = known(container.get("environment"))
            for item in environment if isinstance(environment, list) else []:
                with pending:
                    name = known(item.get("name") if isinstance(item, dict) else item)
                    if isinstance(name, str) and name in _CREDENTIAL_NAMES:
                        found.append(f"{shown(container.get('name'))}: {name}")
    if found:
        yield Fail(task, "container environment carries AWS credentials (" + ", ".join(found) + ")")
    with undecided_as("container environment not known"):
        pending.settle()


TFG209 = Rule(
    id="TFG209",
    severity="error",
    title="No AWS credentials in container environment",
    guidance="no-static-credentials",
    why="Keys in a task definition's environment are readable by anyone who can describe the task "
    "definition, never rotate, and bypass the task role. The SDKs pick up the task role's "
    "temporary credentials automatically.",
    fix="Remove AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN from environment "
    "and grant the permissions through the task role instead.",
    url=f"{_DOCS}/task-iam-roles.html",
    check=check_no_credentials_in_environment,
    attributes=('container_definitions',),
)
