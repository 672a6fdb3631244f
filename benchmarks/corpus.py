"""Build a reproducible corpus of Terraform for timing `tfgen check` (and other checkers) on it.

Writes at least --size-mb MiB of `.tf` and `.tfvars` (only those count towards the size; the
READMEs, answers files and template files written beside them do not) into OUTDIR, about half
from each of two parts:

  stacks/NNNN-<desc>/    stacks rendered by tfgen's own generator (tfgen.render.stack) across
                         the answer space: Fargate or EC2, ALB / NLB (internal, TLS, PrivateLink)
                         or none, EFS on or off, a new or an existing VPC, local or S3 state, 1-4
                         services of varied sizes, permissions, secrets, environment and
                         autoscaling. Each is validated by tfgen.answers.build_answers first (the
                         few combinations the model refuses are skipped and counted) and carries
                         copies of the modules it calls, as a repository of stacks would.
  platform/NNNN-<desc>/  module-style root modules written by this script (not copied from any
                         public module): for_each over maps of objects, dynamic blocks (ingress
                         rules, volumes, policy statements), long IAM policies (heredoc JSON and
                         aws_iam_policy_document with many statements), locals with for
                         expressions, try(), optional() object attributes, templatefile() user
                         data, ECS task definitions and services, IAM roles, security groups, EFS,
                         ALB/NLB, EC2 capacity, and a local module called with for_each. Names and
                         values come from a seeded RNG so no two files are alike; a few deviations
                         (a Fargate size AWS rejects, a task port open to the world behind a load
                         balancer) give the rules something to find.

The same seed and size give the same bytes (for one version of tfgen: the stacks are its output).
It prints the file count, MiB, the fraction of files (and bytes) that duplicate another file's
content (what a content-addressed cache could get for free: nearly all in the stacks' module
copies, none in the platform part) and how long building took. Then it runs
`python -m tfgen check OUTDIR --format json --fail-on never` once (with --no-cache when tfgen has
it: every file really parsed, and no throwaway entries in the user's cache) and reports its exit
code: 0 is expected (findings are fine); 2 would mean a file could not be read. A summary is kept
in OUTDIR/corpus.json, which also lets --force replace a corpus built there before.

    python benchmarks/corpus.py /tmp/tfgen-corpus                 # 5 MiB, seed 1
    python benchmarks/corpus.py /tmp/tfgen-corpus-1 --size-mb 1 --seed 7
    python benchmarks/corpus.py /tmp/tfgen-corpus --force         # rebuild over an old corpus
    python benchmarks/corpus.py /tmp/tfgen-corpus-fetched --fetched-modules

With --fetched-modules the stacks call their modules as registry modules (`example-org/NAME/aws`)
that `terraform init` has laid out: the modules' files sit under each stack's
`.terraform/modules/CALL/` with a `modules.json`, as on a machine that ran init.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import random
import re
import shlex
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's tfgen

from tfgen import __version__ as TFGEN_VERSION  # noqa: E402
from tfgen.answers import build_answers  # noqa: E402
from tfgen.errors import AnswersError  # noqa: E402
from tfgen.fargate import VALID_MEMORY  # noqa: E402
from tfgen.render.stack import render_stack  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
MIB = 2**20
HCL_SUFFIXES = (".tf", ".tfvars")
MARKER = "corpus.json"  # written at the top of OUTDIR: what was built, and proof it was built here
PARTS = ("stacks", "platform")

# --- shared vocabulary -----------------------------------------------------------------------

REGIONS = ["us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-west-2", "eu-central-1", "eu-north-1",
           "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "ca-central-1", "sa-east-1"]
ENVIRONMENTS = ["dev", "test", "qa", "stage", "staging", "uat", "prod", "perf", "sandbox", "demo"]
PRODUCTS = ["shop", "billing", "ledger", "search", "media", "auth", "orders", "catalog", "notify", "report",
            "etl", "chat", "geo", "pay", "kyc", "crm", "stock", "pricing", "ship", "feeds", "loyalty", "quotes",
            "claims", "fleet", "booking", "tickets", "docs", "audit", "intake", "portal"]
TEAMS = ["core", "growth", "data", "infra", "risk", "mobile", "web", "ops", "ml", "edge", "finance", "identity",
         "platform", "content", "checkout", "partners"]
SERVICE_NAMES = ["web", "api", "worker", "admin", "auth", "search", "cron", "img", "pdf", "ws", "grpc", "queue",
                 "mailer", "render", "export", "import", "sync", "gateway", "ingest", "scorer", "indexer", "thumbs",
                 "webhooks", "billing", "events", "notifier", "reports", "ledger", "cache", "proxy"]
IMAGES = ["public.ecr.aws/nginx/nginx", "public.ecr.aws/docker/library/httpd", "public.ecr.aws/docker/library/python",
          "public.ecr.aws/docker/library/node", "public.ecr.aws/docker/library/golang", "public.ecr.aws/docker/library/redis",
          "public.ecr.aws/docker/library/rabbitmq", "public.ecr.aws/amazonlinux/amazonlinux", "ghcr.io/acme/{svc}",
          "{account}.dkr.ecr.{region}.amazonaws.com/{product}-{svc}"]
INSTANCE_TYPES = ["t3.medium", "t3.large", "m6i.large", "m6i.xlarge", "m7g.large", "c6i.xlarge", "c7g.2xlarge",
                  "r6i.large", "m5.2xlarge", "t4g.medium"]
ENV_KEYS = ["LOG_LEVEL", "PORT", "FEATURE_FLAGS", "QUEUE_URL", "TOPIC_ARN", "BUCKET", "TABLE", "TIMEOUT_MS",
            "MAX_CONNECTIONS", "REGION_HINT", "TRACE_SAMPLE_RATE", "CACHE_TTL", "UPSTREAM_URL", "BATCH_SIZE",
            "WORKERS", "LOCALE", "TZ", "METRICS_NAMESPACE", "RETRY_LIMIT", "JAVA_OPTS", "NODE_ENV", "GUNICORN_CMD_ARGS"]
WORDS = ["alpha", "amber", "arch", "aster", "beacon", "birch", "bolt", "cedar", "cinder", "cobalt", "comet", "coral",
         "delta", "ember", "fable", "fern", "flint", "garnet", "glade", "harbor", "hazel", "indigo", "iris", "juniper",
         "kestrel", "lumen", "maple", "meadow", "nova", "onyx", "opal", "orbit", "pine", "quartz", "raven", "ridge",
         "sable", "slate", "spruce", "summit", "tide", "umber", "vale", "willow", "zephyr"]


def _hex(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def _account(rng: random.Random) -> str:
    return str(rng.randint(10**11, 10**12 - 1))


def _version(rng: random.Random) -> str:
    return f"{rng.randint(1, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 12)}"


def _image(rng: random.Random, svc: str, product: str, account: str, region: str) -> str:
    base = rng.choice(IMAGES).format(svc=svc, product=product, account=account, region=region)
    return f"{base}:{_version(rng)}"


def _fargate_size(rng: random.Random) -> tuple[int, int]:
    cpu = rng.choices(sorted(VALID_MEMORY), weights=[6, 8, 6, 4, 2, 1, 1])[0]
    return cpu, rng.choice(VALID_MEMORY[cpu])


def _env_value(rng: random.Random, key: str, product: str) -> str:
    choices = {
        "LOG_LEVEL": ["debug", "info", "warn", "error"],
        "PORT": [str(p) for p in (80, 3000, 5000, 8000, 8080, 9000)],
        "LOCALE": ["en_US.UTF-8", "de_DE.UTF-8", "fr_FR.UTF-8", "ja_JP.UTF-8"],
        "TZ": ["UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo"],
        "NODE_ENV": ["production", "staging"],
    }
    if key in choices:
        return rng.choice(choices[key])
    if key.endswith("_URL"):
        return f"https://{rng.choice(WORDS)}.{product}.internal:{rng.choice([443, 8443, 9443])}/{rng.choice(WORDS)}"
    if key.endswith("_ARN"):
        return f"arn:aws:sns:us-east-1:{rng.randint(10**11, 10**12 - 1)}:{product}-{rng.choice(WORDS)}"
    if key in ("BUCKET", "TABLE", "METRICS_NAMESPACE"):
        return f"{product}-{rng.choice(WORDS)}-{_hex(rng, 4)}"
    if key == "FEATURE_FLAGS":
        return ",".join(rng.sample(WORDS, rng.randint(1, 5)))
    if key in ("JAVA_OPTS", "GUNICORN_CMD_ARGS"):
        return f"-Xmx{rng.choice([256, 512, 1024, 2048])}m -Dapp.name={product}" if key == "JAVA_OPTS" else f"--workers {rng.randint(1, 8)} --timeout {rng.randint(10, 120)}"
    return str(rng.choice([rng.randint(1, 5000), round(rng.random(), 3)]))


# --- part 1: stacks rendered by tfgen --------------------------------------------------------

# (label, load_balancer answers). Every one is a choice the model accepts; the refusals (classic,
# privatelink on an ALB) are not part of the space a repository of working stacks would hold.
LB_VARIANTS: list[tuple[str, dict[str, Any]]] = [
    ("alb", {"type": "alb"}),
    ("alb-https", {"type": "alb", "certificate_arn": "CERT"}),
    ("alb-int", {"type": "alb", "internal": True}),
    ("alb-int-https", {"type": "alb", "internal": True, "certificate_arn": "CERT"}),
    ("nlb", {"type": "nlb"}),
    ("nlb-tls", {"type": "nlb", "certificate_arn": "CERT"}),
    ("nlb-int", {"type": "nlb", "internal": True}),
    ("nlb-int-pl", {"type": "nlb", "internal": True, "privatelink": True}),
    ("nlb-pl", {"type": "nlb", "privatelink": True}),
    ("nolb", {"type": "none"}),
]


def stack_space(rng: random.Random) -> list[tuple[str, str, bool, bool, str]]:
    """Every (launch type, load balancer, efs, create_vpc, state) combination, in a seeded order."""
    combos = list(itertools.product(["fargate", "ec2"], [label for label, _ in LB_VARIANTS], [False, True], [True, False], ["local", "s3"]))
    rng.shuffle(combos)
    return combos


def stack_answers(rng: random.Random, combo: tuple[str, str, bool, bool, str]) -> dict[str, Any]:
    """Raw answers (as an answers file would hold them) for one combination, the rest random."""
    launch, lb_label, efs, create_vpc, state = combo
    product = rng.choice(PRODUCTS)
    region = rng.choice(REGIONS)
    account = _account(rng)
    data: dict[str, Any] = {
        "name": f"{product}{rng.choice(['', '-' + rng.choice(WORDS)])}"[:20],
        "environment": rng.choice(ENVIRONMENTS),
        "region": region,
        "launch_type": launch,
    }
    if rng.random() < 0.7:
        data["tags"] = {k: rng.choice(WORDS) for k in rng.sample(["team", "owner", "cost-center", "project", "tier", "data-class"], rng.randint(1, 4))}
    if launch == "ec2":
        lo = rng.randint(1, 3)
        hi = lo + rng.randint(0, 6)
        data["ec2"] = {"instance_type": rng.choice(INSTANCE_TYPES), "min_size": lo, "max_size": hi,
                       "desired_capacity": rng.randint(lo, hi), "ami_id": f"ami-{_hex(rng, 17)}"}
    lb = dict(dict(LB_VARIANTS)[lb_label])
    if lb.get("certificate_arn") == "CERT":
        lb["certificate_arn"] = f"arn:aws:acm:{region}:{account}:certificate/{_hex(rng, 8)}-{_hex(rng, 4)}-{_hex(rng, 4)}-{_hex(rng, 4)}-{_hex(rng, 12)}"
    data["load_balancer"] = lb
    azs = [f"{region}{z}" for z in sorted(rng.sample("abc", rng.choice([2, 2, 3])))]
    if create_vpc:
        data["network"] = {"vpc_cidr": f"10.{rng.randint(0, 250)}.0.0/{rng.choice([16, 18, 20])}", "azs": azs,
                           "single_nat_gateway": rng.random() < 0.6}
    else:
        data["network"] = {"create_vpc": False, "vpc_id": f"vpc-{_hex(rng, 17)}",
                           "private_subnet_ids": [f"subnet-{_hex(rng, 17)}" for _ in azs],
                           "public_subnet_ids": [f"subnet-{_hex(rng, 17)}" for _ in azs]}
    if efs:
        data["efs"] = {"enabled": True, "performance_mode": rng.choice(["generalPurpose", "generalPurpose", "maxIO"]),
                       "throughput_mode": rng.choice(["elastic", "bursting"])}
    if state == "s3":
        data["state"] = {"backend": "s3", "bucket": f"{product}-tfstate-{_hex(rng, 6)}",
                         "key": f"{product}/{data['environment']}/terraform.tfstate"}
        if rng.random() < 0.3:
            data["state"]["region"] = rng.choice(REGIONS)
    names = rng.sample(SERVICE_NAMES, rng.randint(1, 4))
    services = []
    ports = rng.sample([80, 443, 3000, 5000, 5672, 6379, 7000, 8000, 8080, 8443, 9000, 9090], len(names))
    for i, svc in enumerate(names):
        cpu, memory = _fargate_size(rng)
        s: dict[str, Any] = {"name": svc, "image": _image(rng, svc, product, account, region), "port": ports[i],
                             "cpu": cpu, "memory": memory, "desired_count": rng.randint(1, 4)}
        if i > 0:
            s["path_pattern"] = f"/{svc}/*"
            s["health_check_path"] = f"/{svc}/health"
        elif rng.random() < 0.5:
            s["health_check_path"] = rng.choice(["/health", "/healthz", "/status", "/ping"])
        if lb["type"] != "none" and i > 0 and rng.random() < 0.25:
            s["expose"] = False
        if rng.random() < 0.4:
            s["autoscaling"] = {"min": 1, "max": s["desired_count"] + rng.randint(0, 8), "cpu_target": rng.choice([40, 50, 60, 70, 75])}
        if efs and (i == 0 or rng.random() < 0.5):
            s["efs_mount"] = rng.choice(["/data", "/var/lib/app", "/srv/shared", "/mnt/efs", f"/opt/{svc}/files"])
            s["efs_read_only"] = rng.random() < 0.3
        keys = rng.sample(ENV_KEYS, rng.randint(0, 6))
        if keys:
            s["environment"] = {k: _env_value(rng, k, product) for k in keys}
        if rng.random() < 0.5:
            secrets = {}
            for key in rng.sample(["DB_PASSWORD", "API_KEY", "STRIPE_KEY", "JWT_SECRET", "SMTP_PASSWORD"], rng.randint(1, 3)):
                if key in s.get("environment", {}):
                    continue
                if rng.random() < 0.6:
                    secrets[key] = f"arn:aws:secretsmanager:{region}:{account}:secret:{product}/{svc}/{key.lower()}-{_hex(rng, 6)}"
                else:
                    secrets[key] = f"arn:aws:ssm:{region}:{account}:parameter/{product}/{svc}/{key.lower()}"
            s["secrets"] = secrets
        grants: dict[str, list[dict[str, str]]] = {}
        if rng.random() < 0.6:
            grants["s3_buckets"] = [{"name": f"{product}-{rng.choice(WORDS)}-{_hex(rng, 4)}", "access": rng.choice(["read", "read_write"])}
                                    for _ in range(rng.randint(1, 3))]
        if rng.random() < 0.5:
            grants["dynamodb_tables"] = [{"name": f"{product}-{rng.choice(WORDS)}", "access": rng.choice(["read", "read_write"])}
                                         for _ in range(rng.randint(1, 3))]
        if grants:
            s["permissions"] = grants
        services.append(s)
    data["services"] = services
    return data


def stack_units(rng: random.Random, skipped: Counter) -> Iterator[tuple[str, dict[str, bytes], tuple]]:
    """(folder name, files, combination) for stacks, cycling through the space in seeded order."""
    space = stack_space(rng)
    for n in itertools.count():
        combo = space[n % len(space)]
        data = stack_answers(rng, combo)
        try:
            answers = build_answers(data)
        except AnswersError as err:
            skipped[err.problems[0].split(":", 1)[0]] += 1
            continue
        launch, lb_label, efs, create_vpc, state = combo
        desc = "-".join([launch, lb_label] + (["efs"] if efs else []) + (["vpc"] if create_vpc else ["existing-vpc"])
                        + (["s3state"] if state == "s3" else []) + [f"{len(data['services'])}svc"])
        yield desc, render_stack(answers), combo


_LOCAL_CALL = re.compile(r'(module "(\w+)" \{\n)(\s*)source(\s*)= "\./modules/(\w+)"\n')


def as_fetched(files: dict[str, bytes]) -> dict[str, bytes]:
    """The stack as if its modules came from a registry and `terraform init` had run: each call's
    source is `example-org/NAME/aws` (with a version), and the module's files sit where init puts
    them, `.terraform/modules/CALL/`, listed in `.terraform/modules/modules.json`."""
    main = files["main.tf"].decode()
    calls: dict[str, str] = {}

    def registry(match: re.Match[str]) -> str:
        head, call, indent, space, module = match.groups()
        calls[call] = module
        return f'{head}{indent}source{space}= "example-org/{module}/aws"\n{indent}version{space[:-1] or space}= "1.0.0"\n'

    main = _LOCAL_CALL.sub(registry, main)
    out = {rel: content for rel, content in files.items() if not rel.startswith("modules/")}
    out["main.tf"] = main.encode()
    manifest = [{"Key": "", "Source": "", "Dir": "."}]
    for call, module in sorted(calls.items()):
        for rel, content in files.items():
            if rel.startswith(f"modules/{module}/"):
                out[f".terraform/modules/{call}/{rel.split('/', 2)[2]}"] = content
        manifest.append({"Key": call, "Source": f"registry.terraform.io/example-org/{module}/aws", "Version": "1.0.0",
                         "Dir": f".terraform/modules/{call}"})
    out[".terraform/modules/modules.json"] = json.dumps({"Modules": manifest}).encode()
    return out


# --- part 2: module-style code written here --------------------------------------------------


def q(text: str) -> str:
    """A literal HCL string: quotes, backslashes and template sequences escaped."""
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return '"' + text.replace("${", "$${").replace("%{", "%%{") + '"'


def _key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", key) else q(key)


def hv(value: Any, indent: int = 0) -> str:
    """A Python value as an HCL expression; nested lines indented for a body at `indent`."""
    pad = "  " * (indent + 1)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return q(value)
    if isinstance(value, list):
        if not value:
            return "[]"
        flat = "[" + ", ".join(hv(v, indent) for v in value) + "]"
        if len(flat) <= 100 and "\n" not in flat:
            return flat
        return "[\n" + "".join(f"{pad}{hv(v, indent + 1)},\n" for v in value) + "  " * indent + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{\n" + "".join(f"{pad}{_key(k)} = {hv(v, indent + 1)}\n" for k, v in value.items()) + "  " * indent + "}"
    raise TypeError(type(value))


class Raw(str):
    """An HCL expression given as text (a reference, a call): `hv` would quote a plain str."""


def _hv(value: Any, indent: int) -> str:
    return str(value) if isinstance(value, Raw) else hv(value, indent)


class HclWriter:
    """Lines of HCL with block nesting; `text()` aligns `=` the way `terraform fmt` does."""

    def __init__(self, header: str = ""):
        self.lines: list[str] = [f"# {line}".rstrip() for line in header.splitlines()]
        if self.lines:
            self.lines.append("")
        self.level = 0

    def line(self, text: str = "") -> None:
        self.lines.append(("  " * self.level + text) if text else "")

    def comment(self, text: str) -> None:
        for part in text.splitlines():
            self.line(f"# {part}")

    def attr(self, name: str, value: Any) -> None:
        self.line(f"{_key(name)} = {_hv(value, self.level)}")

    def open(self, head: str) -> "HclWriter":
        self.line(head + " {")
        self.level += 1
        return self

    def close(self) -> None:
        self.level -= 1
        self.line("}")

    def block(self, head: str, body: dict[str, Any] | None = None) -> None:
        """A block whose body is only attributes (None values left out)."""
        self.open(head)
        for k, v in (body or {}).items():
            if v is not None:
                self.attr(k, v)
        self.close()

    def heredoc(self, name: str, text: str, marker: str = "EOT") -> None:
        self.line(f"{name} = <<-{marker}")
        pad = "  " * (self.level + 1)
        self.lines.extend(pad + t if t else "" for t in text.splitlines())
        self.line(marker)

    def text(self) -> str:
        while self.lines and self.lines[-1] == "":
            self.lines.pop()
        return align("\n".join(self.lines)) + "\n"


_ATTR = re.compile(r'^(\s*)([A-Za-z_][\w-]*|"[^"]*")\s*=(?![=>])\s*(.*)$')
_HEREDOC = re.compile(r"<<-?([A-Za-z_]\w*)$")


def align(text: str) -> str:
    """Align the `=` of consecutive attribute lines at one indentation (as terraform fmt does)."""
    lines = text.split("\n")
    out: list[str] = []
    group: list[tuple[str, str, str]] = []
    heredoc: str | None = None

    def flush() -> None:
        width = max((len(name) for _, name, _ in group), default=0)
        out.extend(f"{pad}{name.ljust(width)} = {rest}" for pad, name, rest in group)
        group.clear()

    for line in lines:
        if heredoc is not None:
            out.append(line)
            if line.strip() == heredoc:
                heredoc = None
            continue
        match = _ATTR.match(line)
        opened = _HEREDOC.search(line)
        if match and opened:
            # A heredoc value closes the group it ends (its body is left as it is).
            if group and group[-1][0] != match.group(1):
                flush()
            group.append(match.groups())
            flush()
        elif match and match.group(3).rstrip().endswith(("{", "[", "(")):
            # A multi-line value stands alone: it ends the group before it and starts none.
            flush()
            pad, name, rest = match.groups()
            out.append(f"{pad}{name} = {rest}")
        elif match and (not group or group[-1][0] == match.group(1)):
            group.append(match.groups())
        else:
            flush()
            if match:
                group.append(match.groups())
            else:
                out.append(line)
        if opened:
            heredoc = opened.group(1)
    flush()
    return "\n".join(out)


# IAM actions a statement may draw from, by service.
ACTIONS = {
    "s3": ["GetObject", "PutObject", "DeleteObject", "ListBucket", "GetObjectVersion", "GetBucketLocation", "AbortMultipartUpload", "PutObjectTagging"],
    "dynamodb": ["GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan", "BatchGetItem", "BatchWriteItem", "DescribeTable", "ConditionCheckItem"],
    "sqs": ["SendMessage", "ReceiveMessage", "DeleteMessage", "GetQueueAttributes", "ChangeMessageVisibility", "GetQueueUrl"],
    "sns": ["Publish", "Subscribe", "GetTopicAttributes", "ListSubscriptionsByTopic"],
    "kms": ["Decrypt", "Encrypt", "GenerateDataKey", "DescribeKey", "ReEncryptFrom", "ReEncryptTo"],
    "logs": ["CreateLogStream", "PutLogEvents", "DescribeLogStreams", "CreateLogGroup"],
    "ssm": ["GetParameter", "GetParameters", "GetParametersByPath"],
    "secretsmanager": ["GetSecretValue", "DescribeSecret"],
    "xray": ["PutTraceSegments", "PutTelemetryRecords", "GetSamplingRules", "GetSamplingTargets"],
    "cloudwatch": ["PutMetricData", "GetMetricData", "ListMetrics"],
    "events": ["PutEvents", "DescribeRule"],
    "states": ["StartExecution", "DescribeExecution", "SendTaskSuccess", "SendTaskFailure"],
    "kinesis": ["PutRecord", "PutRecords", "GetRecords", "GetShardIterator", "DescribeStream"],
    "firehose": ["PutRecord", "PutRecordBatch"],
    "ecr": ["GetAuthorizationToken", "BatchGetImage", "GetDownloadUrlForLayer", "BatchCheckLayerAvailability"],
    "elasticfilesystem": ["ClientMount", "ClientWrite", "ClientRootAccess", "DescribeMountTargets"],
    "lambda": ["InvokeFunction", "GetFunction"],
}


def _arn_for(rng: random.Random, service: str, u: "Unit") -> str:
    name = f"{u.prefix}-{rng.choice(WORDS)}"
    return {
        "s3": f"arn:aws:s3:::{name}-{_hex(rng, 4)}{rng.choice(['', '/*', '/uploads/*', '/exports/*'])}",
        "dynamodb": f"arn:aws:dynamodb:{u.region}:{u.account}:table/{name}{rng.choice(['', '/index/*', '/stream/*'])}",
        "sqs": f"arn:aws:sqs:{u.region}:{u.account}:{name}{rng.choice(['', '.fifo', '-dlq'])}",
        "sns": f"arn:aws:sns:{u.region}:{u.account}:{name}",
        "kms": f"arn:aws:kms:{u.region}:{u.account}:key/{_hex(rng, 8)}-{_hex(rng, 4)}-{_hex(rng, 4)}-{_hex(rng, 4)}-{_hex(rng, 12)}",
        "logs": f"arn:aws:logs:{u.region}:{u.account}:log-group:/ecs/{name}:*",
        "ssm": f"arn:aws:ssm:{u.region}:{u.account}:parameter/{u.team}/{u.product}/{rng.choice(WORDS)}/*",
        "secretsmanager": f"arn:aws:secretsmanager:{u.region}:{u.account}:secret:{u.team}/{name}-{_hex(rng, 6)}",
        "states": f"arn:aws:states:{u.region}:{u.account}:stateMachine:{name}",
        "kinesis": f"arn:aws:kinesis:{u.region}:{u.account}:stream/{name}",
        "firehose": f"arn:aws:firehose:{u.region}:{u.account}:deliverystream/{name}",
        "events": f"arn:aws:events:{u.region}:{u.account}:event-bus/{name}",
        "elasticfilesystem": f"arn:aws:elasticfilesystem:{u.region}:{u.account}:file-system/fs-{_hex(rng, 17)}",
        "lambda": f"arn:aws:lambda:{u.region}:{u.account}:function:{name}",
    }.get(service, "*")


def _condition(rng: random.Random, u: "Unit") -> tuple[str, str, list[str]]:
    return rng.choice([
        ("StringEquals", "aws:RequestedRegion", [u.region]),
        ("Bool", "aws:SecureTransport", ["true"]),
        ("StringEquals", "aws:PrincipalAccount", [u.account]),
        ("StringLike", "s3:prefix", [f"{rng.choice(WORDS)}/*", f"{rng.choice(WORDS)}/*"]),
        ("IpAddress", "aws:SourceIp", [f"10.{rng.randint(0, 255)}.0.0/16"]),
        ("ArnLike", "aws:SourceArn", [f"arn:aws:ecs:{u.region}:{u.account}:*"]),
        ("StringEquals", "aws:ResourceTag/team", [u.team]),
        ("NumericLessThan", "aws:MultiFactorAuthAge", [str(rng.choice([900, 3600, 43200]))]),
    ])


def _statements(rng: random.Random, u: "Unit", count: int) -> list[dict[str, Any]]:
    out = []
    for i in range(count):
        service = rng.choice(sorted(ACTIONS))
        actions = sorted(f"{service}:{a}" for a in rng.sample(ACTIONS[service], rng.randint(1, min(6, len(ACTIONS[service])))))
        resources = sorted({_arn_for(rng, service, u) for _ in range(rng.randint(1, 4))})
        stmt: dict[str, Any] = {"Sid": f"{service.title().replace('_', '')}{rng.choice(WORDS).title()}{i}",
                                "Effect": "Deny" if rng.random() < 0.08 else "Allow", "Action": actions, "Resource": resources}
        if rng.random() < 0.4:
            op, key, values = _condition(rng, u)
            stmt["Condition"] = {op: {key: values}}
        out.append(stmt)
    return out


class Unit:
    """One generated root module (a team's ECS platform) and the choices it was built from."""

    def __init__(self, rng: random.Random, index: int):
        self.rng = rng
        self.index = index
        self.team = rng.choice(TEAMS)
        self.product = rng.choice(PRODUCTS)
        self.prefix = f"{self.team[:6]}-{self.product[:8]}"
        self.environment = rng.choice(ENVIRONMENTS)
        self.region = rng.choice(REGIONS)
        self.account = _account(rng)
        self.lb = rng.choice(["alb", "alb", "alb", "nlb", "none"])
        self.efs = rng.random() < 0.5
        self.ec2 = rng.random() < 0.35
        self.workers = rng.random() < 0.6
        self.heredoc_containers = rng.random() < 0.35
        self.ingress_style = rng.choice(["dynamic", "rules"])
        self.services = self._services()
        self.files: dict[str, str] = {}

    def _services(self) -> dict[str, dict[str, Any]]:
        rng = self.rng
        names = rng.sample(SERVICE_NAMES, rng.randint(2, 7))
        ports = rng.sample(range(3000, 9999, 7), len(names))
        out = {}
        for i, name in enumerate(names):
            cpu, memory = _fargate_size(rng)
            if rng.random() < 0.03:
                memory = max(VALID_MEMORY[cpu]) + 1024  # a deviation now and then, so the rules find something
            s: dict[str, Any] = {"image": _image(rng, name, self.product, self.account, self.region), "cpu": cpu, "memory": memory}
            if rng.random() < 0.8:
                s["port"] = ports[i]
            if rng.random() < 0.6:
                s["desired_count"] = rng.randint(1, 6)
            if rng.random() < 0.5:
                s["health_check_path"] = rng.choice(["/health", "/healthz", "/ready", f"/{name}/status", "/ping"])
            keys = rng.sample(ENV_KEYS, rng.randint(0, 10))
            if keys:
                s["environment"] = {k: _env_value(rng, k, self.product) for k in keys}
            if rng.random() < 0.5:
                s["secrets"] = {k: f"arn:aws:secretsmanager:{self.region}:{self.account}:secret:{self.team}/{name}/{k.lower()}-{_hex(rng, 6)}"
                                for k in rng.sample(["DB_PASSWORD", "API_TOKEN", "SIGNING_KEY", "OAUTH_SECRET"], rng.randint(1, 3))}
            if self.efs and (i == 0 or rng.random() < 0.4):
                s["efs"] = {"path": rng.choice(["/data", "/srv/files", f"/var/lib/{name}", "/mnt/shared"])}
                if rng.random() < 0.4:
                    s["efs"]["read_only"] = True
            if rng.random() < 0.5:
                s["ingress_cidrs"] = sorted({f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.0/24" for _ in range(rng.randint(1, 4))})
                if rng.random() < 0.15:
                    s["ingress_cidrs"].append("0.0.0.0/0")
            if rng.random() < 0.45:
                lo = rng.randint(1, 3)
                s["autoscaling"] = {"min": lo, "max": lo + rng.randint(1, 12)}
                if rng.random() < 0.5:
                    s["autoscaling"]["cpu"] = rng.choice([45, 55, 60, 65, 70, 80])
            if rng.random() < 0.5:
                s["buckets"] = {f"{self.product}-{rng.choice(WORDS)}-{_hex(rng, 4)}": rng.choice(["read", "write"]) for _ in range(rng.randint(1, 3))}
            out[name] = s
        return out

    def header(self, what: str) -> str:
        return f"{self.team}/{self.product} ({self.environment}, {self.region}): {what}"

    # each file

    def build(self) -> dict[str, str]:
        for name, make in [("versions.tf", self.versions), ("variables.tf", self.variables), ("locals.tf", self.locals),
                           ("cluster.tf", self.cluster), ("iam.tf", self.iam), ("policies.tf", self.policies),
                           ("security.tf", self.security), ("ecs.tf", self.ecs), ("autoscaling.tf", self.autoscaling),
                           ("outputs.tf", self.outputs), ("terraform.tfvars", self.tfvars)]:
            self.files[name] = make()
        if self.lb != "none":
            self.files["lb.tf"] = self.load_balancer()
        if self.efs:
            self.files["efs.tf"] = self.efs_file()
        if self.ec2:
            self.files["ec2.tf"] = self.ec2_file()
            self.files["templates/user-data.sh.tpl"] = self.user_data_template()
        if self.workers:
            self.files["workers.tf"] = self.workers_call()
            self.files.update(WorkerModule(self).build())
        return self.files

    def versions(self) -> str:
        rng, w = self.rng, HclWriter(self.header("Terraform and provider versions"))
        w.open("terraform")
        w.attr("required_version", f">= 1.{rng.choice([5, 6, 7, 8, 9])}")
        w.line()
        w.open("required_providers")
        w.attr("aws", {"source": "hashicorp/aws", "version": f">= {rng.choice([5, 5, 6])}.{rng.randint(0, 60)}"})
        w.close()
        if rng.random() < 0.5:
            w.line()
            w.block('backend "s3"', {"bucket": f"{self.team}-tfstate-{self.account}", "key": f"{self.product}/{self.environment}/terraform.tfstate",
                                     "region": self.region, "encrypt": True, "use_lockfile": True})
        w.close()
        w.line()
        w.open('provider "aws"')
        w.attr("region", Raw("var.region"))
        w.line()
        w.open("default_tags")
        w.attr("tags", Raw("local.tags"))
        w.close()
        w.close()
        return w.text()

    def variables(self) -> str:
        rng, w = self.rng, HclWriter(self.header("inputs"))
        simple = [("name", "string", "Prefix of every resource name."), ("environment", "string", "Deployment environment."),
                  ("region", "string", "AWS region."), ("vpc_id", "string", "The VPC the services run in."),
                  ("private_subnet_ids", "list(string)", "Subnets for tasks (two AZs or more)."),
                  ("public_subnet_ids", "list(string)", "Subnets for an internet-facing load balancer.")]
        for name, type_, description in simple:
            w.open(f'variable "{name}"')
            w.attr("type", Raw(type_))
            w.attr("description", description)
            if name == "private_subnet_ids":
                w.line()
                w.open("validation")
                w.attr("condition", Raw("length(var.private_subnet_ids) >= 2"))
                w.attr("error_message", "Give at least two private subnets, in different availability zones.")
                w.close()
            w.close()
            w.line()
        w.open('variable "tags"')
        w.attr("type", Raw("map(string)"))
        w.attr("default", {})
        w.close()
        w.line()
        w.comment("One entry per service; only image is required.")
        w.open('variable "services"')
        w.attr("description", f"The ECS services of {self.product}, by name.")
        fields = [("image", "string"), ("cpu", "optional(number, 256)"), ("memory", "optional(number, 512)"),
                  ("port", "optional(number)"), ("desired_count", f"optional(number, {rng.randint(1, 3)})"),
                  ("health_check_path", f'optional(string, "{rng.choice(["/", "/health", "/healthz"])}")'),
                  ("environment", "optional(map(string), {})"), ("secrets", "optional(map(string), {})"),
                  ("efs", "optional(object({\n      path      = string\n      read_only = optional(bool, false)\n    }))"),
                  ("ingress_cidrs", "optional(list(string), [])"),
                  ("autoscaling", "optional(object({\n      min = number\n      max = number\n      cpu = optional(number, 60)\n    }))"),
                  ("buckets", "optional(map(string), {})")]
        body = "\n".join(f"    {n} = {t}" for n, t in fields)
        w.line("type = map(object({")
        w.lines.extend(align(body).splitlines())
        w.line("}))")
        w.line()
        w.open("validation")
        w.attr("condition", Raw("alltrue([for name, s in var.services : contains([256, 512, 1024, 2048, 4096, 8192, 16384], s.cpu)])"))
        w.attr("error_message", "Every service needs a Fargate CPU size (256 to 16384 units).")
        w.close()
        w.line()
        w.open("validation")
        w.attr("condition", Raw("alltrue([for name, s in var.services : can(regex(\"^[a-z][a-z0-9-]{0,19}$\", name))])"))
        w.attr("error_message", "Service names are 1-20 lowercase letters, digits or hyphens.")
        w.close()
        w.close()
        w.line()
        extra_type = "list(object({\n    description = string\n    port        = number\n    protocol    = optional(string, \"tcp\")\n    cidr_blocks = list(string)\n  }))"
        w.open('variable "extra_ingress_rules"')
        w.attr("description", "Ingress allowed into every service besides the load balancer.")
        w.line(f"type = {extra_type}")
        w.attr("default", [])
        w.close()
        if self.lb != "none":
            w.line()
            w.open('variable "certificate_arn"')
            w.attr("type", Raw("string"))
            w.attr("default", None)
            w.close()
            w.line()
            w.open('variable "internal"')
            w.attr("type", Raw("bool"))
            w.attr("default", rng.random() < 0.3)
            w.close()
        if self.ec2:
            w.line()
            w.open('variable "capacity"')
            w.line("type = object({\n    instance_type = optional(string, \"t3.large\")\n    min_size      = optional(number, 1)\n    max_size      = optional(number, 4)\n    ami_ssm_path  = optional(string, \"/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id\")\n  })")
            w.attr("default", {})
            w.close()
        if self.workers:
            w.line()
            w.open('variable "workers"')
            w.line("type = map(object({\n    image       = string\n    queue_name  = string\n    cpu         = optional(number, 512)\n    memory      = optional(number, 1024)\n    concurrency = optional(number, 4)\n  }))")
            w.attr("default", {})
            w.close()
        return w.text()

    def locals(self) -> str:
        rng, w = self.rng, HclWriter(self.header("derived values"))
        w.open("locals")
        w.attr("name", Raw('"${var.name}-${var.environment}"'))
        w.attr("tags", Raw("merge(var.tags, {\n    team        = " + q(self.team) + "\n    product     = " + q(self.product)
                           + "\n    environment = var.environment\n    managed-by  = \"terraform\"\n  })"))
        w.line()
        w.comment("Services with a port are put behind the load balancer.")
        w.attr("exposed", Raw("{ for name, s in var.services : name => s if s.port != null }"))
        w.attr("efs_services", Raw("{ for name, s in var.services : name => s if s.efs != null }"))
        w.attr("scaled", Raw("{ for name, s in var.services : name => s.autoscaling if try(s.autoscaling.max, 0) > 0 }"))
        w.line()
        w.attr("container_env", Raw("{\n    for name, s in var.services : name => [\n      for k in sort(keys(s.environment)) : { name = k, value = s.environment[k] }\n    ]\n  }"))
        w.attr("container_secrets", Raw("{\n    for name, s in var.services : name => [for k, arn in s.secrets : { name = k, valueFrom = arn }]\n  }"))
        w.attr("secret_arns", Raw("distinct(flatten([for s in values(var.services) : values(s.secrets)]))"))
        w.line()
        w.comment("One rule per (service, CIDR): keys must be known at plan time.")
        w.attr("service_ingress", Raw("merge([\n    for name, s in var.services : {\n      for cidr in s.ingress_cidrs : \"${name}:${cidr}\" => {\n        service = name\n        cidr    = cidr\n        port    = try(s.port, 80)\n      }\n    }\n  ]...)"))
        w.attr("bucket_grants", Raw("flatten([\n    for name, s in var.services : [\n      for bucket, access in s.buckets : { service = name, bucket = bucket, write = access == \"write\" }\n    ]\n  ])"))
        w.attr("log_retention", rng.choice([7, 14, 30, 60, 90, 180, 365, 731]))
        w.attr("container_insights", rng.choice(["enabled", "enhanced"]))
        if rng.random() < 0.5:
            w.attr("upper_names", Raw("[for name in keys(var.services) : upper(replace(name, \"-\", \"_\"))]"))
        w.attr("short_ids", Raw("{ for name, s in var.services : name => substr(md5(\"${local.name}-${name}\"), 0, 8) }"))
        w.close()
        return w.text()

    def cluster(self) -> str:
        rng, w = self.rng, HclWriter(self.header("the ECS cluster and its log groups"))
        w.open('resource "aws_ecs_cluster" "this"')
        w.attr("name", Raw("local.name"))
        w.line()
        w.block("setting", {"name": "containerInsights", "value": Raw("local.container_insights")})
        if rng.random() < 0.5:
            w.line()
            w.open("configuration")
            w.open("execute_command_configuration")
            w.attr("logging", "OVERRIDE")
            w.line()
            w.block("log_configuration", {"cloud_watch_log_group_name": Raw('"/ecs/${local.name}/exec"'), "cloud_watch_encryption_enabled": True})
            w.close()
            w.close()
        w.close()
        w.line()
        w.open('resource "aws_ecs_cluster_capacity_providers" "this"')
        w.attr("cluster_name", Raw("aws_ecs_cluster.this.name"))
        if self.ec2:
            w.attr("capacity_providers", Raw("[aws_ecs_capacity_provider.ec2.name]"))
            w.line()
            w.block("default_capacity_provider_strategy", {"capacity_provider": Raw("aws_ecs_capacity_provider.ec2.name"), "weight": 1})
        else:
            w.attr("capacity_providers", ["FARGATE", "FARGATE_SPOT"])
            w.line()
            base = rng.randint(0, 2)
            w.block("default_capacity_provider_strategy", {"capacity_provider": "FARGATE", "base": base, "weight": rng.randint(1, 4)})
            if rng.random() < 0.5:
                w.line()
                w.block("default_capacity_provider_strategy", {"capacity_provider": "FARGATE_SPOT", "weight": rng.randint(1, 4)})
        w.close()
        w.line()
        w.open('resource "aws_cloudwatch_log_group" "service"')
        w.attr("for_each", Raw("var.services"))
        w.line()
        w.attr("name", Raw('"/ecs/${local.name}/${each.key}"'))
        w.attr("retention_in_days", Raw("local.log_retention"))
        w.attr("tags", Raw('merge(local.tags, { service = each.key })'))
        w.close()
        return w.text()

    def iam(self) -> str:
        rng, w = self.rng, HclWriter(self.header("task and execution roles, one pair per service"))
        w.open('data "aws_iam_policy_document" "ecs_tasks_assume"')
        w.open("statement")
        w.attr("sid", f"Assume{self.product.title()}Tasks")
        w.attr("actions", ["sts:AssumeRole"])
        w.line()
        w.block("principals", {"type": "Service", "identifiers": ["ecs-tasks.amazonaws.com"]})
        if rng.random() < 0.6:
            w.line()
            w.block("condition", {"test": "ArnLike", "variable": "aws:SourceArn", "values": [f"arn:aws:ecs:{self.region}:{self.account}:*"]})
        w.close()
        w.close()
        w.line()
        for role in ("execution", "task"):
            w.open(f'resource "aws_iam_role" "{role}"')
            w.attr("for_each", Raw("var.services"))
            w.line()
            w.attr("name", Raw(f'"${{local.name}}-${{each.key}}-{role}"'))
            w.attr("description", Raw(f'"{role} role of ${{each.key}} in {self.product} (${{var.environment}})"'))
            w.attr("assume_role_policy", Raw("data.aws_iam_policy_document.ecs_tasks_assume.json"))
            w.attr("max_session_duration", rng.choice([3600, 7200, 14400]))
            w.close()
            w.line()
        w.open('resource "aws_iam_role_policy_attachment" "execution"')
        w.attr("for_each", Raw("aws_iam_role.execution"))
        w.line()
        w.attr("role", Raw("each.value.name"))
        w.attr("policy_arn", "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy")
        w.close()
        w.line()
        w.open('data "aws_iam_policy_document" "execution_secrets"')
        w.attr("for_each", Raw("{ for name, s in var.services : name => s if length(s.secrets) > 0 }"))
        w.line()
        w.open("statement")
        w.attr("sid", "ReadOwnSecrets")
        w.attr("actions", ["secretsmanager:GetSecretValue"])
        w.attr("resources", Raw("values(each.value.secrets)"))
        w.close()
        w.close()
        w.line()
        w.open('resource "aws_iam_role_policy" "execution_secrets"')
        w.attr("for_each", Raw("data.aws_iam_policy_document.execution_secrets"))
        w.line()
        w.attr("name", "read-secrets")
        w.attr("role", Raw("aws_iam_role.execution[each.key].id"))
        w.attr("policy", Raw("each.value.json"))
        w.close()
        w.line()
        w.comment("The task role: what the application itself may do, built from its bucket grants.")
        w.open('data "aws_iam_policy_document" "task"')
        w.attr("for_each", Raw("var.services"))
        w.line()
        w.open('dynamic "statement"')
        w.attr("for_each", Raw("each.value.buckets"))
        w.line()
        w.open("content")
        w.attr("sid", Raw('"Bucket${replace(title(replace(statement.key, "-", " ")), " ", "")}"'))
        w.attr("actions", Raw('statement.value == "write" ? ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"] : ["s3:GetObject"]'))
        w.attr("resources", Raw('["arn:aws:s3:::${statement.key}/*"]'))
        w.close()
        w.close()
        w.line()
        w.open("statement")
        w.attr("sid", "WriteOwnLogs")
        w.attr("actions", ["logs:CreateLogStream", "logs:PutLogEvents"])
        w.attr("resources", Raw('["${aws_cloudwatch_log_group.service[each.key].arn}:*"]'))
        w.close()
        for stmt in _statements(rng, self, rng.randint(2, 8)):
            w.line()
            self._doc_statement(w, stmt)
        w.close()
        w.line()
        w.open('resource "aws_iam_role_policy" "task"')
        w.attr("for_each", Raw("data.aws_iam_policy_document.task"))
        w.line()
        w.attr("name", Raw('"${each.key}-app"'))
        w.attr("role", Raw("aws_iam_role.task[each.key].id"))
        w.attr("policy", Raw("each.value.json"))
        w.close()
        return w.text()

    def _doc_statement(self, w: HclWriter, stmt: dict[str, Any]) -> None:
        w.open("statement")
        w.attr("sid", stmt["Sid"])
        if stmt["Effect"] != "Allow":
            w.attr("effect", stmt["Effect"])
        w.attr("actions", stmt["Action"])
        w.attr("resources", stmt["Resource"])
        for op, entries in stmt.get("Condition", {}).items():
            for key, values in entries.items():
                w.line()
                w.block("condition", {"test": op, "variable": key, "values": values})
        w.close()

    def policies(self) -> str:
        """Long shared policies: heredoc JSON (with interpolations and escaped IAM variables)
        and policy documents with many statements, some from a dynamic block."""
        rng, w = self.rng, HclWriter(self.header("shared managed policies"))
        for n in range(rng.randint(1, 3)):
            statements = _statements(rng, self, rng.randint(6, 20))
            # Interpolations inside the heredoc, and IAM's own ${aws:...} variables escaped as $${...}.
            statements.append({"Sid": f"OwnPrefix{n}", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
                               "Resource": ["arn:aws:s3:::${var.name}-${var.environment}-shared/home/$${aws:username}/*"]})
            statements.append({"Sid": f"ClusterTasks{n}", "Effect": "Allow", "Action": ["ecs:DescribeTasks", "ecs:ListTasks"],
                               "Resource": "*", "Condition": {"ArnEquals": {"ecs:cluster": "${aws_ecs_cluster.this.arn}"}}})
            doc = json.dumps({"Version": "2012-10-17", "Statement": statements}, indent=2)
            name = f"{rng.choice(WORDS)}_{n}"
            w.open(f'resource "aws_iam_policy" "{name}"')
            w.attr("name", Raw(f'"${{local.name}}-{name.replace("_", "-")}"'))
            w.attr("description", f"Shared permissions of {self.team}/{self.product}, set {n + 1}")
            w.attr("path", f"/{self.team}/")
            w.heredoc("policy", doc, rng.choice(["EOT", "POLICY", "JSON"]))
            w.close()
            w.line()
            w.open(f'resource "aws_iam_role_policy_attachment" "{name}"')
            w.attr("for_each", Raw("aws_iam_role.task"))
            w.line()
            w.attr("role", Raw("each.value.name"))
            w.attr("policy_arn", Raw(f"aws_iam_policy.{name}.arn"))
            w.close()
            w.line()
        statements = _statements(rng, self, rng.randint(12, 40))
        doc_name = f"{rng.choice(WORDS)}_access"
        w.open(f'data "aws_iam_policy_document" "{doc_name}"')
        for stmt in statements:
            self._doc_statement(w, stmt)
            w.line()
        w.open('dynamic "statement"')
        w.attr("for_each", Raw("{ for g in local.bucket_grants : \"${g.service}-${g.bucket}\" => g if g.write }"))
        w.line()
        w.open("content")
        w.attr("sid", Raw('"Write${replace(title(replace(statement.key, "-", " ")), " ", "")}"'))
        w.attr("actions", ["s3:PutObject", "s3:AbortMultipartUpload"])
        w.attr("resources", Raw('["arn:aws:s3:::${statement.value.bucket}/${statement.value.service}/*"]'))
        w.line()
        w.block("condition", {"test": "StringEquals", "variable": "s3:x-amz-server-side-encryption", "values": ["aws:kms"]})
        w.close()
        w.close()
        w.close()
        w.line()
        w.open(f'resource "aws_iam_policy" "{doc_name}"')
        w.attr("name", Raw(f'"${{local.name}}-{doc_name.replace("_", "-")}"'))
        w.attr("policy", Raw(f"data.aws_iam_policy_document.{doc_name}.json"))
        w.close()
        return w.text()

    def security(self) -> str:
        rng, w = self.rng, HclWriter(self.header("security groups"))
        w.open('resource "aws_security_group" "service"')
        w.attr("for_each", Raw("var.services"))
        w.line()
        w.attr("name", Raw('"${local.name}-${each.key}"'))
        w.attr("description", Raw('"Tasks of ${each.key}: from the load balancer and the listed networks only"'))
        w.attr("vpc_id", Raw("var.vpc_id"))
        if self.ingress_style == "dynamic":
            w.line()
            w.open('dynamic "ingress"')
            w.attr("for_each", Raw("each.value.port == null ? [] : each.value.ingress_cidrs"))
            w.line()
            w.open("content")
            w.attr("description", Raw('"from ${ingress.value}"'))
            w.attr("from_port", Raw("each.value.port"))
            w.attr("to_port", Raw("each.value.port"))
            w.attr("protocol", "tcp")
            w.attr("cidr_blocks", Raw("[ingress.value]"))
            w.close()
            w.close()
            w.line()
            w.open('dynamic "ingress"')
            w.attr("for_each", Raw("var.extra_ingress_rules"))
            w.line()
            w.open("content")
            w.attr("description", Raw("ingress.value.description"))
            w.attr("from_port", Raw("ingress.value.port"))
            w.attr("to_port", Raw("ingress.value.port"))
            w.attr("protocol", Raw("ingress.value.protocol"))
            w.attr("cidr_blocks", Raw("ingress.value.cidr_blocks"))
            w.close()
            w.close()
        w.line()
        w.block("egress", {"description": "HTTPS to AWS APIs and image registries", "from_port": 443, "to_port": 443,
                           "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"]})
        if self.efs:
            w.line()
            w.block("egress", {"description": "NFS to the file system", "from_port": 2049, "to_port": 2049, "protocol": "tcp",
                               "cidr_blocks": [f"10.{rng.randint(0, 255)}.0.0/16"]})
        w.line()
        w.open("lifecycle")
        w.attr("create_before_destroy", True)
        w.close()
        w.close()
        if self.ingress_style == "rules":
            w.line()
            w.open('resource "aws_vpc_security_group_ingress_rule" "service"')
            w.attr("for_each", Raw("local.service_ingress"))
            w.line()
            w.attr("security_group_id", Raw("aws_security_group.service[each.value.service].id"))
            w.attr("description", Raw('"from ${each.value.cidr}"'))
            w.attr("ip_protocol", "tcp")
            w.attr("from_port", Raw("each.value.port"))
            w.attr("to_port", Raw("each.value.port"))
            w.attr("cidr_ipv4", Raw("each.value.cidr"))
            w.close()
        if self.lb != "none":
            w.line()
            w.open('resource "aws_vpc_security_group_ingress_rule" "from_lb"')
            w.attr("for_each", Raw("local.exposed"))
            w.line()
            w.attr("security_group_id", Raw("aws_security_group.service[each.key].id"))
            w.attr("description", "from the load balancer")
            w.attr("ip_protocol", "tcp")
            w.attr("from_port", Raw("each.value.port"))
            w.attr("to_port", Raw("each.value.port"))
            w.attr("referenced_security_group_id", Raw("aws_security_group.lb.id"))
            w.close()
            w.line()
            listen = [443, 80] if self.lb == "alb" else sorted({s["port"] for s in self.services.values() if "port" in s}) or [443]
            w.open('resource "aws_security_group" "lb"')
            w.attr("name", Raw('"${local.name}-lb"'))
            w.attr("description", f"{self.lb.upper()} of {self.product}: listeners open to the clients")
            w.attr("vpc_id", Raw("var.vpc_id"))
            w.line()
            w.open('dynamic "ingress"')
            w.attr("for_each", Raw(hv(listen)))
            w.line()
            w.open("content")
            w.attr("description", Raw('"listener ${ingress.value}"'))
            w.attr("from_port", Raw("ingress.value"))
            w.attr("to_port", Raw("ingress.value"))
            w.attr("protocol", "tcp")
            w.attr("cidr_blocks", Raw('var.internal ? ["10.0.0.0/8"] : ["0.0.0.0/0"]'))
            w.close()
            w.close()
            w.close()
        return w.text()

    def load_balancer(self) -> str:
        rng, w = self.rng, HclWriter(self.header(f"the {self.lb.upper()} and one target group per exposed service"))
        alb = self.lb == "alb"
        w.open('resource "aws_lb" "this"')
        w.attr("name", Raw('substr("${local.name}-lb", 0, 32)'))
        w.attr("load_balancer_type", "application" if alb else "network")
        w.attr("internal", Raw("var.internal"))
        w.attr("subnets", Raw("var.internal ? var.private_subnet_ids : var.public_subnet_ids"))
        w.attr("security_groups", Raw("[aws_security_group.lb.id]"))
        if alb:
            w.attr("drop_invalid_header_fields", True)
            w.attr("idle_timeout", rng.choice([30, 60, 120, 300]))
        w.attr("enable_deletion_protection", Raw('var.environment == "prod"'))
        if rng.random() < 0.5:
            w.line()
            w.block("access_logs", {"bucket": f"{self.team}-lb-logs-{self.account}", "prefix": Raw("local.name"), "enabled": True})
        w.close()
        w.line()
        w.open('resource "aws_lb_target_group" "service"')
        w.attr("for_each", Raw("local.exposed"))
        w.line()
        w.attr("name", Raw('substr("${local.name}-${each.key}", 0, 32)'))
        w.attr("port", Raw("each.value.port"))
        w.attr("protocol", "HTTP" if alb else "TCP")
        w.attr("target_type", "ip")
        w.attr("vpc_id", Raw("var.vpc_id"))
        w.attr("deregistration_delay", rng.choice([5, 15, 30, 60, 120]))
        w.line()
        w.open("health_check")
        if alb:
            w.attr("path", Raw("each.value.health_check_path"))
            w.attr("matcher", rng.choice(["200", "200-299", "200-399"]))
        w.attr("protocol", "HTTP" if alb else "TCP")
        w.attr("healthy_threshold", rng.randint(2, 5))
        w.attr("unhealthy_threshold", rng.randint(2, 5))
        w.attr("interval", rng.choice([10, 15, 30]))
        w.close()
        w.close()
        w.line()
        if alb:
            w.open('resource "aws_lb_listener" "https"')
            w.attr("count", Raw("var.certificate_arn == null ? 0 : 1"))
            w.line()
            w.attr("load_balancer_arn", Raw("aws_lb.this.arn"))
            w.attr("port", 443)
            w.attr("protocol", "HTTPS")
            w.attr("ssl_policy", rng.choice(["ELBSecurityPolicy-TLS13-1-2-2021-06", "ELBSecurityPolicy-TLS13-1-2-Res-2021-06"]))
            w.attr("certificate_arn", Raw("var.certificate_arn"))
            w.line()
            w.open("default_action")
            w.attr("type", "fixed-response")
            w.line()
            w.block("fixed_response", {"content_type": "text/plain", "message_body": "not found", "status_code": "404"})
            w.close()
            w.close()
            w.line()
            w.open('resource "aws_lb_listener" "http"')
            w.attr("load_balancer_arn", Raw("aws_lb.this.arn"))
            w.attr("port", 80)
            w.attr("protocol", "HTTP")
            w.line()
            w.open("default_action")
            w.attr("type", "redirect")
            w.line()
            w.block("redirect", {"port": "443", "protocol": "HTTPS", "status_code": "HTTP_301"})
            w.close()
            w.close()
            w.line()
            w.open('resource "aws_lb_listener_rule" "service"')
            w.attr("for_each", Raw("var.certificate_arn == null ? {} : local.exposed"))
            w.line()
            w.attr("listener_arn", Raw("aws_lb_listener.https[0].arn"))
            w.attr("priority", Raw(f"{rng.choice([1, 10, 100])} + index(keys(local.exposed), each.key)"))
            w.line()
            w.block("action", {"type": "forward", "target_group_arn": Raw("aws_lb_target_group.service[each.key].arn")})
            w.line()
            w.open("condition")
            w.block("path_pattern", {"values": Raw('["/${each.key}/*", "/${each.key}"]')})
            w.close()
            w.close()
        else:
            w.open('resource "aws_lb_listener" "service"')
            w.attr("for_each", Raw("local.exposed"))
            w.line()
            w.attr("load_balancer_arn", Raw("aws_lb.this.arn"))
            w.attr("port", Raw("each.value.port"))
            w.attr("protocol", Raw('var.certificate_arn == null ? "TCP" : "TLS"'))
            w.attr("certificate_arn", Raw("var.certificate_arn"))
            w.attr("ssl_policy", Raw('var.certificate_arn == null ? null : "ELBSecurityPolicy-TLS13-1-2-2021-06"'))
            w.line()
            w.block("default_action", {"type": "forward", "target_group_arn": Raw("aws_lb_target_group.service[each.key].arn")})
            w.close()
        return w.text()

    def efs_file(self) -> str:
        rng, w = self.rng, HclWriter(self.header("shared file system, one access point per service that mounts it"))
        w.open('resource "aws_efs_file_system" "this"')
        w.attr("creation_token", Raw('"${local.name}-shared"'))
        w.attr("encrypted", True)
        w.attr("performance_mode", rng.choice(["generalPurpose", "generalPurpose", "maxIO"]))
        w.attr("throughput_mode", rng.choice(["elastic", "bursting"]))
        w.line()
        w.block("lifecycle_policy", {"transition_to_ia": rng.choice(["AFTER_7_DAYS", "AFTER_30_DAYS", "AFTER_90_DAYS"])})
        if rng.random() < 0.6:
            w.line()
            w.open("lifecycle")
            w.attr("prevent_destroy", True)
            w.close()
        w.close()
        w.line()
        w.open('resource "aws_efs_backup_policy" "this"')
        w.attr("file_system_id", Raw("aws_efs_file_system.this.id"))
        w.line()
        w.block("backup_policy", {"status": "ENABLED"})
        w.close()
        w.line()
        w.open('resource "aws_security_group" "efs"')
        w.attr("name", Raw('"${local.name}-efs"'))
        w.attr("description", "NFS from the tasks that mount the file system")
        w.attr("vpc_id", Raw("var.vpc_id"))
        w.line()
        w.open('dynamic "ingress"')
        w.attr("for_each", Raw("local.efs_services"))
        w.line()
        w.open("content")
        w.attr("description", Raw('"NFS from ${ingress.key}"'))
        w.attr("from_port", 2049)
        w.attr("to_port", 2049)
        w.attr("protocol", "tcp")
        w.attr("security_groups", Raw("[aws_security_group.service[ingress.key].id]"))
        w.close()
        w.close()
        w.close()
        w.line()
        w.open('resource "aws_efs_mount_target" "this"')
        w.attr("for_each", Raw("toset(var.private_subnet_ids)"))
        w.line()
        w.attr("file_system_id", Raw("aws_efs_file_system.this.id"))
        w.attr("subnet_id", Raw("each.value"))
        w.attr("security_groups", Raw("[aws_security_group.efs.id]"))
        w.close()
        w.line()
        uid = rng.randint(1000, 60000)
        w.open('resource "aws_efs_access_point" "service"')
        w.attr("for_each", Raw("local.efs_services"))
        w.line()
        w.attr("file_system_id", Raw("aws_efs_file_system.this.id"))
        w.line()
        w.block("posix_user", {"uid": uid, "gid": uid})
        w.line()
        w.open("root_directory")
        w.attr("path", Raw('"/${each.key}"'))
        w.line()
        w.block("creation_info", {"owner_uid": uid, "owner_gid": uid, "permissions": rng.choice(["0750", "0755", "0700"])})
        w.close()
        w.close()
        w.line()
        w.open('resource "aws_efs_file_system_policy" "this"')
        w.attr("file_system_id", Raw("aws_efs_file_system.this.id"))
        w.attr("policy", Raw(
            "jsonencode({\n    Version = \"2012-10-17\"\n    Statement = [\n      {\n        Sid       = \"DenyInsecureTransport\"\n"
            "        Effect    = \"Deny\"\n        Principal = { AWS = \"*\" }\n        Action    = \"*\"\n"
            "        Resource  = aws_efs_file_system.this.arn\n        Condition = { Bool = { \"aws:SecureTransport\" = \"false\" } }\n      },\n"
            "      {\n        Sid       = \"MountThroughAccessPoints\"\n        Effect    = \"Allow\"\n"
            "        Principal = { AWS = [for name, role in aws_iam_role.task : role.arn if contains(keys(local.efs_services), name)] }\n"
            "        Action    = [\"elasticfilesystem:ClientMount\", \"elasticfilesystem:ClientWrite\"]\n"
            "        Resource  = aws_efs_file_system.this.arn\n      },\n    ]\n  })"))
        w.close()
        return w.text()

    def ec2_file(self) -> str:
        rng, w = self.rng, HclWriter(self.header("EC2 container instances for the cluster"))
        w.open('data "aws_ssm_parameter" "ami"')
        w.attr("name", Raw("var.capacity.ami_ssm_path"))
        w.close()
        w.line()
        w.open('data "aws_iam_policy_document" "ec2_assume"')
        w.open("statement")
        w.attr("actions", ["sts:AssumeRole"])
        w.line()
        w.block("principals", {"type": "Service", "identifiers": ["ec2.amazonaws.com"]})
        w.close()
        w.close()
        w.line()
        w.open('resource "aws_iam_role" "instance"')
        w.attr("name", Raw('"${local.name}-instance"'))
        w.attr("assume_role_policy", Raw("data.aws_iam_policy_document.ec2_assume.json"))
        w.close()
        w.line()
        w.open('resource "aws_iam_role_policy_attachment" "instance"')
        w.attr("for_each", Raw('toset([\n    "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role",\n    "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",\n  ])'))
        w.line()
        w.attr("role", Raw("aws_iam_role.instance.name"))
        w.attr("policy_arn", Raw("each.value"))
        w.close()
        w.line()
        w.open('resource "aws_iam_instance_profile" "instance"')
        w.attr("name", Raw('"${local.name}-instance"'))
        w.attr("role", Raw("aws_iam_role.instance.name"))
        w.close()
        w.line()
        w.open('resource "aws_launch_template" "ecs"')
        w.attr("name_prefix", Raw('"${local.name}-"'))
        w.attr("image_id", Raw("data.aws_ssm_parameter.ami.value"))
        w.attr("instance_type", Raw("var.capacity.instance_type"))
        w.attr("vpc_security_group_ids", Raw("[for sg in aws_security_group.service : sg.id]"))
        w.attr("user_data", Raw(
            'base64encode(templatefile("${path.module}/templates/user-data.sh.tpl", {\n'
            "    cluster_name = aws_ecs_cluster.this.name\n    environment  = var.environment\n"
            f"    log_level    = {q(rng.choice(['info', 'debug', 'warn']))}\n"
            "    services     = keys(var.services)\n    reserved_mb  = " + str(rng.choice([128, 256, 512])) + "\n  }))"))
        w.line()
        w.block("iam_instance_profile", {"arn": Raw("aws_iam_instance_profile.instance.arn")})
        w.line()
        w.block("metadata_options", {"http_endpoint": "enabled", "http_tokens": "required", "http_put_response_hop_limit": rng.choice([1, 2])})
        w.line()
        w.open("block_device_mappings")
        w.attr("device_name", "/dev/xvda")
        w.line()
        w.block("ebs", {"volume_size": rng.choice([30, 50, 100]), "volume_type": "gp3", "encrypted": True})
        w.close()
        w.close()
        w.line()
        w.open('resource "aws_autoscaling_group" "ecs"')
        w.attr("name_prefix", Raw('"${local.name}-"'))
        w.attr("min_size", Raw("var.capacity.min_size"))
        w.attr("max_size", Raw("var.capacity.max_size"))
        w.attr("vpc_zone_identifier", Raw("var.private_subnet_ids"))
        w.attr("protect_from_scale_in", True)
        w.line()
        w.block("launch_template", {"id": Raw("aws_launch_template.ecs.id"), "version": "$Latest"})
        w.line()
        w.open('dynamic "tag"')
        w.attr("for_each", Raw('merge(local.tags, { AmazonECSManaged = "true" })'))
        w.line()
        w.block("content", {"key": Raw("tag.key"), "value": Raw("tag.value"), "propagate_at_launch": True})
        w.close()
        w.close()
        w.line()
        w.open('resource "aws_ecs_capacity_provider" "ec2"')
        w.attr("name", Raw('"${local.name}-ec2"'))
        w.line()
        w.open("auto_scaling_group_provider")
        w.attr("auto_scaling_group_arn", Raw("aws_autoscaling_group.ecs.arn"))
        w.attr("managed_termination_protection", "ENABLED")
        w.line()
        w.block("managed_scaling", {"status": "ENABLED", "target_capacity": rng.choice([80, 90, 100])})
        w.close()
        w.close()
        return w.text()

    def user_data_template(self) -> str:
        rng = self.rng
        lines = ["#!/bin/bash", "set -euo pipefail", f"# {self.team}/{self.product}: join the ECS cluster",
                 "cat >> /etc/ecs/ecs.config <<'CONFIG'", "ECS_CLUSTER=${cluster_name}", "ECS_LOGLEVEL=${log_level}",
                 "ECS_RESERVED_MEMORY=${reserved_mb}", "ECS_ENABLE_CONTAINER_METADATA=true",
                 f"ECS_CONTAINER_STOP_TIMEOUT={rng.choice([30, 60, 120])}s", "CONFIG",
                 "%{ for name in services ~}", "mkdir -p /var/log/${name}", "%{ endfor ~}",
                 "%{ if environment == \"prod\" ~}", "echo 'ECS_IMAGE_PULL_BEHAVIOR=prefer-cached' >> /etc/ecs/ecs.config",
                 "%{ endif ~}", "echo \"joined $${HOSTNAME:-unknown}\""]
        return "\n".join(lines) + "\n"

    def ecs(self) -> str:
        rng, w = self.rng, HclWriter(self.header("task definitions and services"))
        launch = "EC2" if self.ec2 else "FARGATE"
        w.open('resource "aws_ecs_task_definition" "service"')
        w.attr("for_each", Raw("var.services"))
        w.line()
        w.attr("family", Raw('"${local.name}-${each.key}"'))
        w.attr("requires_compatibilities", [launch])
        w.attr("network_mode", "awsvpc")
        w.attr("cpu", Raw("each.value.cpu"))
        w.attr("memory", Raw("each.value.memory"))
        w.attr("execution_role_arn", Raw("aws_iam_role.execution[each.key].arn"))
        w.attr("task_role_arn", Raw("aws_iam_role.task[each.key].arn"))
        if not self.ec2:
            w.line()
            w.block("runtime_platform", {"operating_system_family": "LINUX", "cpu_architecture": rng.choice(["X86_64", "ARM64"])})
        if self.heredoc_containers:
            w.heredoc("container_definitions", "\n".join([
                "[",
                "  {",
                '    "name": "${each.key}",',
                '    "image": "${each.value.image}",',
                '    "essential": true,',
                '    "cpu": ${each.value.cpu},',
                '    "memory": ${each.value.memory},',
                '    "portMappings": ${jsonencode(each.value.port == null ? [] : [{ containerPort = each.value.port, protocol = "tcp" }])},',
                '    "environment": ${jsonencode(local.container_env[each.key])},',
                '    "secrets": ${jsonencode(local.container_secrets[each.key])},',
                f'    "stopTimeout": {rng.choice([10, 30, 60, 120])},',
                '    "logConfiguration": {',
                '      "logDriver": "awslogs",',
                '      "options": {',
                '        "awslogs-group": "${aws_cloudwatch_log_group.service[each.key].name}",',
                '        "awslogs-region": "${var.region}",',
                '        "awslogs-stream-prefix": "${each.key}"',
                "      }",
                "    }",
                "  }",
                "]",
            ]), "DEFS")
        else:
            sidecar = rng.random() < 0.5
            w.attr("container_definitions", Raw(
                "jsonencode(concat([\n    {\n      name      = each.key\n      image     = each.value.image\n      essential = true\n"
                "      portMappings = each.value.port == null ? [] : [{\n        containerPort = each.value.port\n        protocol      = \"tcp\"\n      }]\n"
                "      environment = local.container_env[each.key]\n      secrets     = local.container_secrets[each.key]\n"
                "      mountPoints = each.value.efs == null ? [] : [{\n        sourceVolume  = \"shared\"\n"
                "        containerPath = each.value.efs.path\n        readOnly      = try(each.value.efs.read_only, false)\n      }]\n"
                f"      readonlyRootFilesystem = {hv(rng.random() < 0.5)}\n"
                "      healthCheck = {\n        command  = [\"CMD-SHELL\", \"curl -fsS http://localhost:${coalesce(each.value.port, 80)}${each.value.health_check_path} || exit 1\"]\n"
                f"        interval = {rng.choice([10, 15, 30])}\n        retries  = {rng.randint(2, 5)}\n      }}\n"
                "      logConfiguration = {\n        logDriver = \"awslogs\"\n        options = {\n"
                "          awslogs-group         = aws_cloudwatch_log_group.service[each.key].name\n"
                "          awslogs-region        = var.region\n          awslogs-stream-prefix = each.key\n        }\n      }\n    }\n"
                + ("    ], [\n    {\n      name      = \"xray\"\n      image     = \"public.ecr.aws/xray/aws-xray-daemon:" + _version(rng) + "\"\n"
                   "      essential = false\n      cpu       = 32\n      memory    = 256\n    }\n  ]" if sidecar else "  ], []") + "))"))
        w.line()
        w.open('dynamic "volume"')
        w.attr("for_each", Raw("each.value.efs == null ? [] : [each.value.efs]"))
        w.line()
        w.open("content")
        w.attr("name", "shared")
        w.line()
        if self.efs:
            w.open("efs_volume_configuration")
            w.attr("file_system_id", Raw("aws_efs_file_system.this.id"))
            w.attr("transit_encryption", "ENABLED")
            w.line()
            w.block("authorization_config", {"access_point_id": Raw("aws_efs_access_point.service[each.key].id"), "iam": "ENABLED"})
            w.close()
        else:
            w.attr("host_path", Raw("volume.value.path"))
        w.close()
        w.close()
        w.close()
        w.line()
        w.open('resource "aws_ecs_service" "service"')
        w.attr("for_each", Raw("var.services"))
        w.line()
        w.attr("name", Raw("each.key"))
        w.attr("cluster", Raw("aws_ecs_cluster.this.arn"))
        w.attr("task_definition", Raw("aws_ecs_task_definition.service[each.key].arn"))
        w.attr("desired_count", Raw("each.value.desired_count"))
        if self.ec2:
            w.line()
            w.block("capacity_provider_strategy", {"capacity_provider": Raw("aws_ecs_capacity_provider.ec2.name"), "weight": 1})
        else:
            w.attr("launch_type", "FARGATE")
            w.attr("platform_version", rng.choice(["LATEST", "1.4.0"]))
        w.attr("enable_execute_command", rng.random() < 0.3)
        w.attr("propagate_tags", "SERVICE")
        w.line()
        w.block("network_configuration", {"subnets": Raw("var.private_subnet_ids"), "security_groups": Raw("[aws_security_group.service[each.key].id]"),
                                          "assign_public_ip": False})
        w.line()
        w.block("deployment_circuit_breaker", {"enable": True, "rollback": True})
        if self.lb != "none":
            w.line()
            w.open('dynamic "load_balancer"')
            w.attr("for_each", Raw("each.value.port == null ? [] : [each.value.port]"))
            w.line()
            w.block("content", {"target_group_arn": Raw("aws_lb_target_group.service[each.key].arn"), "container_name": Raw("each.key"),
                                "container_port": Raw("load_balancer.value")})
            w.close()
        w.line()
        w.open("lifecycle")
        w.attr("ignore_changes", Raw("[desired_count]"))
        w.close()
        w.close()
        return w.text()

    def autoscaling(self) -> str:
        rng, w = self.rng, HclWriter(self.header("target tracking on CPU for the services that ask for it"))
        w.open('resource "aws_appautoscaling_target" "service"')
        w.attr("for_each", Raw("local.scaled"))
        w.line()
        w.attr("service_namespace", "ecs")
        w.attr("scalable_dimension", "ecs:service:DesiredCount")
        w.attr("resource_id", Raw('"service/${aws_ecs_cluster.this.name}/${aws_ecs_service.service[each.key].name}"'))
        w.attr("min_capacity", Raw("each.value.min"))
        w.attr("max_capacity", Raw("each.value.max"))
        w.close()
        w.line()
        w.open('resource "aws_appautoscaling_policy" "cpu"')
        w.attr("for_each", Raw("aws_appautoscaling_target.service"))
        w.line()
        w.attr("name", Raw('"${each.key}-cpu"'))
        w.attr("policy_type", "TargetTrackingScaling")
        w.attr("service_namespace", Raw("each.value.service_namespace"))
        w.attr("scalable_dimension", Raw("each.value.scalable_dimension"))
        w.attr("resource_id", Raw("each.value.resource_id"))
        w.line()
        w.open("target_tracking_scaling_policy_configuration")
        w.attr("target_value", Raw("try(local.scaled[each.key].cpu, 60)"))
        w.attr("scale_in_cooldown", rng.choice([60, 120, 300]))
        w.attr("scale_out_cooldown", rng.choice([30, 60, 120]))
        w.line()
        w.block("predefined_metric_specification", {"predefined_metric_type": "ECSServiceAverageCPUUtilization"})
        w.close()
        w.close()
        return w.text()

    def workers_call(self) -> str:
        w = HclWriter(self.header("queue workers, one module instance each"))
        w.open('module "worker"')
        w.attr("source", "./modules/worker")
        w.attr("for_each", Raw("var.workers"))
        w.line()
        w.attr("name", Raw('"${local.name}-${each.key}"'))
        w.attr("cluster_arn", Raw("aws_ecs_cluster.this.arn"))
        w.attr("image", Raw("each.value.image"))
        w.attr("cpu", Raw("each.value.cpu"))
        w.attr("memory", Raw("each.value.memory"))
        w.attr("queue_name", Raw("each.value.queue_name"))
        w.attr("concurrency", Raw("each.value.concurrency"))
        w.attr("region", Raw("var.region"))
        w.attr("subnet_ids", Raw("var.private_subnet_ids"))
        w.attr("vpc_id", Raw("var.vpc_id"))
        w.attr("launch_type", "EC2" if self.ec2 else "FARGATE")
        w.attr("tags", Raw("local.tags"))
        w.close()
        return w.text()

    def outputs(self) -> str:
        w = HclWriter(self.header("outputs"))
        outs = [("cluster_arn", "aws_ecs_cluster.this.arn"),
                ("service_names", "{ for name, s in aws_ecs_service.service : name => s.name }"),
                ("task_role_arns", "{ for name, r in aws_iam_role.task : name => r.arn }"),
                ("security_group_ids", "[for sg in values(aws_security_group.service) : sg.id]"),
                ("log_groups", "{ for name, g in aws_cloudwatch_log_group.service : name => g.name }")]
        if self.lb != "none":
            outs.append(("lb_dns_name", "aws_lb.this.dns_name"))
        if self.efs:
            outs.append(("file_system_id", "aws_efs_file_system.this.id"))
        if self.workers:
            outs.append(("worker_services", "{ for name, m in module.worker : name => m.service_name }"))
        for name, value in outs:
            w.open(f'output "{name}"')
            w.attr("value", Raw(value))
            w.close()
            w.line()
        return w.text()

    def tfvars(self) -> str:
        rng = self.rng
        w = HclWriter(self.header("values for this environment"))
        azs = rng.choice([2, 3])
        w.attr("name", f"{self.team}-{self.product}"[:20])
        w.attr("environment", self.environment)
        w.attr("region", self.region)
        w.attr("vpc_id", f"vpc-{_hex(rng, 17)}")
        w.attr("private_subnet_ids", [f"subnet-{_hex(rng, 17)}" for _ in range(azs)])
        w.attr("public_subnet_ids", [f"subnet-{_hex(rng, 17)}" for _ in range(azs)])
        w.line()
        w.attr("tags", {"owner": f"{self.team}@example.com", "cost-center": str(rng.randint(1000, 9999)), "repo": f"{self.team}/{self.product}-infra"})
        if self.lb != "none":
            w.line()
            if rng.random() < 0.7:
                w.attr("certificate_arn", f"arn:aws:acm:{self.region}:{self.account}:certificate/{_hex(rng, 8)}-{_hex(rng, 4)}-{_hex(rng, 4)}-{_hex(rng, 4)}-{_hex(rng, 12)}")
        w.line()
        w.attr("services", self.services)
        if rng.random() < 0.6:
            w.line()
            w.attr("extra_ingress_rules", [{"description": f"from {rng.choice(WORDS)} VPN", "port": rng.choice([22, 443, 8443, 9100]),
                                            "cidr_blocks": [f"172.{rng.randint(16, 31)}.{rng.randint(0, 255)}.0/24"]} for _ in range(rng.randint(1, 4))])
        if self.ec2:
            w.line()
            w.attr("capacity", {"instance_type": rng.choice(INSTANCE_TYPES), "min_size": rng.randint(1, 3), "max_size": rng.randint(3, 12)})
        if self.workers:
            w.line()
            workers = {}
            for name in rng.sample(WORDS, rng.randint(1, 4)):
                cpu, memory = _fargate_size(rng)
                workers[f"{name}-worker"] = {"image": _image(rng, name, self.product, self.account, self.region), "queue_name": f"{self.product}-{name}-jobs",
                                             "cpu": cpu, "memory": memory, "concurrency": rng.randint(1, 32)}
            w.attr("workers", workers)
        return w.text()


class WorkerModule:
    """modules/worker of a unit: an SQS consumer service (its own role, queue, task and service)."""

    def __init__(self, unit: Unit):
        self.u = unit
        self.rng = unit.rng

    def build(self) -> dict[str, str]:
        return {"modules/worker/variables.tf": self.variables(), "modules/worker/main.tf": self.main(), "modules/worker/outputs.tf": self.outputs()}

    def header(self, what: str) -> str:
        return f"worker module of {self.u.team}/{self.u.product}: {what}"

    def variables(self) -> str:
        w = HclWriter(self.header("inputs"))
        for name, type_, default in [("name", "string", None), ("cluster_arn", "string", None), ("image", "string", None),
                                     ("cpu", "number", 512), ("memory", "number", 1024), ("queue_name", "string", None),
                                     ("concurrency", "number", 4), ("region", "string", None), ("subnet_ids", "list(string)", None),
                                     ("vpc_id", "string", None), ("launch_type", "string", "FARGATE"), ("tags", "map(string)", {}),
                                     ("visibility_timeout", "number", self.rng.choice([30, 60, 300, 900]))]:
            w.open(f'variable "{name}"')
            w.attr("type", Raw(type_))
            if default is not None:
                w.attr("default", default)
            if name == "launch_type":
                w.line()
                w.block("validation", {"condition": Raw('contains(["FARGATE", "EC2"], var.launch_type)'), "error_message": "FARGATE or EC2."})
            w.close()
            w.line()
        return w.text()

    def main(self) -> str:
        rng, u, w = self.rng, self.u, HclWriter(self.header("queue, roles, task definition and service"))
        w.open("locals")
        w.attr("dlq_name", Raw('"${var.queue_name}-dlq"'))
        w.attr("max_receive", rng.randint(3, 10))
        w.attr("environment", Raw('[\n    { name = "QUEUE_URL", value = aws_sqs_queue.jobs.url },\n    { name = "CONCURRENCY", value = tostring(var.concurrency) },\n'
                                  f'    {{ name = "OWNER", value = {q(u.team)} }},\n  ]'))
        w.close()
        w.line()
        w.open('resource "aws_sqs_queue" "dlq"')
        w.attr("name", Raw("local.dlq_name"))
        w.attr("message_retention_seconds", rng.choice([345600, 1209600]))
        w.attr("sqs_managed_sse_enabled", True)
        w.attr("tags", Raw("var.tags"))
        w.close()
        w.line()
        w.open('resource "aws_sqs_queue" "jobs"')
        w.attr("name", Raw("var.queue_name"))
        w.attr("visibility_timeout_seconds", Raw("var.visibility_timeout"))
        w.attr("sqs_managed_sse_enabled", True)
        w.attr("redrive_policy", Raw("jsonencode({\n    deadLetterTargetArn = aws_sqs_queue.dlq.arn\n    maxReceiveCount     = local.max_receive\n  })"))
        w.attr("tags", Raw("var.tags"))
        w.close()
        w.line()
        w.open('resource "aws_cloudwatch_log_group" "this"')
        w.attr("name", Raw('"/ecs/${var.name}"'))
        w.attr("retention_in_days", rng.choice([14, 30, 90, 365]))
        w.close()
        w.line()
        w.open('data "aws_iam_policy_document" "assume"')
        w.open("statement")
        w.attr("actions", ["sts:AssumeRole"])
        w.line()
        w.block("principals", {"type": "Service", "identifiers": ["ecs-tasks.amazonaws.com"]})
        w.close()
        w.close()
        w.line()
        for role in ("execution", "task"):
            w.open(f'resource "aws_iam_role" "{role}"')
            w.attr("name", Raw(f'"${{var.name}}-{role}"'))
            w.attr("assume_role_policy", Raw("data.aws_iam_policy_document.assume.json"))
            w.attr("tags", Raw("var.tags"))
            w.close()
            w.line()
        w.open('resource "aws_iam_role_policy_attachment" "execution"')
        w.attr("role", Raw("aws_iam_role.execution.name"))
        w.attr("policy_arn", "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy")
        w.close()
        w.line()
        w.open('data "aws_iam_policy_document" "task"')
        w.open("statement")
        w.attr("sid", "ConsumeJobs")
        w.attr("actions", ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"])
        w.attr("resources", Raw("[aws_sqs_queue.jobs.arn]"))
        w.close()
        for stmt in _statements(rng, u, rng.randint(1, 6)):
            w.line()
            u._doc_statement(w, stmt)
        w.close()
        w.line()
        w.open('resource "aws_iam_role_policy" "task"')
        w.attr("name", "consume")
        w.attr("role", Raw("aws_iam_role.task.id"))
        w.attr("policy", Raw("data.aws_iam_policy_document.task.json"))
        w.close()
        w.line()
        w.open('resource "aws_security_group" "this"')
        w.attr("name", Raw("var.name"))
        w.attr("description", "Worker tasks: no inbound, HTTPS out")
        w.attr("vpc_id", Raw("var.vpc_id"))
        w.line()
        w.block("egress", {"description": "HTTPS", "from_port": 443, "to_port": 443, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"]})
        w.close()
        w.line()
        w.open('resource "aws_ecs_task_definition" "this"')
        w.attr("family", Raw("var.name"))
        w.attr("requires_compatibilities", Raw("[var.launch_type]"))
        w.attr("network_mode", "awsvpc")
        w.attr("cpu", Raw("var.cpu"))
        w.attr("memory", Raw("var.memory"))
        w.attr("execution_role_arn", Raw("aws_iam_role.execution.arn"))
        w.attr("task_role_arn", Raw("aws_iam_role.task.arn"))
        w.attr("container_definitions", Raw(
            "jsonencode([{\n    name        = \"worker\"\n    image       = var.image\n    essential   = true\n"
            f"    command     = {hv(rng.choice([['python', '-m', 'worker'], ['node', 'dist/worker.js'], ['/app/worker', '--queue', 'jobs']]), 2)}\n"
            "    environment = local.environment\n    logConfiguration = {\n      logDriver = \"awslogs\"\n      options = {\n"
            "        awslogs-group         = aws_cloudwatch_log_group.this.name\n        awslogs-region        = var.region\n"
            "        awslogs-stream-prefix = \"worker\"\n      }\n    }\n  }])"))
        w.close()
        w.line()
        w.open('resource "aws_ecs_service" "this"')
        w.attr("name", Raw("var.name"))
        w.attr("cluster", Raw("var.cluster_arn"))
        w.attr("task_definition", Raw("aws_ecs_task_definition.this.arn"))
        w.attr("desired_count", rng.randint(1, 3))
        w.attr("launch_type", Raw("var.launch_type"))
        w.line()
        w.block("network_configuration", {"subnets": Raw("var.subnet_ids"), "security_groups": Raw("[aws_security_group.this.id]"), "assign_public_ip": False})
        w.line()
        w.block("deployment_circuit_breaker", {"enable": True, "rollback": True})
        w.close()
        return w.text()

    def outputs(self) -> str:
        w = HclWriter(self.header("outputs"))
        for name, value in [("service_name", "aws_ecs_service.this.name"), ("queue_url", "aws_sqs_queue.jobs.url"),
                            ("task_role_arn", "aws_iam_role.task.arn")]:
            w.open(f'output "{name}"')
            w.attr("value", Raw(value))
            w.close()
            w.line()
        return w.text()


def platform_units(rng: random.Random) -> Iterator[tuple[str, dict[str, bytes], tuple]]:
    for index in itertools.count(1):
        unit = Unit(rng, index)
        files = unit.build()
        features = [unit.lb] + (["efs"] if unit.efs else []) + (["ec2"] if unit.ec2 else []) + (["workers"] if unit.workers else [])
        desc = f"{unit.team}-{unit.product}-" + "-".join(features)
        yield desc, {k: v.encode() for k, v in files.items()}, tuple(features)


# --- building --------------------------------------------------------------------------------


def hcl_bytes(files: dict[str, bytes]) -> int:
    return sum(len(v) for k, v in files.items() if k.endswith(HCL_SUFFIXES))


def build(outdir: Path, size_mb: float, seed: int, fetched: bool = False) -> dict[str, Any]:
    """Write both parts under OUTDIR; returns what was written (the marker's content)."""
    target_part = size_mb * MIB / 2
    skipped: Counter = Counter()
    summary: dict[str, Any] = {"seed": seed, "size_mb": size_mb, "tfgen_version": TFGEN_VERSION, "fetched_modules": fetched, "parts": {}}
    digests: dict[str, list[tuple[str, int]]] = {}
    sources: dict[str, Callable[[random.Random], Iterator]] = {
        "stacks": lambda rng: ((d, as_fetched(f) if fetched else f, c) for d, f, c in stack_units(rng, skipped)),
        "platform": platform_units,
    }
    for part in PARTS:
        rng = random.Random(f"tfgen-corpus/{part}/{seed}")
        written = units = 0
        combos: set = set()
        hashes: list[tuple[str, int]] = []  # (content hash, size) of every HCL file
        for desc, files, combo in sources[part](rng):
            if written >= target_part:
                break
            units += 1
            folder = outdir / part / f"{units:04d}-{desc}"
            for rel, content in sorted(files.items()):
                path = folder / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(content)
                if rel.endswith(HCL_SUFFIXES):
                    hashes.append((hashlib.sha256(content).hexdigest(), len(content)))
            written += hcl_bytes(files)
            combos.add(combo)
        digests[part] = hashes
        summary["parts"][part] = {"units": units, "files": len(hashes), "bytes": written, "distinct_combinations": len(combos),
                                  **_duplicates(hashes)}
    summary["parts"]["stacks"]["skipped_refused_by_model"] = dict(skipped)
    every = [h for hashes in digests.values() for h in hashes]
    summary["files"] = len(every)
    summary["bytes"] = sum(p["bytes"] for p in summary["parts"].values())
    summary.update(_duplicates(every))
    return summary


def _duplicates(hashes: list[tuple[str, int]]) -> dict[str, int]:
    """Files (and their bytes) whose content another file of the list already has."""
    seen: set[str] = set()
    files = size = 0
    for digest, length in hashes:
        if digest in seen:
            files += 1
            size += length
        seen.add(digest)
    return {"duplicate_files": files, "duplicate_bytes": size}


def check_command(outdir: Path) -> list[str]:
    """`tfgen check OUTDIR` as a user would run it; with --no-cache when tfgen has it, so every
    file is really parsed and the user's cache folder does not fill with a throwaway corpus."""
    command = [sys.executable, "-m", "tfgen", "check", str(outdir), "--format", "json", "--fail-on", "never"]
    shown = subprocess.run([*command[:4], "--help"], capture_output=True, text=True, cwd=REPO).stdout
    return command + (["--no-cache"] if "--no-cache" in shown else [])


def run_check(command: list[str]) -> tuple[int, float, dict[str, Any] | None, str]:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO)
    elapsed = time.perf_counter() - started
    try:
        report = json.loads(done.stdout)
    except ValueError:
        report = None
    return done.returncode, elapsed, report, done.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("outdir", type=Path, help="folder to write the corpus into (empty or new, unless --force)")
    parser.add_argument("--size-mb", type=float, default=5.0, help="MiB of .tf/.tfvars to write at least (default 5)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generator (default 1)")
    parser.add_argument("--force", action="store_true", help="write into a non-empty folder (a corpus built here before is replaced)")
    parser.add_argument("--no-check", action="store_true", help="do not run tfgen check on the result")
    parser.add_argument("--fetched-modules", action="store_true",
                        help="stacks call their modules as registry modules that `terraform init` has laid out under .terraform/modules/")
    args = parser.parse_args()

    outdir: Path = args.outdir
    if outdir.exists() and not outdir.is_dir():
        parser.error(f"{outdir} exists and is not a folder")
    if outdir.is_dir() and any(outdir.iterdir()):
        if not args.force:
            parser.error(f"{outdir} is not empty; use --force to write into it")
        if (outdir / MARKER).is_file():
            for part in PARTS:
                shutil.rmtree(outdir / part, ignore_errors=True)
        else:
            print(f"note: {outdir} holds other files; they stay and tfgen check will read them too")
    outdir.mkdir(parents=True, exist_ok=True)

    started = time.perf_counter()
    summary = build(outdir, args.size_mb, args.seed, args.fetched_modules)
    build_s = time.perf_counter() - started
    (outdir / MARKER).write_text(json.dumps(summary, indent=2) + "\n")

    print(f"corpus: {outdir}  (seed {args.seed}, tfgen {TFGEN_VERSION})")
    print(f"{'part':<10}{'units':>7}{'files':>8}{'MiB':>8}{'dup files':>11}{'dup bytes':>11}  content")
    for part, p in summary["parts"].items():
        what = (f"{p['distinct_combinations']} of 160 launch/LB/EFS/VPC/state combinations"
                if part == "stacks" else f"{p['distinct_combinations']} LB/EFS/EC2/worker feature sets")
        print(f"{part:<10}{p['units']:>7}{p['files']:>8}{p['bytes'] / MIB:>8.2f}{p['duplicate_files'] / max(p['files'], 1):>11.1%}"
              f"{p['duplicate_bytes'] / max(p['bytes'], 1):>11.1%}  {what}")
    total = summary["files"]
    print(f"{'total':<10}{'':>7}{total:>8}{summary['bytes'] / MIB:>8.2f}{summary['duplicate_files'] / max(total, 1):>11.1%}"
          f"{summary['duplicate_bytes'] / max(summary['bytes'], 1):>11.1%}"
          f"  ({summary['bytes']:,} bytes of .tf/.tfvars; {total - summary['duplicate_files']} distinct contents)")
    print("(dup: a file whose exact content an earlier file already has; the stacks carry copies of the modules they call)")
    refused = summary["parts"]["stacks"]["skipped_refused_by_model"]
    if refused:
        print(f"stack answers refused by the model and skipped: {sum(refused.values())} ({', '.join(f'{k}: {v}' for k, v in sorted(refused.items()))})")
    print(f"built in {build_s:.1f} s")

    if args.no_check:
        return
    command = check_command(outdir.resolve())
    code, check_s, report, stderr = run_check(command)
    shown = "tfgen " + shlex.join(command[3:])
    if code == 0 and report is not None:
        s = report["summary"]
        print(f"{shown}: exit 0 in {check_s:.1f} s; "
              f"{s['files']} files, {s['resources']} resources, {s['error']} errors, {s['warning']} warnings, "
              f"{s['info']} info, {s['unknown']} unknown")
    else:
        print(f"{shown}: EXIT {code} in {check_s:.1f} s (expected 0)")
        print(stderr.strip()[-4000:])
        sys.exit(1)


if __name__ == "__main__":
    main()
