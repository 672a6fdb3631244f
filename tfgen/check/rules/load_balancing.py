"""3xx: load balancing (ALB, NLB, Classic)."""

from __future__ import annotations

from typing import Any, Iterator

from tfgen.check.model import Model, Resource, Unknown
from tfgen.check.rules.base import Fail, Hit, Rule, Undecided
from tfgen.check.rules.helpers import as_list, first_block, launch_kinds, network_mode, task_definition_of
from tfgen.check.rules.network import (
    LB_TYPES,
    LISTENER_TYPES,
    TARGET_GROUP_TYPES,
    lb_type,
    listener_target_groups,
    open_groups,
)

_ECS = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide"
_ELB = "https://docs.aws.amazon.com/elasticloadbalancing/latest"


def _load_balancer_blocks(service: Resource) -> list[dict[str, Any]] | Unknown:
    blocks = service.blocks("load_balancer")
    if isinstance(blocks, Unknown):
        return blocks
    return [b for b in blocks if isinstance(b, dict)]


def service_uses_awsvpc(model: Model, service: Resource) -> bool | Unknown:
    """The service's tasks get their own network interface (awsvpc mode, always so on Fargate)."""
    kinds = launch_kinds(model, service)
    if isinstance(kinds, Unknown):
        return kinds
    if "FARGATE" in kinds:
        return True
    task = task_definition_of(model, service)
    if isinstance(task, Unknown):
        return task
    if task is None:
        return service.get("network_configuration") not in (None, []) or Unknown("task definition not in this configuration")
    mode = network_mode(task)
    return mode if isinstance(mode, Unknown) else mode == "awsvpc"


def check_classic_with_awsvpc(model: Model) -> Iterator[Hit]:
    for service in model.managed("aws_ecs_service"):
        blocks = _load_balancer_blocks(service)
        if isinstance(blocks, Unknown):
            yield Undecided(service, blocks.reason)
            continue
        classic = [b.get("elb_name") for b in blocks if b.get("elb_name") not in (None, "")]
        if not classic:
            continue
        if all(isinstance(name, Unknown) for name in classic):
            yield Undecided(service, classic[0].reason)
            continue
        awsvpc = service_uses_awsvpc(model, service)
        if isinstance(awsvpc, Unknown):
            yield Undecided(service, awsvpc.reason)
        elif awsvpc:
            yield Fail(service, "service on Fargate/awsvpc is attached to a Classic Load Balancer (elb_name), which does not support it")


TFG301 = Rule(
    id="TFG301",
    severity="error",
    title="Classic Load Balancers cannot serve Fargate or awsvpc services",
    guidance="Legacy; not supported with Fargate.",
    why="A Classic Load Balancer registers instances, not IP addresses. Fargate and awsvpc tasks "
    "have their own network interfaces and can only be reached through ALB or NLB target groups "
    "of target_type ip; ECS rejects the service.",
    fix='Replace the Classic Load Balancer with an ALB (or NLB) and a target group with '
    'target_type = "ip", and use load_balancer { target_group_arn = ... } on the service.',
    url=f"{_ECS}/load-balancer-types.html",
    check=check_classic_with_awsvpc,
    attributes=('load_balancer.elb_name',),
)


def check_classic_anywhere(model: Model) -> Iterator[Hit]:
    for elb in model.managed("aws_elb"):
        yield Fail(elb, "Classic Load Balancer (aws_elb) is legacy")
    for service in model.managed("aws_ecs_service"):
        blocks = _load_balancer_blocks(service)
        if isinstance(blocks, Unknown):
            continue
        for block in blocks:
            name = block.get("elb_name")
            if name in (None, "") or isinstance(name, Unknown):
                continue
            if not isinstance(model.resolve(name, "aws_elb", attributes=("name", "id")), Resource):
                yield Fail(service, f"service uses Classic Load Balancer {name!r}, which is legacy")


TFG302 = Rule(
    id="TFG302",
    severity="warning",
    title="Classic Load Balancers are legacy",
    guidance="Use **Application Load Balancer (ALB)** for most ECS services (including Fargate).",
    why="The Classic Load Balancer is a previous-generation product: no path or host routing, no "
    "IP targets, no dynamic port mapping per task. ALB and NLB replace it.",
    fix="Use an Application Load Balancer (aws_lb with HTTP/HTTPS listeners) for web traffic, or a "
    "Network Load Balancer for TCP/UDP/TLS and PrivateLink.",
    url=f"{_ECS}/load-balancer-types.html",
    check=check_classic_anywhere,
)


def check_awsvpc_target_type(model: Model) -> Iterator[Hit]:
    reported: set[str] = set()
    for service in model.managed("aws_ecs_service"):
        blocks = _load_balancer_blocks(service)
        if isinstance(blocks, Unknown):
            yield Undecided(service, blocks.reason)
            continue
        groups = []
        for block in blocks:
            group = model.resolve(block.get("target_group_arn"), *TARGET_GROUP_TYPES, attributes=("arn", "id"))
            if group is not None:
                groups.append(group)
        if not groups:
            continue
        awsvpc = service_uses_awsvpc(model, service)
        if isinstance(awsvpc, Unknown):
            yield Undecided(service, awsvpc.reason)
            continue
        if not awsvpc:
            continue
        for group in groups:
            if isinstance(group, Unknown):
                yield Undecided(service, group.reason)
                continue
            target_type = group.get("target_type") or "instance"
            if isinstance(target_type, Unknown):
                yield Undecided(group, target_type.reason)
            elif target_type != "ip" and group.address not in reported:
                reported.add(group.address)
                yield Fail(group, f'target group of awsvpc service {service.address} has target_type "{target_type}"; it must be "ip"')


TFG303 = Rule(
    id="TFG303",
    severity="error",
    title='Target groups of awsvpc services need target_type "ip"',
    guidance="If “load balance container tasks” → Use **ALB**",
    why="Each awsvpc (and every Fargate) task has its own elastic network interface and is "
    'registered by IP address. A target group of type "instance" (the default) cannot hold them, '
    "and ECS refuses to create the service.",
    fix='Set target_type = "ip" on the aws_lb_target_group the service\'s load_balancer block uses.',
    url=f"{_ECS}/alb-considerations.html",
    check=check_awsvpc_target_type,
    attributes=('target_type',),
)


def check_privatelink_nlb(model: Model) -> Iterator[Hit]:
    for endpoint in model.managed("aws_vpc_endpoint_service"):
        arns = as_list(endpoint.get("network_load_balancer_arns"))
        if isinstance(arns, Unknown):
            yield Undecided(endpoint, arns.reason)
            continue
        if not arns:
            gateways = as_list(endpoint.get("gateway_load_balancer_arns"))
            if isinstance(gateways, Unknown):
                yield Undecided(endpoint, gateways.reason)
            elif not gateways:
                yield Fail(endpoint, "VPC endpoint service has no network_load_balancer_arns: PrivateLink needs a Network Load Balancer")
            continue
        for arn in arns:
            lb = model.resolve(arn, *LB_TYPES, attributes=("arn", "id"))
            if isinstance(lb, Unknown):
                yield Undecided(endpoint, lb.reason)
            elif isinstance(lb, Resource):
                kind = lb_type(lb)
                if isinstance(kind, Unknown):
                    yield Undecided(endpoint, kind.reason)
                elif kind != "network":
                    yield Fail(endpoint, f"VPC endpoint service is fronted by {lb.address}, a load balancer of type {kind!r}, not a Network Load Balancer")


TFG304 = Rule(
    id="TFG304",
    severity="error",
    title="PrivateLink endpoint services must be fronted by a Network Load Balancer",
    guidance="Use with **AWS PrivateLink**",
    why="An interface VPC endpoint service (PrivateLink) delivers consumer traffic to a Network "
    "Load Balancer; an Application Load Balancer cannot front one directly.",
    fix='Put an aws_lb with load_balancer_type = "network" in front of the service and list it in '
    "network_load_balancer_arns.",
    url="https://docs.aws.amazon.com/vpc/latest/privatelink/create-endpoint-service.html",
    check=check_privatelink_nlb,
    attributes=('network_load_balancer_arns', 'gateway_load_balancer_arns'),
)


def _listener_lb(model: Model, listener: Resource) -> Resource | Unknown | None:
    return model.resolve(listener.get("load_balancer_arn"), *LB_TYPES, attributes=("arn", "id"))


def check_http_redirect(model: Model) -> Iterator[Hit]:
    for listener in model.managed(*LISTENER_TYPES):
        lb = _listener_lb(model, listener)
        if isinstance(lb, Unknown):
            yield Undecided(listener, lb.reason)
            continue
        if lb is None:
            continue
        kind = lb_type(lb)
        if isinstance(kind, Unknown):
            yield Undecided(listener, kind.reason)
            continue
        if kind != "application":
            continue
        protocol = listener.get("protocol") or "HTTP"
        if isinstance(protocol, Unknown):
            yield Undecided(listener, protocol.reason)
            continue
        if str(protocol).upper() != "HTTP":
            continue
        actions = listener.blocks("default_action")
        if isinstance(actions, Unknown):
            yield Undecided(listener, actions.reason)
            continue
        types = [a.get("type") for a in actions if isinstance(a, dict)]
        if any(isinstance(t, Unknown) for t in types):
            yield Undecided(listener, "listener action type not known")
        elif "forward" in types:
            yield Fail(listener, f"HTTP listener on port {listener.get('port', '?')} forwards traffic instead of redirecting to HTTPS")


TFG305 = Rule(
    id="TFG305",
    severity="warning",
    title="ALB HTTP listeners should redirect to HTTPS",
    guidance="**ALB** = Default choice for exposing ECS services.",
    why="A listener that forwards plain HTTP to the service sends requests, cookies and tokens "
    "unencrypted across the internet. Redirecting port 80 to an HTTPS listener keeps old links "
    "working and the traffic encrypted.",
    fix='Make the HTTP listener\'s default_action { type = "redirect" redirect { port = "443", '
    'protocol = "HTTPS", status_code = "HTTP_301" } } and forward from an HTTPS listener with a '
    "certificate.",
    url=f"{_ELB}/application/load-balancer-listeners.html",
    check=check_http_redirect,
    attributes=('default_action.type',),
)


def check_tasks_open_to_world(model: Model) -> Iterator[Hit]:
    reported: set[str] = set()
    for service in model.managed("aws_ecs_service"):
        blocks = _load_balancer_blocks(service)
        if isinstance(blocks, Unknown) or not blocks:
            continue
        network = first_block(service, "network_configuration")
        if isinstance(network, Unknown):
            yield Undecided(service, network.reason)
            continue
        if network is None:
            continue
        yield from open_groups(
            model,
            service,
            network.get("security_groups"),
            reported,
            lambda text, service=service: f"{text}, but it guards the tasks of {service.address}, which sit behind a load balancer",
        )


TFG306 = Rule(
    id="TFG306",
    severity="warning",
    title="Tasks behind a load balancer should accept traffic only from it",
    guidance="**ALB** = Default choice for exposing ECS services.",
    why="When a load balancer exposes the service, the tasks' security group needs to admit only "
    "the load balancer. Admitting 0.0.0.0/0 lets anyone bypass the load balancer (and its TLS, "
    "WAF and health checks) whenever a task has a reachable address.",
    fix="Replace the 0.0.0.0/0 / ::/0 ingress on the tasks' security group with a rule whose "
    "source is the load balancer's security group (referenced_security_group_id / "
    "source_security_group_id).",
    url="https://docs.aws.amazon.com/AmazonECS/latest/bestpracticesguide/security-network.html",
    check=check_tasks_open_to_world,
    attributes=('ingress.cidr_blocks', 'cidr_blocks', 'cidr_ipv4'),
)

_ALLOWED = {"application": ("HTTP", "HTTPS"), "network": ("TCP", "UDP", "TCP_UDP", "TLS")}


def check_protocol_fits(model: Model) -> Iterator[Hit]:
    groups_seen: dict[str, set[str]] = {}
    for listener in model.managed(*LISTENER_TYPES):
        lb = _listener_lb(model, listener)
        if isinstance(lb, Unknown):
            yield Undecided(listener, lb.reason)
            continue
        if lb is None:
            continue
        kind = lb_type(lb)
        if isinstance(kind, Unknown):
            yield Undecided(listener, kind.reason)
            continue
        if kind not in _ALLOWED:
            continue
        protocol = listener.get("protocol")
        if protocol is None and kind == "application":
            protocol = "HTTP"
        if isinstance(protocol, Unknown):
            yield Undecided(listener, protocol.reason)
        elif protocol is not None and str(protocol).upper() not in _ALLOWED[kind]:
            yield Fail(listener, f"listener protocol {protocol} does not fit a{'n' if kind == 'application' else ''} {kind} load balancer ({'/'.join(_ALLOWED[kind])})")
        for ref in listener_target_groups(model, listener):
            group = model.resolve(ref, *TARGET_GROUP_TYPES, attributes=("arn", "id"))
            if isinstance(group, Resource):
                groups_seen.setdefault(group.address, set()).add(kind)
    for group in model.managed(*TARGET_GROUP_TYPES):
        kinds = groups_seen.get(group.address, set())
        protocol = group.get("protocol")
        if isinstance(protocol, Unknown):
            if kinds:
                yield Undecided(group, protocol.reason)
            continue
        if protocol is None:
            continue
        for kind in sorted(kinds):
            if str(protocol).upper() not in _ALLOWED[kind]:
                yield Fail(group, f"target group protocol {protocol} does not fit the {kind} load balancer it serves ({'/'.join(_ALLOWED[kind])})")
                break


TFG307 = Rule(
    id="TFG307",
    severity="error",
    title="Listener and target group protocols must fit the load balancer type",
    guidance="**Network Load Balancer (NLB)** for:",
    why="An Application Load Balancer speaks HTTP and HTTPS; a Network Load Balancer speaks TCP, "
    "UDP, TCP_UDP and TLS. Any other pairing is rejected by the Elastic Load Balancing API.",
    fix="Use HTTP/HTTPS listeners and target groups behind an ALB, and TCP/UDP/TCP_UDP/TLS behind "
    "an NLB; or change load_balancer_type to the type the protocol needs.",
    url=f"{_ELB}/network/load-balancer-listeners.html",
    check=check_protocol_fits,
    attributes=('protocol',),
)
