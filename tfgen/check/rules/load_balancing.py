"""3xx: load balancing (ALB, NLB, Classic)."""

from __future__ import annotations

from typing import Any, Iterator

from tfgen.check.model import Computed, Model, Resource, is_unknown
from tfgen.check.rules.base import Fail, Judge, Pending, Rule, Undecided, judges, known, unless_unknown
from tfgen.check.rules.fleet import fleets_of, host_ports, instance_security_groups
from tfgen.check.rules.helpers import as_list, first_block, launch_kinds, network_mode, resolve, shown, task_definition_of
from tfgen.check.rules.network import (
    LB_TYPES,
    LISTENER_RULE_TYPES,
    LISTENER_TYPES,
    TARGET_GROUP_TYPES,
    lb_type,
    listener_lb_type,
    listener_target_groups,
    open_groups,
)

_ECS = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide"
_ELB = "https://docs.aws.amazon.com/elasticloadbalancing/latest"


def _load_balancer_blocks(service: Resource) -> list[dict[str, Any]]:
    return [b for b in known(service.blocks("load_balancer")) if isinstance(b, dict)]


def service_uses_awsvpc(model: Model, service: Resource) -> bool:
    """The service's tasks get their own network interface (awsvpc mode, always so on Fargate)."""
    if "FARGATE" in launch_kinds(model, service):
        return True
    task = task_definition_of(model, service)
    if task is None:
        if service.get("network_configuration") in (None, []):
            raise Undecided("task definition not in this configuration")
        return True
    return network_mode(task) == "awsvpc"


@judges("aws_ecs_service")
def check_classic_with_awsvpc(model: Model, service: Resource) -> Iterator[Fail]:
    classic = [b.get("elb_name") for b in _load_balancer_blocks(service) if b.get("elb_name") not in (None, "")]
    if not classic:
        return
    if not any(_names_a_classic(name) for name in classic):
        known(classic[0])
    if service_uses_awsvpc(model, service):
        yield Fail(service, "service on Fargate/awsvpc is attached to a Classic Load Balancer (elb_name), which does not support it")


TFG301 = Rule(
    id="TFG301",
    severity="error",
    title="Classic Load Balancers cannot serve Fargate or awsvpc services",
    guidance="no-classic-load-balancer",
    why="A Classic Load Balancer registers instances, not IP addresses. Fargate and awsvpc tasks "
    "have their own network interfaces and can only be reached through ALB or NLB target groups "
    "of target_type ip; ECS rejects the service.",
    fix='Replace the Classic Load Balancer with an ALB (or NLB) and a target group with '
    'target_type = "ip", and use load_balancer { target_group_arn = ... } on the service.',
    url=f"{_ECS}/load-balancer-types.html",
    check=check_classic_with_awsvpc,
    attributes=('load_balancer.elb_name',),
)


def _names_a_classic(name: Any) -> bool:
    """elb_name names a Classic Load Balancer: a known name, or a reference to an attribute
    known only after apply (an aws_elb in a module or made without a name) - only a variable
    without a value could still turn out null."""
    return isinstance(name, str) or isinstance(name, Computed)


def _elb_label(name: Any) -> str:
    return repr(name) if isinstance(name, str) else f"{name.address}.{name.attribute}"


def _classic_subjects(model: Model) -> list[Resource]:
    return model.managed("aws_elb", "aws_ecs_service")


def _judge_classic(model: Model, subject: Resource) -> Iterator[Fail]:
    if subject.type == "aws_elb":
        yield Fail(subject, "Classic Load Balancer (aws_elb) is legacy")
        return
    blocks = subject.blocks("load_balancer")
    for block in blocks if isinstance(blocks, list) else []:
        name = block.get("elb_name") if isinstance(block, dict) else None
        if name in (None, "") or not _names_a_classic(name):
            continue
        # An aws_elb in this configuration is reported itself; one out of sight, through the service.
        if not isinstance(model.resolve(name, "aws_elb", attributes=("name", "id")), Resource):
            yield Fail(subject, f"service uses Classic Load Balancer {_elb_label(name)}, which is legacy")


check_classic_anywhere = Judge(_classic_subjects, _judge_classic)


TFG302 = Rule(
    id="TFG302",
    severity="warning",
    title="Classic Load Balancers are legacy",
    guidance="no-classic-load-balancer",
    why="The Classic Load Balancer is a previous-generation product: no path or host routing, no "
    "IP targets, no dynamic port mapping per task. ALB and NLB replace it.",
    fix="Use an Application Load Balancer (aws_lb with HTTP/HTTPS listeners) for web traffic, or a "
    "Network Load Balancer for TCP/UDP/TLS and PrivateLink.",
    url=f"{_ECS}/load-balancer-types.html",
    check=check_classic_anywhere,
)


@judges("aws_ecs_service")
def check_awsvpc_target_type(model: Model, service: Resource) -> Iterator[Fail]:
    reported: set[str] = model.memo("TFG303.reported", set)
    groups = []
    for block in _load_balancer_blocks(service):
        group = model.resolve(block.get("target_group_arn"), *TARGET_GROUP_TYPES, attributes=("arn", "id"))
        if group is not None:
            groups.append(group)
    if not groups or not service_uses_awsvpc(model, service):
        return
    pending = Pending()
    for group in groups:
        with pending:
            group = known(group)
            target_type = known(group.get("target_type"), about=group)
            target_type = target_type if target_type not in (None, "") else "instance"
            if target_type != "ip" and group.address not in reported:
                reported.add(group.address)
                yield Fail(group, f'target group of awsvpc service {service.address} has target_type "{target_type}"; it must be "ip"')
    pending.settle()


TFG303 = Rule(
    id="TFG303",
    severity="error",
    title='Target groups of awsvpc services need target_type "ip"',
    guidance="application-load-balancer",
    why="Each awsvpc (and every Fargate) task has its own elastic network interface and is "
    'registered by IP address. A target group of type "instance" (the default) cannot hold them, '
    "and ECS refuses to create the service.",
    fix='Set target_type = "ip" on the aws_lb_target_group the service\'s load_balancer block uses.',
    url=f"{_ECS}/alb-considerations.html",
    check=check_awsvpc_target_type,
    attributes=('target_type',),
)


@judges("aws_vpc_endpoint_service")
def check_privatelink_nlb(model: Model, endpoint: Resource) -> Iterator[Fail]:
    arns = as_list(endpoint.get("network_load_balancer_arns"))
    if not arns:
        if not as_list(endpoint.get("gateway_load_balancer_arns")):
            yield Fail(endpoint, "VPC endpoint service has no network_load_balancer_arns: PrivateLink needs a Network Load Balancer")
        return
    pending = Pending()
    for arn in arns:
        with pending:
            lb = resolve(model, arn, *LB_TYPES, attributes=("arn", "id"))
            if lb is not None:
                kind = lb_type(lb)
                if kind != "network":
                    yield Fail(endpoint, f"VPC endpoint service is fronted by {lb.address}, a load balancer of type {kind!r}, not a Network Load Balancer")
    pending.settle()


TFG304 = Rule(
    id="TFG304",
    severity="error",
    title="PrivateLink endpoint services must be fronted by a Network Load Balancer",
    guidance="network-load-balancer",
    why="An interface VPC endpoint service (PrivateLink) delivers consumer traffic to a Network "
    "Load Balancer; an Application Load Balancer cannot front one directly.",
    fix='Put an aws_lb with load_balancer_type = "network" in front of the service and list it in '
    "network_load_balancer_arns.",
    url="https://docs.aws.amazon.com/vpc/latest/privatelink/create-endpoint-service.html",
    check=check_privatelink_nlb,
    attributes=('network_load_balancer_arns', 'gateway_load_balancer_arns'),
)


def _listener_lb(model: Model, listener: Resource) -> Resource | None:
    return resolve(model, listener.get("load_balancer_arn"), *LB_TYPES, attributes=("arn", "id"))


def _forwarding_rules(model: Model, listener: Resource) -> list[Resource]:
    """The listener rules of `listener` that forward requests to a target; Undecided when none
    is known to and a rule whose listener or actions cannot be known might."""
    found = []
    pending = Pending()
    for rule in model.managed(*LISTENER_RULE_TYPES):
        with pending:
            target = known(model.resolve(rule.get("listener_arn"), *LISTENER_TYPES, attributes=("arn", "id")), about=rule)
            if target is listener and "forward" in _action_types(rule, "action"):
                found.append(rule)
    if not found:
        pending.settle()
    return found


def _action_types(resource: Resource, block: str) -> list[Any]:
    return [known(a.get("type"), "listener action type not known") for a in known(resource.blocks(block)) if isinstance(a, dict)]


@judges(*LISTENER_TYPES)
def check_http_redirect(model: Model, listener: Resource) -> Iterator[Fail]:
    if listener_lb_type(model, listener) != "application":
        return
    protocol = known(listener.get("protocol"))
    if str(protocol if protocol not in (None, "") else "HTTP").upper() != "HTTP":
        return
    port = shown(listener.get("port"))
    if "forward" in _action_types(listener, "default_action"):
        yield Fail(listener, f"HTTP listener on port {port} forwards traffic instead of redirecting to HTTPS")
        return
    rules = _forwarding_rules(model, listener)
    if rules:
        names = ", ".join(r.address for r in rules[:3]) + (f" and {len(rules) - 3} more" if len(rules) > 3 else "")
        yield Fail(listener, f"HTTP listener on port {port} forwards traffic through its listener rules ({names}) instead of redirecting to HTTPS")


TFG305 = Rule(
    id="TFG305",
    severity="warning",
    title="ALB HTTP listeners should redirect to HTTPS",
    guidance="application-load-balancer",
    why="A listener that forwards plain HTTP to the service, by its default action or through its "
    "listener rules, sends requests, cookies and tokens unencrypted across the network. "
    "Redirecting port 80 to an HTTPS listener keeps old links working and the traffic encrypted. "
    "An internal load balancer is judged the same way: inside the VPC the traffic is still "
    "unencrypted, readable by anything that can see it, and AWS recommends encryption in transit "
    "everywhere; where plain HTTP inside the VPC is a deliberate choice, suppress it with the reason.",
    fix='Make the HTTP listener\'s default_action { type = "redirect" redirect { port = "443", '
    'protocol = "HTTPS", status_code = "HTTP_301" } } and forward from an HTTPS listener with a '
    "certificate.",
    url=f"{_ELB}/application/load-balancer-listeners.html",
    check=check_http_redirect,
    attributes=('default_action.type',),
)


@judges("aws_ecs_service")
def check_tasks_open_to_world(model: Model, service: Resource) -> Iterator[Fail]:
    blocks = service.blocks("load_balancer")
    if is_unknown(blocks) or not blocks:
        return
    reported: set[str] = model.memo("TFG306.reported", set)
    network = first_block(service, "network_configuration")
    if network is not None:
        yield from open_groups(
            model,
            service,
            network.get("security_groups"),
            reported,
            lambda text: f"{text}, but it guards the tasks of {service.address}, which sit behind a load balancer",
        )
        return
    # bridge and host mode: the tasks listen on their container instances' addresses, behind
    # the instances' security groups.
    task = task_definition_of(model, service)
    if task is None or "EC2" not in launch_kinds(model, service):
        return
    mode = network_mode(task)
    if mode not in ("bridge", "host"):
        return
    ports = host_ports(task, mode)
    pending = Pending()
    for fleet in fleets_of(model, service):
        for source in fleet.sources:
            for port in ports:
                with pending:
                    yield from open_groups(
                        model,
                        service,
                        instance_security_groups(source),
                        reported,
                        lambda text: f"{text}, but it guards the container instances ({mode} network mode) of {service.address}, which sits behind a load balancer",
                        port=port,
                    )
    pending.settle()


TFG306 = Rule(
    id="TFG306",
    severity="warning",
    title="Tasks behind a load balancer should accept traffic only from it",
    guidance="ingress-through-the-load-balancer",
    why="When a load balancer exposes the service, the tasks' security group needs to admit only "
    "the load balancer. Admitting 0.0.0.0/0 lets anyone bypass the load balancer (and its TLS, "
    "WAF and health checks) whenever a task has a reachable address. In bridge and host network "
    "mode the tasks listen on their container instances, so the instances' security group on the "
    "tasks' host ports is that gate.",
    fix="Replace the 0.0.0.0/0 / ::/0 ingress on the tasks' security group with a rule whose "
    "source is the load balancer's security group (referenced_security_group_id / "
    "source_security_group_id).",
    url="https://docs.aws.amazon.com/AmazonECS/latest/bestpracticesguide/security-network.html",
    check=check_tasks_open_to_world,
    attributes=('ingress.cidr_blocks', 'cidr_blocks', 'cidr_ipv4'),
)

_ALLOWED = {"application": ("HTTP", "HTTPS"), "network": ("TCP", "UDP", "TCP_UDP", "TLS")}


def _groups_served(model: Model) -> dict[str, set[str]]:
    """Target group address -> the kinds of load balancer whose listeners forward to it."""

    def build() -> dict[str, set[str]]:
        seen: dict[str, set[str]] = {}
        for listener in model.managed(*LISTENER_TYPES):
            kind = unless_unknown(None, listener_lb_type, model, listener)
            if kind not in _ALLOWED:
                continue
            for ref in listener_target_groups(model, listener):
                group = model.resolve(ref, *TARGET_GROUP_TYPES, attributes=("arn", "id"))
                if isinstance(group, Resource):
                    seen.setdefault(group.address, set()).add(kind)
        return seen

    return model.memo("TFG307.groups", build)


def _judge_protocol(model: Model, subject: Resource) -> Iterator[Fail]:
    if subject.type in LISTENER_TYPES:
        lb = _listener_lb(model, subject)
        if lb is None:
            return
        kind = lb_type(lb)
        if kind not in _ALLOWED:
            return
        protocol = known(subject.get("protocol"))
        if protocol is None and kind == "application":
            protocol = "HTTP"
        if protocol is not None and str(protocol).upper() not in _ALLOWED[kind]:
            yield Fail(subject, f"listener protocol {protocol} does not fit a{'n' if kind == 'application' else ''} {kind} load balancer ({'/'.join(_ALLOWED[kind])})")
        return
    kinds = _groups_served(model).get(subject.address, set())
    if not kinds:
        return
    protocol = known(subject.get("protocol"))
    if protocol is None:
        return
    for kind in sorted(kinds):
        if str(protocol).upper() not in _ALLOWED[kind]:
            yield Fail(subject, f"target group protocol {protocol} does not fit the {kind} load balancer it serves ({'/'.join(_ALLOWED[kind])})")
            break


check_protocol_fits = Judge(lambda model: model.managed(*LISTENER_TYPES, *TARGET_GROUP_TYPES), _judge_protocol)


TFG307 = Rule(
    id="TFG307",
    severity="error",
    title="Listener and target group protocols must fit the load balancer type",
    guidance="network-load-balancer",
    why="An Application Load Balancer speaks HTTP and HTTPS; a Network Load Balancer speaks TCP, "
    "UDP, TCP_UDP and TLS. Any other pairing is rejected by the Elastic Load Balancing API.",
    fix="Use HTTP/HTTPS listeners and target groups behind an ALB, and TCP/UDP/TCP_UDP/TLS behind "
    "an NLB; or change load_balancer_type to the type the protocol needs.",
    url=f"{_ELB}/network/load-balancer-listeners.html",
    check=check_protocol_fits,
    attributes=('protocol',),
)
