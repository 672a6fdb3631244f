"""1xx: launch type (EC2 vs Fargate)."""

from __future__ import annotations

from typing import Iterator

from tfgen import fargate
from tfgen.instances import size_of, task_fits
from tfgen.check.model import Model, Resource
from tfgen.check.rules.base import Fail, Pending, Rule, Undecided, judges, known
from tfgen.check.rules.fleet import fleets_of, instance_user_data, registers
from tfgen.check.rules.helpers import (
    as_list,
    cluster_of,
    decode_json,
    compatibilities,
    is_fargate_task,
    launch_kinds,
    network_mode,
    parse_cpu,
    parse_memory,
    task_definition_of,
)

_DOCS = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide"


@judges("aws_ecs_task_definition")
def check_fargate_network_mode(model: Model, task: Resource) -> Iterator[Fail]:
    if not is_fargate_task(model, task):
        return
    mode = network_mode(task)
    if mode != "awsvpc":
        shown = f'network_mode "{mode}"' if task.get("network_mode") not in (None, "") else 'no network_mode (AWS uses "bridge")'
        yield Fail(task, f'Fargate task definition has {shown}; Fargate requires "awsvpc"')


TFG101 = Rule(
    id="TFG101",
    severity="error",
    title="Fargate task definition must use awsvpc network mode",
    guidance="fargate-task-settings",
    why="On Fargate AWS provisions the compute, and every task gets its own elastic network "
    "interface: awsvpc is the only network mode Fargate accepts. Any other mode is rejected "
    "when the task definition is registered or the task is started.",
    fix='Set network_mode = "awsvpc" on the task definition, and give the service a '
    "network_configuration block (subnets, security_groups).",
    url=f"{_DOCS}/fargate-task-networking.html",
    check=check_fargate_network_mode,
    attributes=('network_mode',),
)


@judges("aws_ecs_task_definition")
def check_fargate_size(model: Model, task: Resource) -> Iterator[Fail]:
    if not is_fargate_task(model, task):
        return
    cpu, memory = parse_cpu(task.get("cpu")), parse_memory(task.get("memory"))
    missing = [name for name, value in (("cpu", cpu), ("memory", memory)) if value is None]
    if missing:
        yield Fail(task, f"Fargate task definition lacks task-level {' and '.join(missing)}")
    elif not fargate.is_valid(cpu, memory):  # type: ignore[arg-type]
        yield Fail(task, f"cpu {cpu} / memory {memory} MiB is not a valid Fargate size: {fargate.describe_allowed(cpu)}")  # type: ignore[arg-type]


TFG102 = Rule(
    id="TFG102",
    severity="error",
    title="Fargate task definition needs a valid task-level CPU/memory pair",
    guidance="fargate-task-settings",
    why="Fargate sizes the task's compute from the task-level cpu and memory, and accepts only "
    "the combinations of its size table. A missing or invalid pair is rejected at registration.",
    fix="Set task-level cpu and memory to one of the Fargate pairs, e.g. cpu = 256 with memory "
    "= 512, 1024 or 2048; cpu = 1024 with memory 2048 to 8192 in 1024 steps.",
    url=f"{_DOCS}/fargate-tasks-services.html#fargate-tasks-size",
    check=check_fargate_size,
    attributes=('cpu',),
)


# --- TFG103: container instances for EC2 services ------------------------------------------------


@judges("aws_ecs_service")
def check_container_instances(model: Model, service: Resource) -> Iterator[Fail]:
    if "EC2" not in launch_kinds(model, service):
        return
    cluster = cluster_of(model, service)
    if cluster is None and service.get("cluster") is not None:
        raise Undecided(f"cluster {service.get('cluster')!r} is not defined in this configuration")
    name = known(cluster.get("name") if cluster is not None else "default", f"the name of {cluster.address if cluster else 'the cluster'} is not known")
    if not isinstance(name, str):
        raise Undecided(f"the name of {cluster.address if cluster else 'the cluster'} is not known")
    pending = Pending()
    for _, read in instance_user_data(model):
        with pending:
            data = known(read())
            if isinstance(data, str) and registers(data, name):
                return
    if model.unknown_modules:
        raise Undecided("a module that could not be read may provide container instances")
    pending.settle()
    yield Fail(service, f'service runs on EC2 but no Auto Scaling group or instance registers with cluster "{name}" (ECS_CLUSTER={name} in user data)')


TFG103 = Rule(
    id="TFG103",
    severity="error",
    title="EC2 service needs container instances registered with its cluster",
    guidance="ec2-container-instances",
    why="With the EC2 launch type you provision the instances and install the ECS agent on each. "
    "Tasks are placed only on instances whose agent registered with the service's cluster, so "
    "without them the service never starts a task.",
    fix="Add an Auto Scaling group (or instances) from an ECS-optimized AMI whose user data runs "
    "`echo ECS_CLUSTER=<cluster name> >> /etc/ecs/ecs.config`, ideally attached to the cluster "
    "through an aws_ecs_capacity_provider; or run the service on Fargate.",
    url=f"{_DOCS}/launch_container_instance.html",
    check=check_container_instances,
)


@judges("aws_ecs_service")
def check_launch_type_compatible(model: Model, service: Resource) -> Iterator[Fail]:
    if known(model.resolve(service.get("task_definition"), "aws_ecs_task_definition", attributes=("arn", "family", "id"))) is None:
        return
    kinds = launch_kinds(model, service)
    task = task_definition_of(model, service)
    compat = compatibilities(task)
    missing = sorted(kinds - compat)
    if missing:
        yield Fail(
            service,
            f"service runs on {', '.join(missing)} but {task.address} requires_compatibilities is "
            f"{', '.join(sorted(compat)) or 'empty'}" + (" (left out: AWS treats it as EC2 only)" if task.get("requires_compatibilities") is None else ""),
        )


TFG104 = Rule(
    id="TFG104",
    severity="error",
    title="Service launch type must be in its task definition's requires_compatibilities",
    guidance="launch-type-compatibility",
    why="ECS validates a task definition only for the launch types in requires_compatibilities "
    "(EC2 when the list is left out). A service on any other launch type fails to start tasks.",
    fix='Add the service\'s launch type to requires_compatibilities (e.g. ["FARGATE"]), or run '
    "the service on a launch type the task definition supports.",
    url=f"{_DOCS}/task_definition_parameters.html#requires_compatibilities",
    check=check_launch_type_compatible,
    attributes=('launch_type', 'capacity_provider_strategy'),
)


@judges("aws_ecs_service")
def check_prefer_fargate(model: Model, service: Resource) -> Iterator[Fail]:
    if "EC2" in launch_kinds(model, service):
        how = (
            "launch_type" if service.get("launch_type") not in (None, "")
            else "an EC2 capacity provider" if as_list(service.get("capacity_provider_strategy"))
            else "the default launch type"
        )
        yield Fail(service, f"service runs on the EC2 launch type ({how}); Fargate needs no servers to manage")


TFG105 = Rule(
    id="TFG105",
    severity="info",
    title="Prefer Fargate unless you need to manage servers",
    guidance="fargate-first",
    why="With the EC2 launch type you provision, patch and scale the instances yourself. Fargate "
    "is the serverless default: AWS provisions compute per task.",
    fix='Set launch_type = "FARGATE" (network_mode "awsvpc", a valid cpu/memory pair), or keep EC2 '
    "deliberately (GPUs, daemon tasks, special instance types) and skip TFG105 with a reason.",
    url=f"{_DOCS}/AWS_Fargate.html",
    check=check_prefer_fargate,
    attributes=('launch_type', 'capacity_provider_strategy'),
)


# --- TFG106: the task fits one container instance ------------------------------------------------


def task_size(task: Resource) -> tuple[int | None, int | None]:
    """The CPU units and MiB ECS reserves on an instance to place the task: the task-level size
    where set, else the sum over its containers (cpu; memoryReservation, else memory), which is
    what placement adds up when the task sets no size of its own."""
    cpu, memory = parse_cpu(task.get("cpu")), parse_memory(task.get("memory"))
    if cpu is not None and memory is not None:
        return cpu, memory
    definitions = decode_json(task.get("container_definitions")) if task.get("container_definitions") is not None else []
    container_cpu = container_memory = 0
    for container in definitions if isinstance(definitions, list) else [definitions]:
        if not isinstance(known(container), dict):
            continue
        container_cpu += parse_cpu(container.get("cpu")) or 0
        reservation = parse_memory(container.get("memoryReservation"))
        container_memory += reservation if reservation is not None else parse_memory(container.get("memory")) or 0
    return (cpu if cpu is not None else container_cpu or None), (memory if memory is not None else container_memory or None)


def _size_text(cpu: int | None, memory: int | None) -> str:
    return " and ".join(text for value, text in ((cpu, f"{cpu} CPU units"), (memory, f"{memory} MiB")) if value is not None)


@judges("aws_ecs_service")
def check_fits_instance(model: Model, service: Resource) -> Iterator[Fail]:
    if "EC2" not in launch_kinds(model, service):
        return
    task = task_definition_of(model, service)
    if task is None:
        return
    cpu, memory = task_size(task)
    if cpu is None and memory is None:
        return
    sizes = []
    pending = Pending()
    for fleet in fleets_of(model, service):
        for instance_type in fleet.instance_types() or [None]:
            with pending:
                name = known(instance_type, f"the instance type of {fleet.owner.address} is not known")
                if not isinstance(name, str) or size_of(name) is None:
                    raise Undecided(f"instance type {name!r} of {fleet.owner.address} is not in tfgen's table of instance sizes")
                if task_fits(name, cpu, memory):
                    return
                sizes.append(size_of(name))
    pending.settle()
    if sizes:
        largest = max(sizes, key=lambda size: (size.cpu_units, size.task_memory_mib))  # type: ignore[union-attr]
        yield Fail(
            task,
            f"task needs {_size_text(cpu, memory)}, more than one {largest.describe()} offers: "  # type: ignore[union-attr]
            f"{service.address} can never place it",
        )


TFG106 = Rule(
    id="TFG106",
    severity="error",
    title="EC2 task must fit one instance of its Auto Scaling group's instance type",
    guidance="ec2-container-instances",
    why="ECS places a task on one container instance that has the task's CPU and memory free. A "
    "task larger than a whole instance of the Auto Scaling group's type (less what the OS and "
    "agent keep) is never placed: the service stays at zero running tasks. The size judged is the "
    "task-level cpu/memory where set, else the sum over the containers (cpu, and memoryReservation "
    "or else memory), as placement adds them up. An instance type outside tfgen's table is unknown.",
    fix="Use a larger instance type in the launch template (or the mixed instances overrides), or "
    "lower the task's cpu/memory to what one instance offers.",
    url=f"{_DOCS}/memory-management.html",
    check=check_fits_instance,
)
