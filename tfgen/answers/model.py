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
SecretArn = Annotated[
    str,
    Rule(
        r"arn:aws[a-z-]*:(secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+"
        r"|ssm:[a-z0-9-]+:\d{12}:parameter/[A-Za-z0-9/_.-]+)",
        "a Secrets Manager secret ARN or an SSM parameter ARN",
    ),
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
    secrets: dict[EnvVarName, SecretArn] = Field(
        {}, description="Variables injected from Secrets Manager or SSM Parameter Store, read by the execution role."
    )
    permissions: Permissions = Field(Permissions(), description="What the task role may do.")
    build: Build | None = Field(
        None,
        description="Built from source by the CI pipeline (needs deploy.images: pipeline): the stack creates an ECR "
        "repository for it, and the pipeline builds, pushes and deploys each commit of ci.branch.",
    )


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
            if "path_pattern" not in s.model_fields_set:
                s.path_pattern = default_path_pattern(i, s.name)
        return self

    @property
    def prefix(self) -> str:
        """`name-environment`: the prefix of every resource name (at most 31 characters)."""
        return f"{self.name}-{self.environment}"

    @property
    def exposed_services(self) -> list[Service]:
        if self.load_balancer.type == "none":
            return []
        return [s for s in self.services if s.expose]

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
    public_lb = a.load_balancer.type != "none" and not a.load_balancer.internal
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
    - load_balancer.certificate_arn: in the stack's region (ACM certificates are regional); not with type none.
    - load_balancer.privatelink: needs type nlb.
    - services[].expose: true needs a load balancer; a load balancer needs at least one exposed service.
    - services[].path_pattern: distinct on one ALB; services[].port: distinct on one NLB (one listener per port)."""
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
    if lb.privatelink and lb.type != "nlb":
        problems.append(("load_balancer.privatelink", f"PrivateLink needs load_balancer.type: nlb ({GUIDANCE['privatelink']})"))
    if lb.type == "none":
        if lb.certificate_arn:
            problems.append(("load_balancer.certificate_arn", "there is no load balancer to put it on (type is none)"))
        for i, s in enumerate(a.services):
            if s.expose and "expose" in s.model_fields_set:
                problems.append((f"services[{i}].expose", "there is no load balancer to attach to (load_balancer.type is none)"))
        return problems
    exposed = [(i, s) for i, s in enumerate(a.services) if s.expose]
    if not exposed:
        problems.append(("load_balancer.type", f"no service has expose: true, so the {lb.type} would have no targets; use type: none"))
    if lb.type == "alb":
        seen: dict[str, str] = {}
        for i, s in exposed:
            if s.path_pattern in seen:
                problems.append(
                    (f"services[{i}].path_pattern", f"{s.path_pattern!r} is already routed to service {seen[s.path_pattern]!r}; services on one ALB need distinct patterns")
                )
            seen.setdefault(s.path_pattern, s.name)
    else:
        ports: dict[int, str] = {}
        for i, s in exposed:
            if s.port in ports:
                problems.append(
                    (f"services[{i}].port", f"port {s.port} already has an NLB listener for service {ports[s.port]!r}; each exposed service needs its own port")
                )
            ports.setdefault(s.port, s.name)
    return problems


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
    - services[].environment, secrets: no AWS credentials (use the task role), and no name in both."""
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
        for var in sorted(_AWS_CREDENTIAL_VARIABLES & (set(s.environment) | set(s.secrets))):
            where = "environment" if var in s.environment else "secrets"
            problems.append((f"{at}.{where}.{var}", f"AWS credentials are refused here ({GUIDANCE['task_role']})"))
        for var in sorted(set(s.environment) & set(s.secrets)):
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
    _pipeline_problems,
)
WARNING_RULES = (_capacity_warnings,)


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
