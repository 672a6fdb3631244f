"""The wizard's questions, as data, in the order the ECS guidance thinks about a stack.

Each `Ask` names the answers key it fills; the model behind that key supplies the type (and so
how it is asked), the default and the validation. A question carries only what the model cannot:
its wording, the one-line reason from the guidance, when it applies, and, for a select, the
choices. `Group` is an optional sub-object behind a yes/no (autoscaling); `Repeat` is a list
(services, a service's S3 buckets). Keys are relative to the list item they sit in.

To add a question: add the key to the model, then an `Ask` here in the section it belongs to.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Union

from tfgen import fargate

from tfgen.instances import is_graviton
from tfgen.answers.model import DEFAULT_IMAGE, default_path_pattern
from tfgen.wizard import keys
from tfgen.wizard.keys import MISSING, Path


@dataclass(frozen=True)
class Ctx:
    """What a `when`, a default or a choice list may look at: the answers so far and the list
    item being asked (`base`, e.g. ("services", 1))."""

    data: dict[str, Any]
    base: Path = ()

    def top(self, key: str) -> Any:
        """A top-level key's value: the answer if given, else the model's default."""
        return self._value(keys.parse(key))

    def here(self, key: str) -> Any:
        """A key of the current list item (a service's `port`)."""
        return self._value(self.base + keys.parse(key))

    @property
    def index(self) -> int:
        ints = [p for p in self.base if isinstance(p, int)]
        return ints[0] if ints else 0

    def _value(self, path: Path) -> Any:
        value = keys.get(self.data, path)
        if value is MISSING:
            value = keys.model_default(path)
        return None if value is MISSING else value


Text = Union[str, Callable[[Ctx], str]]
Choices = Callable[[Ctx], list[tuple[str, Any]]]


@dataclass(frozen=True)
class Ask:
    key: str
    message: Text
    why: Text = ""
    kind: str | None = None  # None: from the model field (bool -> confirm, int, list, Optional -> optional, str -> text)
    choices: Choices | None = None  # a select: (label, value) pairs
    values: tuple[Any, Any] | None = None  # a confirm whose yes / no mean these values rather than True / False
    when: Callable[[Ctx], bool] | None = None
    default: Callable[[Ctx], Any] | None = None  # where the model's default cannot fit (a second service's name)
    check: tuple[str, ...] = ()  # keys whose cross-field rules are checked as soon as this is answered
    unit: str = ""  # what a number counts ("task"), for "give at least 1 task"
    term: str = ""  # how a refusal names this answer in words ("the fewest tasks") instead of its key


@dataclass(frozen=True)
class Group:
    """An optional sub-object: one yes/no, then its own questions (no: the key is null)."""

    key: str
    message: Text
    why: Text
    items: tuple[Ask, ...]
    when: Callable[[Ctx], bool] | None = None


@dataclass(frozen=True)
class Repeat:
    """A list: its items' questions, then "another?" until no."""

    key: str
    items: tuple[Node, ...]
    another: Text
    label: str  # heading of each item, "{n}" is its number
    first: Text | None = None  # asked before the first item when the list may stay empty
    why: Text = ""
    when: Callable[[Ctx], bool] | None = None


Node = Union[Ask, Group, Repeat]


@dataclass(frozen=True)
class Section:
    name: str
    title: str
    intro: str
    items: tuple[Node, ...] = field(default_factory=tuple)

    @property
    def top_keys(self) -> set[str]:
        """The top-level answers keys this section asks (where a problem's key path sends the user back to)."""
        return {str(keys.parse(node.key)[0]) for node in self.items}

    @property
    def asked_keys(self) -> set[str]:
        """Every key this section asks, as a problem message would name it (`efs.enabled`, `efs_mount`)."""
        found: set[str] = set()
        todo: list[Node] = list(self.items)
        while todo:
            node = todo.pop()
            found.add(node.key)
            if not isinstance(node, Ask):
                todo += node.items
        return found


# --- conditions -----------------------------------------------------------------------------


def _ec2(c: Ctx) -> bool:
    return c.top("launch_type") == "ec2"


def _fargate(c: Ctx) -> bool:
    return c.top("launch_type") == "fargate"


def _has_lb(c: Ctx) -> bool:
    return c.top("load_balancer.type") in ("alb", "nlb")


def _nlb(c: Ctx) -> bool:
    return c.top("load_balancer.type") == "nlb"


def _alb_exposed(c: Ctx) -> bool:
    return c.top("load_balancer.type") == "alb" and bool(c.here("expose"))


def _new_vpc(c: Ctx) -> bool:
    return bool(c.top("network.create_vpc"))


def _existing_vpc(c: Ctx) -> bool:
    return not c.top("network.create_vpc")


def _public_lb(c: Ctx) -> bool:
    return _existing_vpc(c) and _has_lb(c) and not c.top("load_balancer.internal")


# --- choices ---------------------------------------------------------------------------------


def _gib(mib: int) -> str:
    return f"{mib / fargate.GIB:g}"


def _cpu_choices(c: Ctx) -> list[tuple[str, Any]]:
    # A memory given with --set narrows the CPUs to those it pairs with.
    memory = keys.get(c.data, c.base + ("memory",))
    cpus = [cpu for cpu in fargate.CPU_CHOICES if memory is MISSING or memory in fargate.VALID_MEMORY[cpu]]
    return [
        (f"{cpu / 1024:g} vCPU".ljust(10) + f"(memory {_gib(fargate.VALID_MEMORY[cpu][0])} to {_gib(fargate.VALID_MEMORY[cpu][-1])} GiB)", cpu)
        for cpu in cpus or fargate.CPU_CHOICES
    ]


def _memory_choices(c: Ctx) -> list[tuple[str, Any]]:
    cpu = c.here("cpu")
    return [(fargate.describe_pair(cpu, memory), memory) for memory in fargate.VALID_MEMORY.get(cpu, ())]


def _first_memory(c: Ctx) -> int | None:
    allowed = fargate.VALID_MEMORY.get(c.here("cpu"), ())
    return c.here("memory") if c.here("memory") in allowed else (allowed[0] if allowed else None)


_ACCESS = lambda c: [("read only", "read"), ("read and write", "read_write")]  # noqa: E731


# --- the sections, in the guidance's order of thought --------------------------------------

STACK = Section(
    "stack",
    "The stack",
    "What to call it and where it lives.",
    (
        Ask(
            "name",
            "Stack name?",
            "Every resource name starts with it (shop -> shop-prod-alb); AWS caps load balancer names at 32 characters.",
        ),
        Ask("environment", "Environment?", "Part of every name too, so dev and prod of one stack can share an account."),
        Ask("region", "AWS region?", "Where the cluster, load balancer and network are created; the one nearest your users."),
        Ask(
            "tags",
            "Tags for every resource? (key=value, comma-separated; empty: none)",
            "Cost reports and access policies group resources by tags, such as team=shop.",
            check=("tags",),
        ),
    ),
)

COMPUTE = Section(
    "compute",
    "Compute: who runs the containers?",
    "ECS places tasks (your running containers) either on Fargate or on EC2 instances you own.",
    (
        Ask(
            "launch_type",
            "Do you want to manage servers yourself?",
            "No: Fargate runs each task, you pick only CPU and memory (the guidance's pick). Yes: EC2 you patch and scale.",
            kind="confirm",
            values=("ec2", "fargate"),
        ),
        Ask(
            "ec2.reason",
            "Why EC2 rather than Fargate? (one line; empty: no reason given)",
            "Written into the stack, so tfgen check knows EC2 is deliberate and stops suggesting Fargate.",
            when=_ec2,
        ),
        Ask("ec2.instance_type", "EC2 instance type?", "Each instance hosts several tasks, so their CPU and memory must fit on it.", when=_ec2),
        Ask(
            "ec2.min_size",
            "Fewest instances (Auto Scaling group minimum)?",
            "The group never shrinks below this.",
            when=_ec2,
            unit="instance",
            term="the fewest instances",
        ),
        Ask(
            "ec2.max_size",
            "Most instances (maximum)?",
            "The group never grows past this, which caps the bill.",
            when=_ec2,
            check=("ec2.min_size",),
            unit="instance",
            term="the most instances",
        ),
        Ask(
            "ec2.desired_capacity",
            "Instances to start with (desired)?",
            "Between the minimum and maximum; the group replaces any instance that fails.",
            when=_ec2,
            check=("ec2.desired_capacity",),
            unit="instance",
            term="the instances to start with",
        ),
        Ask(
            "ec2.ami_id",
            "AMI id? (empty: the latest ECS-optimized Amazon Linux 2023)",
            "Empty: looked up at plan time (a public SSM parameter). Pin an id to control upgrades or to plan offline.",
            when=_ec2,
        ),
    ),
)

TRAFFIC = Section(
    "traffic",
    "Traffic: how do requests reach your tasks?",
    "A load balancer spreads requests over the tasks and skips unhealthy ones. "
    "(No Classic Load Balancer: it is legacy and does not work with Fargate.)",
    (
        Ask(
            "load_balancer.type",
            "What traffic do the services take?",
            "The guidance: an ALB for most ECS services (it routes by path); an NLB for huge throughput or PrivateLink.",
            choices=lambda c: [
                ("HTTP/HTTPS: Application Load Balancer (ALB)", "alb"),
                ("TCP/TLS, huge throughput or PrivateLink: Network Load Balancer (NLB)", "nlb"),
                ("None: workers that nobody calls", "none"),
            ],
        ),
        Ask(
            "load_balancer.internal",
            "Internal only (reachable from inside the VPC, not from the internet)?",
            "Internet-facing load balancers sit in public subnets; internal ones in private subnets.",
            when=_has_lb,
        ),
        Ask(
            "load_balancer.certificate_arn",
            lambda c: "ACM certificate ARN for HTTPS? (empty: plain HTTP on port 80)"
            if c.top("load_balancer.type") == "alb"
            else "ACM certificate ARN for TLS? (empty: plain TCP)",
            lambda c: "With one, the ALB serves HTTPS on 443 and redirects port 80 to it."
            if c.top("load_balancer.type") == "alb"
            else "With one, the NLB terminates TLS on every listener.",
            when=_has_lb,
        ),
        Ask(
            "load_balancer.privatelink",
            "Publish the services through AWS PrivateLink (a VPC endpoint service)?",
            "Other VPCs and accounts then reach them privately, without peering or the internet; PrivateLink needs an NLB.",
            when=_nlb,
        ),
    ),
)

STORAGE = Section(
    "storage",
    "Storage",
    "A task's own disk is lost when the task stops.",
    (
        Ask(
            "efs.enabled",
            "Do tasks share data, or keep it after they stop?",
            "Yes: one encrypted, multi-AZ Amazon EFS file system that services mount (Fargate and EC2 alike).",
        ),
    ),
)

_GRANT_WHY = "Each service has its own task role: list what it calls and it gets exactly that, no AWS keys needed."

SERVICE = (
    Ask(
        "name",
        "Service name?",
        "Names its task definition, ECS service, log group and task role.",
        default=lambda c: keys.model_default(("services", 0, "name")) if c.index == 0 else "",
        check=("name",),
    ),
    Ask(
        "image",
        "Container image?",
        "Any registry the tasks can pull from: ECR, ECR Public, Docker Hub.",
        default=lambda c: DEFAULT_IMAGE,
    ),
    Ask(
        "cpu",
        "CPU per task?",
        "Fargate sizes tasks in fixed CPU/memory pairs: pick the CPU, then a memory that pairs with it.",
        choices=_cpu_choices,
        when=_fargate,
    ),
    Ask("memory", "Memory per task?", "Only the sizes Fargate accepts with that CPU.", choices=_memory_choices, when=_fargate, default=_first_memory),
    Ask("cpu", "CPU units per task? (1024 = 1 vCPU)", "ECS reserves this much of an instance for each task.", when=_ec2, check=("cpu",), unit="CPU unit"),
    Ask("memory", "Memory per task, in MiB?", "The hard limit: a task that goes past it is stopped.", when=_ec2, check=("memory",), unit="MiB"),
    Ask(
        "platform",
        "CPU architecture?",
        "arm64 runs on AWS Graviton, cheaper per vCPU; the image must be built for it (multi-arch images are).",
        choices=lambda c: [("linux/amd64 (x86-64)", "linux/amd64"), ("linux/arm64 (AWS Graviton)", "linux/arm64")],
        default=lambda c: "linux/arm64" if _ec2(c) and is_graviton(str(c.top("ec2.instance_type"))) else "linux/amd64",
        check=("platform",),
    ),
    Group(
        "autoscaling",
        "Scale the number of tasks with CPU load?",
        "Application Auto Scaling adds tasks above a CPU target and removes them below it, within your limits.",
        (
            Ask(
                "autoscaling.min",
                "Fewest tasks?",
                "Never fewer, however quiet it gets; two or more survive an AZ failure.",
                default=lambda c: 2,
                unit="task",
                term="the fewest tasks",
            ),
            Ask(
                "autoscaling.max",
                "Most tasks?",
                "Never more, however busy: this caps the bill.",
                default=lambda c: 3 * max(1, c.here("autoscaling.min") or 1),
                check=("autoscaling.min", "autoscaling.max"),
                unit="task",
                term="the most tasks",
            ),
            Ask("autoscaling.cpu_target", "Target average CPU, in percent?", "Tasks are added above it and removed below it.", unit="%"),
        ),
    ),
    Ask(
        "desired_count",
        lambda c: "How many tasks to start with?" if c.here("autoscaling") else "How many tasks should run?",
        lambda c: "Between the fewest and the most; scaling moves it from there."
        if c.here("autoscaling")
        else "Two or more, spread over the AZs, keep the service up when a task or an AZ fails.",
        default=lambda c: c.here("autoscaling.min") if c.here("autoscaling") else MISSING,
        check=("desired_count",),
        unit="task",
        term="the tasks to run",
    ),
    Ask(
        "environment",
        "Environment variables? (NAME=value, comma-separated; empty: none)",
        "Plain settings the container reads; passwords and keys go in secrets, next, never here.",
        check=("environment",),
    ),
    Ask(
        "secrets",
        "Secrets? (NAME=ARN of a Secrets Manager secret or SSM parameter, comma-separated; empty: none)",
        "ECS injects them at start; the execution role may read exactly these and nothing else.",
        check=("secrets",),
    ),
    Repeat(
        "permissions.s3_buckets",
        (
            Ask("name", "Bucket name?", "The bucket itself; the grant covers its objects too."),
            Ask("access", "Access to it?", "Grant only what the code needs.", choices=_ACCESS),
        ),
        another="Another S3 bucket?",
        label="S3 bucket {n}",
        first=lambda c: f"Does {c.here('name')} read or write S3 buckets?",
        why=_GRANT_WHY,
    ),
    Repeat(
        "permissions.dynamodb_tables",
        (
            Ask("name", "Table name?", "The table and its indexes."),
            Ask("access", "Access to it?", "Grant only what the code needs.", choices=_ACCESS),
        ),
        another="Another DynamoDB table?",
        label="DynamoDB table {n}",
        first=lambda c: f"Does {c.here('name')} read or write DynamoDB tables?",
        why="The same task role grants access to tables.",
    ),
    Ask(
        "expose",
        "Put it behind the load balancer?",
        "No for workers that only call out; only exposed services get a target group and a listener.",
        when=_has_lb,
    ),
    # After `expose`: a port clashes only for a service on the load balancer.
    Ask("port", "Port the container listens on?", "The load balancer and the security groups send traffic to it.", check=("port",)),
    Ask(
        "path_pattern",
        "Which request paths go to it?",
        "The ALB routes each request by path; the most specific pattern wins and /* takes the rest.",
        when=_alb_exposed,
        default=lambda c: default_path_pattern(c.index, c.here("name")),
        check=("path_pattern",),
    ),
    Ask(
        "health_check_path",
        "Health check path?",
        "The ALB sends traffic only to tasks that answer it with 200-399.",
        when=_alb_exposed,
    ),
    Ask(
        "efs_mount",
        "Mount the shared file system at? (container path; empty: no mount)",
        "What one task writes there, every task that mounts it sees, in any AZ.",
        when=lambda c: bool(c.top("efs.enabled")),
        term="a mount path for the shared file system",
    ),
    Ask("efs_read_only", "Mount it read-only?", "For services that only read what others write.", when=lambda c: bool(c.here("efs_mount"))),
)

SERVICES = Section(
    "services",
    "Services",
    "Each service runs copies (tasks) of one container image, with its own task role.",
    (Repeat("services", SERVICE, another="Add another service?", label="Service {n}"),),
)

NETWORK = Section(
    "network",
    "Network",
    "Tasks run in private subnets; only the load balancer faces the internet.",
    (
        Ask(
            "network.create_vpc",
            "Which network?",
            "The guidance: services and EFS span two or more Availability Zones, so losing one AZ is not an outage.",
            choices=lambda c: [
                ("A new VPC across two or more Availability Zones", True),
                ("An existing VPC", False),
            ],
        ),
        Ask("network.vpc_cidr", "VPC address range (CIDR)?", "Split into a public and a private subnet per AZ.", when=_new_vpc, check=("network.vpc_cidr",)),
        Ask(
            "network.azs",
            "Availability zones? (comma-separated, at least two)",
            "Tasks, the load balancer and EFS spread over these.",
            when=_new_vpc,
            default=lambda c: [f"{c.top('region')}a", f"{c.top('region')}b"],
            check=("network.azs",),
        ),
        Ask(
            "network.single_nat_gateway",
            "One shared NAT gateway? (no: one per AZ)",
            "Tasks reach image registries and AWS APIs through NAT: one is cheaper, one per AZ survives an AZ outage.",
            when=_new_vpc,
        ),
        Ask("network.vpc_id", "VPC id?", "The existing VPC the stack goes into.", kind="text", when=_existing_vpc, check=("network.vpc_id",)),
        Ask(
            "network.private_subnet_ids",
            "Private subnet ids? (comma-separated, in two or more AZs)",
            "The tasks run here, without public addresses.",
            when=_existing_vpc,
            check=("network.private_subnet_ids",),
        ),
        Ask(
            "network.public_subnet_ids",
            "Public subnet ids for the load balancer? (comma-separated, two or more AZs)",
            "An internet-facing load balancer needs public subnets in two or more AZs.",
            when=_public_lb,
            check=("network.public_subnet_ids",),
        ),
    ),
)

STATE = Section(
    "state",
    "Terraform state",
    "Terraform records what it created in a state file.",
    (
        Ask(
            "state.backend",
            "Where should Terraform keep its state?",
            "Local is fine to try things; once a team or CI applies, share it in S3.",
            choices=lambda c: [
                ("local: terraform.tfstate in the output folder", "local"),
                ("s3: an S3 bucket, locked while Terraform runs", "s3"),
            ],
        ),
        Ask("state.bucket", "State bucket name?", "An existing bucket, ideally versioned.", kind="text", when=lambda c: c.top("state.backend") == "s3", check=("state.bucket",)),
        Ask(
            "state.key",
            "State object key?",
            "One key per stack and environment.",
            kind="text",
            when=lambda c: c.top("state.backend") == "s3",
            default=lambda c: f"{c.top('name')}/{c.top('environment')}/terraform.tfstate",
            check=("state.key",),
        ),
        Ask(
            "state.region",
            "State bucket region?",
            "The bucket's own region, which need not be the stack's.",
            when=lambda c: c.top("state.backend") == "s3",
            default=lambda c: c.top("region"),
        ),
    ),
)

SECTIONS: tuple[Section, ...] = (STACK, COMPUTE, TRAFFIC, STORAGE, SERVICES, NETWORK, STATE)


def question_at(path: Path) -> tuple[Ask, Path] | None:
    """The question that asks the key at `path`, and the list item it sits in (("services", 1))."""

    def search(nodes: tuple[Node, ...], rest: Path, base: Path) -> tuple[Ask, Path] | None:
        for node in nodes:
            key = keys.parse(node.key)
            if rest[: len(key)] != key:
                continue
            after = rest[len(key) :]
            if isinstance(node, Ask) and not after:
                return node, base
            if isinstance(node, Repeat) and after and isinstance(after[0], int):
                found = search(node.items, after[1:], base + key + (after[0],))
            elif isinstance(node, Group):
                found = search(node.items, rest, base)
            else:
                found = None
            if found:
                return found
        return None

    return next((found for s in SECTIONS if (found := search(s.items, path, ()))), None)


def section_of(path: Path) -> Section | None:
    """The section that asks the key at `path` (where to send the user back to fix a problem)."""
    top = str(path[0]) if path else ""
    return next((s for s in SECTIONS if top in s.top_keys), None)


def terms() -> dict[str, str]:
    """Answers key -> the words a refusal at a prompt uses for it, from every question's `term`:
    by its key relative to its list item ("autoscaling.max") and by its last part ("max")."""
    found: dict[str, str] = {}
    todo: list[Node] = [node for section in SECTIONS for node in section.items]
    while todo:
        node = todo.pop()
        if isinstance(node, Ask):
            if node.term:
                found[node.key] = node.term
                found.setdefault(node.key.rsplit(".", 1)[-1], node.term)
        else:
            todo += node.items
    return found
