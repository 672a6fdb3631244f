"""7xx: what reaches the tasks and who reaches into them: ECR images, ECS Exec."""

from __future__ import annotations

from typing import Any, Iterator

from tfgen.check.model import Model, Resource, glob_match
from tfgen.check.rules.base import Fail, Pending, Rule, Undecided, judges, known
from tfgen.check.rules.helpers import as_list, cluster_of, decode_json, first_block, task_definition_of

_ECR = "https://docs.aws.amazon.com/AmazonECR/latest/userguide"
_ECS = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide"


# --- TFG701: images scanned on push ------------------------------------------------------------


def _registry_scans(model: Model, name: Any) -> bool:
    """Does a registry scanning configuration scan the repository `name` on push (or continuously)?
    It replaces the repositories' own scan_on_push when present."""
    pending = Pending()
    for config in model.managed("aws_ecr_registry_scanning_configuration"):
        with pending:
            for rule in as_list(config.get("rule")):
                rule = known(rule)
                if not isinstance(rule, dict) or known(rule.get("scan_frequency")) not in ("SCAN_ON_PUSH", "CONTINUOUS_SCAN"):
                    continue
                for item in as_list(rule.get("repository_filter")):
                    item = known(item)
                    pattern = known(item.get("filter")) if isinstance(item, dict) else None
                    if isinstance(pattern, str) and glob_match(pattern, str(known(name, "repository name not known"))):
                        return True
    pending.settle()
    return False


@judges("aws_ecr_repository")
def check_scan_on_push(model: Model, repository: Resource) -> Iterator[Fail]:
    scanning = first_block(repository, "image_scanning_configuration")
    on_push = known(scanning.get("scan_on_push")) if scanning is not None else None
    if on_push in (True, "true"):
        return
    if not _registry_scans(model, repository.get("name")):
        yield Fail(repository, "ECR repository does not scan images on push" + (" (image_scanning_configuration left out: off)" if scanning is None else ""))


TFG701 = Rule(
    id="TFG701",
    severity="warning",
    title="ECR repositories should scan images on push",
    guidance="images-in-ecr",
    why="An image carries its operating system packages and libraries into every task. Scanning "
    "on push reports known vulnerabilities (CVEs) in each new image before it is deployed.",
    fix="Set image_scanning_configuration { scan_on_push = true } on the aws_ecr_repository, or a "
    "registry-wide aws_ecr_registry_scanning_configuration whose rule scans it on push.",
    url=f"{_ECR}/image-scanning.html",
    check=check_scan_on_push,
    attributes=("image_scanning_configuration.scan_on_push",),
)


# --- TFG702: immutable tags --------------------------------------------------------------------


@judges("aws_ecr_repository")
def check_immutable_tags(model: Model, repository: Resource) -> Iterator[Fail]:
    value = known(repository.get("image_tag_mutability"))
    if not (isinstance(value, str) and value.upper().startswith("IMMUTABLE")):
        yield Fail(repository, "ECR repository lets a push overwrite an existing tag (image_tag_mutability " + ("left out: MUTABLE)" if value in (None, "") else f"= {value})"))


TFG702 = Rule(
    id="TFG702",
    severity="warning",
    title="ECR repositories should have immutable tags",
    guidance="images-in-ecr",
    why="A task definition names its image by tag. With mutable tags a later push moves the tag, "
    "and the next task started (a scale-out, a replaced task) runs an image nobody deployed or "
    "tested under that name.",
    fix='Set image_tag_mutability = "IMMUTABLE" and give each build a new tag (the commit SHA).',
    url=f"{_ECR}/image-tag-mutability.html",
    check=check_immutable_tags,
    attributes=("image_tag_mutability",),
)


# --- TFG703: ECS Exec sessions logged ----------------------------------------------------------


def _logs_with_awslogs(task: Resource) -> bool:
    """Does a container of the task definition send its logs with the awslogs driver?"""
    definitions = decode_json(task.get("container_definitions"))
    pending = Pending()
    for container in definitions if isinstance(definitions, list) else [definitions]:
        with pending:
            config = known(container).get("logConfiguration") if isinstance(known(container), dict) else None
            if isinstance(known(config), dict) and known(config.get("logDriver")) == "awslogs":
                return True
    pending.settle()
    return False


def _exec_logging_problem(model: Model, service: Resource) -> str | None:
    cluster = cluster_of(model, service)
    if cluster is None:
        raise Undecided("the cluster is not in this configuration")
    configuration = first_block(cluster, "configuration")
    exec_config = first_block(configuration, "execute_command_configuration") if configuration is not None else None
    logging = known(exec_config.get("logging")) if exec_config is not None else None
    logging = str(logging).upper() if logging not in (None, "") else "DEFAULT"
    if logging == "NONE":
        return f'cluster {cluster.address} sets execute_command_configuration logging = "NONE"'
    if logging == "OVERRIDE":
        log = first_block(exec_config, "log_configuration") if exec_config is not None else None
        targets = [known(log.get(k)) for k in ("cloud_watch_log_group_name", "s3_bucket_name")] if log is not None else []
        if all(t in (None, "") for t in targets):
            return f'cluster {cluster.address} sets logging = "OVERRIDE" without a log group or bucket in log_configuration'
        return None
    task = task_definition_of(model, service)
    if task is None:
        raise Undecided("the task definition is not in this configuration")
    if not _logs_with_awslogs(task):
        left_out = "" if exec_config is not None else "no execute_command_configuration, so "
        return f"cluster {cluster.address} has {left_out}DEFAULT logging, which logs sessions only through an awslogs container, and {task.address} has none"
    return None


@judges("aws_ecs_service")
def check_exec_logged(model: Model, service: Resource) -> Iterator[Fail]:
    if known(service.get("enable_execute_command")) not in (True, "true"):
        return
    problem = _exec_logging_problem(model, service)
    if problem is not None:
        yield Fail(service, f"ECS Exec is enabled but its sessions are not logged: {problem}")


TFG703 = Rule(
    id="TFG703",
    severity="warning",
    title="Services with ECS Exec should log the sessions",
    guidance="ecs-exec",
    why="ECS Exec opens a shell in a running container. Without session logging there is no "
    "record of the commands run there, and the output never reaches CloudWatch Logs or S3 for "
    "an audit.",
    fix='On the cluster, set configuration { execute_command_configuration { logging = "OVERRIDE" '
    "log_configuration { cloud_watch_log_group_name = ..., cloud_watch_encryption_enabled = true } } }, "
    "or keep the DEFAULT with an awslogs log driver in the task definition.",
    url=f"{_ECS}/ecs-exec.html",
    check=check_exec_logged,
    attributes=("enable_execute_command",),
)
