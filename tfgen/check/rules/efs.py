"""4xx: persistent storage (Amazon EFS)."""

from __future__ import annotations

import re
from typing import Any, Iterator

from tfgen.check.model import Computed, Model, Resource, Unknown, glob_match
from tfgen.check.rules.base import Fail, Hit, Rule, Undecided
from tfgen.check.rules.helpers import (
    as_list,
    efs_volumes,
    first_block,
    launch_kinds,
    task_definition_of,
)
from tfgen.check.rules.iam import allowed_statements, allows, role_of, role_policies
from tfgen.check.rules.network import open_groups

_ECS_EFS = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/efs-volumes.html"
_EFS = "https://docs.aws.amazon.com/efs/latest/ug"


def file_system_of(model: Model, config: dict[str, Any]) -> Resource | Unknown | None:
    return model.resolve(config.get("file_system_id"), "aws_efs_file_system", attributes=("id", "arn"))


def check_transit_encryption(model: Model) -> Iterator[Hit]:
    for task in model.managed("aws_ecs_task_definition"):
        volumes = efs_volumes(task)
        if isinstance(volumes, Unknown):
            yield Undecided(task, volumes.reason)
            continue
        bad, unknown = [], None
        for name, config in volumes:
            value = config.get("transit_encryption")
            if isinstance(value, Unknown):
                unknown = value
            elif value != "ENABLED":
                bad.append(f'"{name}"' + ("" if value else " (left out: DISABLED)"))
        if bad:
            yield Fail(task, f"EFS volume {', '.join(bad)} does not set transit_encryption = \"ENABLED\"")
        elif unknown is not None:
            yield Undecided(task, unknown.reason)


TFG401 = Rule(
    id="TFG401",
    severity="error",
    title="EFS volumes must be encrypted in transit",
    guidance="Mounted directly onto ECS tasks",
    why="An EFS volume is mounted over NFS across the network. Without transit encryption the "
    "file data travels in clear text between the task and the mount target; IAM authorization "
    "also needs it.",
    fix='Set transit_encryption = "ENABLED" in the volume\'s efs_volume_configuration.',
    url=_ECS_EFS,
    check=check_transit_encryption,
    attributes=('volume.efs_volume_configuration.transit_encryption',),
)


def check_encrypted_at_rest(model: Model) -> Iterator[Hit]:
    for fs in model.managed("aws_efs_file_system"):
        value = fs.get("encrypted")
        if isinstance(value, Unknown):
            yield Undecided(fs, value.reason)
        elif value not in (True, "true"):
            yield Fail(fs, "EFS file system is not encrypted at rest" + (" (encrypted left out: false)" if value is None else ""))


TFG402 = Rule(
    id="TFG402",
    severity="error",
    title="EFS file systems must be encrypted at rest",
    guidance="Use **Amazon EFS** (Elastic File System) for shared data volumes.",
    why="Shared data volumes hold application state. Encryption at rest can only be chosen when "
    "the file system is created; turning it on later means a new file system and a data copy.",
    fix="Set encrypted = true (and kms_key_id for a customer managed key) on aws_efs_file_system.",
    url=f"{_EFS}/encryption.html",
    check=check_encrypted_at_rest,
    attributes=('encrypted',),
)


def _used_file_systems(model: Model) -> tuple[dict[str, Resource], Unknown | None]:
    used: dict[str, Resource] = {}
    unknown: Unknown | None = None
    for task in model.managed("aws_ecs_task_definition"):
        volumes = efs_volumes(task)
        if isinstance(volumes, Unknown):
            unknown = unknown or volumes
            continue
        for _, config in volumes:
            fs = file_system_of(model, config)
            if isinstance(fs, Resource):
                used[fs.address] = fs
            elif isinstance(fs, Unknown):
                unknown = unknown or fs
    return used, unknown


def check_multi_az(model: Model) -> Iterator[Hit]:
    used, _ = _used_file_systems(model)
    for fs in used.values():
        zone = fs.get("availability_zone_name")
        if isinstance(zone, Unknown):
            yield Undecided(fs, zone.reason)
            continue
        if zone not in (None, ""):
            yield Fail(fs, f"EFS file system used by ECS tasks is One Zone ({zone}): its data lives in one availability zone", severity="warning")
            continue
        subnets: set[str] = set()
        unknown: Unknown | None = None
        for target in model.managed("aws_efs_mount_target"):
            owner = model.resolve(target.get("file_system_id"), "aws_efs_file_system", attributes=("id", "arn"))
            if isinstance(owner, Unknown) and not isinstance(owner, Computed):
                unknown = unknown or owner
                continue
            if owner is not fs:
                continue
            if not target.instances_known:
                unknown = unknown or Unknown(f"{target.address}: number of mount targets not known")
                continue
            subnet = target.get("subnet_id")
            if isinstance(subnet, Computed):
                subnets.add(f"{subnet.address}.{subnet.attribute}")
            elif isinstance(subnet, Unknown):
                unknown = unknown or subnet
            elif subnet:
                subnets.add(str(subnet))
        if len(subnets) >= 2:
            continue
        if unknown is not None:
            yield Undecided(fs, unknown.reason)
        else:
            yield Fail(fs, f"EFS file system used by ECS tasks has mount targets in {len(subnets)} subnet{'' if len(subnets) == 1 else 's'}; multi-AZ storage needs at least two availability zones")


TFG403 = Rule(
    id="TFG403",
    severity="error",
    title="EFS used by ECS needs mount targets in at least two availability zones",
    guidance="Persistent, **multi-AZ** shared storage",
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


def check_platform_version(model: Model) -> Iterator[Hit]:
    for service in model.managed("aws_ecs_service"):
        kinds = launch_kinds(model, service)
        if isinstance(kinds, Unknown):
            yield Undecided(service, kinds.reason)
            continue
        if "FARGATE" not in kinds:
            continue
        task = task_definition_of(model, service)
        if isinstance(task, Unknown):
            yield Undecided(service, task.reason)
            continue
        if task is None:
            continue
        volumes = efs_volumes(task)
        if isinstance(volumes, Unknown):
            yield Undecided(service, volumes.reason)
            continue
        if not volumes:
            continue
        version = service.get("platform_version")
        if isinstance(version, Unknown):
            yield Undecided(service, version.reason)
            continue
        if version in (None, "", "LATEST"):
            continue
        parsed = _version_tuple(str(version))
        if parsed is not None and parsed < (1, 4, 0):
            yield Fail(service, f"Fargate service mounts EFS with platform_version {version}; EFS needs 1.4.0 or later")


TFG404 = Rule(
    id="TFG404",
    severity="error",
    title="Fargate services mounting EFS need platform version 1.4.0 or later",
    guidance="Works with both **EC2 and Fargate** launch types.",
    why="Fargate supports EFS volumes from platform version 1.4.0 on; a task on an older platform "
    "version fails to start.",
    fix='Remove platform_version (it defaults to LATEST) or set it to "1.4.0" or later.',
    url=_ECS_EFS,
    check=check_platform_version,
    attributes=('platform_version',),
)


def _resource_allows_fs(fs: Resource | None) -> Any:
    def judge(value: Any) -> bool | Unknown:
        if value == "*":
            return True
        if isinstance(value, Computed):
            return fs is not None and value.address == fs.address
        if isinstance(value, Unknown):
            return value
        if not isinstance(value, str):
            return False
        arn = fs.get("arn") if fs is not None else None
        if isinstance(arn, str):
            return glob_match(value, arn)
        if value.endswith(":file-system/*") or value.endswith(":*"):
            return True
        return Unknown("policy resource compared with an ARN known only after apply")

    return judge


def _file_system_policy_allows(model: Model, fs: Resource, role: Resource) -> bool | Unknown:
    """Does a file system policy of `fs` allow `role` elasticfilesystem:ClientMount?"""
    unknown: Unknown | None = None
    for policy in model.managed("aws_efs_file_system_policy"):
        if model.resolve(policy.get("file_system_id"), "aws_efs_file_system", attributes=("id", "arn")) is not fs:
            continue
        for statement in allowed_statements(policy.get("policy")):
            if isinstance(statement, Unknown):
                unknown = unknown or statement
                continue
            actions = as_list(statement.get("Action"))
            if isinstance(actions, Unknown) or not any(isinstance(a, str) and glob_match(a, "elasticfilesystem:ClientMount") for a in actions):
                continue
            principal = statement.get("Principal")
            named = principal.get("AWS") if isinstance(principal, dict) else principal
            # One principal or a list; a reference to the role stands for its ARN.
            for value in named if isinstance(named, list) else [named]:
                if value == "*" or role_of(model, value) is role:
                    return True
                if isinstance(value, Unknown) and not isinstance(value, Computed):
                    unknown = unknown or value
    return unknown if unknown is not None else False


def check_efs_iam_authorization(model: Model) -> Iterator[Hit]:
    for task in model.managed("aws_ecs_task_definition"):
        volumes = efs_volumes(task)
        if isinstance(volumes, Unknown):
            yield Undecided(task, volumes.reason)
            continue
        if not volumes:
            continue
        problems: list[str] = []
        unknown: Unknown | None = None
        role_value = task.get("task_role_arn")
        role = role_of(model, role_value)
        for name, config in volumes:
            auth = first_block(config, "authorization_config")
            if isinstance(auth, Unknown):
                unknown = unknown or auth
                continue
            access_point = auth.get("access_point_id") if auth else None
            iam = auth.get("iam") if auth else None
            if isinstance(access_point, Unknown) and not isinstance(access_point, Computed):
                unknown = unknown or access_point
            if isinstance(iam, Unknown):
                unknown = unknown or iam
            missing = []
            if access_point in (None, ""):
                missing.append("access point")
            if not isinstance(iam, Unknown) and iam != "ENABLED":
                missing.append('iam = "ENABLED"')
            if missing:
                problems.append(f'volume "{name}" has no {" and no ".join(missing)} in authorization_config')
            if role_value in (None, ""):
                problems.append(f'volume "{name}": the task has no task role to authorize ClientMount')
                continue
            if isinstance(role, Unknown):
                unknown = unknown or role
                continue
            if role is None:
                unknown = unknown or Unknown("task role is not in this configuration")
                continue
            fs = file_system_of(model, config)
            if isinstance(fs, Unknown) and not isinstance(fs, Computed):
                unknown = unknown or fs
                continue
            verdict = allows(role_policies(model, role), "elasticfilesystem:ClientMount", _resource_allows_fs(fs if isinstance(fs, Resource) else None))
            if verdict is not True and isinstance(fs, Resource):
                # EFS grants access allowed by the identity policy or by the file system policy.
                granted = _file_system_policy_allows(model, fs, role)
                verdict = granted if granted is True or verdict is False else verdict
            if verdict is False:
                problems.append(f'task role {role.address} does not allow elasticfilesystem:ClientMount on the file system of volume "{name}"')
            elif isinstance(verdict, Unknown):
                unknown = unknown or verdict
        if problems:
            yield Fail(task, "; ".join(problems))
        elif unknown is not None:
            yield Undecided(task, unknown.reason)


TFG405 = Rule(
    id="TFG405",
    severity="warning",
    title="EFS volumes should mount through an access point with IAM authorization",
    guidance="If “share data between tasks” → Use **EFS**",
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


def check_mount_target_ingress(model: Model) -> Iterator[Hit]:
    reported: set[str] = set()
    for target in model.managed("aws_efs_mount_target"):
        yield from open_groups(
            model,
            target,
            target.get("security_groups"),
            reported,
            lambda text, target=target: f"{text}: NFS (TCP 2049) to EFS mount target {target.address} is open to the internet",
            port=2049,
        )


TFG406 = Rule(
    id="TFG406",
    severity="warning",
    title="EFS mount targets should admit NFS only from the tasks' security groups",
    guidance="Stateless containers needing shared state or communication",
    why="The mount target's security group is the network gate to the shared data. Admitting "
    "NFS from 0.0.0.0/0 lets anything that can route to the subnet mount the file system.",
    fix="Allow TCP 2049 on the mount target's security group only from the security groups of "
    "the tasks (or container instances) that mount it.",
    url=f"{_EFS}/network-access.html",
    check=check_mount_target_ingress,
    attributes=('cidr_blocks', 'ingress.cidr_blocks', 'cidr_ipv4'),
)


def check_protected_from_destroy(model: Model) -> Iterator[Hit]:
    for fs in model.managed("aws_efs_file_system"):
        if fs.prevent_destroy:
            continue
        protected = False
        unknown: Unknown | None = None
        for policy in model.managed("aws_efs_backup_policy"):
            owner = model.resolve(policy.get("file_system_id"), "aws_efs_file_system", attributes=("id", "arn"))
            if owner is fs:
                status = first_block(policy, "backup_policy")
                value = status.get("status") if isinstance(status, dict) else status
                if value == "ENABLED":
                    protected = True
                elif isinstance(value, Unknown):
                    unknown = unknown or value
            elif isinstance(owner, Unknown) and not isinstance(owner, Computed):
                unknown = unknown or owner
        for selection in model.managed("aws_backup_selection"):
            resources = as_list(selection.get("resources"))
            if isinstance(resources, Unknown):
                unknown = unknown or resources
                continue
            for item in resources:
                if isinstance(item, Computed) and item.address == fs.address:
                    protected = True
                elif item == "*" or (isinstance(item, str) and "elasticfilesystem" in item and "*" in item):
                    protected = True
        if protected:
            continue
        if unknown is not None:
            yield Undecided(fs, unknown.reason)
        else:
            yield Fail(fs, "EFS file system has neither lifecycle { prevent_destroy = true } nor a backup policy")


TFG407 = Rule(
    id="TFG407",
    severity="warning",
    title="EFS file systems should be protected from destroy",
    guidance="**EFS** = Persistent storage for multi-AZ containers.",
    why="Persistent storage outlives tasks and deployments, but not `terraform destroy` or a "
    "replacement forced by a changed argument. Without prevent_destroy or backups, one plan "
    "deletes the data for good.",
    fix="Add lifecycle { prevent_destroy = true } to the aws_efs_file_system and/or an "
    'aws_efs_backup_policy with backup_policy { status = "ENABLED" }.',
    url=f"{_EFS}/awsbackup.html",
    check=check_protected_from_destroy,
    attributes=('lifecycle.prevent_destroy',),
)
