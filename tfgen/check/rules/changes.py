"""5xx: what a plan does to running services and stored data (plan JSON only).

These rules read the change actions the plan reader records on each resource (`actions`,
`replaced_because`), the resources the plan deletes (`model.deleted`) and the prior state
(`model.prior`). On HCL alone there are no actions, so they never run there.
"""

from __future__ import annotations

from typing import Iterator

from tfgen.check.model import Model, Resource
from tfgen.check.rules.base import Fail, Judge, Rule, judges

_EFS_BACKUP = "https://docs.aws.amazon.com/efs/latest/ug/awsbackup.html"

# What each change does to running infrastructure, in one place: these rules say it of a plan,
# and `tfgen update` says it of an answers change before anything is planned.
FILES_LOST = "every file on it is lost unless restored from a backup"
TASKS_REPLACED = "its tasks stop and new ones start, with downtime in between"
TASKS_STOPPED = "its tasks stop"
NEW_DNS_NAME = "its DNS name changes, so clients, DNS records and PrivateLink consumers pointing at the old one break"
CREDENTIALS_LOST = "running tasks lose their credentials and new tasks fail to start until the task definition is updated"


def replaced(resource: Resource) -> bool:
    return "delete" in resource.actions and "create" in resource.actions


def removed(*types: str) -> Judge:
    """Decorate a rule function of (model, resource, verb): it judges each resource of `types`
    the plan removes, verb "deletes" or "replaces"."""

    def subjects(model: Model) -> list[Resource]:
        return [r for r in model.managed(*types) if replaced(r)] + [r for r in model.deleted if r.type in types]

    def wrap(function):  # type: ignore[no-untyped-def]
        def judge(model: Model, resource: Resource) -> Iterator[Fail]:
            return function(model, resource, "replaces" if replaced(resource) else "deletes")

        return Judge(subjects, judge)

    return wrap  # type: ignore[return-value]


def _because(resource: Resource) -> str:
    if not resource.replaced_because:
        return ""
    return f" ({', '.join(resource.replaced_because)} cannot change in place)"


def _name(model: Model, resource: Resource) -> str:
    """How AWS knows the resource today (its name or id before the change), quoted, or ""."""
    before = next((r for r in model.prior if r.address == resource.address), resource)
    for source in (before, resource):
        for attribute in ("name", "id"):
            value = source.get(attribute)
            if isinstance(value, str) and value:
                return f" {value!r}"
    return ""


@removed("aws_efs_file_system")
def check_file_system_loss(model: Model, resource: Resource, verb: str) -> Iterator[Fail]:
    yield Fail(
        resource,
        f"the plan {verb} EFS file system{_name(model, resource)}{_because(resource)}: {FILES_LOST}",
    )


TFG501 = Rule(
    id="TFG501",
    severity="error",
    title="Plan deletes or replaces an EFS file system",
    guidance="data-at-risk",
    why="EFS is where the tasks' persistent, shared state lives. Deleting or replacing the file "
    "system deletes that data; a replacement starts empty, and tasks mount the new one as if "
    "nothing happened.",
    fix="If the data matters, stop: restore is only from AWS Backup. Avoid the change that forces "
    "replacement (performance_mode, encrypted, kms_key_id, availability_zone_name, creation_token), "
    "or migrate the data first; add lifecycle { prevent_destroy = true } so Terraform refuses next time.",
    url=_EFS_BACKUP,
    check=check_file_system_loss,
    plan_only=True,
)


@removed("aws_efs_mount_target", "aws_efs_access_point")
def check_mount_paths(model: Model, resource: Resource, verb: str) -> Iterator[Fail]:
    what = "mount target" if resource.type == "aws_efs_mount_target" else "access point"
    consequence = (
        "tasks in that subnet cannot mount the file system until the new one is available"
        if what == "mount target"
        else "tasks mounting through it fail to start until their task definition points at the new one"
    )
    yield Fail(resource, f"the plan {verb} EFS {what}{_name(model, resource)}{_because(resource)}: {consequence}")


TFG502 = Rule(
    id="TFG502",
    severity="warning",
    title="Plan deletes or replaces an EFS mount target or access point",
    guidance="data-at-risk",
    why="Mount targets are how tasks in each AZ reach the file system, and access points are how "
    "each service enters it. Replacing them interrupts mounts; running tasks keep working, new "
    "tasks in the meantime fail.",
    fix="Apply when a brief mount interruption is acceptable, or avoid the forcing change (subnet, "
    "posix_user, root_directory of an access point).",
    url="https://docs.aws.amazon.com/efs/latest/ug/accessing-fs.html",
    check=check_mount_paths,
    plan_only=True,
)


@judges("aws_ecs_service", "aws_lb")
def check_downtime(model: Model, resource: Resource) -> Iterator[Fail]:
    if not replaced(resource):
        return
    if resource.type == "aws_ecs_service":
        yield Fail(
            resource,
            f"the plan replaces ECS service{_name(model, resource)}{_because(resource)}: {TASKS_REPLACED}",
        )
    else:
        yield Fail(
            resource,
            f"the plan replaces load balancer{_name(model, resource)}{_because(resource)}: {NEW_DNS_NAME}",
        )


TFG503 = Rule(
    id="TFG503",
    severity="warning",
    title="Plan replaces an ECS service or a load balancer",
    guidance="downtime",
    why="Replacing a service destroys it before (or while) the new one starts, dropping traffic. "
    "Replacing a load balancer gives it a new DNS name and zone.",
    fix="Change only arguments that update in place, or plan a cut-over (create the new one beside "
    "the old, move traffic, then remove the old).",
    url="https://docs.aws.amazon.com/AmazonECS/latest/developerguide/update-service.html",
    check=check_downtime,
    plan_only=True,
)


_ROLE_ATTRIBUTES = ("task_role_arn", "execution_role_arn")


def _family(task: Resource) -> str:
    family = task.get("family")
    return family if isinstance(family, str) and family else task.address


def _task_definitions_using(model: Model, role: Resource) -> list[str]:
    """Families of the task definitions, before or after the change, that use `role`."""
    users = []
    before = next((r for r in model.prior if r.address == role.address), role)
    arn = before.get("arn")
    for task in model.prior:
        if task.type == "aws_ecs_task_definition" and isinstance(arn, str):
            if any(task.get(a) == arn for a in _ROLE_ATTRIBUTES):
                users.append(_family(task))
    for task in model.managed("aws_ecs_task_definition"):
        if any(model.resolve(task.get(a), "aws_iam_role") is role for a in _ROLE_ATTRIBUTES):
            users.append(_family(task))
    return sorted(set(users))


@removed("aws_iam_role")
def check_role_loss(model: Model, role: Resource, verb: str) -> Iterator[Fail]:
    users = _task_definitions_using(model, role)
    if users:
        yield Fail(
            role,
            f"the plan {verb} IAM role{_name(model, role)}{_because(role)}, used as task or execution role by "
            f"task definition {', '.join(users)}: {CREDENTIALS_LOST}",
        )


TFG504 = Rule(
    id="TFG504",
    severity="warning",
    title="Plan deletes or replaces a role a task definition uses",
    guidance="downtime",
    why="Tasks assume their task role (and ECS their execution role) by ARN. Deleting or replacing "
    "the role breaks running tasks' AWS calls and image pulls until new tasks run with the new role.",
    fix="Keep the role (rename by adding a new one and switching the task definition to it first), "
    "or apply when the service can be restarted.",
    url="https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html",
    check=check_role_loss,
    plan_only=True,
)
