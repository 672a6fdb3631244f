"""Security groups and load balancers as the 3xx and 4xx rules need them."""

from __future__ import annotations

from typing import Any, Callable, Iterator

from tfgen.check.model import Model, Resource, Unknown
from tfgen.check.rules.base import Fail, Hit, Undecided
from tfgen.check.rules.helpers import as_list

WORLD = ("0.0.0.0/0", "::/0")
LB_TYPES = ("aws_lb", "aws_alb")
LISTENER_TYPES = ("aws_lb_listener", "aws_alb_listener")
TARGET_GROUP_TYPES = ("aws_lb_target_group", "aws_alb_target_group")
LISTENER_RULE_TYPES = ("aws_lb_listener_rule", "aws_alb_listener_rule")


def lb_type(lb: Resource) -> str | Unknown:
    value = lb.get("load_balancer_type")
    if isinstance(value, Unknown):
        return value
    return str(value) if value else "application"


def _port_covers(protocol: Any, from_port: Any, to_port: Any, port: int | None) -> bool | Unknown:
    if port is None:
        return True
    if isinstance(protocol, Unknown):
        return protocol
    proto = str(protocol).lower() if protocol is not None else "tcp"
    if proto in ("-1", "all"):
        return True
    if proto not in ("tcp", "6"):
        return False
    if isinstance(from_port, Unknown) or isinstance(to_port, Unknown):
        return Unknown("port range not known")
    try:
        return int(from_port) <= port <= int(to_port)
    except (TypeError, ValueError):
        return Unknown("port range not known")


def _world_sources(*values: Any) -> list[str] | Unknown:
    found: list[str] = []
    for value in values:
        items = as_list(value)
        if isinstance(items, Unknown):
            return items
        for item in items:
            if isinstance(item, Unknown):
                return item
            if item in WORLD:
                found.append(item)
    return found


def open_ingress(model: Model, group: Resource, port: int | None = None) -> tuple[list[tuple[Resource, str]], Unknown | None]:
    """Where `group` admits traffic from the whole internet (on `port`, or on any port).

    Returns (resource that writes the rule, text) pairs and the first unknown met on the way.
    """
    found: list[tuple[Resource, str]] = []
    unknown: Unknown | None = None

    def judge(owner: Resource, protocol: Any, from_port: Any, to_port: Any, *cidrs: Any) -> None:
        nonlocal unknown
        world = _world_sources(*cidrs)
        if isinstance(world, Unknown):
            unknown = unknown or world
            return
        if not world:
            return
        covers = _port_covers(protocol, from_port, to_port, port)
        if isinstance(covers, Unknown):
            unknown = unknown or covers
        elif covers:
            ports = "all ports" if str(protocol).lower() in ("-1", "all") else f"port {from_port}-{to_port}" if from_port != to_port else f"port {from_port}"
            found.append((owner, f"{owner.address} admits {', '.join(world)} on {ports}"))

    ingress = group.blocks("ingress")
    if isinstance(ingress, Unknown):
        unknown = ingress
    else:
        for rule in ingress:
            if isinstance(rule, dict):
                judge(group, rule.get("protocol"), rule.get("from_port"), rule.get("to_port"), rule.get("cidr_blocks"), rule.get("ipv6_cidr_blocks"))
    for rule in model.managed("aws_security_group_rule"):
        if rule.get("type") != "ingress":
            continue
        target = model.resolve(rule.get("security_group_id"), "aws_security_group", attributes=("id", "arn"))
        if target is group:
            judge(rule, rule.get("protocol"), rule.get("from_port"), rule.get("to_port"), rule.get("cidr_blocks"), rule.get("ipv6_cidr_blocks"))
    for rule in model.managed("aws_vpc_security_group_ingress_rule"):
        target = model.resolve(rule.get("security_group_id"), "aws_security_group", attributes=("id", "arn"))
        if target is group:
            judge(rule, rule.get("ip_protocol"), rule.get("from_port"), rule.get("to_port"), rule.get("cidr_ipv4"), rule.get("cidr_ipv6"))
    return found, unknown


def security_groups(model: Model, values: Any) -> Iterator[Resource | Unknown]:
    items = as_list(values)
    if isinstance(items, Unknown):
        yield items
        return
    for item in items:
        group = model.resolve(item, "aws_security_group", attributes=("id", "arn", "name"))
        if group is not None:
            yield group


def listener_target_groups(model: Model, listener: Resource) -> list[Any]:
    """Target group references a listener (and its rules) forward to."""
    refs: list[Any] = []

    def from_actions(actions: Any) -> None:
        items = as_list(actions)
        for action in [items] if isinstance(items, Unknown) else items:
            if not isinstance(action, dict):
                refs.append(action)
                continue
            if action.get("target_group_arn") is not None:
                refs.append(action.get("target_group_arn"))
            forward = action.get("forward")
            for block in as_list(forward) if not isinstance(as_list(forward), Unknown) else [forward]:
                if isinstance(block, dict):
                    groups = as_list(block.get("target_group"))
                    for group in [groups] if isinstance(groups, Unknown) else groups:
                        refs.append(group.get("arn") if isinstance(group, dict) else group)

    from_actions(listener.get("default_action"))
    for rule in model.managed(*LISTENER_RULE_TYPES):
        if model.resolve(rule.get("listener_arn"), *LISTENER_TYPES, attributes=("arn", "id")) is listener:
            from_actions(rule.get("action"))
    return refs


def open_groups(
    model: Model, subject: Resource, groups: Any, reported: set[str], describe: Callable[[str], str], port: int | None = None
) -> Iterator[Hit]:
    """Fail each rule (once per rule, across calls sharing `reported`) that opens one of
    `subject`'s security groups to the internet; `describe` turns the rule's text into the
    finding's message. Groups or rules that cannot be known make the check undecided."""
    for group in security_groups(model, groups):
        if isinstance(group, Unknown):
            yield Undecided(subject, group.reason)
            continue
        found, unknown = open_ingress(model, group, port=port)
        for owner, text in found:
            if owner.address not in reported:
                reported.add(owner.address)
                yield Fail(owner, describe(text))
        if unknown is not None and not found:
            yield Undecided(group, unknown.reason)
