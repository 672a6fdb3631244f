"""Security groups and load balancers as the 3xx and 4xx rules need them."""

from __future__ import annotations

from typing import Any, Callable, Iterator

from tfgen.check.model import Model, Resource, Unknown
from tfgen.check.rules.base import Fail, Pending, Undecided, known
from tfgen.check.rules.helpers import as_list

WORLD = ("0.0.0.0/0", "::/0")
LB_TYPES = ("aws_lb", "aws_alb")
LISTENER_TYPES = ("aws_lb_listener", "aws_alb_listener")
TARGET_GROUP_TYPES = ("aws_lb_target_group", "aws_alb_target_group")
LISTENER_RULE_TYPES = ("aws_lb_listener_rule", "aws_alb_listener_rule")


def lb_type(lb: Resource) -> str:
    value = known(lb.get("load_balancer_type"))
    return str(value) if value not in (None, "") else "application"


# Listener protocols only one kind of load balancer speaks.
_PROTOCOL_LB_TYPE = {"HTTP": "application", "HTTPS": "application", "TCP": "network", "UDP": "network", "TCP_UDP": "network", "TLS": "network"}


def listener_lb_type(model: Model, listener: Resource) -> str | None:
    """The type of the load balancer a listener is on: from the aws_lb when it is in this
    configuration, else from the listener's protocol (HTTP/HTTPS only exist on an ALB);
    None when the load balancer is made elsewhere and the protocol does not tell."""
    lb = model.resolve(listener.get("load_balancer_arn"), *LB_TYPES, attributes=("arn", "id"))
    if isinstance(lb, Resource):
        return lb_type(lb)
    protocol = listener.get("protocol")
    inferred = _PROTOCOL_LB_TYPE.get(protocol.upper()) if isinstance(protocol, str) else None
    if inferred is None:
        known(lb)  # a load balancer that cannot be known, and the protocol does not tell
        known(protocol)  # one made elsewhere, and the protocol that would tell is not known
    return inferred


def _port_covers(protocol: Any, from_port: Any, to_port: Any, port: int | None) -> bool:
    if port is None:
        return True
    proto = str(known(protocol)).lower() if protocol is not None else "tcp"
    if proto in ("-1", "all"):
        return True
    if proto not in ("tcp", "6"):
        return False
    try:
        return int(known(from_port, "port range not known")) <= port <= int(known(to_port, "port range not known"))
    except (TypeError, ValueError, OverflowError):
        raise Undecided("port range not known") from None


def _world_sources(*values: Any) -> list[str]:
    return [item for value in values for item in as_list(value) if known(item) in WORLD]


def _ports_text(protocol: Any, from_port: Any, to_port: Any) -> str:
    if str(protocol).lower() in ("-1", "all"):
        return "all ports"
    return f"port {from_port}-{to_port}" if from_port != to_port else f"port {from_port}"


def open_ingress(model: Model, group: Resource, port: int | None = None) -> tuple[list[tuple[Resource, str]], Undecided | None]:
    """Where `group` admits traffic from the whole internet (on `port`, or on any port).

    Returns (resource that writes the rule, text) pairs and the first undecided rule met on the way.
    """
    found: list[tuple[Resource, str]] = []
    pending = Pending()

    def judge(owner: Resource, protocol: Any, from_port: Any, to_port: Any, *cidrs: Any) -> None:
        with pending:
            world = _world_sources(*cidrs)
            if world and _port_covers(protocol, from_port, to_port, port):
                found.append((owner, f"{owner.address} admits {', '.join(world)} on {_ports_text(protocol, from_port, to_port)}"))

    with pending:
        for rule in known(group.blocks("ingress")):
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
    return found, pending.first


def security_groups(model: Model, values: Any) -> Iterator[Resource | Unknown]:
    """The security groups `values` names that are in this configuration (an Unknown for one
    that cannot be known; Undecided when the list itself is not known)."""
    for item in as_list(values):
        group = model.resolve(item, "aws_security_group", attributes=("id", "arn", "name"))
        if group is not None:
            yield group


def _forward_targets(action: Any) -> list[Any]:
    """Target group references one listener action forwards to (Unknowns where not known)."""
    if not isinstance(action, dict):
        return [action]
    refs = [action.get("target_group_arn")] if action.get("target_group_arn") is not None else []
    forward = action.get("forward")
    blocks = forward if isinstance(forward, list) else [forward] if forward is not None else []
    for block in blocks:
        if isinstance(block, dict):
            groups = block.get("target_group")
            for group in groups if isinstance(groups, list) else [groups] if groups is not None else []:
                refs.append(group.get("arn") if isinstance(group, dict) else group)
        elif isinstance(block, Unknown):
            refs.append(block)
    return refs


def _actions(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value] if value is not None else []


def listener_rules(model: Model, listener: Resource) -> list[Resource]:
    """The aws_lb_listener_rules known to belong to `listener`."""

    def table() -> dict[int, list[Resource]]:
        found: dict[int, list[Resource]] = {}
        for rule in model.managed(*LISTENER_RULE_TYPES):
            target = model.resolve(rule.get("listener_arn"), *LISTENER_TYPES, attributes=("arn", "id"))
            if isinstance(target, Resource):
                found.setdefault(id(target), []).append(rule)
        return found

    return model.memo("listener-rules", table).get(id(listener), [])


def listener_target_groups(model: Model, listener: Resource) -> list[Any]:
    """Target group references a listener (and its rules) forward to (Unknowns where not known)."""
    refs: list[Any] = []
    for action in _actions(listener.get("default_action")):
        refs.extend(_forward_targets(action))
    for rule in listener_rules(model, listener):
        for action in _actions(rule.get("action")):
            refs.extend(_forward_targets(action))
    return refs


def open_groups(
    model: Model, subject: Resource, groups: Any, reported: set[str], describe: Callable[[str], str], port: int | None = None
) -> Iterator[Fail]:
    """Fail each rule (once per rule, across calls sharing `reported`) that opens one of
    `subject`'s security groups to the internet; `describe` turns the rule's text into the
    finding's message. Groups or rules that cannot be known make the check undecided."""
    pending = Pending()
    for group in security_groups(model, groups):
        if isinstance(group, Unknown):
            pending.add(group.reason)
            continue
        found, unknown = open_ingress(model, group, port=port)
        for owner, text in found:
            if owner.address not in reported:
                reported.add(owner.address)
                yield Fail(owner, describe(text))
        if unknown is not None and not found:
            pending.add(unknown.reason, group)
    pending.settle()
