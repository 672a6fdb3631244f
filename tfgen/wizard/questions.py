"""The wizard's questions, as data, in the order the ECS guidance thinks about a stack.

Each `Ask` names the answers key it fills; the model behind that key supplies the type (and so
how it is asked), the default and the validation. A question carries only what the model cannot:
its wording, the one-line reason from the guidance, when it applies, and, for a select, the
choices. `Group` is an optional sub-object behind a yes/no (autoscaling); `Repeat` is a list
(services, a service's S3 buckets); `Gate` is a yes/no that stores nothing, before optional
questions ("more options?"). Keys are relative to the list item they sit in.

A service's kind is asked first; each question after it says in `when` which kinds need it, so a
job is never asked for a port and a stack of workers never for a load balancer.

To add a question: add the key to the model, then an `Ask` here in the section it belongs to.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, Union

from tfgen import fargate

from tfgen.instances import is_graviton
from tfgen.answers.model import DEFAULT_IMAGE, default_path_pattern, derived_kind
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


@dataclass(frozen=True)
class Gate:
    """One yes/no before optional questions, stored nowhere: yes asks them, no keeps their answers
    as they are. `name` is how the prompter knows it ("services[0].more")."""

    name: str
    message: Text
    why: Text
    items: tuple[Node, ...]
    when: Callable[[Ctx], bool] | None = None
    key: str = ""  # no answers key of its own: its questions sit in the item it is asked in

    @property
    def keys(self) -> list[str]:
        """The answers keys of its questions (relative to the item), nested ones included."""
        found: list[str] = []
        todo: list[Node] = list(self.items)
        while todo:
            node = todo.pop(0)
            if isinstance(node, Gate):
                todo += node.items
            else:
                found.append(node.key)
        return found


Node = Union[Ask, Group, Repeat, Gate]


def applies(node: Node, ctx: Ctx) -> bool:
    return node.when is None or node.when(ctx)


def only(when: Callable[[Ctx], bool], *nodes: Node) -> tuple[Node, ...]:
    """`nodes`, asked only when `when` holds too (one question asked in two places, for different kinds)."""

    def both(node: Node) -> Callable[[Ctx], bool]:
        return lambda c: when(c) and applies(node, c)

    return tuple(dataclasses.replace(node, when=both(node)) for node in nodes)


@dataclass(frozen=True)
class Section:
    name: str
    title: str
    intro: str
    items: tuple[Node, ...] = field(default_factory=tuple)
    nothing: str = ""  # said under the heading when no question of the section applies (else the section is passed over)

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
            if node.key:
                found.add(node.key)
            if not isinstance(node, Ask):
                todo += node.items
        return found


# --- conditions -----------------------------------------------------------------------------


def _ec2(c: Ctx) -> bool:
    return c.top("launch_type") == "ec2"


def _fargate(c: Ctx) -> bool:
    return c.top("launch_type") == "fargate"


# What a service's `kind` replaces in older answers: the wizard asks the kind, so `expose` is
# dropped from a service once it has one.
REPLACED_BY_KIND = ("expose",)


def load_balancer_type(found: set[str]) -> str | None:
    """`load_balancer.type` as the kinds make it, once every service has one: the kinds decide the
    load balancers, and the saved answers then say the same (alb for web services, nlb for nlb
    services, none for neither). None when both exist: no one type says it, and none is needed."""
    lbs = found & {"web", "nlb"}
    if len(lbs) == 2:
        return None
    return {"web": "alb", "nlb": "nlb"}[lbs.pop()] if lbs else "none"


def _kind_at(c: Ctx, base: Path) -> str:
    """The kind of the service at `base`: as answered, else what the model derives from older keys."""
    given = keys.get(c.data, base + ("kind",), None)
    if given:
        return str(given)
    expose = keys.get(c.data, base + ("expose",), None)
    return derived_kind(SimpleNamespace(expose=expose is not False), str(c.top("load_balancer.type")))


def _kind(c: Ctx) -> str:
    return _kind_at(c, c.base[:2])


def kinds(c: Ctx) -> set[str]:
    """The kinds of every service so far."""
    services = keys.get(c.data, ("services",), None)
    return {_kind_at(c, ("services", i)) for i in range(len(services) if isinstance(services, list) else 0)}


def _is(*wanted: str) -> Callable[[Ctx], bool]:
    return lambda c: _kind(c) in wanted


def _has_queue(c: Ctx) -> bool:
    return _kind(c) == "worker" and isinstance(c.here("queue"), dict)


def _has_lb(c: Ctx) -> bool:
    return bool(kinds(c) & {"web", "nlb"})


def _nlb(c: Ctx) -> bool:
    return "nlb" in kinds(c)


def _new_vpc(c: Ctx) -> bool:
    return bool(c.top("network.create_vpc"))


def _existing_vpc(c: Ctx) -> bool:
    return not c.top("network.create_vpc")


def _public_lb(c: Ctx) -> bool:
    # Web and nlb services face the internet unless load_balancer.internal says otherwise.
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

KIND_CHOICES = (
    ("web: a website or HTTP API the internet calls, behind the stack's load balancer (ALB)", "web"),
    ("backend: an API only the stack's other services call, by name; no public entry", "backend"),
    ("worker: works in the background, optionally on messages from a queue; nobody calls it", "worker"),
    ("job: runs on a schedule (every hour, at 03:00...), then exits", "job"),
    ("nlb: TCP or TLS traffic (not HTTP), or PrivateLink, behind a Network Load Balancer", "nlb"),
)


def _name_default(c: Ctx) -> str:
    """The kind's own name while no other service has it (the first web service is `web`)."""
    services = keys.get(c.data, ("services",), [])
    taken = {s.get("name") for i, s in enumerate(services) if isinstance(s, dict) and i != c.index}
    return _kind(c) if _kind(c) not in taken else ""


def _published(c: Ctx) -> dict[str, list[str]]:
    """Service name -> the topics it publishes, for every other service of the stack so far."""
    services = keys.get(c.data, ("services",), [])
    found: dict[str, list[str]] = {}
    for i, s in enumerate(services if isinstance(services, list) else []):
        topics = [t.get("name") for t in (s.get("publish") or []) if isinstance(t, dict) and t.get("name")] if isinstance(s, dict) else []
        if i != c.index and topics and s.get("name"):
            found[s["name"]] = topics
    return found


def _publisher_choices(c: Ctx) -> list[tuple[str, Any]]:
    return [(f"{name} (topics {', '.join(topics)})", name) for name, topics in _published(c).items()]


def _topic_choices(c: Ctx) -> list[tuple[str, Any]]:
    return [(topic, topic) for topic in _published(c).get(str(c.here("service")), [])]


def _target_choices(c: Ctx) -> list[tuple[str, Any]]:
    own = (f"{c.here('name')} (its own container, port {c.here('port')})", None)
    sidecars = [s for s in c.here("sidecars") or [] if isinstance(s, dict) and s.get("port")]
    return [own] + [(f"{s['name']} (sidecar, port {s['port']})", s["name"]) for s in sidecars]


def _port_message(c: Ctx) -> str:
    return {"backend": "Port it serves on?", "nlb": "Port the NLB sends traffic to (and listens on)?"}.get(
        _kind(c), "Port the container listens on?"
    )


def _port_why(c: Ctx) -> str:
    if _kind(c) == "backend":
        return f"Other services of the stack call it at http://{c.here('name')}:PORT (Service Connect)."
    return "The load balancer and the security groups send traffic to it."


def _graviton_ec2(c: Ctx) -> bool:
    return _ec2(c) and is_graviton(str(c.top("ec2.instance_type")))


PLATFORM = Ask(
    "platform",
    "CPU architecture?",
    "arm64 runs on AWS Graviton, cheaper per vCPU; the image must be built for it (multi-arch images are).",
    choices=lambda c: [("linux/amd64 (x86-64)", "linux/amd64"), ("linux/arm64 (AWS Graviton)", "linux/arm64")],
    default=lambda c: "linux/arm64" if _graviton_ec2(c) else "linux/amd64",
    check=("platform",),
)

SIZE = (
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
)

SCALE = (
    Group(
        "autoscaling",
        lambda c: "Scale the number of tasks with the queue's backlog?" if _has_queue(c) else "Scale the number of tasks with CPU load?",
        lambda c: "Application Auto Scaling adds tasks when messages wait and removes them when the queue empties."
        if _has_queue(c)
        else "Application Auto Scaling adds tasks above a CPU target and removes them below it, within your limits.",
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
            Ask(
                "autoscaling.backlog_per_task",
                "Messages waiting per task to hold at?",
                "The longest wait you accept divided by the seconds one message takes: 10 waiting at 3 s each is 30 s.",
                kind="int",
                default=lambda c: 10,
                when=_has_queue,
                unit="message",
                term="the messages waiting per task",
            ),
            Ask(
                "autoscaling.cpu_target",
                "Target average CPU, in percent?",
                "Tasks are added above it and removed below it.",
                when=lambda c: not _has_queue(c),
                unit="%",
            ),
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
)

QUEUE = Group(
    "queue",
    "Does it take its work from a queue (Amazon SQS)?",
    "The stack creates the queue, encrypted, with a dead-letter queue for messages that keep failing.",
    (
        Ask(
            "queue.processing_time_seconds",
            "Longest time one message takes, in seconds?",
            "While a task works on a message the queue hides it, for twice this, so no other task takes it.",
            unit="second",
            term="the longest time one message takes",
        ),
        Repeat(
            "queue.subscribe",
            (
                Ask("service", "Which service publishes it?", "Topics listed under the other services' options.", choices=_publisher_choices),
                Ask("topic", "Which of its topics?", "Every message published to it lands in this queue.", choices=_topic_choices, check=("topic",)),
            ),
            another="Another topic?",
            label="Topic {n} into the queue",
            first="Does it subscribe to topics the stack's other services publish (Amazon SNS)?",
            why="The stack subscribes the queue to each topic; filter policies can be added in the answers file.",
            when=lambda c: bool(_published(c)),
        ),
    ),
    when=_is("worker"),
)

SIDECAR = (
    Ask("name", "Container name?", "Unique in the task; the service's own container has the service's name.", check=("name",)),
    Ask("image", "Container image?", "A proxy, a log router, an agent: any image the tasks can pull."),
    Ask(
        "port",
        "Port it listens on? (empty: none)",
        "Containers of a task share one network, so its port differs from the service's.",
        check=("port",),
    ),
    Ask("essential", "Stop the task when it stops?", "Yes for a proxy in front of the app; no for a helper the app can live without."),
)

def _more_message(c: Ctx) -> str:
    """The gate names what is behind it for this service."""
    sized = _is("backend", "nlb")(c)
    scaled = sized or (_kind(c) == "worker" and not _has_queue(c))
    found = ["size"] * sized + ["scaling"] * scaled + ["time zone"] * _is("job")(c) + ["arm64"]
    found += ["Spot"] * _fargate(c) + ["Exec", "variables", "secrets", "topics", "grants", "sidecars"]
    return f"More options for {c.here('name')}? ({', '.join(found)})"


MORE = Gate(
    "more",
    _more_message,
    "No keeps the defaults: 0.25 vCPU and 2 tasks where not asked, x86-64, no variables, secrets or extra permissions.",
    (
        *only(_is("backend", "nlb"), *SIZE),
        *only(lambda c: _is("backend", "nlb")(c) or (_kind(c) == "worker" and not _has_queue(c)), *SCALE),
        Ask(
            "timezone",
            "Time zone of the schedule?",
            "cron() times are read in it, daylight saving included.",
            when=_is("job"),
            check=("timezone",),
        ),
        Ask(
            "max_age_seconds",
            "Longest a run may wait to start, in seconds?",
            "Past it, a run EventBridge could not start goes to the dead-letter queue.",
            when=_is("job"),
            unit="second",
        ),
        Ask(
            "connect",
            "Reachable by the stack's other services by name (Service Connect)?",
            lambda c: f"They then call it at http://{c.here('name')}:{c.here('port')}; a backend always is.",
            kind="confirm",
            default=lambda c: False,
            when=_is("web", "worker", "nlb"),
        ),
        *only(lambda c: not _graviton_ec2(c), PLATFORM),
        Group(
            "spot",
            "Run part of the tasks on Fargate Spot?",
            "Spot is up to 70% cheaper, but AWS may stop a Spot task at two minutes' notice.",
            (
                Ask("spot.base", "Tasks always on regular Fargate?", "These run whatever Spot does.", unit="task"),
                Ask("spot.share", "Percent of the other tasks on Spot?", "50 splits them evenly; 100 puts them all on Spot.", unit="%"),
            ),
            when=_fargate,
        ),
        Ask("exec", "Allow ECS Exec (a shell in a running task)?", "For debugging: aws ecs execute-command, each session logged and encrypted."),
        Ask(
            "command",
            "Command? (comma-separated words; empty: the image's own)",
            "Replaces the image's CMD, such as: python, worker.py, --queue, orders.",
        ),
        Ask(
            "environment",
            "Environment variables? (NAME=value, comma-separated; empty: none)",
            "Plain settings the container reads; passwords and keys go in secrets, next, never here.",
            check=("environment",),
        ),
        Ask(
            "secrets",
            "Secrets? (NAME=secret or parameter ARN, or SSM parameter name, comma-separated; empty: none)",
            "ECS injects them at start; the execution role may read exactly these and nothing else.",
            check=("secrets",),
        ),
        Repeat(
            "publish",
            (Ask("name", "Topic name?", "The stack creates it as STACK-ENV-SERVICE-NAME, encrypted.", check=("name",)),),
            another="Another topic?",
            label="Topic {n}",
            first=lambda c: f"Does {c.here('name')} publish messages to topics (Amazon SNS) that workers subscribe to?",
            why="Its task role may publish to exactly these topics.",
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
        Repeat(
            "sidecars",
            SIDECAR,
            another="Another sidecar?",
            label="Sidecar {n}",
            first="Extra containers in its task (sidecars: a proxy, a log router, an agent)?",
            why="They share the task's network, CPU and memory; start order and health checks go in the answers file.",
        ),
        Ask(
            "target",
            "Which container takes the load balancer's traffic?",
            "A proxy sidecar (nginx in front of the app) takes it when it has a port.",
            choices=_target_choices,
            when=lambda c: _is("web", "nlb")(c) and any(isinstance(s, dict) and s.get("port") for s in c.here("sidecars") or []),
            check=("target",),
        ),
    ),
)

SERVICE = (
    Ask(
        "kind",
        "What kind of service?",
        "It decides what the service needs: a load balancer, a queue, a schedule. Only those questions follow.",
        choices=lambda c: list(KIND_CHOICES),
        default=_kind,
    ),
    Ask(
        "name",
        "Service name?",
        "Names its task definition, ECS service, log group and task role.",
        default=_name_default,
        check=("name",),
    ),
    Ask(
        "image",
        "Container image?",
        "Any registry the tasks can pull from: ECR, ECR Public, Docker Hub.",
        default=lambda c: DEFAULT_IMAGE,
    ),
    *only(_is("web", "worker", "job"), *SIZE),
    # On Graviton instances the architecture must change from the model's default: asked, not optional.
    *only(_graviton_ec2, PLATFORM),
    # A port clashes only for a service on the NLB, known by now from its kind.
    Ask("port", _port_message, _port_why, when=_is("web", "backend", "nlb"), check=("port",)),
    Ask(
        "path_pattern",
        "Which request paths go to it?",
        "The ALB routes each request by path; the most specific pattern wins and /* takes the rest.",
        when=_is("web"),
        default=lambda c: default_path_pattern(c.index, c.here("name")),
        check=("path_pattern",),
    ),
    Ask(
        "health_check_path",
        "Health check path?",
        "The ALB sends traffic only to tasks that answer it with 200-399.",
        when=_is("web"),
    ),
    Ask(
        "internal_path",
        "Also route a path to it on an internal ALB? (a path such as /orders/*; empty: no)",
        "Callers inside the VPC that cannot use Service Connect reach it there; the stack then has an internal ALB.",
        when=_is("backend"),
        check=("internal_path",),
    ),
    QUEUE,
    Ask(
        "schedule",
        "When does it run? (rate(1 hour), rate(15 minutes), or cron(0 3 * * ? *) for 03:00 daily)",
        "EventBridge Scheduler starts one task each time; cron() is read in UTC unless you pick a time zone.",
        when=_is("job"),
        check=("schedule",),
    ),
    Ask(
        "retries",
        "Retries when a run cannot start?",
        "EventBridge Scheduler tries again this many times (0-185) before the run goes to a dead-letter queue.",
        when=_is("job"),
        unit="retry",
    ),
    *only(lambda c: _is("web")(c) or _has_queue(c), *SCALE),
    Ask(
        "efs_mount",
        "Mount the shared file system at? (container path; empty: no mount)",
        "What one task writes there, every task that mounts it sees, in any AZ.",
        when=lambda c: bool(c.top("efs.enabled")),
        term="a mount path for the shared file system",
    ),
    Ask("efs_read_only", "Mount it read-only?", "For services that only read what others write.", when=lambda c: bool(c.here("efs_mount"))),
    MORE,
)

SERVICES = Section(
    "services",
    "Services",
    "Each service runs copies (tasks) of one container image, with its own task role. For each, its kind comes first.",
    (Repeat("services", SERVICE, another="Add another service?", label="Service {n}"),),
)

TRAFFIC = Section(
    "traffic",
    "Traffic: the load balancers",
    "The kinds decide them: an ALB for web services, an NLB for nlb services. "
    "(No Classic Load Balancer: it is legacy and does not work with Fargate.)",
    (
        Ask(
            "load_balancer.internal",
            "Internal only (reachable from inside the VPC, not from the internet)?",
            "Internet-facing load balancers sit in public subnets; internal ones in private subnets.",
            when=_has_lb,
        ),
        Ask(
            "load_balancer.certificate_arn",
            lambda c: {
                "web": "ACM certificate ARN for HTTPS? (empty: plain HTTP on port 80)",
                "nlb": "ACM certificate ARN for TLS? (empty: plain TCP)",
                "none": "ACM certificate ARN?",
            }.get(_lb_word(c), "ACM certificate ARN for HTTPS on the ALB and TLS on the NLB? (empty: plain HTTP and TCP)"),
            lambda c: {
                "web": "With one, the ALB serves HTTPS on 443 and redirects port 80 to it.",
                "nlb": "With one, the NLB terminates TLS on every listener.",
            }.get(_lb_word(c), "With one, the ALB serves HTTPS (80 redirects) and the NLB terminates TLS."),
            when=_has_lb,
            check=("load_balancer.certificate_arn",),
        ),
        Ask(
            "load_balancer.privatelink",
            "Publish the nlb services through AWS PrivateLink (a VPC endpoint service)?",
            "Other VPCs and accounts then reach them privately, without peering or the internet; PrivateLink needs an NLB.",
            when=_nlb,
        ),
    ),
    nothing="None to set up: no service is of kind web or nlb (a backend's internal ALB needs no questions).",
)


def _lb_word(c: Ctx) -> str:
    """web, nlb, both or none: which load balancers the certificate goes on."""
    found = kinds(c) & {"web", "nlb"}
    return found.pop() if len(found) == 1 else ("both" if found else "none")


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

SECTIONS: tuple[Section, ...] = (STACK, COMPUTE, STORAGE, SERVICES, TRAFFIC, NETWORK, STATE)


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
            elif isinstance(node, (Group, Gate)):
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
