"""1xx: launch type (EC2 vs Fargate)."""

from __future__ import annotations

import re
from typing import Any, Iterator

from tfgen import fargate
from tfgen.check.model import Model, Resource, Unknown
from tfgen.check.rules.base import Fail, Hit, Rule, Undecided
from tfgen.check.rules.helpers import (
    cluster_of,
    compatibilities,
    first_block,
    is_fargate_task,
    launch_kinds,
    maybe_base64,
    network_mode,
    parse_cpu,
    parse_memory,
    task_definition_of,
)

_DOCS = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide"


def check_fargate_network_mode(model: Model) -> Iterator[Hit]:
    for task in model.managed("aws_ecs_task_definition"):
        on_fargate = is_fargate_task(model, task)
        if isinstance(on_fargate, Unknown):
            yield Undecided(task, on_fargate.reason)
            continue
        if not on_fargate:
            continue
        mode = network_mode(task)
        if isinstance(mode, Unknown):
            yield Undecided(task, mode.reason)
        elif mode != "awsvpc":
            shown = f'network_mode "{mode}"' if task.get("network_mode") else 'no network_mode (AWS uses "bridge")'
            yield Fail(task, f'Fargate task definition has {shown}; Fargate requires "awsvpc"')


TFG101 = Rule(
    id="TFG101",
    severity="error",
    title="Fargate task definition must use awsvpc network mode",
    guidance="**No infrastructure management** – AWS provisions compute automatically.",
    why="On Fargate AWS provisions the compute, and every task gets its own elastic network "
    "interface: awsvpc is the only network mode Fargate accepts. Any other mode is rejected "
    "when the task definition is registered or the task is started.",
    fix='Set network_mode = "awsvpc" on the task definition, and give the service a '
    "network_configuration block (subnets, security_groups).",
    url=f"{_DOCS}/fargate-task-networking.html",
    check=check_fargate_network_mode,
    attributes=('network_mode',),
)


def check_fargate_size(model: Model) -> Iterator[Hit]:
    for task in model.managed("aws_ecs_task_definition"):
        on_fargate = is_fargate_task(model, task)
        if isinstance(on_fargate, Unknown):
            yield Undecided(task, on_fargate.reason)
            continue
        if not on_fargate:
            continue
        cpu, memory = parse_cpu(task.get("cpu")), parse_memory(task.get("memory"))
        if isinstance(cpu, Unknown) or isinstance(memory, Unknown):
            yield Undecided(task, (cpu if isinstance(cpu, Unknown) else memory).reason)  # type: ignore[union-attr]
            continue
        missing = [name for name, value in (("cpu", cpu), ("memory", memory)) if value is None]
        if missing:
            yield Fail(task, f"Fargate task definition lacks task-level {' and '.join(missing)}")
        elif not fargate.is_valid(cpu, memory):  # type: ignore[arg-type]
            yield Fail(task, f"cpu {cpu} / memory {memory} MiB is not a valid Fargate size: {fargate.describe_allowed(cpu)}")  # type: ignore[arg-type]


TFG102 = Rule(
    id="TFG102",
    severity="error",
    title="Fargate task definition needs a valid task-level CPU/memory pair",
    guidance="You define **task definition**, including CPU & memory.",
    why="Fargate sizes the task's compute from the task-level cpu and memory, and accepts only "
    "the combinations of its size table. A missing or invalid pair is rejected at registration.",
    fix="Set task-level cpu and memory to one of the Fargate pairs, e.g. cpu = 256 with memory "
    "= 512, 1024 or 2048; cpu = 1024 with memory 2048 to 8192 in 1024 steps.",
    url=f"{_DOCS}/fargate-tasks-services.html#fargate-tasks-size",
    check=check_fargate_size,
    attributes=('cpu',),
)


# --- TFG103: container instances for EC2 services ------------------------------------------------


def _registers(user_data: str, cluster: str) -> bool:
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


def _template_user_data(model: Model, spec: Any) -> Any:
    """User data of the launch template a launch_template block / specification points to."""
    if spec is None:
        return None
    if isinstance(spec, Unknown):
        return spec
    for key in ("id", "launch_template_id", "name", "launch_template_name"):
        value = spec.get(key)
        if value is None:
            continue
        template = model.resolve(value, "aws_launch_template", attributes=("id", "name", "arn"))
        if isinstance(template, Unknown):
            return template
        if template is None:
            return Unknown(f"launch template {value!r} is not in this configuration")
        return template.get("user_data")
    return None


def instance_user_data(model: Model) -> Iterator[tuple[Resource, Any]]:
    """(Auto Scaling group or instance, the user data its instances boot with)."""
    for group in model.managed("aws_autoscaling_group"):
        sources: list[Any] = []
        sources.append(_template_user_data(model, first_block(group, "launch_template")))
        mixed = first_block(group, "mixed_instances_policy")
        if isinstance(mixed, Unknown):
            sources.append(mixed)
        elif mixed is not None:
            template = first_block(mixed, "launch_template")
            spec = first_block(template, "launch_template_specification") if isinstance(template, dict) else template
            sources.append(_template_user_data(model, spec))
        config = group.get("launch_configuration")
        if config is not None:
            found = model.resolve(config, "aws_launch_configuration", attributes=("name", "id", "arn"))
            sources.append(found if isinstance(found, Unknown) else found.get("user_data") if found else Unknown("launch configuration not in this configuration"))
        for source in sources:
            if source is not None:
                yield group, source
    for instance in model.managed("aws_instance"):
        data = instance.get("user_data")
        if data is None:
            data = instance.get("user_data_base64")
        if data is None:
            data = _template_user_data(model, first_block(instance, "launch_template"))
        yield instance, data if data is not None else ""


def check_container_instances(model: Model) -> Iterator[Hit]:
    for service in model.managed("aws_ecs_service"):
        kinds = launch_kinds(model, service)
        if isinstance(kinds, Unknown):
            yield Undecided(service, kinds.reason)
            continue
        if "EC2" not in kinds:
            continue
        cluster = cluster_of(model, service)
        if isinstance(cluster, Unknown):
            yield Undecided(service, cluster.reason)
            continue
        if cluster is None and service.get("cluster") is not None:
            yield Undecided(service, f"cluster {service.get('cluster')!r} is not defined in this configuration")
            continue
        name = cluster.get("name") if cluster is not None else "default"
        if not isinstance(name, str):
            yield Undecided(service, f"the name of {cluster.address if cluster else 'the cluster'} is not known")
            continue
        unknown: Unknown | None = None
        provided = False
        for provider, data in instance_user_data(model):
            if isinstance(data, Unknown):
                unknown = unknown or data
            elif isinstance(data, str) and _registers(data, name):
                provided = True
                break
        if provided:
            continue
        if model.unknown_modules:
            yield Undecided(service, "a module that could not be read may provide container instances")
        elif unknown is not None:
            yield Undecided(service, unknown.reason)
        else:
            yield Fail(service, f'service runs on EC2 but no Auto Scaling group or instance registers with cluster "{name}" (ECS_CLUSTER={name} in user data)')


TFG103 = Rule(
    id="TFG103",
    severity="error",
    title="EC2 service needs container instances registered with its cluster",
    guidance="ECS Cluster runs on **user-managed EC2 instances**.",
    why="With the EC2 launch type you provision the instances and install the ECS agent on each. "
    "Tasks are placed only on instances whose agent registered with the service's cluster, so "
    "without them the service never starts a task.",
    fix="Add an Auto Scaling group (or instances) from an ECS-optimized AMI whose user data runs "
    "`echo ECS_CLUSTER=<cluster name> >> /etc/ecs/ecs.config`, ideally attached to the cluster "
    "through an aws_ecs_capacity_provider; or run the service on Fargate.",
    url=f"{_DOCS}/launch_container_instance.html",
    check=check_container_instances,
)


def check_launch_type_compatible(model: Model) -> Iterator[Hit]:
    for service in model.managed("aws_ecs_service"):
        kinds = launch_kinds(model, service)
        task = task_definition_of(model, service)
        if task is None:
            continue
        if isinstance(kinds, Unknown) or isinstance(task, Unknown):
            yield Undecided(service, (kinds if isinstance(kinds, Unknown) else task).reason)  # type: ignore[union-attr]
            continue
        compat = compatibilities(task)
        if isinstance(compat, Unknown):
            yield Undecided(service, compat.reason)
            continue
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
    guidance="You launch **ECS Tasks** into **ECS Clusters** using:",
    why="ECS validates a task definition only for the launch types in requires_compatibilities "
    "(EC2 when the list is left out). A service on any other launch type fails to start tasks.",
    fix='Add the service\'s launch type to requires_compatibilities (e.g. ["FARGATE"]), or run '
    "the service on a launch type the task definition supports.",
    url=f"{_DOCS}/task_definition_parameters.html#requires_compatibilities",
    check=check_launch_type_compatible,
    attributes=('launch_type', 'capacity_provider_strategy'),
)


def check_prefer_fargate(model: Model) -> Iterator[Hit]:
    for service in model.managed("aws_ecs_service"):
        kinds = launch_kinds(model, service)
        if isinstance(kinds, Unknown):
            yield Undecided(service, kinds.reason)
        elif "EC2" in kinds:
            how = "launch_type" if service.get("launch_type") else "an EC2 capacity provider" if service.get("capacity_provider_strategy") else "the default launch type"
            yield Fail(service, f"service runs on the EC2 launch type ({how}); Fargate needs no servers to manage")


TFG105 = Rule(
    id="TFG105",
    severity="info",
    title="Prefer Fargate unless you need to manage servers",
    guidance="If “no server management” → Use **Fargate**",
    why="With the EC2 launch type you provision, patch and scale the instances yourself. Fargate "
    "is the serverless default: AWS provisions compute per task.",
    fix='Set launch_type = "FARGATE" (network_mode "awsvpc", a valid cpu/memory pair), or keep EC2 '
    "deliberately (GPUs, daemon tasks, special instance types) and skip TFG105 with a reason.",
    url=f"{_DOCS}/AWS_Fargate.html",
    check=check_prefer_fargate,
    attributes=('launch_type', 'capacity_provider_strategy'),
)
