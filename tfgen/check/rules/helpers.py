"""Reading values and following relationships in the model, shared by the rule families.

Every helper answers with a value, None (absent / not in this configuration) or an Unknown,
so each rule can tell "known wrong" from "cannot know".
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

from tfgen.check.model import Model, PartialJson, PartialString, Resource, Unknown, is_unknown

FARGATE_PROVIDERS = ("FARGATE", "FARGATE_SPOT")


# --- plain values ------------------------------------------------------------------------------


def as_list(value: Any) -> list[Any] | Unknown:
    if value is None:
        return []
    if isinstance(value, Unknown):
        return value
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def first_block(resource_or_dict: Any, name: str) -> dict[str, Any] | Unknown | None:
    value = resource_or_dict.get(name) if isinstance(resource_or_dict, (dict, Resource)) else None
    if isinstance(value, Unknown):
        return value
    if isinstance(value, list):
        return value[0] if value else None
    if isinstance(value, dict):
        return value
    return None


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
    """A JSON document from a string or a `jsonencode()` of partly known data; Unknown otherwise."""
    if isinstance(value, PartialJson):
        return value.data
    if isinstance(value, PartialString) and value.parts:
        return _decode_partial(value)
    if isinstance(value, Unknown):
        return value
    if isinstance(value, (dict, list)):
        return value
    if not isinstance(value, str):
        return Unknown("not a JSON document")
    try:
        return json.loads(value)
    except ValueError:
        return Unknown("a string that is not JSON")


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


def parse_cpu(value: Any) -> int | Unknown | None:
    """Task CPU in units; the API also accepts '1 vCPU'."""
    return _parse_size(value, _CPU_VCPU)


def parse_memory(value: Any) -> int | Unknown | None:
    """Task memory in MiB; the API also accepts '2 GB'."""
    return _parse_size(value, _MEM_GB)


def _parse_size(value: Any, in_thousand_units: re.Pattern[str]) -> int | Unknown | None:
    """A task size as a number: plain ('512'), or in vCPU / GB, which are 1024 units each."""
    if value is None or isinstance(value, Unknown):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value)
    text = str(value)
    match = in_thousand_units.match(text)
    if match:
        return int(float(match.group(1)) * 1024)
    try:
        return int(float(text))
    except ValueError:
        return None


# --- ECS relationships ---------------------------------------------------------------------------


def task_definition_of(model: Model, service: Resource) -> Resource | Unknown | None:
    return model.resolve(service.get("task_definition"), "aws_ecs_task_definition", attributes=("arn", "family", "id"))


def services_running(model: Model, task: Resource) -> list[Resource]:
    return [s for s in model.managed("aws_ecs_service") if task_definition_of(model, s) is task]


def cluster_of(model: Model, service: Resource) -> Resource | Unknown | None:
    value = service.get("cluster")
    if value is None:
        return None  # the account's "default" cluster
    return model.resolve(value, "aws_ecs_cluster", attributes=("arn", "id", "name"))


def _capacity_provider_kind(model: Model, name: Any) -> str | Unknown:
    if isinstance(name, Unknown):
        return name
    if name in FARGATE_PROVIDERS:
        return "FARGATE"
    return "EC2"


def launch_kinds(model: Model, service: Resource) -> set[str] | Unknown:
    """What the service runs on: {"FARGATE"}, {"EC2"}, {"EXTERNAL"} (or a mix of strategies)."""
    launch_type = service.get("launch_type")
    if isinstance(launch_type, Unknown):
        return launch_type
    if launch_type:
        return {str(launch_type).upper()}
    strategy = service.get("capacity_provider_strategy")
    if isinstance(strategy, Unknown):
        return strategy
    if not strategy:
        cluster = cluster_of(model, service)
        if isinstance(cluster, Unknown):
            return Unknown(f"the cluster of {service.address} is not known")
        strategy = _cluster_default_strategy(model, cluster)
        if isinstance(strategy, Unknown):
            return strategy
        if not strategy:
            return {"EC2"}  # the provider's documented default launch type
    kinds: set[str] = set()
    for item in strategy:
        kind = _capacity_provider_kind(model, item.get("capacity_provider") if isinstance(item, dict) else item)
        if isinstance(kind, Unknown):
            return kind
        kinds.add(kind)
    return kinds


def _cluster_default_strategy(model: Model, cluster: Resource | None) -> list[Any] | Unknown:
    if cluster is None:
        return []
    for link in model.managed("aws_ecs_cluster_capacity_providers"):
        target = model.resolve(link.get("cluster_name"), "aws_ecs_cluster", attributes=("name", "id", "arn"))
        if target is cluster:
            strategy = link.get("default_capacity_provider_strategy")
            return strategy if isinstance(strategy, Unknown) else list(strategy or [])
        if isinstance(target, Unknown):
            return Unknown(f"{link.address}: cluster not known")
    strategy = cluster.get("default_capacity_provider_strategy")
    return strategy if isinstance(strategy, Unknown) else list(strategy or [])


def compatibilities(task: Resource) -> set[str] | Unknown:
    """The task definition's requires_compatibilities; AWS treats a missing list as EC2 only."""
    value = as_list(task.get("requires_compatibilities"))
    if isinstance(value, Unknown):
        return value
    if any(is_unknown(v) for v in value):
        return Unknown(f"{task.address}: requires_compatibilities not fully known")
    return {str(v).upper() for v in value} if value else {"EC2"}


def is_fargate_task(model: Model, task: Resource) -> bool | Unknown:
    """FARGATE in requires_compatibilities, or a service runs it on Fargate."""
    compat = compatibilities(task)
    if not isinstance(compat, Unknown) and "FARGATE" in compat:
        return True
    unknown: Unknown | None = compat if isinstance(compat, Unknown) else None
    for service in services_running(model, task):
        kinds = launch_kinds(model, service)
        if isinstance(kinds, Unknown):
            unknown = unknown or kinds
        elif "FARGATE" in kinds:
            return True
    return unknown if unknown is not None else False


def network_mode(task: Resource) -> str | Unknown:
    value = task.get("network_mode")
    if isinstance(value, Unknown):
        return value
    return str(value) if value else "bridge"  # AWS default for Linux tasks


def efs_volumes(task: Resource) -> list[tuple[str, dict[str, Any]]] | Unknown:
    """(volume name, efs_volume_configuration) for each EFS volume of a task definition."""
    volumes = task.blocks("volume")
    if isinstance(volumes, Unknown):
        return volumes
    found = []
    for volume in volumes:
        if isinstance(volume, Unknown):
            return volume
        config = first_block(volume, "efs_volume_configuration")
        if isinstance(config, Unknown):
            return config
        if config is not None:
            name = volume.get("name")
            found.append((name if isinstance(name, str) else "?", config))
    return found
