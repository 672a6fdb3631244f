"""Reading values and following relationships in the model, shared by the rule families.

Every helper answers with a known value or None (absent / not in this configuration), and
raises `Undecided` when what it needs cannot be known: the runner counts that as an unknown.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from typing import Any

from tfgen.check.model import Model, PartialJson, PartialString, Resource, Unknown, is_unknown
from tfgen.check.rules.base import Pending, Undecided, known, unless_unknown

FARGATE_PROVIDERS = ("FARGATE", "FARGATE_SPOT")


# --- plain values ------------------------------------------------------------------------------


def as_list(value: Any) -> list[Any]:
    """A list of the value (none when absent); Undecided when the value is not known."""
    if value is None:
        return []
    known(value)
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def first_block(resource_or_dict: Any, name: str) -> dict[str, Any] | None:
    """The first `name` block; Undecided when the blocks are not known."""
    value = resource_or_dict.get(name) if isinstance(resource_or_dict, (dict, Resource)) else None
    value = known(value)
    if isinstance(value, list):
        value = known(value[0]) if value else None
    return value if isinstance(value, dict) else None


def resolve(model: Model, value: Any, *types: str, attributes: tuple[str, ...] = ("arn", "id", "name")) -> Resource | None:
    """The resource `value` names (None when it is made elsewhere); Undecided when not known."""
    return known(model.resolve(value, *types, attributes=attributes))


_TOKEN = "@@tfgen-unknown-{}@@"
_TOKEN_RE = re.compile(r"@@tfgen-unknown-(\d+)@@")


def _decode_partial(value: PartialString) -> Any:
    """JSON text with unknown interpolations inside its strings (a heredoc policy using
    `${data.aws_region.current.name}`): the structure is known, those strings are not."""
    unknowns = [p for p in value.parts if isinstance(p, Unknown)]
    text = "".join(p if isinstance(p, str) else _TOKEN.format(unknowns.index(p)) for p in value.parts)
    try:
        data = json.loads(text)
    except ValueError:
        return value

    def restore(item: Any) -> Any:
        if isinstance(item, dict):
            return {k: restore(v) for k, v in item.items()}
        if isinstance(item, list):
            return [restore(v) for v in item]
        if isinstance(item, str) and _TOKEN_RE.search(item):
            whole = _TOKEN_RE.fullmatch(item)
            if whole:
                return unknowns[int(whole.group(1))]
            pieces = [unknowns[int(t)] if i % 2 else t for i, t in enumerate(_TOKEN_RE.split(item))]
            return PartialString(value.reason, pattern=_TOKEN_RE.sub("*", item), parts=tuple(p for p in pieces if p != ""))
        return item

    return restore(data)


def decode_json(value: Any) -> Any:
    """A JSON document from a string or a `jsonencode()` of partly known data (parts inside it
    may be Unknown); Undecided when the document cannot be read."""
    if isinstance(value, PartialJson):
        return value.data
    if isinstance(value, PartialString) and value.parts:
        return known(_decode_partial(value))
    known(value)
    if isinstance(value, (dict, list)):
        return value
    if not isinstance(value, str):
        raise Undecided("not a JSON document")
    try:
        return json.loads(value)
    except ValueError:
        raise Undecided("a string that is not JSON") from None


def maybe_base64(text: Any) -> Any:
    """User data as the instance sees it: base64 decoded when it is base64, else as is."""
    if not isinstance(text, str):
        return text
    stripped = text.strip()
    if stripped and re.fullmatch(r"[A-Za-z0-9+/=\s]+", stripped) and len(stripped) % 4 == 0:
        try:
            return base64.b64decode(stripped, validate=False).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return text
    return text


_CPU_VCPU = re.compile(r"^\s*([0-9.]+)\s*vcpu\s*$", re.I)
_MEM_GB = re.compile(r"^\s*([0-9.]+)\s*gb\s*$", re.I)


def parse_cpu(value: Any) -> int | None:
    """Task CPU in units; the API also accepts '1 vCPU'."""
    return _parse_size(value, _CPU_VCPU)


def parse_memory(value: Any) -> int | None:
    """Task memory in MiB; the API also accepts '2 GB'."""
    return _parse_size(value, _MEM_GB)


def _parse_size(value: Any, in_thousand_units: re.Pattern[str]) -> int | None:
    """A task size as a number: plain ('512'), or in vCPU / GB, which are 1024 units each."""
    if known(value) is None:
        return None
    if isinstance(value, bool):
        return None
    try:
        if isinstance(value, (int, float)):
            return int(value)
        if not isinstance(value, str):
            return None
        match = in_thousand_units.match(value)
        if match:
            return int(float(match.group(1)) * 1024)
        return int(float(value))
    except (ValueError, OverflowError):
        return None  # not a number ("abc", "1.2.3", "inf"): AWS rejects it, no size to judge


# --- ECS relationships ---------------------------------------------------------------------------


def task_definition_of(model: Model, service: Resource) -> Resource | None:
    return resolve(model, service.get("task_definition"), "aws_ecs_task_definition", attributes=("arn", "family", "id"))


def services_running(model: Model, task: Resource) -> list[Resource]:
    def table() -> dict[int, list[Resource]]:
        found: dict[int, list[Resource]] = {}
        for service in model.managed("aws_ecs_service"):
            target = model.resolve(service.get("task_definition"), "aws_ecs_task_definition", attributes=("arn", "family", "id"))
            if isinstance(target, Resource):
                found.setdefault(id(target), []).append(service)
        return found

    return model.memo("services-running", table).get(id(task), [])


def cluster_of(model: Model, service: Resource) -> Resource | None:
    value = service.get("cluster")
    if value is None:
        return None  # the account's "default" cluster
    return resolve(model, value, "aws_ecs_cluster", attributes=("arn", "id", "name"))


def launch_kinds(model: Model, service: Resource) -> set[str]:
    """What the service runs on: {"FARGATE"}, {"EC2"}, {"EXTERNAL"} (or a mix of strategies)."""
    launch_type = known(service.get("launch_type"))
    if launch_type not in (None, ""):
        return {str(launch_type).upper()}
    strategy = as_list(service.get("capacity_provider_strategy"))
    if not strategy:
        value = service.get("cluster")
        cluster = None if value is None else known(model.resolve(value, "aws_ecs_cluster", attributes=("arn", "id", "name")), f"the cluster of {service.address} is not known")
        strategy = cluster_default_strategy(model, cluster)
        if not strategy:
            return {"EC2"}  # the provider's documented default launch type
    kinds: set[str] = set()
    for item in strategy:
        name = known(item.get("capacity_provider") if isinstance(item, dict) else item)
        kinds.add("FARGATE" if name in FARGATE_PROVIDERS else "EC2")
    return kinds


def cluster_default_strategy(model: Model, cluster: Resource | None) -> list[Any]:
    if cluster is None:
        return []
    for link in model.managed("aws_ecs_cluster_capacity_providers"):
        target = known(model.resolve(link.get("cluster_name"), "aws_ecs_cluster", attributes=("name", "id", "arn")), f"{link.address}: cluster not known")
        if target is cluster:
            return as_list(link.get("default_capacity_provider_strategy"))
    return as_list(cluster.get("default_capacity_provider_strategy"))


def compatibilities(task: Resource) -> set[str]:
    """The task definition's requires_compatibilities; AWS treats a missing list as EC2 only."""
    value = as_list(task.get("requires_compatibilities"))
    values = [known(v, f"{task.address}: requires_compatibilities not fully known") for v in value]
    return {str(v).upper() for v in values} if values else {"EC2"}


def is_fargate_task(model: Model, task: Resource) -> bool:
    """FARGATE in requires_compatibilities, or a service runs it on Fargate."""
    pending = Pending()
    with pending:
        if "FARGATE" in compatibilities(task):
            return True
    for service in services_running(model, task):
        with pending:
            if "FARGATE" in launch_kinds(model, service):
                return True
    pending.settle()
    return False


def network_mode(task: Resource) -> str:
    value = known(task.get("network_mode"))
    return str(value) if value not in (None, "") else "bridge"  # AWS default for Linux tasks


def efs_volumes(task: Resource) -> list[tuple[str, dict[str, Any]]]:
    """(volume name, efs_volume_configuration) for each EFS volume of a task definition."""
    found = []
    for volume in known(task.blocks("volume")):
        config = first_block(known(volume), "efs_volume_configuration")
        if config is not None:
            name = volume.get("name")
            found.append((name if isinstance(name, str) else "?", config))
    return found


def shown(value: Any) -> str:
    """A value as a message shows it: "?" where it is not known."""
    return "?" if value is None or is_unknown(value) else str(value)


# --- container instances --------------------------------------------------------------------------


def launch_templates_of(model: Model, group: Resource) -> list[Resource]:
    """The launch templates and launch configuration of an Auto Scaling group that are in this
    configuration (those that cannot be known are left out)."""
    out = []
    specs = [unless_unknown(None, first_block, group, "launch_template")]
    mixed = unless_unknown(None, first_block, group, "mixed_instances_policy")
    if mixed is not None:
        template = unless_unknown(None, first_block, mixed, "launch_template")
        specs.append(unless_unknown(None, first_block, template, "launch_template_specification") if template is not None else None)
    for spec in specs:
        if spec is not None:
            for key in ("id", "launch_template_id", "name", "launch_template_name"):
                found = model.resolve(spec.get(key), "aws_launch_template", attributes=("id", "name", "arn"))
                if isinstance(found, Resource):
                    out.append(found)
    config = model.resolve(group.get("launch_configuration"), "aws_launch_configuration", attributes=("name", "id", "arn"))
    if isinstance(config, Resource):
        out.append(config)
    return out


# --- tasks started for you: schedules ------------------------------------------------------------


@dataclass(frozen=True)
class EcsLaunch:
    """A scheduled start of an ECS task: an EventBridge Scheduler schedule (`target` with
    `ecs_parameters`) or an EventBridge rule's target (`ecs_target`). Values as configured."""

    source: Resource  # the aws_scheduler_schedule or aws_cloudwatch_event_target
    role: Any  # the role EventBridge runs the task with (role_arn)
    dead_letter: Any  # the dead-letter queue's ARN, None when there is none


def ecs_launch(resource: Resource) -> EcsLaunch | None:
    """The ECS task `resource` starts, None when it targets something else; Undecided when the
    blocks that tell are not known."""
    if resource.type == "aws_scheduler_schedule":
        target = first_block(resource, "target")
        ecs = first_block(target, "ecs_parameters") if target is not None else None
    else:
        target = resource
        ecs = first_block(resource, "ecs_target")
    if target is None or ecs is None:
        return None
    letter = first_block(target, "dead_letter_config")
    return EcsLaunch(resource, target.get("role_arn"), letter.get("arn") if letter is not None else None)


LAUNCH_TYPES = ("aws_scheduler_schedule", "aws_cloudwatch_event_target")


def scheduled_sources(model: Model) -> list[Resource]:
    """Schedules and event targets that start ECS tasks, or might (their blocks not known)."""
    return [r for r in model.managed(*LAUNCH_TYPES) if unless_unknown(True, lambda: ecs_launch(r) is not None)]
