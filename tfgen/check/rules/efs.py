"""4xx: persistent storage (Amazon EFS)."""

from __future__ import annotations

import re
from typing import Any, Callable, Iterator

from tfgen.check.model import Computed, Model, Resource, Unknown, glob_match, is_unknown
from tfgen.check.rules.base import Fail, Pending, Rule, Undecided, judges, judges_each, known, unless_unknown
from tfgen.check.rules.helpers import (
    as_list,
    efs_volumes,
    first_block,
    launch_kinds,
    task_definition_of,
)
from tfgen.check.rules.iam import allowed_statements, allows, items, role_of, role_policies
from tfgen.check.rules.network import open_groups

_ECS_EFS = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/efs-volumes.html"
_EFS = "https://docs.aws.amazon.com/efs/latest/ug"


def file_system_of(model: Model, config: dict[str, Any]) -> Resource | Unknown | None:
    return model.resolve(config.get("file_system_id"), "aws_efs_file_system", attributes=("id", "arn"))


@judges("aws_ecs_task_definition")
def check_transit_encryption(model: Model, task: Resource) -> Iterator[Fail]:
    bad = []
    pending = Pending()
    for name, config in efs_volumes(task):
        with pending:
            value = known(config.get("transit_encryption"))
            if value != "ENABLED":
                bad.append(f'"{name}"' + ("" if value not in (None, "") else " (left out: DISABLED)"))
    if bad:
        yield Fail(task, f"EFS volume {', '.join(bad)} does not set transit_encryption = \"ENABLED\"")
    pending.settle()


TFG401 = Rule(
    id="TFG401",
    severity="error",
    title="EFS volumes must be encrypted in transit",
    guidance="efs-for-shared-data",
    why="An EFS volume is mounted over NFS across the network. Without transit encryption the "
    "file data travels in clear text between the task and the mount target; IAM authorization "
    "also needs it.",
    fix='Set transit_encryption = "ENABLED" in the volume\'s efs_volume_configuration.',
    url=_ECS_EFS,
    check=check_transit_encryption,
    attributes=('volume.efs_volume_configuration.transit_encryption',),
)


@judges("aws_efs_file_system")
def check_encrypted_at_rest(model: Model, fs: Resource) -> Iterator[Fail]:
    value = known(fs.get("encrypted"))
    if value not in (True, "true"):
        yield Fail(fs, "EFS file system is not encrypted at rest" + (" (encrypted left out: false)" if value is None else ""))


TFG402 = Rule(
    id="TFG402",
    severity="error",
    title="EFS file systems must be encrypted at rest",
    guidance="efs-for-shared-data",
    why="Shared data volumes hold application state. Encryption at rest can only be chosen when "
    "the file system is created; turning it on later means a new file system and a data copy.",
    fix="Set encrypted = true (and kms_key_id for a customer managed key) on aws_efs_file_system.",
    url=f"{_EFS}/encryption.html",
    check=check_encrypted_at_rest,
    attributes=('encrypted',),
)


def _used_file_systems(model: Model) -> list[Resource]:
    """The file systems in this configuration that task definitions mount."""

    def build() -> list[Resource]:
        used: dict[str, Resource] = {}
        for task in model.managed("aws_ecs_task_definition"):
            for _, config in unless_unknown([], efs_volumes, task):
                fs = file_system_of(model, config)
                if isinstance(fs, Resource):
                    used[fs.address] = fs
        return list(used.values())

    return model.memo("efs.used", build)


@judges_each(_used_file_systems)
def check_multi_az(model: Model, fs: Resource) -> Iterator[Fail]:
    zone = known(fs.get("availability_zone_name"))
    if zone not in (None, ""):
        yield Fail(fs, f"EFS file system used by ECS tasks is One Zone ({zone}): its data lives in one availability zone", severity="warning")
        return
    subnets: set[str] = set()
    pending = Pending()
    for target in model.managed("aws_efs_mount_target"):
        with pending:
            owner = model.resolve(target.get("file_system_id"), "aws_efs_file_system", attributes=("id", "arn"))
            if not isinstance(owner, Computed):
                known(owner)
            if owner is not fs:
                continue
            if not target.instances_known:
                raise Undecided(f"{target.address}: number of mount targets not known")
            subnet = target.get("subnet_id")
            if isinstance(subnet, Computed):
                subnets.add(f"{subnet.address}.{subnet.attribute}")
            elif known(subnet) not in (None, ""):
                subnets.add(str(subnet))
    if len(subnets) >= 2:
        return
    pending.settle()
    yield Fail(fs, f"EFS file system used by ECS tasks has mount targets in {len(subnets)} subnet{'' if len(subnets) == 1 else 's'}; multi-AZ storage needs at least two availability zones")


TFG403 = Rule(
    id="TFG403",
    severity="error",
    title="EFS used by ECS needs mount targets in at least two availability zones",
    guidance="multi-az-storage",
    why="Tasks can only mount EFS through a mount target in their own availability zone, and a "
    "service spread over several zones loses its storage (and the zone's tasks) when the only "
    "mount target's zone fails. A One Zone file system is a deliberate trade of that durability.",
    fix="Create an aws_efs_mount_target in a subnet of every availability zone the service runs "
    "in (for_each over the private subnets); use a regional file system, not One Zone, for "
    "multi-AZ services.",
    url=f"{_EFS}/availability-durability.html",
    check=check_multi_az,
)


def _version_tuple(text: str) -> tuple[int, ...] | None:
    if not re.fullmatch(r"\d+(\.\d+)*", text):
        return None
    return tuple(int(p) for p in text.split("."))


@judges("aws_ecs_service")
def check_platform_version(model: Model, service: Resource) -> Iterator[Fail]:
    if "FARGATE" not in launch_kinds(model, service):
        return
    task = task_definition_of(model, service)
    if task is None or not efs_volumes(task):
        return
    version = known(service.get("platform_version"))
    if version in (None, "", "LATEST"):
        return
    parsed = _version_tuple(str(version))
    if parsed is not None and parsed < (1, 4, 0):
        yield Fail(service, f"Fargate service mounts EFS with platform_version {version}; EFS needs 1.4.0 or later")


TFG404 = Rule(
    id="TFG404",
    severity="error",
    title="Fargate services mounting EFS need platform version 1.4.0 or later",
    guidance="efs-on-fargate",
    why="Fargate supports EFS volumes from platform version 1.4.0 on; a task on an older platform "
    "version fails to start.",
    fix='Remove platform_version (it defaults to LATEST) or set it to "1.4.0" or later.',
    url=_ECS_EFS,
    check=check_platform_version,
    attributes=('platform_version',),
)


def _resource_allows_fs(fs: Resource | None) -> Callable[[Any], bool]:
    def judge(value: Any) -> bool:
        if value == "*":
            return True
        if isinstance(value, Computed):
            return fs is not None and value.address == fs.address
        if not isinstance(known(value), str):
            return False
        arn = fs.get("arn") if fs is not None else None
        if isinstance(arn, str):
            return glob_match(value, arn)
        if value.endswith(":file-system/*") or value.endswith(":*"):
            return True
        raise Undecided("policy resource compared with an ARN known only after apply")

    return judge


def _file_system_policy_allows(model: Model, fs: Resource, role: Resource) -> bool:
    """Does a file system policy of `fs` allow `role` elasticfilesystem:ClientMount?"""
    pending = Pending()
    for policy in model.managed("aws_efs_file_system_policy"):
        if model.resolve(policy.get("file_system_id"), "aws_efs_file_system", attributes=("id", "arn")) is not fs:
            continue
        with pending:
            for statement in allowed_statements(policy.get("policy"), pending):
                actions = items(statement.get("Action"))
                if not any(isinstance(a, str) and glob_match(a, "elasticfilesystem:ClientMount") for a in actions):
                    continue
                principal = statement.get("Principal")
                named = principal.get("AWS") if isinstance(principal, dict) else principal
                # One principal or a list; a reference to the role stands for its ARN.
                for value in items(named):
                    if value == "*" or role_of(model, value) is role:
                        return True
                    with pending:
                        if not isinstance(value, Computed):
                            known(value)
    pending.settle()
    return False


def _volume_problems(model: Model, task: Resource, name: str, config: dict[str, Any], pending: Pending, problems: list[str]) -> None:
    """Add to `problems` what keeps one EFS volume of `task` from mounting through an access
    point with IAM; Undecided when the rest cannot be known."""
    auth = first_block(config, "authorization_config") or {}
    access_point, iam = auth.get("access_point_id"), auth.get("iam")
    with pending:
        if not isinstance(access_point, Computed):
            known(access_point)
    with pending:
        known(iam)
    missing = []
    if access_point in (None, ""):
        missing.append("access point")
    if not is_unknown(iam) and iam != "ENABLED":
        missing.append('iam = "ENABLED"')
    if missing:
        problems.append(f'volume "{name}" has no {" and no ".join(missing)} in authorization_config')
    role_value = task.get("task_role_arn")
    if role_value in (None, ""):
        problems.append(f'volume "{name}": the task has no task role to authorize ClientMount')
        return
    role = known(role_of(model, role_value))
    if role is None:
        raise Undecided("task role is not in this configuration")
    fs = file_system_of(model, config)
    if not isinstance(fs, Computed):
        known(fs)
    fs = fs if isinstance(fs, Resource) else None
    verdict: bool | Undecided
    try:
        verdict = allows(role_policies(model, role), "elasticfilesystem:ClientMount", _resource_allows_fs(fs))
    except Undecided as err:
        verdict = err
    if verdict is not True and fs is not None:
        # EFS grants access allowed by the identity policy or by the file system policy.
        granted = unless_unknown(None, _file_system_policy_allows, model, fs, role)
        if granted is True or verdict is False:
            verdict = granted if granted is not None else Undecided("file system policy not known")
    if verdict is False:
        problems.append(f'task role {role.address} does not allow elasticfilesystem:ClientMount on the file system of volume "{name}"')
    elif isinstance(verdict, Undecided):
        raise verdict


@judges("aws_ecs_task_definition")
def check_efs_iam_authorization(model: Model, task: Resource) -> Iterator[Fail]:
    problems: list[str] = []
    pending = Pending()
    for name, config in efs_volumes(task):
        with pending:
            _volume_problems(model, task, name, config, pending, problems)
    if problems:
        yield Fail(task, "; ".join(problems))
    pending.settle()


TFG405 = Rule(
    id="TFG405",
    severity="warning",
    title="EFS volumes should mount through an access point with IAM authorization",
    guidance="efs-access-control",
    why="Shared storage is shared with every client that can reach it. An access point pins the "
    "POSIX user and root directory; IAM authorization lets only task roles that are allowed "
    "elasticfilesystem:ClientMount on this file system mount it.",
    fix='In efs_volume_configuration set transit_encryption = "ENABLED" and authorization_config '
    '{ access_point_id = aws_efs_access_point.this.id, iam = "ENABLED" }, and allow '
    "elasticfilesystem:ClientMount (and ClientWrite if needed) on the file system ARN in the task "
    "role's policy (or to the task role in the file system policy).",
    url=_ECS_EFS,
    check=check_efs_iam_authorization,
    attributes=('volume.efs_volume_configuration.authorization_config',),
)


@judges("aws_efs_mount_target")
def check_mount_target_ingress(model: Model, target: Resource) -> Iterator[Fail]:
    yield from open_groups(
        model,
        target,
        target.get("security_groups"),
        model.memo("TFG406.reported", set),
        lambda text: f"{text}: NFS (TCP 2049) to EFS mount target {target.address} is open to the internet",
        port=2049,
    )


TFG406 = Rule(
    id="TFG406",
    severity="warning",
    title="EFS mount targets should admit NFS only from the tasks' security groups",
    guidance="efs-access-control",
    why="The mount target's security group is the network gate to the shared data. Admitting "
    "NFS from 0.0.0.0/0 lets anything that can route to the subnet mount the file system.",
    fix="Allow TCP 2049 on the mount target's security group only from the security groups of "
    "the tasks (or container instances) that mount it.",
    url=f"{_EFS}/network-access.html",
    check=check_mount_target_ingress,
    attributes=('cidr_blocks', 'ingress.cidr_blocks', 'cidr_ipv4'),
)


@judges("aws_efs_file_system")
def check_protected_from_destroy(model: Model, fs: Resource) -> Iterator[Fail]:
    if fs.prevent_destroy:
        return
    pending = Pending()
    for policy in model.managed("aws_efs_backup_policy"):
        with pending:
            owner = model.resolve(policy.get("file_system_id"), "aws_efs_file_system", attributes=("id", "arn"))
            if not isinstance(owner, Computed):
                known(owner)
            if owner is fs:
                status = first_block(policy, "backup_policy")
                if status is not None and known(status.get("status")) == "ENABLED":
                    return
    for selection in model.managed("aws_backup_selection"):
        with pending:
            for item in as_list(selection.get("resources")):
                if isinstance(item, Computed) and item.address == fs.address:
                    return
                if item == "*" or (isinstance(item, str) and "elasticfilesystem" in item and "*" in item):
                    return
    pending.settle()
    yield Fail(fs, "EFS file system has neither lifecycle { prevent_destroy = true } nor a backup policy")


TFG407 = Rule(
    id="TFG407",
    severity="warning",
    title="EFS file systems should be protected from destroy",
    guidance="keeping-the-data",
    why="Persistent storage outlives tasks and deployments, but not `terraform destroy` or a "
    "replacement forced by a changed argument. Without prevent_destroy or backups, one plan "
    "deletes the data for good.",
    fix="Add lifecycle { prevent_destroy = true } to the aws_efs_file_system and/or an "
    'aws_efs_backup_policy with backup_policy { status = "ENABLED" }.',
    url=f"{_EFS}/awsbackup.html",
    check=check_protected_from_destroy,
    attributes=('lifecycle.prevent_destroy',),
)
