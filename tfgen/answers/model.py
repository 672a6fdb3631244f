"""The answers model: every key of the answers file, its default and its validation.

The single source of truth for what a stack is. The answers file loads into it, `--set`
overrides land in it, the wizard builds it; none of them validates on its own. Field-level rules
live on the fields; rules that relate several keys live in `cross_field_problems`, which reports
every problem at once rather than stopping at the first, and what is allowed but probably not
meant in `cross_field_warnings`. The field descriptions, the `Rule`s of text keys and the
docstrings of the rules across keys are also the answers file's documentation: `tfgen schema`
and docs/answers.md are generated from them (tfgen.answers.schema).
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    PrivateAttr,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import ErrorDetails, core_schema

from tfgen import fargate, instances
from tfgen.answers.messages import plain_message

# What the guidance says, quoted where a refusal rests on it (docs/guidance.md).
GUIDANCE = {
    "classic": "guidance: Classic Load Balancer is legacy, not supported with Fargate, not "
    "recommended; use alb for HTTP/HTTPS or nlb for TCP/UDP/TLS and PrivateLink",
    "multi_az": "guidance: ECS services and EFS are for multi-AZ deployments; one AZ is one "
    "failure away from an outage, so give at least two",
    "privatelink": "guidance: use a Network Load Balancer with AWS PrivateLink",
    "efs": "guidance: use Amazon EFS for shared, persistent multi-AZ data volumes; "
    "set efs.enabled: true to create the file system",
    "task_role": "guidance: a task that calls AWS services gets its permissions from its task "
    "role; never put AWS keys in the environment (use permissions or secrets)",
    "fargate_size": "Fargate accepts only fixed CPU/memory pairs",
}


@dataclass(frozen=True)
class Rule:
    """A text key's rule: a regular expression it must match in full, and what that means in words.

    Validates after the type (so the message is `meaning`, never pydantic's), and puts the
    expression and the words in the JSON Schema (`pattern`, `x-allowed`) and so in docs/answers.md.
    """

    regex: str
    meaning: str
    check: Callable[[str], str | None] | None = None  # a further rule the expression cannot say

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        compiled = re.compile(self.regex)

        def validate(value: str) -> str:
            if not compiled.fullmatch(value):
                raise ValueError(f"{_shown(value)} is not valid: {self.meaning}")
            why = self.check(value) if self.check else None
            if why:
                raise ValueError(f"{_shown(value)} is not valid: {why}")
            return value

        return core_schema.no_info_after_validator_function(validate, handler(source))

    def __get_pydantic_json_schema__(self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler) -> dict[str, Any]:
        out = handler(schema)
        out["pattern"] = f"^(?:{self.regex})$"
        out["x-allowed"] = self.meaning
        return out


def _shown(value: str) -> str:
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:57]}... ({len(value)} characters)"


def _not_internal(name: str) -> str | None:
    if f"{name}-".startswith("internal-"):
        return "it begins the load balancer's name, and AWS refuses load balancer names that start with 'internal-'"
    return None


# Resource names are built as NAME-ENVIRONMENT[-SERVICE]. Load balancer and target group names
# take 32 letters, digits and hyphens, and may not end in a hyphen; ending every part in a
# letter or digit keeps each name (and each part of it) valid.
StackName = Annotated[
    str,
    Rule(
        r"[a-z][a-z0-9-]{0,18}[a-z0-9]",
        "2-20 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen "
        "(it begins load balancer and target group names, which AWS caps at 32 characters and which may not end in a hyphen)",
        _not_internal,
    ),
]
EnvName = Annotated[
    str,
    Rule(
        r"[a-z](?:[a-z0-9-]{0,8}[a-z0-9])?",
        "1-10 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen "
        "(it ends the load balancer's name, which AWS refuses when it ends in a hyphen)",
    ),
]
ServiceName = Annotated[
    str,
    Rule(
        r"[a-z](?:[a-z0-9-]{0,18}[a-z0-9])?",
        "1-20 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen "
        "(it ends the service's target group, role and log group names)",
    ),
]
Region = Annotated[str, Rule(r"[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d", "an AWS region such as eu-west-1")]
AmiId = Annotated[str, Rule(r"ami-[0-9a-f]{8,17}", "an AMI id such as ami-0123456789abcdef0")]
VpcId = Annotated[str, Rule(r"vpc-[0-9a-f]{8,17}", "a VPC id such as vpc-0123456789abcdef0")]
SubnetId = Annotated[str, Rule(r"subnet-[0-9a-f]{8,17}", "a subnet id such as subnet-0123456789abcdef0")]
InstanceType = Annotated[str, Rule(r"[a-z][a-z0-9-]*\.[a-z0-9]+", "an EC2 instance type such as t3.medium")]
CertificateArn = Annotated[
    str,
    Rule(
        r"arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[A-Za-z0-9-]+",
        "an ACM certificate ARN (arn:aws:acm:REGION:ACCOUNT:certificate/ID) in the stack's region",
    ),
]
Image = Annotated[
    str,
    Rule(
        r"[A-Za-z0-9][A-Za-z0-9._/:@-]{0,254}",
        "a container image reference such as public.ecr.aws/nginx/nginx:1.27: at most 255 characters, no spaces or quotes "
        "(ECS takes up to 255)",
    ),
]
HealthCheckPath = Annotated[
    str,
    Rule(
        r"/[A-Za-z0-9_./~@:+&*?=-]{0,1023}",
        "a path starting with /, at most 1,024 characters of ALB path characters (the ALB health check limit)",
    ),
]
PathPattern = Annotated[
    str,
    Rule(
        r"/[A-Za-z0-9_./~@:+&*?=-]{0,127}",
        "a path pattern starting with /, at most 128 characters of ALB path characters; * and ? are wildcards "
        "(an ALB listener rule condition takes 128)",
    ),
]
MountPath = Annotated[str, Rule(r"/[A-Za-z0-9_./-]{0,254}[A-Za-z0-9_-]", "an absolute container path such as /data")]
EnvVarName = Annotated[
    str, Rule(r"[A-Za-z_][A-Za-z0-9_]{0,254}", "letters, digits and underscores, not starting with a digit")
]
# The root variables a stack may declare (templates/variables.tf.j2), and the names Terraform
# reserves for variables: a stack input variable named by `services[].variables` takes neither.
ROOT_VARIABLES = frozenset({
    "name", "environment", "region", "tags", "vpc_cidr", "azs", "single_nat_gateway", "vpc_id", "public_subnet_ids",
    "private_subnet_ids", "ec2", "load_balancer", "efs", "services", "deploy", "ci",
})
_TERRAFORM_RESERVED = frozenset({"source", "version", "providers", "count", "for_each", "lifecycle", "depends_on", "locals"})


def variable_name_refusal(name: str) -> str | None:
    """Why a stack input variable may not take `name` (the stack's own or a Terraform-reserved name), or None."""
    if name in ROOT_VARIABLES:
        return "the stack already declares a variable of that name; choose another"
    if name in _TERRAFORM_RESERVED:
        return "Terraform reserves that name for variables; choose another"
    return None


TfVariableName = Annotated[
    str,
    Rule(
        r"[a-z][a-z0-9_]{0,63}",
        "a Terraform variable name: 1-64 lowercase letters, digits and underscores, starting with a letter "
        "(not one the stack declares itself, nor one Terraform reserves)",
        variable_name_refusal,
    ),
]
# A secret's value: an ARN, or the name of an SSM parameter in the stack's region and account
# (ECS takes the name as valueFrom; the execution role gets the parameter's ARN). SSM caps a name
# at 1,011 characters and a hierarchy at 15 levels, and a name with a slash begins with one.
_SSM_NAME = r"[A-Za-z0-9_.-]+|(?:/[A-Za-z0-9_.-]+){1,15}"
SecretRef = Annotated[
    str,
    Rule(
        r"arn:aws[a-z-]*:(secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+"
        r"|ssm:[a-z0-9-]+:\d{12}:parameter/[A-Za-z0-9/_.-]+)" f"|{_SSM_NAME}",
        "a Secrets Manager secret ARN, an SSM parameter ARN, or an SSM parameter name such as /shop/prod/db or "
        "DB_PASSWORD (letters, digits, _ . - /, at most 1,011 characters and 15 levels; a name with a slash starts with one)",
        lambda value: None if len(value) <= 1011 else "an SSM parameter name takes at most 1,011 characters",
    ),
]
ContainerName = Annotated[
    str,
    Rule(r"[A-Za-z0-9][A-Za-z0-9_-]{0,254}", "1-255 letters, digits, hyphens and underscores (an ECS container name)"),
]
Command = Annotated[list[str], Field(min_length=1)]

Kind = Literal["web", "backend", "worker", "job", "nlb"]
KINDS: tuple[str, ...] = ("web", "backend", "worker", "job", "nlb")
TopicName = Annotated[
    str,
    Rule(
        r"[A-Za-z0-9_-]{1,64}",
        "1-64 letters, digits, hyphens or underscores (the topic is named PREFIX-SERVICE-NAME, an SNS topic name)",
    ),
]

# EventBridge Scheduler's field limits, in the order of a cron() expression's six fields.
_CRON_FIELDS = (
    ("minutes", 0, 59, ()),
    ("hours", 0, 23, ()),
    ("day-of-month", 1, 31, ()),
    ("month", 1, 12, ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")),
    ("day-of-week", 1, 7, ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")),
    ("year", 1970, 2199, ()),
)


def _cron_value(text: str, low: int, high: int, names: tuple[str, ...]) -> bool:
    if text.upper() in names:
        return True
    return text.isdigit() and low <= int(text) <= high


def _cron_item(item: str, index: int) -> bool:
    _, low, high, names = _CRON_FIELDS[index]
    base, _, step = item.partition("/")
    if step and not (step.isdigit() and int(step) >= 1):
        return False
    if base == "*":
        return True
    if index == 2 and re.fullmatch(r"L|LW|\d{1,2}W", base):  # last day, nearest weekday
        return base in ("L", "LW") or 1 <= int(base[:-1]) <= 31
    if index == 4 and re.fullmatch(r"[1-7]#[1-5]|[1-7]?L", base):  # nth or last weekday of the month
        return True
    start, _, end = base.partition("-")
    return _cron_value(start, low, high, names) and (not end or _cron_value(end, low, high, names))


def _schedule_rules(expression: str) -> str | None:
    if expression.startswith("rate("):
        return None  # the expression says everything
    fields = expression[len("cron(") : -1].split(" ")
    for index, text in enumerate(fields):
        name, low, high, _ = _CRON_FIELDS[index]
        if text == "?":
            continue
        if not all(_cron_item(item, index) for item in text.split(",")):
            return f"the {name} field {text!r} is not valid (values {low}-{high}, with , - * / and the field's own L W #)"
    return None


Schedule = Annotated[
    str,
    Rule(
        r"rate\((?:1 (?:minute|hour|day)|(?:[2-9]|[1-9][0-9]+) (?:minutes|hours|days))\)"
        r"|cron\([^ ?]+ [^ ?]+ (?:\? [^ ?]+ [^ ?]+|[^ ?]+ [^ ?]+ \?) [^ ?]+\)",
        "an EventBridge Scheduler expression: rate(N unit) with minute(s), hour(s) or day(s) (singular for 1), "
        "or cron(minutes hours day-of-month month day-of-week year) with ? in exactly one of day-of-month and "
        "day-of-week, e.g. cron(0 3 * * ? *)",
        _schedule_rules,
    ),
]


def _known_timezone(name: str) -> str | None:
    known = zoneinfo.available_timezones()
    if known and name not in known:  # no time zone database on this machine: the form is all we can check
        return f"{name!r} is not an IANA time zone name such as UTC or Europe/Paris"
    return None


TimeZone = Annotated[
    str, Rule(r"[A-Za-z][A-Za-z0-9_+-]*(?:/[A-Za-z0-9_+-]+){0,2}", "an IANA time zone name such as UTC or Europe/Paris", _known_timezone)
]


# Plain environment values may be written unquoted (PORT: 8080); ECS takes them as text.
EnvValue = Annotated[str, WithJsonSchema({"type": ["string", "number"]})]


def _bucket_rules(name: str) -> str | None:
    if ".." in name:
        return "S3 bucket names may not hold two dots in a row"
    if re.fullmatch(r"\d+\.\d+\.\d+\.\d+", name):
        return "S3 bucket names may not look like an IP address"
    if name.startswith(("xn--", "sthree-")) or name.endswith(("-s3alias", "--ol-s3")):
        return "S3 reserves the prefixes xn-- and sthree- and the suffixes -s3alias and --ol-s3"
    return None


BucketName = Annotated[
    str,
    Rule(
        r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]",
        "an S3 bucket name: 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit",
        _bucket_rules,
    ),
]
TableName = Annotated[str, Rule(r"[A-Za-z0-9_.-]{3,255}", "a DynamoDB table name (3-255 letters, digits, _ . -)")]
StateKey = Annotated[
    str, Rule(r"[A-Za-z0-9!_.*'()/-]{1,1024}", "an S3 object key such as shop/prod/terraform.tfstate (at most 1,024 characters)")
]

# A path inside the user's repository, as the CI files name it: relative, no `..`, and only
# characters that need no quoting in YAML or a shell word.
RepoPath = Annotated[
    str,
    Rule(
        r"\.|(?!\.\.?(?:/|$))[A-Za-z0-9_.-]+(?:/(?!\.\.?(?:/|$))[A-Za-z0-9_.-]+)*",
        "a relative path inside the repository such as . or services/web/Dockerfile: letters, digits, _ . - and /, "
        "no .. and no leading /",
    ),
]
# GitHub: OWNER/NAME; GitLab: GROUP[/SUBGROUP...]/PROJECT. Exact names: they go into the OIDC trust condition.
CiRepository = Annotated[
    str,
    Rule(r"[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)+", "OWNER/NAME on GitHub, GROUP[/SUBGROUP...]/PROJECT on GitLab, without wildcards"),
]
Branch = Annotated[
    str,
    Rule(
        r"(?!refs/)[A-Za-z0-9_][A-Za-z0-9._/-]{0,243}",
        "a branch name such as main or release/v2 (no wildcards, no refs/heads/ prefix)",
    ),
]
OidcProviderArn = Annotated[
    str,
    Rule(r"arn:aws[a-z-]*:iam::\d{12}:oidc-provider/[A-Za-z0-9.:/_-]+", "an IAM OIDC provider ARN (arn:aws:iam::ACCOUNT:oidc-provider/HOST)"),
]
GitlabUrl = Annotated[
    str, Rule(r"https://[A-Za-z0-9.-]+(?::\d{1,5})?", "an https:// URL without a path or trailing slash, such as https://gitlab.com")
]

# AWS's tag rules (the same for every service tfgen tags): keys 1-128 characters, values up to
# 256, of letters, digits and spaces in any script and + - = . _ : / @. The provider silently
# drops a tag it cannot send, so a bad one is refused here. The expression (also the schema's)
# settles ASCII; `_tag_text` settles the rest by Unicode category.
_TAG_TEXT = r"[^\x00-\x1f\x7f!" '"' r"#$%&'()*,;<>?\[\\\]^`{|}~]"
_TAG_MEANING = "letters, digits, spaces and + - = . _ : / @ (AWS's tag characters)"


def _tag_text(text: str) -> str | None:
    odd = sorted({c for c in text if unicodedata.category(c)[0] not in "LNZ" and c not in "+-=._:/@"})
    return f"{''.join(odd)!r} is not among {_TAG_MEANING}" if odd else None


TagKey = Annotated[str, Rule(f"{_TAG_TEXT}{{1,128}}", f"1-128 {_TAG_MEANING}", _tag_text)]
TagValue = Annotated[str, Rule(f"{_TAG_TEXT}{{0,256}}", f"at most 256 {_TAG_MEANING}", _tag_text)]
# tfgen tags every resource with Project, Environment and ManagedBy, and some with Name; AWS allows 50.
MAX_TAGS = 50 - 4

# ECS runs at most 5,000 tasks per service and registers at most 5,000 container instances per
# cluster; AWS's counts are 32-bit, so a larger number fails only at apply.
MAX_TASKS = 5000
MAX_INSTANCES = 5000

Access = Literal["read", "read_write"]


def default_path_pattern(index: int, service_name: str) -> str:
    """The ALB path a service gets when none is given: the first service takes every path (`/*`),
    each later one the paths under its own name (`/api/*` for a service named api).

    The one place this is decided: the wizard proposes it and the answers file defaults to it,
    so two services with no `path_pattern` route to distinct paths.
    """
    return "/*" if index == 0 else f"/{service_name}/*"


class _Strict(BaseModel):
    """Unknown keys are errors: a typo must not silently become a default."""

    model_config = ConfigDict(extra="forbid")


class Ec2(_Strict):
    """The container instances (launch_type: ec2): an Auto Scaling group of ECS-optimized instances."""

    instance_type: InstanceType = Field(
        "t3.medium",
        description="EC2 instance type of the container instances. Every task must fit one instance "
        "(CPU units and memory, less what the ECS agent and the OS keep); types tfgen does not know are not checked.",
    )
    min_size: int = Field(1, ge=0, le=MAX_INSTANCES, description="Fewest instances in the Auto Scaling group.")
    max_size: int = Field(
        3, ge=1, le=MAX_INSTANCES,
        description="Most instances; a warning when they cannot hold desired_count tasks of every service.",
    )
    desired_capacity: int = Field(
        2, ge=0, le=MAX_INSTANCES, description="Instances to start with, between min_size and max_size."
    )
    ami_id: AmiId | None = Field(
        None,
        description="AMI of the instances; null: the ECS-optimized Amazon Linux 2023 AMI, looked up through its public SSM parameter.",
    )
    reason: str | None = Field(
        None, max_length=200,
        description="Why EC2 rather than Fargate, in your words: the stack carries it as the reason of a "
        "`tfgen:ignore=TFG105` (the checker's prefer-Fargate note), so the choice is recorded, not flagged.",
    )


class Network(_Strict):
    """Where the stack runs: a new VPC, or the subnets of an existing one."""

    create_vpc: bool = Field(
        True, description="true: a new VPC across `azs` with public and private subnets and NAT; false: the existing VPC below."
    )
    vpc_cidr: str = Field("10.0.0.0/16", description="CIDR of the new VPC, a prefix between /16 and /22.")
    azs: list[str] | None = Field(
        None,
        description="Availability zones of the new VPC, at least two of the stack's region; null: the region's a and b.",
    )
    single_nat_gateway: bool = Field(True, description="One NAT gateway for all AZs (cheaper) rather than one per AZ.")
    vpc_id: VpcId | None = Field(None, description="The existing VPC (create_vpc: false).")
    public_subnet_ids: list[SubnetId] = Field(
        [], description="Existing public subnets for an internet-facing load balancer: at least two, in different AZs."
    )
    private_subnet_ids: list[SubnetId] = Field(
        [], description="Existing private subnets for tasks (and an internal load balancer): at least two, in different AZs, none of them also public."
    )


class LoadBalancer(_Strict):
    """How traffic reaches the services."""

    type: str = Field(
        "alb",
        description="alb (HTTP/HTTPS), nlb (TCP/UDP/TLS, PrivateLink) or none (workers only). classic is refused: legacy, and not supported with Fargate.",
        json_schema_extra={"enum": ["alb", "nlb", "none"]},
    )  # checked in cross_field_problems so "classic" gets the guidance, not a bare enum error
    internal: bool = Field(False, description="true: reachable only inside the VPC, in the private subnets.")
    certificate_arn: CertificateArn | None = Field(
        None,
        description="ACM certificate (in the stack's region: certificates are regional). alb: HTTPS on 443 and port 80 redirects to it; nlb: a TLS listener.",
    )
    privatelink: bool = Field(False, description="nlb only: publish the services through a VPC endpoint service.")


class Efs(_Strict):
    """One shared file system for the services that mount it."""

    enabled: bool = Field(
        False, description="One EFS file system, encrypted at rest and in transit, a mount target in every private subnet, backed up."
    )
    performance_mode: Literal["generalPurpose", "maxIO"] = Field("generalPurpose", description="EFS performance mode.")
    throughput_mode: Literal["elastic", "bursting"] = Field("elastic", description="EFS throughput mode.")


class State(_Strict):
    """Where Terraform keeps the stack's state."""

    backend: Literal["local", "s3"] = Field("local", description="local: a file beside the stack; s3: a bucket, locked with an S3 lock file.")
    bucket: BucketName | None = Field(None, description="s3: the state bucket (required).")
    key: StateKey | None = Field(None, description="s3: the state object's key (required).")
    region: Region | None = Field(None, description="s3: the bucket's region; null: the stack's region.")


class BucketGrant(_Strict):
    name: BucketName = Field(description="The bucket; the grant covers its objects too.")
    access: Access = Field("read", description="read or read_write.")


class TableGrant(_Strict):
    name: TableName = Field(description="The table; the grant covers its indexes too.")
    access: Access = Field("read", description="read or read_write.")


class Permissions(_Strict):
    """What the service's task role may do; nothing listed is a task role with no policies."""

    s3_buckets: list[BucketGrant] = Field([], description="S3 buckets the task may use.")
    dynamodb_tables: list[TableGrant] = Field([], description="DynamoDB tables the task may use.")


class Autoscaling(_Strict):
    """Target tracking on the service's average CPU."""

    min: int = Field(ge=1, le=MAX_TASKS, description="Fewest tasks.")
    max: int = Field(ge=1, le=MAX_TASKS, description="Most tasks (ECS runs at most 5,000 per service).")
    cpu_target: int = Field(60, ge=10, le=90, description="Average CPU percent that scaling keeps the service at.")
    backlog_per_task: int | None = Field(
        None, ge=1,
        description="worker with a queue only: scale on the queue's visible messages per running task, held at this "
        "number (the longest acceptable wait divided by the seconds one message takes), instead of on CPU.",
    )


class Topic(_Strict):
    """An SNS topic the service publishes to."""

    name: TopicName = Field(
        description="The topic's short name; the stack creates PREFIX-SERVICE-NAME, KMS encrypted, with a topic policy "
        "admitting this service's task role, which may sns:Publish to it and nothing else."
    )


class Subscription(_Strict):
    """A topic of another service of the stack that feeds the worker's queue."""

    service: ServiceName = Field(description="The publishing service (it lists the topic under publish).")
    topic: TopicName = Field(description="The topic's short name, as the publisher's publish lists it.")
    filter_policy: dict[str, Any] | None = Field(
        None,
        description="SNS subscription filter policy on message attributes (attribute -> list of allowed values or "
        "matching conditions); null delivers every message.",
    )


class Queue(_Strict):
    """The worker's SQS queue, with a dead-letter queue."""

    processing_time_seconds: int = Field(
        30, ge=1, le=43199,
        description="Longest a task takes over one message; the visibility timeout is twice this (at most 43,200, "
        "SQS's limit, so it always exceeds it), or a message still being processed reaches a second task.",
    )
    max_receive_count: int = Field(
        5, ge=1, le=1000, description="Receives after which a failing message moves to the dead-letter queue (the redrive policy)."
    )
    retention_seconds: int = Field(
        345600, ge=60, le=1209600, description="How long an unprocessed message is kept (60 seconds to 14 days)."
    )
    subscribe: list[Subscription] = Field(
        [], description="Topics published by other services of the stack that feed this queue, each with an optional filter policy."
    )


class Spot(_Strict):
    """Fargate Spot: `base` tasks on FARGATE (on-demand), then `share` percent of the rest on FARGATE_SPOT."""

    base: int = Field(1, ge=0, le=MAX_TASKS, description="Tasks that always run on FARGATE (on-demand), whatever Spot does.")
    share: int = Field(
        50, ge=1, le=100,
        description="Percent of the tasks beyond base that run on FARGATE_SPOT (the strategy's weights, reduced: 50 is 1:1, "
        "75 is FARGATE_SPOT 3 : FARGATE 1, 100 puts them all on Spot).",
    )


Condition = Literal["START", "COMPLETE", "SUCCESS", "HEALTHY"]


class DependsOn(_Strict):
    """A container this one waits for when the task starts."""

    container: ContainerName = Field(description="The container waited for: the service's own (named after the service) or a sidecar.")
    condition: Condition = Field(
        description="START: it has started; COMPLETE: it has exited; SUCCESS: it has exited with 0; HEALTHY: its health check "
        "passes (it needs health_check_command). COMPLETE and SUCCESS only on a container that is not essential.",
    )


class Sidecar(_Strict):
    """An extra container in the service's task, beside the service's own."""

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)

    name: ContainerName = Field(description="The container's name, unique in the task (the service's own container is named after the service).")
    image: Image = Field(description="The container image.")
    port: int | None = Field(
        None, ge=1, le=65535,
        description="A TCP port it listens on (containers of a task share one network: ports are distinct); needed to be the service's target.",
    )
    essential: bool = Field(False, description="true: the task stops when this container stops.")
    environment: dict[EnvVarName, EnvValue] = Field({}, description="Plain environment variables, as the service's.")
    secrets: dict[EnvVarName, SecretRef] = Field({}, description="Secrets, as the service's (the execution role may read them too).")
    depends_on: list[DependsOn] = Field([], description="Containers this one waits for at start.")
    efs_mount: MountPath | None = Field(None, description="Mount the service's EFS volume here too (needs the service's efs_mount).")
    efs_read_only: bool = Field(False, description="Mount it read-only (needs efs_mount).")
    health_check_command: Command | None = Field(
        None,
        description='The container health check, as ECS takes it: ["CMD-SHELL", "curl -f http://localhost/ || exit 1"] or ["CMD", ...].',
    )
    cpu: int = Field(0, ge=0, le=16384, description="CPU units reserved for this container (0: none reserved; shares the task's).")
    memory: int | None = Field(
        None, ge=6, le=122880, description="Hard memory limit of this container in MiB (null: the task's memory is the limit)."
    )


class Build(_Strict):
    """How the pipeline builds the service's image (`docker build -f DOCKERFILE CONTEXT`), relative to the repository's root."""

    context: RepoPath = Field(".", description="The build context, a folder of the repository.")
    dockerfile: RepoPath = Field("Dockerfile", description="The Dockerfile, relative to the repository's root.")


class Service(_Strict):
    """One container image run as an ECS service, with its own task definition, task role, security group and log group."""

    # Plain environment values may be written unquoted in YAML (PORT: 8080); they are text to ECS.
    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)
    # A service names its image, or is built from source (the model's refusal says which key).
    model_config["json_schema_extra"] = {
        "anyOf": [
            {"required": ["image"], "properties": {"image": {"type": "string"}}},
            {"required": ["build"], "properties": {"build": {"type": "object"}}},
        ]
    }

    name: ServiceName = Field("web", description="The service's name, unique in the stack.")
    image: Image | None = Field(
        None,
        description="The container image. May be left out when `build` is given: the pipeline builds it into the "
        "stack's ECR repository; given with `build`, it is what the service runs until the first pipeline deploy.",
    )
    kind: Kind | None = Field(
        None,
        description="web: behind the stack's ALB; backend: no public entry, other services call it by name through "
        "Service Connect; worker: no inbound traffic, optionally an SQS queue; job: a scheduled task, no service; "
        "nlb: behind the stack's NLB. null (left out): derived from expose and load_balancer.type: worker with "
        "expose: false or type none, nlb with type nlb, else web.",
    )
    port: int = Field(80, ge=1, le=65535, description="The container port the load balancer sends traffic to.")
    cpu: int = Field(
        256,
        description="Task CPU units (1,024 = 1 vCPU). Fargate: one of its sizes, paired with memory; EC2: 128-16,384 and within one instance.",
    )
    memory: int = Field(
        512,
        description="Task memory in MiB. Fargate: a size its CPU allows; EC2: 128-122,880 and within one instance.",
    )
    desired_count: int = Field(
        2, ge=0, le=MAX_TASKS,
        description="Tasks to run (ECS runs at most 5,000 per service); with autoscaling, between its min and max.",
    )
    autoscaling: Autoscaling | None = Field(None, description="null: a fixed desired_count.")
    expose: bool = Field(True, description="Attach to the load balancer (needs load_balancer.type other than none).")
    health_check_path: HealthCheckPath = Field("/", description="alb: the path the target group's health check requests.")
    path_pattern: PathPattern = Field(
        "/*",
        description="alb: the request paths routed to this service; services on one ALB need distinct patterns. "
        "Default: /* for the first service, /NAME/* for each later one (so /api/* for a service named api).",
    )
    connect: bool | None = Field(
        None,
        description="A Service Connect server: other services of the stack reach it at http://NAME:PORT. "
        "null (left out): true for a backend, false otherwise. Not for jobs.",
    )
    internal_path: PathPattern | None = Field(
        None,
        description="backend only: also route these request paths to it on the stack's internal ALB (reachable inside the VPC only).",
    )
    publish: list[Topic] = Field([], description="SNS topics this service publishes to, created by the stack.")
    queue: Queue | None = Field(None, description="worker only: its SQS queue; null: a worker without a queue.")
    schedule: Schedule | None = Field(None, description="job only, required there: when the job runs, rate(...) or cron(...).")
    timezone: TimeZone = Field("UTC", description="job only: the time zone cron() is read in.")
    retries: int = Field(0, ge=0, le=185, description="job only: how often EventBridge Scheduler retries a run it could not start.")
    max_age_seconds: int = Field(
        86400, ge=60, le=86400,
        description="job only: how long EventBridge Scheduler keeps retrying a run before it goes to the dead-letter queue.",
    )
    efs_mount: MountPath | None = Field(None, description="Mount the shared EFS file system at this container path (needs efs.enabled).")
    efs_read_only: bool = Field(False, description="Mount it read-only (needs efs_mount).")
    platform: Literal["linux/amd64", "linux/arm64"] = Field(
        "linux/amd64",
        description="The task's CPU architecture (the task definition's runtime_platform); linux/arm64 runs on "
        "AWS Graviton, and on EC2 needs a Graviton instance type (t4g, m7g, c7g...).",
    )
    environment: dict[EnvVarName, EnvValue] = Field(
        {}, description="Plain environment variables, rendered literally (no interpolation). Never AWS credentials."
    )
    secrets: dict[EnvVarName, SecretRef] = Field(
        {},
        description="Variables injected from Secrets Manager or SSM Parameter Store, read by the execution role: a secret ARN, a "
        "parameter ARN or a parameter name (in the stack's region and account). The execution role may read exactly these.",
    )
    variables: dict[EnvVarName, TfVariableName] = Field(
        {},
        description="Environment variables whose values are the stack's Terraform input variables: ENV_NAME -> variable name. "
        "Each variable is declared once in variables.tf (no default, refused empty) and set in terraform.tfvars or with "
        "TF_VAR_<name>. Names not also in environment or secrets; never AWS credentials.",
    )
    permissions: Permissions = Field(Permissions(), description="What the task role may do.")
    spot: Spot | None = Field(
        None,
        description="Fargate only: run part of the tasks on Fargate Spot (interruptible, cheaper) through a capacity provider "
        "strategy; null: every task on FARGATE.",
    )
    exec: bool = Field(
        False,
        description="ECS Exec (`aws ecs execute-command`): the service's flag, the task role's SSM messages permissions, and "
        "the cluster's exec sessions encrypted with a KMS key and logged to an encrypted log group.",
    )
    command: Command | None = Field(None, description="The container's command (null: the image's CMD).")
    entrypoint: Command | None = Field(None, description="The container's entry point (null: the image's ENTRYPOINT).")
    sidecars: list[Sidecar] = Field([], description="Extra containers in the task (a proxy, an agent...).")
    target: ContainerName | None = Field(
        None,
        description="The container the load balancer sends traffic to: a sidecar with a port (an nginx in front of the app); "
        "null: the service's own container on port.",
    )
    depends_on: list[DependsOn] = Field([], description="Containers the service's own container waits for at start.")
    build: Build | None = Field(
        None,
        description="Built from source by the CI pipeline (needs deploy.images: pipeline): the stack creates an ECR "
        "repository for it, and the pipeline builds, pushes and deploys each commit of ci.branch.",
    )

    @property
    def is_job(self) -> bool:
        return self.kind == "job"

    def topic_names(self) -> list[str]:
        return [t.name for t in self.publish]


def derived_kind(s: Service, lb_type: str) -> str:
    """A service's kind when `kind` is left out, from the keys older answers files use:
    `expose: false` or `load_balancer.type: none` make a worker, `load_balancer.type: nlb` an nlb
    service, anything else a web service."""
    if not s.expose or lb_type == "none":
        return "worker"
    return "nlb" if lb_type == "nlb" else "web"


# Keys a kind does not take, refused when the answers give them (key -> why), and left out of the
# answers tfgen saves. Keys whose default is null or false are refused by value instead.
KIND_REFUSED_KEYS: dict[str, dict[str, str]] = {
    "job": {
        "port": "a job takes no traffic",
        "path_pattern": "a job is behind no load balancer",
        "health_check_path": "a job is behind no load balancer",
        "desired_count": "a job runs one task per scheduled run",
    },
    "backend": {"path_pattern": "a backend is not on the public ALB (internal_path routes it on the internal ALB)"},
}

DEFAULT_IMAGE = "public.ecr.aws/nginx/nginx:1.27"


class Deploy(_Strict):
    """Who deploys new images: Terraform (the image is an answer), or the CI pipeline (built from source)."""

    images: Literal["terraform", "pipeline"] = Field(
        "terraform",
        description="terraform: a new image is a change of `image` and a terraform apply; pipeline: the services with "
        "`build` get an ECR repository and the CI pipeline registers and deploys new task definitions, which the next "
        "terraform apply does not revert.",
    )
    keep_images: int = Field(30, ge=1, le=1000, description="ECR lifecycle: images kept per repository (older ones expire).")


class Ci(_Strict):
    """The CI files written into the stack, and who may deploy through the CI system's OIDC provider."""

    system: Literal["github", "gitlab", "none"] = Field(
        "none",
        description="github: .github/workflows/deploy.yml and infra.yml; gitlab: .gitlab-ci.yml; none: no CI files.",
    )
    repository: CiRepository | None = Field(
        None, description="The repository the pipeline runs in (required unless system is none); named in the deploy role's trust."
    )
    branch: Branch = Field("main", description="The branch allowed to deploy (in the OIDC trust condition).")
    oidc_provider_arn: OidcProviderArn | None = Field(
        None, description="The account's existing IAM OIDC provider of the CI system; null: the stack creates it (one per account and URL)."
    )
    gitlab_url: GitlabUrl = Field("https://gitlab.com", description="gitlab only: the GitLab instance issuing the tokens.")


class Answers(_Strict):
    """The answers file: everything a stack is."""

    name: StackName = Field(description="The stack's name; with environment it prefixes every resource name.")
    environment: EnvName = Field("dev", description="The environment, such as dev or prod.")
    region: Region = Field("us-east-1", description="The AWS region of the stack.")
    tags: dict[TagKey, TagValue] = Field(
        {},
        max_length=MAX_TAGS,
        description=f"Extra tags on every resource (at most {MAX_TAGS}: AWS allows 50 and tfgen sets up to 4). Keys starting with aws: are reserved.",
    )
    launch_type: Literal["fargate", "ec2"] = Field(
        "fargate", description="fargate: no servers to manage (the guidance's default); ec2: container instances tfgen builds (see ec2)."
    )
    ec2: Ec2 = Field(Ec2(), description="The container instances, used when launch_type is ec2.")
    network: Network = Field(Network(), description="The VPC and subnets.")
    load_balancer: LoadBalancer = Field(LoadBalancer(), description="The load balancer in front of exposed services.")
    efs: Efs = Field(Efs(), description="Shared storage.")
    state: State = Field(State(), description="Where Terraform keeps its state.")
    deploy: Deploy = Field(Deploy(), description="Who deploys new images.")
    ci: Ci = Field(Ci(), description="CI files for the user's repository and the deploy role they assume.")
    services: list[Service] = Field(
        default_factory=lambda: [Service(name="web", image=DEFAULT_IMAGE)],
        description="One or more services; default: one nginx service named web.",
        json_schema_extra={"default": [{"name": "web", "image": DEFAULT_IMAGE}]},
    )
    _warnings: list[str] = PrivateAttr(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        """What the answers allow but probably do not mean, each with its key path (and line, from a file)."""
        return self._warnings

    @warnings.setter
    def warnings(self, found: list[str]) -> None:
        self._warnings = list(found)

    @model_validator(mode="after")
    def _fill_derived_defaults(self) -> Answers:
        if self.network.azs is None:
            self.network.azs = [f"{self.region}a", f"{self.region}b"]
        for i, s in enumerate(self.services):
            # Derived defaults go straight into the fields, so `model_fields_set` keeps saying
            # what the answers gave (the refusals of keys a kind does not take rest on it).
            if s.kind is None:
                s.__dict__["kind"] = derived_kind(s, self.load_balancer.type)
            if s.connect is None:
                s.__dict__["connect"] = s.kind == "backend"
            if s.kind == "job" and "desired_count" not in s.model_fields_set:
                s.__dict__["desired_count"] = 1  # one task a run, which is what an EC2 fleet must hold
            if "path_pattern" not in s.model_fields_set and s.kind == "web":
                s.path_pattern = default_path_pattern(i, s.name)
        return self

    @property
    def prefix(self) -> str:
        """`name-environment`: the prefix of every resource name (at most 31 characters)."""
        return f"{self.name}-{self.environment}"

    @property
    def exposed_services(self) -> list[Service]:
        """The services behind the public (or internal) ALB or the NLB: kinds web and nlb."""
        return [s for s in self.services if s.kind in ("web", "nlb")]

    def of_kind(self, *kinds: str) -> list[Service]:
        return [s for s in self.services if s.kind in kinds]

    def input_variables(self) -> dict[str, list[tuple[str, str]]]:
        """The stack's input variables from `services[].variables`, each declared once:
        Terraform name -> the (environment variable, service) pairs that take its value."""
        out: dict[str, list[tuple[str, str]]] = {}
        for s in self.services:
            for env, var in s.variables.items():
                out.setdefault(var, []).append((env, s.name))
        return out

    @property
    def internal_alb_services(self) -> list[Service]:
        """Backends that take a path on the stack's internal ALB."""
        return [s for s in self.services if s.kind == "backend" and s.internal_path]

    @property
    def connect_servers(self) -> list[Service]:
        return [s for s in self.services if s.connect]

    @property
    def uses_service_connect(self) -> bool:
        """A Cloud Map namespace and Service Connect exist when any service is a server."""
        return bool(self.connect_servers)

    @property
    def queue_workers(self) -> list[Service]:
        return [s for s in self.services if s.kind == "worker" and s.queue]

    @property
    def efs_services(self) -> list[Service]:
        return [s for s in self.services if s.efs_mount]

    @property
    def pipeline_services(self) -> list[Service]:
        """The services whose images the CI pipeline builds and deploys (an ECR repository each)."""
        if self.deploy.images != "pipeline":
            return []
        return [s for s in self.services if s.build]

    @property
    def deploy_role(self) -> bool:
        """Whether the stack has a deploy role for the CI system's pipeline to assume."""
        return bool(self.pipeline_services) and self.ci.system != "none"


Problem = tuple[str, str]  # (key path, message)


def cross_field_problems(a: Answers) -> list[Problem]:
    """Every rule that relates several keys, each problem with its key path."""
    return [problem for rule in CROSS_FIELD_RULES for problem in rule(a)]


def cross_field_warnings(a: Answers) -> list[Problem]:
    """What is allowed but probably not meant: `tfgen new` prints each and renders anyway."""
    return [warning for rule in WARNING_RULES for warning in rule(a)]


def _capacity_warnings(a: Answers) -> list[Problem]:
    """- ec2.max_size: max_size instances must hold desired_count tasks of every service, or
    ECS leaves some tasks pending (a warning: scaling or a later change may be meant)."""
    size = instances.size_of(a.ec2.instance_type)
    if a.launch_type != "ec2" or size is None or not a.services:
        return []
    if any(not instances.task_fits(size.name, s.cpu, s.memory) for s in a.services):
        return []  # refused already
    cpu = sum(s.desired_count * s.cpu for s in a.services)
    memory = sum(s.desired_count * s.memory for s in a.services)
    needed = max(
        -(-cpu // size.cpu_units),
        -(-memory // size.task_memory_mib),
        *(-(-s.desired_count // min(size.cpu_units // s.cpu, size.task_memory_mib // s.memory)) for s in a.services),
    )
    if needed <= a.ec2.max_size:
        return []
    tasks = sum(s.desired_count for s in a.services)
    return [
        (
            "ec2.max_size",
            f"{_count(a.ec2.max_size, 'instance')} of {size.describe()} cannot hold the {_count(tasks, 'task')} "
            f"the services ask for ({cpu} CPU units, {memory} MiB); about {needed} are needed, so some tasks would "
            "wait for capacity: raise max_size or choose a larger instance type",
        )
    ]


def _kind_warnings(a: Answers) -> list[Problem]:
    """- services[].connect: a backend with connect: false and no internal_path takes traffic from
      nothing (a warning: it may reach out on its own)."""
    return [
        (f"services[{i}].connect", "this backend is neither a Service Connect server nor on the internal ALB, so nothing can call it; "
         "drop connect: false, give it an internal_path, or make it a worker")
        for i, s in enumerate(a.services)
        if s.kind == "backend" and not s.connect and not s.internal_path
    ]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _tag_problems(a: Answers) -> list[Problem]:
    """- tags: keys starting with aws: are AWS's own."""
    return [
        (f"tags.{key}", "tag keys starting with 'aws:' are reserved by AWS")
        for key in a.tags
        if key.lower().startswith("aws:")
    ]


def _ec2_problems(a: Answers) -> list[Problem]:
    """- ec2: min_size <= desired_capacity <= max_size.
    - name: with launch_type ec2 it begins the capacity provider's name, which AWS refuses when
      it starts with aws, ecs or fargate."""
    if a.launch_type != "ec2":
        return []
    e = a.ec2
    problems: list[Problem] = []
    if a.name.startswith(("aws", "ecs", "fargate")):
        problems.append(
            (
                "name",
                f"{a.name!r} begins the ECS capacity provider's name with launch_type ec2, and AWS refuses "
                "capacity provider names that start with aws, ecs or fargate; choose another name",
            )
        )
    if e.min_size > e.max_size:
        problems.append(("ec2.min_size", f"must not exceed max_size ({e.max_size}), got {e.min_size}"))
    elif not e.min_size <= e.desired_capacity <= e.max_size:
        problems.append(
            (
                "ec2.desired_capacity",
                f"must lie between min_size ({e.min_size}) and max_size ({e.max_size}), got {e.desired_capacity}",
            )
        )
    return problems


def _platform_problems(a: Answers) -> list[Problem]:
    if a.launch_type != "ec2" or instances.is_graviton(a.ec2.instance_type):
        return []
    return [
        (
            f"services[{i}].platform",
            f"linux/arm64 needs a Graviton instance type (t4g, m7g, c7g...); {a.ec2.instance_type} is x86-64, "
            "so ECS could never place these tasks",
        )
        for i, s in enumerate(a.services)
        if s.platform == "linux/arm64"
    ]


def _network_problems(a: Answers) -> list[Problem]:
    """- network.vpc_cidr: an IPv4 network with a prefix between /16 and /22, to leave room for subnets.
    - network.azs: at least two distinct availability zones of the stack's region (multi-AZ guidance).
    - network.vpc_id, subnet ids: only with create_vpc: false, and then vpc_id and at least two private subnets.
    - network.public_subnet_ids: at least two for an internet-facing load balancer (AWS needs two AZs);
      an internal one uses the private subnets. No subnet may be both public and private, or listed twice."""
    n = a.network
    problems: list[Problem] = []
    if n.create_vpc:
        try:
            cidr = ipaddress.IPv4Network(n.vpc_cidr)
            if not 16 <= cidr.prefixlen <= 22:
                problems.append(
                    ("network.vpc_cidr", f"use a prefix between /16 and /22 to leave room for subnets, got /{cidr.prefixlen}")
                )
        except ValueError as err:
            problems.append(("network.vpc_cidr", f"{n.vpc_cidr!r} is not an IPv4 network: {err}"))
        azs = n.azs or []
        if len(azs) < 2:
            problems.append(("network.azs", f"give at least two availability zones, got {len(azs)} ({GUIDANCE['multi_az']})"))
        if len(set(azs)) != len(azs):
            problems.append(("network.azs", "availability zones must be distinct"))
        for i, az in enumerate(azs):
            if not re.fullmatch(re.escape(a.region) + r"[a-z]", az):
                problems.append((f"network.azs[{i}]", f"{az!r} is not an availability zone of region {a.region}"))
        if n.vpc_id or n.public_subnet_ids or n.private_subnet_ids:
            problems.append(("network.vpc_id", "vpc_id and subnet ids are for an existing VPC: set create_vpc: false to use them"))
        return problems
    if not n.vpc_id:
        problems.append(("network.vpc_id", "required when create_vpc is false"))
    if len(n.private_subnet_ids) < 2:
        problems.append(
            ("network.private_subnet_ids", f"give at least two private subnets in different AZs ({GUIDANCE['multi_az']})")
        )
    public_lb = bool(a.exposed_services) and not a.load_balancer.internal
    if public_lb and len(n.public_subnet_ids) < 2:
        problems.append(
            ("network.public_subnet_ids", "an internet-facing load balancer needs at least two public subnets in different AZs")
        )
    for key in ("private_subnet_ids", "public_subnet_ids"):
        ids = getattr(n, key)
        if len(set(ids)) != len(ids):
            problems.append((f"network.{key}", "subnet ids must be distinct"))
    for i, subnet in enumerate(n.public_subnet_ids):
        if subnet in n.private_subnet_ids:
            problems.append(
                (
                    f"network.public_subnet_ids[{i}]",
                    f"{subnet} is also in private_subnet_ids; a subnet is public (routed to an internet gateway) "
                    "or private, not both: give it once",
                )
            )
    return problems


def _load_balancer_problems(a: Answers) -> list[Problem]:
    """- load_balancer.type: alb, nlb or none; classic is refused (legacy, not supported with Fargate).
      It gives services without a `kind` theirs; the load balancers follow the kinds: the ALB for web
      services, the NLB for nlb services (both when both), an internal ALB for backends with internal_path.
    - load_balancer.type: none beside a service of kind web or nlb is refused (drop it: the kinds decide).
    - load_balancer.certificate_arn: in the stack's region (ACM certificates are regional); needs a web or nlb service.
    - load_balancer.privatelink: needs an NLB (a service of kind nlb).
    - services[].expose: true needs a load balancer; without kinds, a load balancer needs at least one exposed service.
    - services[].path_pattern: distinct among web services (one ALB); internal_path distinct among backends
      (the internal ALB); services[].port: distinct among nlb services (one NLB listener per port)."""
    lb = a.load_balancer
    problems: list[Problem] = []
    if lb.type in ("classic", "elb", "clb"):
        problems.append(("load_balancer.type", f"a Classic Load Balancer is refused ({GUIDANCE['classic']})"))
        return problems
    if lb.type not in ("alb", "nlb", "none"):
        problems.append(("load_balancer.type", f"must be alb, nlb or none, got {lb.type!r}"))
        return problems
    if lb.certificate_arn:
        cert_region = lb.certificate_arn.split(":")[3]
        if cert_region != a.region:
            problems.append(
                (
                    "load_balancer.certificate_arn",
                    f"the certificate is in {cert_region} but the load balancer in {a.region}; ACM certificates are "
                    f"regional, so request or import one in {a.region}",
                )
            )
    if lb.privatelink and not a.of_kind("nlb"):
        problems.append(("load_balancer.privatelink", f"PrivateLink needs load_balancer.type: nlb ({GUIDANCE['privatelink']})"))
    kinds_given = any("kind" in s.model_fields_set for s in a.services)
    if lb.type == "none":
        for i, s in enumerate(a.services):
            if "kind" in s.model_fields_set and s.kind in ("web", "nlb"):
                problems.append(
                    (
                        f"services[{i}].kind",
                        f"kind {s.kind} is behind the stack's {'ALB' if s.kind == 'web' else 'NLB'}, but load_balancer.type "
                        "is none; drop load_balancer.type (the kinds decide the load balancers)",
                    )
                )
            elif s.expose and "expose" in s.model_fields_set and "kind" not in s.model_fields_set:
                problems.append((f"services[{i}].expose", "there is no load balancer to attach to (load_balancer.type is none)"))
    if lb.certificate_arn and not a.exposed_services:
        why = "type is none" if lb.type == "none" else "no service of kind web or nlb"
        problems.append(("load_balancer.certificate_arn", f"there is no load balancer to put it on ({why})"))
    if lb.type != "none" and not kinds_given and not a.exposed_services:
        problems.append(("load_balancer.type", f"no service has expose: true, so the {lb.type} would have no targets; use type: none"))
    problems += _distinct(a, "web", "path_pattern", lambda s: s.path_pattern,
                          lambda v, o: f"{v!r} is already routed to service {o!r}; services on one ALB need distinct patterns")
    problems += _distinct(a, "backend", "internal_path", lambda s: s.internal_path,
                          lambda v, o: f"{v!r} is already routed to service {o!r} on the internal ALB; give each backend its own path")
    problems += _distinct(a, "nlb", "port", lambda s: s.port,
                          lambda v, o: f"port {v} already has an NLB listener for service {o!r}; each exposed service needs its own port")
    return problems


def _distinct(
    a: Answers, kind: str, key: str, value: Callable[[Service], object], message: Callable[[object, str], str]
) -> list[Problem]:
    """One load balancer routes by `key`: among services of `kind`, each value is taken once."""
    problems: list[Problem] = []
    seen: dict[object, str] = {}
    for i, s in enumerate(a.services):
        v = value(s)
        if s.kind != kind or v is None:
            continue
        if v in seen:
            problems.append((f"services[{i}].{key}", message(v, seen[v])))
        seen.setdefault(v, s.name)
    return problems


# What only a job takes, with its default: anything else on another kind is refused.
_JOB_ONLY_DEFAULTS = {"timezone": "UTC", "retries": 0, "max_age_seconds": 86400}


def _kind_problems(a: Answers) -> list[Problem]:
    """- services[].kind: web and nlb take traffic, so expose: false is refused with them (drop expose);
      expose: true is refused with backend, worker and job (drop expose).
    - services[] of kind job: needs schedule; refuses port, path_pattern, health_check_path, desired_count,
      autoscaling, connect, target and internal_path (a job takes no traffic and runs one task per run).
    - services[] of kind backend: refuses path_pattern (use internal_path for the internal ALB).
    - services[].internal_path: backend only; queue: worker only; schedule, timezone, retries, max_age_seconds: job only."""
    problems: list[Problem] = []
    for i, s in enumerate(a.services):
        at = f"services[{i}]"
        kind_given = "kind" in s.model_fields_set
        if kind_given and s.kind in ("web", "nlb") and not s.expose:
            problems.append((f"{at}.expose", f"kind {s.kind} is behind a load balancer, so expose: false contradicts it; drop expose"))
        if kind_given and s.kind in ("backend", "worker", "job") and s.expose and "expose" in s.model_fields_set:
            problems.append((f"{at}.expose", f"a {s.kind} is behind no public load balancer; drop expose"))
        for key, why in KIND_REFUSED_KEYS.get(s.kind or "", {}).items():
            if key in s.model_fields_set:
                problems.append((f"{at}.{key}", f"{why}; drop {key} from this {s.kind}"))
        if s.is_job:
            if s.schedule is None:
                problems.append((f"{at}.schedule", "a job needs a schedule: rate(...) or cron(...)"))
            if s.autoscaling is not None:
                problems.append((f"{at}.autoscaling", "a job runs one task per scheduled run and has no service to scale; drop autoscaling"))
            if s.connect:
                problems.append((f"{at}.connect", "a job has no service, so it cannot be a Service Connect server; drop connect"))
            if getattr(s, "target", None) is not None:  # `target` arrives with the sidecars (branch extras)
                problems.append((f"{at}.target", "a job is behind no load balancer; drop target"))
        else:
            if s.schedule is not None:
                problems.append((f"{at}.schedule", f"only a job runs on a schedule, and this service is a {s.kind}; set kind: job or drop schedule"))
            for key, default in _JOB_ONLY_DEFAULTS.items():
                if getattr(s, key) != default:
                    problems.append((f"{at}.{key}", f"only a job's schedule uses it, and this service is a {s.kind}; drop {key}"))
        if s.internal_path is not None and s.kind != "backend":
            problems.append((f"{at}.internal_path", f"only a backend takes a path on the internal ALB, and this service is a {s.kind}"))
        if s.queue is not None and s.kind != "worker":
            problems.append((f"{at}.queue", f"only a worker consumes a queue, and this service is a {s.kind}; set kind: worker or drop queue"))
    return problems


def _queue_problems(a: Answers) -> list[Problem]:
    """- services[].publish: topic names distinct per service.
    - services[].queue.subscribe: each names a service of the stack and a topic it publishes, once.
    - services[].queue.subscribe[].filter_policy: each attribute maps to a list of allowed values or
      conditions (or a nested object for message-body filters), as SNS requires.
    - services[].autoscaling.backlog_per_task: only for a worker with a queue (it scales on that queue's depth)."""
    problems: list[Problem] = []
    published = {s.name: s.topic_names() for s in a.services}
    for i, s in enumerate(a.services):
        at = f"services[{i}]"
        names = s.topic_names()
        for j, name in enumerate(names):
            if name in names[:j]:
                problems.append((f"{at}.publish[{j}].name", f"topic {name!r} is listed twice"))
        if s.autoscaling and s.autoscaling.backlog_per_task is not None and s.queue is None:
            problems.append(
                (f"{at}.autoscaling.backlog_per_task", "scales on the depth of the worker's queue, and this service has none; give it a queue or drop backlog_per_task")
            )
        if s.queue is None:
            continue
        seen: set[tuple[str, str]] = set()
        for j, sub in enumerate(s.queue.subscribe):
            where = f"{at}.queue.subscribe[{j}]"
            if sub.service not in published:
                problems.append((f"{where}.service", f"no service of the stack is named {sub.service!r}"))
            elif sub.topic not in published[sub.service]:
                offered = ", ".join(published[sub.service]) or "none"
                problems.append(
                    (f"{where}.topic", f"service {sub.service!r} publishes no topic {sub.topic!r} (its publish lists: {offered}); add it there")
                )
            if (sub.service, sub.topic) in seen:
                problems.append((where, f"the queue already subscribes to {sub.service}'s topic {sub.topic!r}"))
            seen.add((sub.service, sub.topic))
            if sub.filter_policy is not None:
                why = _filter_policy_problem(sub.filter_policy)
                if why:
                    problems.append((f"{where}.filter_policy", why))
    return problems


def _filter_policy_problem(policy: dict[str, Any]) -> str | None:
    if not policy:
        return "an empty filter policy matches nothing SNS accepts; drop filter_policy to receive every message"
    for key, value in policy.items():
        if isinstance(value, dict):
            nested = _filter_policy_problem(value)
            if nested:
                return nested
        elif not isinstance(value, list) or not value:
            return f"{key!r} must map to a list of allowed values or conditions, such as [\"created\"] (SNS filter policy syntax)"
    return None


def _efs_problems(a: Answers) -> list[Problem]:
    """- services[].efs_mount: needs efs.enabled; efs.enabled needs a service that mounts it.
    - services[].efs_read_only: only with efs_mount."""
    problems: list[Problem] = []
    for i, s in enumerate(a.services):
        if s.efs_mount and not a.efs.enabled:
            problems.append((f"services[{i}].efs_mount", f"mounts EFS but efs.enabled is false ({GUIDANCE['efs']})"))
        if s.efs_read_only and not s.efs_mount:
            problems.append((f"services[{i}].efs_read_only", "only applies with efs_mount"))
    if a.efs.enabled and not a.efs_services:
        problems.append(("efs.enabled", "no service sets efs_mount, so nothing would use the file system"))
    return problems


def _state_problems(a: Answers) -> list[Problem]:
    """- state.bucket, state.key: required when state.backend is s3."""
    st = a.state
    if st.backend != "s3":
        return []
    return [(f"state.{key}", "required when backend is s3") for key in ("bucket", "key") if not getattr(st, key)]


_AWS_CREDENTIAL_VARIABLES = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"}


def _service_problems(a: Answers) -> list[Problem]:
    """- services: at least one, with distinct names.
    - services[].cpu, memory: on Fargate a pair Fargate accepts; on EC2 128-16,384 units and 128-122,880 MiB,
      and within one instance of ec2.instance_type, less what the ECS agent and the OS keep (a task never
      spans instances; a type tfgen does not know is not checked).
    - services[].desired_count: between autoscaling.min and max, and min not above max.
    - services[].environment, secrets: no AWS credentials (use the task role), and no name in both.
    - services[].variables: no AWS credentials, and no name also in environment or secrets."""
    problems: list[Problem] = []
    if not a.services:
        return [("services", "give at least one service")]
    seen: set[str] = set()
    for i, s in enumerate(a.services):
        at = f"services[{i}]"
        if s.name in seen:
            problems.append((f"{at}.name", f"service name {s.name!r} is used twice"))
        seen.add(s.name)
        problems += _size_problems(a, s, at)
        if s.autoscaling:
            if s.autoscaling.min > s.autoscaling.max:
                problems.append((f"{at}.autoscaling.min", f"must not exceed max ({s.autoscaling.max})"))
            elif not s.autoscaling.min <= s.desired_count <= s.autoscaling.max:
                problems.append(
                    (f"{at}.desired_count", f"must lie between autoscaling.min ({s.autoscaling.min}) and max ({s.autoscaling.max})")
                )
        problems += _environment_problems(s.environment, s.secrets, at)
        problems += _variables_problems(s, at)
    return problems


def _variables_problems(s: Service, at: str) -> list[Problem]:
    problems: list[Problem] = []
    for var in sorted(_AWS_CREDENTIAL_VARIABLES & set(s.variables)):
        problems.append((f"{at}.variables.{var}", f"AWS credentials are refused here ({GUIDANCE['task_role']})"))
    for where, names in (("environment", s.environment), ("secrets", s.secrets)):
        for var in sorted(set(s.variables) & set(names)):
            problems.append((f"{at}.variables.{var}", f"is also set in {where}; give it once"))
    return problems


def _environment_problems(environment: dict[str, str], secrets: dict[str, str], at: str) -> list[Problem]:
    problems: list[Problem] = []
    for var in sorted(_AWS_CREDENTIAL_VARIABLES & (set(environment) | set(secrets))):
        where = "environment" if var in environment else "secrets"
        problems.append((f"{at}.{where}.{var}", f"AWS credentials are refused here ({GUIDANCE['task_role']})"))
    for var in sorted(set(environment) & set(secrets)):
        problems.append((f"{at}.secrets.{var}", "is also set in environment; give it once"))
    return problems


def _size_problems(a: Answers, s: Service, at: str) -> list[Problem]:
    if a.launch_type == "fargate":
        if s.cpu not in fargate.VALID_MEMORY:
            return [(f"{at}.cpu", f"{s.cpu} is not a Fargate CPU size; {fargate.describe_allowed(s.cpu)}")]
        if not fargate.is_valid(s.cpu, s.memory):
            return [
                (f"{at}.memory", f"{s.memory} MiB does not pair with cpu {s.cpu} on Fargate; {fargate.describe_allowed(s.cpu)}")
            ]
        return []
    problems: list[Problem] = []
    if not 128 <= s.cpu <= 16384:
        problems.append((f"{at}.cpu", f"task CPU on EC2 must be 128-16384 units, got {s.cpu}"))
    if not 128 <= s.memory <= 122880:
        problems.append((f"{at}.memory", f"task memory on EC2 must be 128-122880 MiB, got {s.memory}"))
    size = instances.size_of(a.ec2.instance_type)
    if problems or size is None or instances.task_fits(size.name, s.cpu, s.memory):
        return problems
    fix = "choose a larger ec2.instance_type or a smaller task; a task never spans instances"
    if s.cpu > size.cpu_units:
        problems.append((f"{at}.cpu", f"a task of {s.cpu} CPU units cannot fit one {size.describe()}; {fix}"))
    if s.memory > size.task_memory_mib:
        problems.append((f"{at}.memory", f"a task of {s.memory} MiB cannot fit one {size.describe()}; {fix}"))
    return problems


def _spot_problems(a: Answers) -> list[Problem]:
    """- services[].spot: Fargate only (Fargate Spot is a Fargate capacity provider; on EC2, Spot capacity would be
      Spot instances in the Auto Scaling group, which tfgen does not build)."""
    if a.launch_type != "ec2":
        return []
    return [
        (
            f"services[{i}].spot",
            "Fargate Spot is a Fargate capacity provider; EC2 stacks would use Spot instances in the Auto Scaling group, "
            "which tfgen does not build",
        )
        for i, s in enumerate(a.services)
        if s.spot is not None
    ]


# Conditions that wait for a container to exit: ECS refuses them on an essential container.
_EXIT_CONDITIONS = ("COMPLETE", "SUCCESS")


@dataclass(frozen=True)
class _Container:
    """A container of a task, as the rules across its containers see it."""

    path: str  # its key path in the answers
    port: int | None
    health_check: bool
    essential: bool
    depends_on: list[DependsOn]


def _container_problems(a: Answers) -> list[Problem]:
    """- services[].sidecars: container names unique in the task (the service's own container is named after the
      service), ports distinct (a task's containers share one network), CPU and memory within the task's.
    - services[].target: names a container of the task with a port, on a service behind the load balancer.
    - services[].depends_on, sidecars[].depends_on: name another container of the task, without a cycle; HEALTHY needs
      that container's health_check_command; COMPLETE and SUCCESS need a container that is not essential (ECS refuses them
      on an essential one).
    - sidecars[].health_check_command: starts with CMD or CMD-SHELL, then the command.
    - sidecars[].environment, secrets: as the service's (no AWS credentials, no name in both).
    - sidecars[].efs_mount: needs the service's efs_mount (the task's EFS volume), and read-only when the service's is
      (the task role then has no write grant); sidecars[].efs_read_only only with efs_mount."""
    problems: list[Problem] = []
    exposed = {s.name for s in a.exposed_services}
    for i, s in enumerate(a.services):
        containers, found = _task_containers(s, f"services[{i}]")
        problems += found
        problems += _target_problems(s, f"services[{i}]", containers, s.name in exposed)
        problems += _start_order_problems(containers)
    return problems


def _task_containers(s: Service, at: str) -> tuple[dict[str, _Container], list[Problem]]:
    """The task's containers by name (the service's own first), and what is wrong with its sidecars."""
    containers = {s.name: _Container(at, s.port, False, True, s.depends_on)}
    problems: list[Problem] = []
    for j, c in enumerate(s.sidecars):
        here = f"{at}.sidecars[{j}]"
        if c.name in containers:
            problems.append((f"{here}.name", f"container name {c.name!r} is already used in this task ({containers[c.name].path})"))
            continue
        taken = next((name for name, other in containers.items() if c.port is not None and other.port == c.port), None)
        if taken is not None:
            problems.append(
                (f"{here}.port", f"port {c.port} is already used by container {taken!r}; a task's containers share one network, so ports are distinct")
            )
        containers[c.name] = _Container(here, c.port, c.health_check_command is not None, c.essential, c.depends_on)
        if c.health_check_command and (c.health_check_command[0] not in ("CMD", "CMD-SHELL") or len(c.health_check_command) < 2):
            problems.append(
                (f"{here}.health_check_command", 'begin with "CMD" (then the program and its arguments) or "CMD-SHELL" (then a shell command)')
            )
        problems += _sidecar_efs_problems(s, c, here)
        problems += _environment_problems(c.environment, c.secrets, here)
    cpu = sum(c.cpu for c in s.sidecars)
    memory = sum(c.memory or 0 for c in s.sidecars)
    if cpu > s.cpu:
        problems.append((f"{at}.sidecars", f"the sidecars reserve {cpu} CPU units, more than the task's {s.cpu}"))
    if s.sidecars and memory >= s.memory:
        problems.append(
            (f"{at}.sidecars", f"the sidecars' memory limits add up to {memory} MiB, leaving nothing of the task's {s.memory} MiB for {s.name!r}")
        )
    return containers, problems


def _target_problems(s: Service, at: str, containers: dict[str, _Container], exposed: bool) -> list[Problem]:
    if s.target is None:
        return []
    problems: list[Problem] = []
    if s.target not in containers:
        problems.append((f"{at}.target", f"names no container of this task (there are {', '.join(map(repr, containers))})"))
    elif containers[s.target].port is None:
        problems.append((f"{at}.target", f"container {s.target!r} has no port for the load balancer to send traffic to"))
    if not exposed:
        problems.append((f"{at}.target", "this service is not behind a load balancer, so there is nothing to target"))
    return problems


def _start_order_problems(containers: dict[str, _Container]) -> list[Problem]:
    problems: list[Problem] = []
    for name, c in containers.items():
        for k, d in enumerate(c.depends_on):
            where = f"{c.path}.depends_on[{k}]"
            waited = containers.get(d.container)
            if waited is None:
                problems.append((f"{where}.container", f"names no container of this task (there are {', '.join(map(repr, containers))})"))
            elif d.container == name:
                problems.append((f"{where}.container", "a container cannot wait for itself"))
            elif d.condition == "HEALTHY" and not waited.health_check:
                problems.append(
                    (f"{where}.condition", f"HEALTHY needs a health check on {d.container!r}, and it has none (set its health_check_command)")
                )
            elif d.condition in _EXIT_CONDITIONS and waited.essential:
                problems.append(
                    (f"{where}.condition", f"{d.condition} waits for {d.container!r} to exit, and it is essential (the task would stop); ECS refuses it")
                )
    graph = {name: [d.container for d in c.depends_on if d.container in containers and d.container != name] for name, c in containers.items()}
    cycle = _dependency_cycle(graph)
    if cycle:
        problems.append((f"{containers[cycle[0]].path}.depends_on", "the containers wait for each other in a circle: " + " -> ".join(cycle)))
    return problems


def _sidecar_efs_problems(s: Service, c: Sidecar, here: str) -> list[Problem]:
    if c.efs_mount is None:
        return [(f"{here}.efs_read_only", "only applies with efs_mount")] if c.efs_read_only else []
    if s.efs_mount is None:
        return [(f"{here}.efs_mount", "the task has an EFS volume only when the service sets efs_mount; set it there too")]
    if s.efs_read_only and not c.efs_read_only:
        return [(f"{here}.efs_read_only", "the service mounts EFS read-only, so the task role may not write: set efs_read_only: true")]
    return []


def _dependency_cycle(graph: dict[str, list[str]]) -> list[str] | None:
    """A circle of containers waiting for each other (first container repeated at the end), or None."""
    done: set[str] = set()

    def visit(name: str, trail: list[str]) -> list[str] | None:
        if name in trail:
            return trail[trail.index(name):] + [name]
        if name in done:
            return None
        for nxt in graph.get(name, []):
            found = visit(nxt, trail + [name])
            if found:
                return found
        done.add(name)
        return None

    return next((found for name in graph if (found := visit(name, []))), None)


# The OIDC issuer of each CI system, as IAM names its provider (arn:...:oidc-provider/HOST).
GITHUB_OIDC_HOST = "token.actions.githubusercontent.com"


def oidc_host(ci: Ci) -> str:
    """The host of the CI system's OIDC issuer: what its IAM OIDC provider ARN ends with."""
    return GITHUB_OIDC_HOST if ci.system == "github" else ci.gitlab_url.removeprefix("https://")


def _pipeline_problems(a: Answers) -> list[Problem]:
    """- services[].image: required unless the service has `build`.
    - services[].build: needs deploy.images: pipeline; deploy.images: pipeline needs a service with build.
    - ci.repository: required when ci.system is github or gitlab; OWNER/NAME on GitHub; not with system none
      (nor ci.oidc_provider_arn).
    - ci.oidc_provider_arn: the CI system's provider (token.actions.githubusercontent.com, or gitlab_url's host).
    - ci.gitlab_url: only with system gitlab."""
    problems: list[Problem] = []
    pipeline = a.deploy.images == "pipeline"
    for i, s in enumerate(a.services):
        if s.image is None and s.build is None:
            problems.append((f"services[{i}].image", "required (or give build, with deploy.images: pipeline)"))
        if s.build is not None and not pipeline:
            problems.append(
                (f"services[{i}].build", "a service built from source is deployed by the CI pipeline: set deploy.images: pipeline")
            )
    if pipeline and not any(s.build for s in a.services):
        problems.append(("deploy.images", "pipeline deploys the services that have build, and none has: give a service build"))
    ci = a.ci
    if ci.system == "none":
        problems += [
            (f"ci.{key}", f"there is no CI system to use it (ci.system is none): set ci.system to github or gitlab, or drop ci.{key}")
            for key in ("repository", "oidc_provider_arn")
            if getattr(ci, key) is not None
        ]
    elif ci.repository is None:
        problems.append(("ci.repository", f"required with ci.system {ci.system}: the repository whose pipeline may deploy"))
    elif ci.system == "github" and ci.repository.count("/") != 1:
        problems.append(("ci.repository", f"{ci.repository!r} is not a GitHub repository: give OWNER/NAME"))
    if ci.system != "none" and ci.oidc_provider_arn and not ci.oidc_provider_arn.endswith(f":oidc-provider/{oidc_host(ci)}"):
        problems.append(
            (
                "ci.oidc_provider_arn",
                f"{ci.system} tokens are issued by {oidc_host(ci)}, so the provider must be "
                f"arn:aws:iam::ACCOUNT:oidc-provider/{oidc_host(ci)}",
            )
        )
    if ci.gitlab_url != Ci.model_fields["gitlab_url"].default and ci.system != "gitlab":
        problems.append(("ci.gitlab_url", f"only used with ci.system gitlab (it is {ci.system}): drop it"))
    return problems


CROSS_FIELD_RULES = (
    _tag_problems,
    _ec2_problems,
    _platform_problems,
    _network_problems,
    _load_balancer_problems,
    _efs_problems,
    _state_problems,
    _service_problems,
    _kind_problems,
    _queue_problems,
    _spot_problems,
    _container_problems,
    _pipeline_problems,
)
WARNING_RULES = (
    _capacity_warnings,
    _kind_warnings,
)


def field_error(model: type[BaseModel], field: str, value: object) -> ErrorDetails | None:
    """The model's first objection to `value` for `model.field` (type, constraint context), or None."""
    info = model.model_fields[field]
    annotation = Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
    try:
        TypeAdapter(annotation).validate_python(value)
    except ValidationError as err:
        return err.errors()[0]
    return None


def field_problem(model: type[BaseModel], field: str, value: object) -> str | None:
    """Why `value` is not valid for `model.field`, or None: the wizard's per-question check,
    so it validates with the model's own rules rather than rules of its own."""
    error = field_error(model, field, value)
    return None if error is None else plain_message(error)
