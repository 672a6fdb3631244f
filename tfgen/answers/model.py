"""The answers model: every key of the answers file, its default and its validation.

The single source of truth for what a stack is. The answers file loads into it, `--set`
overrides land in it, the wizard builds it; none of them validates on its own. Field-level rules
live on the fields; rules that relate several keys live in `cross_field_problems`, which reports
every problem at once rather than stopping at the first.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PrivateAttr, TypeAdapter, ValidationError, model_validator

from tfgen import fargate

# What the guidance says, quoted where a refusal rests on it (ecs-guidance.md).
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


def _pattern(regex: str, meaning: str):
    compiled = re.compile(regex)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise ValueError(f"{value!r} is not valid: {meaning}")
        return value

    return AfterValidator(check)


StackName = Annotated[
    str,
    _pattern(
        r"[a-z][a-z0-9-]{1,19}",
        "2-20 lowercase letters, digits or hyphens, starting with a letter "
        "(it prefixes load balancer and target group names, which AWS caps at 32 characters)",
    ),
]
EnvName = Annotated[
    str, _pattern(r"[a-z][a-z0-9-]{0,9}", "1-10 lowercase letters, digits or hyphens, starting with a letter")
]
ServiceName = Annotated[
    str, _pattern(r"[a-z][a-z0-9-]{0,19}", "1-20 lowercase letters, digits or hyphens, starting with a letter")
]
Region = Annotated[str, _pattern(r"[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d", "an AWS region such as eu-west-1")]
AmiId = Annotated[str, _pattern(r"ami-[0-9a-f]{8,17}", "an AMI id such as ami-0123456789abcdef0")]
VpcId = Annotated[str, _pattern(r"vpc-[0-9a-f]{8,17}", "a VPC id such as vpc-0123456789abcdef0")]
SubnetId = Annotated[str, _pattern(r"subnet-[0-9a-f]{8,17}", "a subnet id such as subnet-0123456789abcdef0")]
InstanceType = Annotated[str, _pattern(r"[a-z][a-z0-9-]*\.[a-z0-9]+", "an EC2 instance type such as t3.medium")]
CertificateArn = Annotated[
    str,
    _pattern(
        r"arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[A-Za-z0-9-]+",
        "an ACM certificate ARN (arn:aws:acm:REGION:ACCOUNT:certificate/ID)",
    ),
]
Image = Annotated[
    str,
    _pattern(
        r"[A-Za-z0-9][A-Za-z0-9._/:@-]*",
        "a container image reference such as public.ecr.aws/nginx/nginx:1.27 (no spaces or quotes)",
    ),
]
UrlPath = Annotated[str, _pattern(r"/[A-Za-z0-9_./~@:+&*?=-]*", "a path starting with / (ALB path characters only)")]
MountPath = Annotated[str, _pattern(r"/[A-Za-z0-9_./-]*[A-Za-z0-9_-]", "an absolute container path such as /data")]
EnvVarName = Annotated[
    str, _pattern(r"[A-Za-z_][A-Za-z0-9_]*", "letters, digits and underscores, not starting with a digit")
]
SecretArn = Annotated[
    str,
    _pattern(
        r"arn:aws[a-z-]*:(secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+"
        r"|ssm:[a-z0-9-]+:\d{12}:parameter/[A-Za-z0-9/_.-]+)",
        "a Secrets Manager secret ARN or an SSM parameter ARN",
    ),
]
BucketName = Annotated[
    str, _pattern(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", "an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)")
]
TableName = Annotated[str, _pattern(r"[A-Za-z0-9_.-]{3,255}", "a DynamoDB table name (3-255 letters, digits, _ . -)")]
StateKey = Annotated[str, _pattern(r"[A-Za-z0-9!_.*'()/-]+", "an S3 object key such as shop/prod/terraform.tfstate")]

Access = Literal["read", "read_write"]


class _Strict(BaseModel):
    """Unknown keys are errors: a typo must not silently become a default."""

    model_config = ConfigDict(extra="forbid")


class Ec2(_Strict):
    instance_type: InstanceType = "t3.medium"
    min_size: int = Field(1, ge=0)
    max_size: int = Field(3, ge=1)
    desired_capacity: int = Field(2, ge=0)
    ami_id: AmiId | None = None


class Network(_Strict):
    create_vpc: bool = True
    vpc_cidr: str = "10.0.0.0/16"
    azs: list[str] | None = None  # None: region + a, b (filled in by Answers)
    single_nat_gateway: bool = True
    vpc_id: VpcId | None = None
    public_subnet_ids: list[SubnetId] = []
    private_subnet_ids: list[SubnetId] = []


class LoadBalancer(_Strict):
    type: str = "alb"  # checked in cross_field_problems so "classic" gets the guidance, not a bare enum error
    internal: bool = False
    certificate_arn: CertificateArn | None = None
    privatelink: bool = False


class Efs(_Strict):
    enabled: bool = False
    performance_mode: Literal["generalPurpose", "maxIO"] = "generalPurpose"
    throughput_mode: Literal["elastic", "bursting"] = "elastic"


class State(_Strict):
    backend: Literal["local", "s3"] = "local"
    bucket: BucketName | None = None
    key: StateKey | None = None
    region: Region | None = None  # s3: the bucket's region; default: the stack's region


class BucketGrant(_Strict):
    name: BucketName
    access: Access = "read"


class TableGrant(_Strict):
    name: TableName
    access: Access = "read"


class Permissions(_Strict):
    s3_buckets: list[BucketGrant] = []
    dynamodb_tables: list[TableGrant] = []


class Autoscaling(_Strict):
    min: int = Field(ge=1)
    max: int = Field(ge=1)
    cpu_target: int = Field(60, ge=10, le=90)


class Service(_Strict):
    # Plain environment values may be written unquoted in YAML (PORT: 8080); they are text to ECS.
    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)

    name: ServiceName = "web"
    image: Image
    port: int = Field(80, ge=1, le=65535)
    cpu: int = 256
    memory: int = 512
    desired_count: int = Field(2, ge=0)
    autoscaling: Autoscaling | None = None
    expose: bool = True
    health_check_path: UrlPath = "/"
    path_pattern: UrlPath = "/*"
    efs_mount: MountPath | None = None
    efs_read_only: bool = False
    environment: dict[EnvVarName, str] = {}
    secrets: dict[EnvVarName, SecretArn] = {}
    permissions: Permissions = Permissions()


DEFAULT_IMAGE = "public.ecr.aws/nginx/nginx:1.27"
TagKey = Annotated[str, Field(min_length=1, max_length=128)]
TagValue = Annotated[str, Field(max_length=256)]


class Answers(_Strict):
    name: StackName
    environment: EnvName = "dev"
    region: Region = "us-east-1"
    tags: dict[TagKey, TagValue] = {}
    launch_type: Literal["fargate", "ec2"] = "fargate"
    ec2: Ec2 = Ec2()
    network: Network = Network()
    load_balancer: LoadBalancer = LoadBalancer()
    efs: Efs = Efs()
    state: State = State()
    services: list[Service] = Field(default_factory=lambda: [Service(name="web", image=DEFAULT_IMAGE)])
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


Problem = tuple[str, str]  # (key path, message)


def cross_field_problems(a: Answers) -> list[Problem]:
    """Every rule that relates several keys, each problem with its key path."""
    problems: list[Problem] = []
    problems += _tag_problems(a)
    problems += _ec2_problems(a)
    problems += _network_problems(a)
    problems += _load_balancer_problems(a)
    problems += _efs_problems(a)
    problems += _state_problems(a)
    problems += _service_problems(a)
    return problems


def cross_field_warnings(a: Answers) -> list[Problem]:
    """What is allowed but probably not meant: `tfgen new` prints each and renders anyway."""
    return []


def _tag_problems(a: Answers) -> list[Problem]:
    return [
        (f"tags.{key}", "tag keys starting with 'aws:' are reserved by AWS")
        for key in a.tags
        if key.lower().startswith("aws:")
    ]


def _ec2_problems(a: Answers) -> list[Problem]:
    if a.launch_type != "ec2":
        return []
    e = a.ec2
    if e.min_size > e.max_size:
        return [("ec2.min_size", f"must not exceed max_size ({e.max_size}), got {e.min_size}")]
    if e.min_size <= e.desired_capacity <= e.max_size:
        return []
    return [
        (
            "ec2.desired_capacity",
            f"must lie between min_size ({e.min_size}) and max_size ({e.max_size}), got {e.desired_capacity}",
        )
    ]


def _network_problems(a: Answers) -> list[Problem]:
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
    return problems


def _load_balancer_problems(a: Answers) -> list[Problem]:
    lb = a.load_balancer
    problems: list[Problem] = []
    if lb.type in ("classic", "elb", "clb"):
        problems.append(("load_balancer.type", f"a Classic Load Balancer is refused ({GUIDANCE['classic']})"))
        return problems
    if lb.type not in ("alb", "nlb", "none"):
        problems.append(("load_balancer.type", f"must be alb, nlb or none, got {lb.type!r}"))
        return problems
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
    st = a.state
    if st.backend != "s3":
        return []
    return [(f"state.{key}", "required when backend is s3") for key in ("bucket", "key") if not getattr(st, key)]


_AWS_CREDENTIAL_VARIABLES = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"}


def _service_problems(a: Answers) -> list[Problem]:
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
    return problems


def field_problem(model: type[BaseModel], field: str, value: object) -> str | None:
    """Why `value` is not valid for `model.field`, or None: the wizard's per-question check,
    so it validates with the model's own rules rather than rules of its own."""
    info = model.model_fields[field]
    annotation = Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
    try:
        TypeAdapter(annotation).validate_python(value)
    except ValidationError as err:
        msg = err.errors()[0]["msg"]
        return msg.removeprefix("Value error, ")
    return None
