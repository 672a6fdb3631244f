"""2xx: IAM roles (instance profiles, task roles, execution roles)."""

from __future__ import annotations

from typing import Any, Iterator

from tfgen.check.model import Computed, Model, Resource, Unknown, glob_match
from tfgen.check.rules.base import Fail, Hit, Rule, Undecided
from tfgen.check.rules.helpers import as_list, decode_json, first_block, maybe_base64
from tfgen.check.rules.iam import allowed_statements, allows, managed_policy_name, role_of, role_policies, trusts

_DOCS = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide"
_ECS_MARKERS = ("ECS_CLUSTER", "/etc/ecs/ecs.config", "[settings.ecs]")
_ECS_INSTANCE_POLICY = "AmazonEC2ContainerServiceforEC2Role"
_AGENT_ACTIONS = ("ecs:RegisterContainerInstance", "ecs:DiscoverPollEndpoint", "ecs:Poll", "ecs:SubmitTaskStateChange")


def _capacity_groups(model: Model) -> set[str]:
    """Addresses of Auto Scaling groups that an ECS capacity provider uses."""
    found = set()
    for provider in model.managed("aws_ecs_capacity_provider"):
        spec = first_block(provider, "auto_scaling_group_provider")
        if isinstance(spec, dict):
            group = model.resolve(spec.get("auto_scaling_group_arn"), "aws_autoscaling_group", attributes=("arn", "name", "id"))
            if isinstance(group, Resource):
                found.add(group.address)
    return found


def _templates_of(model: Model, group: Resource) -> list[Resource]:
    out = []
    specs = [first_block(group, "launch_template")]
    mixed = first_block(group, "mixed_instances_policy")
    if isinstance(mixed, dict):
        template = first_block(mixed, "launch_template")
        specs.append(first_block(template, "launch_template_specification") if isinstance(template, dict) else None)
    for spec in specs:
        if isinstance(spec, dict):
            for key in ("id", "launch_template_id", "name", "launch_template_name"):
                found = model.resolve(spec.get(key), "aws_launch_template", attributes=("id", "name", "arn"))
                if isinstance(found, Resource):
                    out.append(found)
    config = model.resolve(group.get("launch_configuration"), "aws_launch_configuration", attributes=("name", "id", "arn"))
    if isinstance(config, Resource):
        out.append(config)
    return out


def container_instance_sources(model: Model) -> Iterator[tuple[Resource, bool | Unknown]]:
    """Launch templates, launch configurations and instances, and whether they run the ECS agent."""
    via_capacity = set()
    for group in model.managed("aws_autoscaling_group"):
        if group.address in _capacity_groups(model):
            via_capacity.update(t.address for t in _templates_of(model, group))
    for source in model.managed("aws_launch_template", "aws_launch_configuration", "aws_instance"):
        if source.type == "aws_instance" and source.get("launch_template") not in (None, []):
            continue  # its template is judged on its own
        if source.address in via_capacity:
            yield source, True
            continue
        data = source.get("user_data")
        if data is None:
            data = source.get("user_data_base64")
        text = maybe_base64(data)
        if isinstance(text, Unknown):
            yield source, text
        elif isinstance(text, str) and any(marker in text for marker in _ECS_MARKERS):
            yield source, True
        else:
            yield source, False


def _profile_value(source: Resource) -> Any:
    if source.type == "aws_launch_template":
        block = first_block(source, "iam_instance_profile")
        if isinstance(block, Unknown) or block is None:
            return block
        value = block.get("arn") if block.get("arn") is not None else block.get("name")
        return value
    return source.get("iam_instance_profile")


def check_instance_profile(model: Model) -> Iterator[Hit]:
    for source, is_ecs in container_instance_sources(model):
        if isinstance(is_ecs, Unknown):
            yield Undecided(source, f"cannot tell whether it runs the ECS agent: {is_ecs.reason}")
            continue
        if not is_ecs:
            continue
        profile = _profile_value(source)
        if isinstance(profile, Unknown) and not isinstance(profile, Computed):
            yield Undecided(source, profile.reason)
        elif profile in (None, ""):
            yield Fail(source, f"ECS container instances from {source.type} have no IAM instance profile")


TFG201 = Rule(
    id="TFG201",
    severity="error",
    title="EC2 container instances need an IAM instance profile",
    guidance="| **EC2 Instance Profile** | EC2 Launch Type | Allows ECS Agent to interact with AWS services (ECR, CloudWatch, Secrets Manager) |",
    why="The ECS agent on each container instance calls ECS, ECR and CloudWatch with the "
    "instance's credentials. Without an instance profile it cannot register with the cluster.",
    fix="Create an aws_iam_instance_profile for a role that trusts ec2.amazonaws.com and has the "
    "AmazonEC2ContainerServiceforEC2Role managed policy, and set it on the launch template "
    "(iam_instance_profile { arn = ... }), launch configuration or instance.",
    url=f"{_DOCS}/instance_IAM_role.html",
    check=check_instance_profile,
    attributes=('iam_instance_profile',),
)


def _agent_permissions(model: Model, role: Resource) -> bool | Unknown:
    policies = role_policies(model, role)
    if any(managed_policy_name(arn) == _ECS_INSTANCE_POLICY for arn in policies.managed_arns):
        return True
    unknown: Unknown | None = None
    for action in _AGENT_ACTIONS:
        verdict = allows(policies, action, lambda value: True if not isinstance(value, Unknown) else value)
        if verdict is False:
            return False
        if isinstance(verdict, Unknown):
            unknown = unknown or verdict
    return unknown if unknown is not None else True


def check_instance_role(model: Model) -> Iterator[Hit]:
    seen: set[str] = set()
    for source, is_ecs in container_instance_sources(model):
        if is_ecs is not True:
            continue
        value = _profile_value(source)
        if value in (None, "") or isinstance(value, Unknown) and not isinstance(value, Computed):
            continue
        profile = model.resolve(value, "aws_iam_instance_profile", attributes=("arn", "name", "id"))
        if isinstance(profile, Unknown):
            yield Undecided(source, profile.reason)
            continue
        if profile is None:
            continue  # an instance profile made elsewhere
        role = role_of(model, profile.get("role"))
        if isinstance(role, Unknown):
            yield Undecided(profile, role.reason)
            continue
        if role is None:
            if profile.get("role") is None:
                yield Fail(profile, "instance profile has no role")
            continue
        if role.address in seen:
            continue
        seen.add(role.address)
        problems = []
        trust = trusts(role, "ec2.amazonaws.com")
        permissions = _agent_permissions(model, role)
        if trust is False:
            problems.append("does not trust ec2.amazonaws.com")
        if permissions is False:
            problems.append(f"lacks the ECS agent permissions ({_ECS_INSTANCE_POLICY} or {', '.join(_AGENT_ACTIONS)})")
        if problems:
            yield Fail(role, f"role of instance profile {profile.address} " + " and ".join(problems))
        elif isinstance(trust, Unknown) or isinstance(permissions, Unknown):
            yield Undecided(role, (trust if isinstance(trust, Unknown) else permissions).reason)  # type: ignore[union-attr]


TFG202 = Rule(
    id="TFG202",
    severity="error",
    title="Instance profile role must trust EC2 and carry the ECS agent permissions",
    guidance="**Instance Profile** = EC2 agent-level",
    why="The instance profile's role is what the ECS agent runs as: EC2 must be able to assume it, "
    "and it needs the agent's permissions to register, poll and report task state.",
    fix='Let the role trust "ec2.amazonaws.com" and attach '
    "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role.",
    url=f"{_DOCS}/instance_IAM_role.html",
    check=check_instance_role,
)


def check_task_role_present(model: Model) -> Iterator[Hit]:
    for task in model.managed("aws_ecs_task_definition"):
        if task.get("task_role_arn") in (None, ""):
            yield Fail(task, "task definition has no task_role_arn")


TFG203 = Rule(
    id="TFG203",
    severity="warning",
    title="Task definition should have a task role",
    guidance="ECS task needs to call AWS service? → Assign a **Task Role**",
    why="Containers that call AWS services get their credentials from the task role. Without one "
    "they fall back to the instance's role (EC2) or to long-lived keys, neither scoped to the task.",
    fix="Create an aws_iam_role that trusts ecs-tasks.amazonaws.com with just the permissions this "
    "task needs, and set task_role_arn to its ARN.",
    url=f"{_DOCS}/task-iam-roles.html",
    check=check_task_role_present,
    attributes=('task_role_arn',),
)


def check_task_role_trust(model: Model) -> Iterator[Hit]:
    seen: set[str] = set()
    for task in model.managed("aws_ecs_task_definition"):
        for attribute, label in (("task_role_arn", "task role"), ("execution_role_arn", "execution role")):
            value = task.get(attribute)
            if value in (None, ""):
                continue
            role = role_of(model, value)
            if isinstance(role, Unknown):
                yield Undecided(task, f"{label}: {role.reason}")
                continue
            if role is None or role.address in seen:
                continue
            trust = trusts(role, "ecs-tasks.amazonaws.com")
            if isinstance(trust, Unknown):
                yield Undecided(role, trust.reason)
            elif not trust:
                seen.add(role.address)
                yield Fail(role, f"{label} of {task.address} does not trust ecs-tasks.amazonaws.com")


TFG204 = Rule(
    id="TFG204",
    severity="error",
    title="Task and execution roles must trust ecs-tasks.amazonaws.com",
    guidance="| **ECS Task Role**        | Both launch types | Grants specific permissions to ECS tasks (e.g., Task A accesses S3, Task B accesses DynamoDB) |",
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
    out, unknown = {}, None
    for profile in model.managed("aws_iam_instance_profile"):
        role = role_of(model, profile.get("role"))
        if isinstance(role, Resource):
            out[role.address] = profile
        elif isinstance(role, Unknown):
            unknown = unknown or Unknown(f"the role of {profile.address} is not known: {role.reason}")
    return out, unknown


def check_task_role_not_instance_role(model: Model) -> Iterator[Hit]:
    instance_roles, unknown = _instance_roles(model)
    for task in model.managed("aws_ecs_task_definition"):
        if task.get("task_role_arn") in (None, ""):
            continue
        role = role_of(model, task.get("task_role_arn"))
        if isinstance(role, Unknown):
            yield Undecided(task, role.reason)
        elif isinstance(role, Resource) and role.address in instance_roles:
            yield Fail(task, f"task role {role.address} is also the role of instance profile {instance_roles[role.address].address}")
        elif isinstance(role, Resource) and unknown is not None:
            yield Undecided(task, unknown.reason)


TFG205 = Rule(
    id="TFG205",
    severity="error",
    title="Task role must not be the EC2 instance profile's role",
    guidance="**Task Role** = Task-specific AWS service access",
    why="The instance profile is for the ECS agent; the task role is for one task's own calls. "
    "Sharing them gives every task on the instance the agent's permissions and the agent the task's.",
    fix="Create a separate role for the task (trusting ecs-tasks.amazonaws.com) and keep the "
    "instance profile's role for the agent only.",
    url=f"{_DOCS}/task-iam-roles.html",
    check=check_task_role_not_instance_role,
    attributes=('task_role_arn',),
)


def _role_identity(model: Model, value: Any) -> str | Unknown | None:
    if value in (None, ""):
        return None
    role = role_of(model, value)
    if isinstance(role, Resource):
        return role.address
    if isinstance(role, Unknown):
        return role
    return value if isinstance(value, str) else None


def check_task_execution_roles_differ(model: Model) -> Iterator[Hit]:
    for task in model.managed("aws_ecs_task_definition"):
        task_role = _role_identity(model, task.get("task_role_arn"))
        execution_role = _role_identity(model, task.get("execution_role_arn"))
        if task_role is None or execution_role is None:
            continue
        if isinstance(task_role, Unknown) or isinstance(execution_role, Unknown):
            yield Undecided(task, (task_role if isinstance(task_role, Unknown) else execution_role).reason)  # type: ignore[union-attr]
        elif task_role == execution_role:
            yield Fail(task, f"{task_role} is both the task role and the execution role")


TFG206 = Rule(
    id="TFG206",
    severity="warning",
    title="Task role and execution role should be different roles",
    guidance="**Task Role** = Task-specific AWS service access",
    why="The execution role is what ECS uses to pull images and write logs before the task runs; "
    "the task role is what the application calls AWS with. One role for both gives the "
    "application the pull/log permissions and ECS the application's.",
    fix="Use a dedicated execution role (AmazonECSTaskExecutionRolePolicy) and a separate task "
    "role with the application's permissions.",
    url=f"{_DOCS}/task_execution_IAM_role.html",
    check=check_task_execution_roles_differ,
    attributes=('task_role_arn',),
)


def check_task_role_shared(model: Model) -> Iterator[Hit]:
    by_role: dict[str, list[Resource]] = {}
    for task in model.managed("aws_ecs_task_definition"):
        identity = _role_identity(model, task.get("task_role_arn"))
        if isinstance(identity, str):
            by_role.setdefault(identity, []).append(task)
    for identity, tasks in by_role.items():
        families = {t.get("family") for t in tasks}
        if any(isinstance(f, Unknown) for f in families):
            for task in tasks:
                yield Undecided(task, "task definition family not known")
            continue
        if len(families) < 2:
            continue
        for task in tasks:
            others = sorted(str(f) for f in families if f != task.get("family"))
            yield Fail(task, f"task role {identity} is shared with task families {', '.join(others)}")


TFG207 = Rule(
    id="TFG207",
    severity="warning",
    title="Each task family should have its own task role",
    guidance="Grants specific permissions to ECS tasks (e.g., Task A accesses S3, Task B accesses DynamoDB)",
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
    "s3:ListAllMyBuckets",
    "ecs:DiscoverPollEndpoint",
    "logs:DescribeLogGroups",
    "ec2:Describe*",
    "elasticfilesystem:DescribeFileSystems",
)
_BROAD_MANAGED = ("AdministratorAccess", "PowerUserAccess")


def _broad_actions(statement: dict[str, Any]) -> list[str]:
    actions = as_list(statement.get("Action"))
    if isinstance(actions, Unknown):
        return []
    return [a for a in actions if isinstance(a, str) and (a == "*" or a.endswith(":*"))]


def _scopable_on_star(statement: dict[str, Any]) -> list[str]:
    resources = as_list(statement.get("Resource"))
    actions = as_list(statement.get("Action"))
    if isinstance(resources, Unknown) or isinstance(actions, Unknown) or "*" not in resources:
        return []
    return [
        a for a in actions
        if isinstance(a, str) and not any(glob_match(pattern, a) or a.lower() == pattern.lower() for pattern in UNSCOPABLE_ACTIONS)
    ]


def check_task_role_least_privilege(model: Model) -> Iterator[Hit]:
    reported: set[str] = set()
    for task in model.managed("aws_ecs_task_definition"):
        role = role_of(model, task.get("task_role_arn"))
        if not isinstance(role, Resource):
            continue
        policies = role_policies(model, role)
        for holder, document in policies.documents:
            problems: list[str] = []
            unknown: Unknown | None = None
            for statement in allowed_statements(document):
                if isinstance(statement, Unknown):
                    unknown = unknown or statement
                    continue
                actions = as_list(statement.get("Action"))
                if isinstance(actions, Unknown) or any(isinstance(a, Unknown) for a in actions):
                    unknown = unknown or Unknown("policy action not known")
                broad = _broad_actions(statement)
                if broad:
                    problems.append(f"allows {', '.join(sorted(set(broad)))}")
                    continue
                scopable = _scopable_on_star(statement)
                if scopable:
                    problems.append(f'allows {", ".join(scopable)} on Resource "*"')
            key = f"{holder.address}|{role.address}"
            if problems and key not in reported:
                reported.add(key)
                yield Fail(holder, f"task role {role.address} policy " + "; ".join(problems))
            elif not problems and unknown is not None:
                yield Undecided(holder, unknown.reason)
        for arn in policies.managed_arns:
            name = managed_policy_name(arn)
            if name is not None:
                if name in _BROAD_MANAGED or name.endswith("FullAccess"):
                    key = f"{arn}|{role.address}"
                    if key not in reported:
                        reported.add(key)
                        yield Fail(role, f"task role {role.address} has the managed policy {name}, which allows service-wide actions")


TFG208 = Rule(
    id="TFG208",
    severity="warning",
    title="Task role policy should be least privilege",
    guidance="Grants specific permissions to ECS tasks",
    why='A task role should grant the specific actions on the specific resources the task uses. '
    '"*" or "service:*" actions, or Resource "*" on actions that can be scoped, hand the '
    "application (and anyone who compromises it) far more than it needs.",
    fix='List the exact actions (e.g. "s3:GetObject") and the resource ARNs they apply to; keep '
    'Resource "*" for actions that support nothing else (ecr:GetAuthorizationToken, xray:Put*, ...).',
    url=f"{_DOCS}/task-iam-roles.html",
    check=check_task_role_least_privilege,
    attributes=('policy',),
)

_CREDENTIAL_NAMES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")


def check_no_credentials_in_environment(model: Model) -> Iterator[Hit]:
    for task in model.managed("aws_ecs_task_definition"):
        definitions = decode_json(task.get("container_definitions"))
        if isinstance(definitions, Unknown):
            if task.get("container_definitions") is not None:
                yield Undecided(task, definitions.reason)
            continue
        found = []
        unknown: Unknown | None = None
        for container in definitions if isinstance(definitions, list) else [definitions]:
            if isinstance(container, Unknown):
                unknown = unknown or container
                continue
            if not isinstance(container, dict):
                continue
            environment = container.get("environment")
            if isinstance(environment, Unknown):
                unknown = unknown or environment
            for item in environment if isinstance(environment, list) else []:
                name = item.get("name") if isinstance(item, dict) else item
                if isinstance(name, Unknown):
                    unknown = unknown or name
                elif name in _CREDENTIAL_NAMES:
                    found.append(f"{container.get('name', '?')}: {name}")
        if found:
            yield Fail(task, "container environment carries AWS credentials (" + ", ".join(found) + ")")
        elif unknown is not None:
            yield Undecided(task, f"container environment not known: {unknown.reason}")


TFG209 = Rule(
    id="TFG209",
    severity="error",
    title="No AWS credentials in container environment",
    guidance="ECS task needs to call AWS service? → Assign a **Task Role**",
    why="Keys in a task definition's environment are readable by anyone who can describe the task "
    "definition, never rotate, and bypass the task role. The SDKs pick up the task role's "
    "temporary credentials automatically.",
    fix="Remove AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN from environment "
    "and grant the permissions through the task role instead.",
    url=f"{_DOCS}/task-iam-roles.html",
    check=check_no_credentials_in_environment,
    attributes=('container_definitions',),
)
