"""Container instances: which EC2 instances (Auto Scaling groups, launch templates, instances)
a service's tasks are placed on, as the EC2 rules (TFG103, TFG106, TFG306) need them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from tfgen.check.model import Model, Resource
from tfgen.check.rules.base import Pending, Undecided, known
from tfgen.check.rules.helpers import FARGATE_PROVIDERS, as_list, cluster_default_strategy, cluster_of, decode_json, first_block, maybe_base64, resolve


def registers(user_data: str, cluster: str) -> bool:
    text = maybe_base64(user_data)
    if not isinstance(text, str):
        return False
    name = re.escape(cluster)
    if re.search(rf"ECS_CLUSTER\s*=\s*['\"]?{name}['\"]?(?=[\s'\"]|$)", text):
        return True
    if re.search(rf"\[settings\.ecs\][^\[]*cluster\s*=\s*['\"]{name}['\"]", text, re.S):
        return True  # Bottlerocket
    if cluster == "default" and "ECS_CLUSTER" not in text:
        return True  # the agent joins "default" unless told otherwise
    return False


def _template_user_data(model: Model, spec: dict[str, Any] | None) -> Any:
    """User data of the launch template a launch_template block / specification points to."""
    if spec is None:
        return None
    for key in ("id", "launch_template_id", "name", "launch_template_name"):
        value = spec.get(key)
        if value is None:
            continue
        template = resolve(model, value, "aws_launch_template", attributes=("id", "name", "arn"))
        if template is None:
            raise Undecided(f"launch template {value!r} is not in this configuration")
        return template.get("user_data")
    return None


def _group_user_data(model: Model, group: Resource) -> Iterator[Callable[[], Any]]:
    yield lambda: _template_user_data(model, first_block(group, "launch_template"))

    def mixed() -> Any:
        policy = first_block(group, "mixed_instances_policy")
        if policy is None:
            return None
        template = first_block(policy, "launch_template")
        return _template_user_data(model, first_block(template, "launch_template_specification") if template is not None else None)

    yield mixed

    def configuration() -> Any:
        config = group.get("launch_configuration")
        if config is None:
            return None
        found = resolve(model, config, "aws_launch_configuration", attributes=("name", "id", "arn"))
        if found is None:
            raise Undecided("launch configuration not in this configuration")
        return found.get("user_data")

    yield configuration


def _instance_user_data(model: Model, instance: Resource) -> Any:
    for attribute in ("user_data", "user_data_base64"):
        if instance.get(attribute) is not None:
            return instance.get(attribute)
    data = _template_user_data(model, first_block(instance, "launch_template"))
    return data if data is not None else ""


def instance_user_data(model: Model) -> Iterator[tuple[Resource, Callable[[], Any]]]:
    """For each Auto Scaling group and instance, readers of the user data its instances boot
    with (None when a source is not used); a reader raises Undecided when it cannot know."""
    for group in model.managed("aws_autoscaling_group"):
        for read in _group_user_data(model, group):
            yield group, read
    for instance in model.managed("aws_instance"):
        yield instance, lambda instance=instance: _instance_user_data(model, instance)




@dataclass
class Fleet:
    """Instances a service can be placed on: an Auto Scaling group (with the launch templates /
    configuration it starts instances from) or one aws_instance."""

    owner: Resource
    sources: list[Resource] = field(default_factory=list)  # launch templates, configurations, the instance

    def instance_types(self) -> list[Any]:
        """The instance types the fleet starts (Unknowns included): a mixed instances policy's
        overrides, else its templates' / configuration's / the instance's own type."""
        types: list[Any] = []
        if self.owner.type == "aws_autoscaling_group":
            policy = first_block(self.owner, "mixed_instances_policy")
            template = first_block(policy, "launch_template") if policy is not None else None
            for override in as_list(template.get("override")) if template is not None else []:
                if isinstance(override, dict) and override.get("instance_type") is not None:
                    types.append(override.get("instance_type"))
        if not types:
            types = [source.get("instance_type") for source in self.sources]
        return types


def group_sources(model: Model, group: Resource) -> list[Resource]:
    """The launch templates and launch configuration an Auto Scaling group starts instances from;
    Undecided when one of them cannot be known or is not in this configuration."""
    specs = [first_block(group, "launch_template")]
    policy = first_block(group, "mixed_instances_policy")
    template = first_block(policy, "launch_template") if policy is not None else None
    specs.append(first_block(template, "launch_template_specification") if template is not None else None)
    sources = []
    for spec in specs:
        if spec is None:
            continue
        ref = next((spec.get(k) for k in ("id", "launch_template_id", "name", "launch_template_name") if spec.get(k) is not None), None)
        found = resolve(model, ref, "aws_launch_template", attributes=("id", "name", "arn"))
        if found is None:
            raise Undecided(f"launch template of {group.address} is not in this configuration")
        sources.append(found)
    if group.get("launch_configuration") is not None:
        found = resolve(model, group.get("launch_configuration"), "aws_launch_configuration", attributes=("name", "id", "arn"))
        if found is None:
            raise Undecided(f"launch configuration of {group.address} is not in this configuration")
        sources.append(found)
    return sources


def fleets_of(model: Model, service: Resource) -> list[Fleet]:
    """The container instances an EC2 service's tasks are placed on: the Auto Scaling groups of
    its EC2 capacity providers, else every group or instance registering with its cluster.
    Undecided when they cannot be known; [] when none is in this configuration."""
    strategy = [] if known(service.get("launch_type")) not in (None, "") else as_list(service.get("capacity_provider_strategy"))
    if not strategy and service.get("launch_type") in (None, ""):
        strategy = cluster_default_strategy(model, cluster_of(model, service))
    fleets = []
    for item in strategy:
        name = known(item.get("capacity_provider") if isinstance(item, dict) else item)
        if name in FARGATE_PROVIDERS:
            continue
        provider = resolve(model, name, "aws_ecs_capacity_provider", attributes=("name", "id", "arn"))
        if provider is None:
            raise Undecided(f"capacity provider {name!r} is not in this configuration")
        spec = first_block(provider, "auto_scaling_group_provider")
        group = resolve(model, spec.get("auto_scaling_group_arn") if spec is not None else None, "aws_autoscaling_group", attributes=("arn", "name", "id"))
        if group is None:
            raise Undecided(f"the Auto Scaling group of {provider.address} is not in this configuration")
        fleets.append(Fleet(group, group_sources(model, group)))
    if strategy:
        return fleets
    cluster = cluster_of(model, service)
    name = known(cluster.get("name") if cluster is not None else "default", "the cluster's name is not known")
    pending = Pending()
    members: dict[str, Resource] = {}
    for owner, read in instance_user_data(model):
        with pending:
            data = known(read())
            if isinstance(data, str) and isinstance(name, str) and registers(data, name):
                members[owner.address] = owner
    if not members:
        pending.settle()
    for owner in members.values():
        fleets.append(Fleet(owner, group_sources(model, owner) if owner.type == "aws_autoscaling_group" else [owner]))
    return fleets


def instance_security_groups(source: Resource) -> list[Any]:
    """The security group references of the instances a launch template, launch configuration
    or aws_instance starts; Undecided when they cannot be known."""
    names = {
        "aws_launch_template": ("vpc_security_group_ids", "security_group_names"),
        "aws_launch_configuration": ("security_groups",),
        "aws_instance": ("vpc_security_group_ids", "security_groups"),
    }.get(source.type, ())
    groups = [group for name in names for group in as_list(source.get(name))]
    if source.type == "aws_launch_template":
        for interface in known(source.blocks("network_interfaces")):
            groups += as_list(known(interface).get("security_groups"))
    return groups


# ECS picks a host port from this range for a bridge-mode mapping without one (hostPort 0).
DYNAMIC_HOST_PORT = 32768


def host_ports(task: Resource, mode: str) -> list[int]:
    """The ports a bridge- or host-mode task listens on at its container instance."""
    definitions = decode_json(task.get("container_definitions")) if task.get("container_definitions") is not None else []
    ports: set[int] = set()
    for container in definitions if isinstance(definitions, list) else [definitions]:
        if not isinstance(known(container), dict):
            continue
        for mapping in as_list(container.get("portMappings")):
            if not isinstance(known(mapping), dict):
                continue
            port = known(mapping.get("hostPort")) if mode == "bridge" else known(mapping.get("containerPort"))
            if mode == "bridge" and port in (None, 0, "0"):
                ports.add(DYNAMIC_HOST_PORT)
                continue
            try:
                ports.add(int(port))
            except (TypeError, ValueError, OverflowError):
                raise Undecided("a port mapping is not a number") from None
    return sorted(ports)
