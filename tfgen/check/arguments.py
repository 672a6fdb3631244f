"""The types Terraform's AWS provider requires of the arguments the rules read.

A configuration Terraform would reject (`family = ["x"]`) is not something to judge: the check
ends with exit 2 naming the file, line and argument, as `terraform validate` would, instead of
rules quietly passing over a value they cannot read. Only known values are judged; an unknown
is left to Terraform. The table lists scalar arguments of the resources the rules judge (the
provider's schema: a string, a number or a bool; numbers written as strings are accepted, as
Terraform converts them).
"""

from __future__ import annotations

from tfgen.check.model import Model, Unknown
from tfgen.errors import InputError

_TEXT = "string"
_NUMBER = "number"
_BOOL = "bool"

SCALARS: dict[str, dict[str, str]] = {
    "aws_ecs_task_definition": {
        "family": _TEXT, "network_mode": _TEXT, "cpu": _TEXT, "memory": _TEXT,
        "task_role_arn": _TEXT, "execution_role_arn": _TEXT, "container_definitions": _TEXT,
    },
    "aws_ecs_service": {
        "name": _TEXT, "launch_type": _TEXT, "platform_version": _TEXT, "task_definition": _TEXT,
        "cluster": _TEXT, "desired_count": _NUMBER, "enable_execute_command": _BOOL,
    },
    "aws_lb": {"load_balancer_type": _TEXT, "internal": _BOOL, "name": _TEXT},
    "aws_lb_listener": {"protocol": _TEXT, "port": _NUMBER, "load_balancer_arn": _TEXT},
    "aws_lb_target_group": {"target_type": _TEXT, "protocol": _TEXT, "port": _NUMBER},
    "aws_efs_file_system": {"encrypted": _BOOL, "performance_mode": _TEXT, "creation_token": _TEXT},
    "aws_iam_role": {"name": _TEXT, "assume_role_policy": _TEXT},
    "aws_iam_role_policy": {"role": _TEXT, "policy": _TEXT},
    "aws_iam_instance_profile": {"role": _TEXT, "name": _TEXT},
    "aws_iam_openid_connect_provider": {"url": _TEXT},
    "aws_sqs_queue": {
        "sqs_managed_sse_enabled": _BOOL, "kms_master_key_id": _TEXT, "redrive_policy": _TEXT, "policy": _TEXT,
        "message_retention_seconds": _NUMBER, "visibility_timeout_seconds": _NUMBER, "fifo_queue": _BOOL,
    },
    "aws_sqs_queue_policy": {"queue_url": _TEXT, "policy": _TEXT},
    "aws_sns_topic": {"kms_master_key_id": _TEXT, "policy": _TEXT},
    "aws_sns_topic_policy": {"arn": _TEXT, "policy": _TEXT},
    "aws_ecr_repository": {"name": _TEXT, "image_tag_mutability": _TEXT},
}


def _fits(value: object, kind: str) -> bool:
    # Terraform converts between a string and a number or bool where the text allows it.
    if kind == _BOOL:
        return isinstance(value, bool) or value in ("true", "false")
    if kind == _NUMBER:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return True
        try:
            float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return False
        return True
    return isinstance(value, (str, int, float, bool))


def _shown(value: object) -> str:
    return {list: "a list", tuple: "a list", dict: "an object"}.get(type(value), f"{value!r}")


def refuse_wrong_types(model: Model) -> None:
    """Raise InputError (exit 2) at the first argument whose known value is of a type Terraform rejects."""
    from tfgen.check.runner import display_path, judged_place

    for resource in model.managed(*SCALARS):
        for name, kind in SCALARS[resource.type].items():
            value = resource.get(name)
            if value is None or isinstance(value, Unknown) or _fits(value, kind):
                continue
            line, _ = judged_place(resource, (name,))
            raise InputError(
                f"{display_path(resource.file)}:{line}: {resource.address}: {name} must be a {kind}, "
                f"not {_shown(value)}; Terraform rejects this configuration (`terraform validate` says the same)"
            )
