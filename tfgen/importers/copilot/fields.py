"""The field map: every manifest field Copilot knows, per manifest type, with what tfgen makes of it.

One table serves three purposes: it tells a field Copilot reads from a key it silently ignores
(a typo: reported `ignored`, never mapped), it gives each field's status and how it is carried
over when the mapping has nothing more specific to say, and it is the README's field map (a
test keeps the README's table equal to `markdown_table()`).

Patterns are dotted key paths; `*` stands for a name the user chose (a variable, a sidecar). A
pattern is a leaf (its value is read whole, whatever its shape) unless other patterns extend it;
a pattern that others extend may still be given a scalar (`count: 2`, `http: false`).
"""

from __future__ import annotations

from dataclasses import dataclass

WEB = "Load Balanced Web Service"
BACKEND = "Backend Service"
WORKER = "Worker Service"
JOB = "Scheduled Job"
ENV = "Environment"
# Copilot workload types tfgen has no kind for: reported, never guessed.
UNSUPPORTED_TYPES = {
    "Request-Driven Web Service": "an App Runner service: run it as a Load Balanced Web Service (kind web) instead, "
    "or keep it on App Runner",
    "Static Site": "an S3 bucket behind CloudFront: tfgen builds ECS services; keep the site in S3 with your own "
    "CloudFront distribution (or serve it from an nginx image as a web service)",
}

MAPPED, APPROXIMATED, UNSUPPORTED, IGNORED = "mapped", "approximated", "unsupported", "ignored"

# Copilot's documented defaults where a manifest leaves a value out.
DEFAULT_CPU = 256
DEFAULT_MEMORY = 512
DEFAULT_COUNT = 1
DEFAULT_PLATFORM = "linux/x86_64"
DEFAULT_HEALTHCHECK = "/"
DEFAULT_QUEUE_RETENTION = 345600  # 4 days
DEFAULT_QUEUE_TIMEOUT = 30  # seconds
DEFAULT_VPC_CIDR = "10.0.0.0/16"


@dataclass(frozen=True)
class Field:
    pattern: str
    types: str  # letters of the manifest types it belongs to: W(eb) B(ackend) K (worker) J(ob) E(nvironment)
    status: str
    how: str


_TYPE_LETTERS = {WEB: "W", BACKEND: "B", WORKER: "K", JOB: "J", ENV: "E"}

_S = "WBK"  # services
_A = "WBKJ"  # every workload

FIELDS: tuple[Field, ...] = (
    Field("name", _A, MAPPED, "`services[].name`"),
    Field("type", _A, MAPPED, "`kind`: Load Balanced Web Service -> web (nlb when it has `nlb` and no `http`), Backend Service -> backend, Worker Service -> worker, Scheduled Job -> job"),
    Field("image", _A, MAPPED, "the container image"),
    Field("image.location", _A, MAPPED, "`image`"),
    Field("image.build", _A, MAPPED, "`build` {context, dockerfile} and `deploy.images: pipeline`: the stack creates an ECR repository and the pipeline pushes the image (the report says how to push the first one)"),
    Field("image.port", "WB", MAPPED, "`port`"),
    Field("image.credentials", _A, UNSUPPORTED, "private registry credentials: copy the image into ECR and use that"),
    Field("image.labels", _A, UNSUPPORTED, "Docker labels are not rendered: add them to the container definition in modules/service"),
    Field("image.docker_labels", _A, UNSUPPORTED, "Docker labels are not rendered: add them to the container definition in modules/service"),
    Field("image.depends_on", _A, MAPPED, "`depends_on` [{container, condition}] of the main container"),
    Field("image.healthcheck", _A, UNSUPPORTED, "the main container gets no container health check; web and nlb services are checked by their load balancer"),
    Field("cpu", _A, MAPPED, f"`cpu` (Copilot's default {DEFAULT_CPU})"),
    Field("memory", _A, MAPPED, f"`memory` (Copilot's default {DEFAULT_MEMORY})"),
    Field("platform", _A, MAPPED, f"`platform`: linux/x86_64 -> linux/amd64, linux/arm64 -> linux/arm64 (Graviton); Copilot's default {DEFAULT_PLATFORM}; Windows is unsupported"),
    Field("count", _S, MAPPED, f"`desired_count` (Copilot's default {DEFAULT_COUNT})"),
    Field("count.range", _S, MAPPED, "`autoscaling` min/max (desired_count starts at min); `spot_from: N` -> `spot` {base: N-1, share: 100}"),
    Field("count.cpu_percentage", _S, MAPPED, "`autoscaling.cpu_target`"),
    Field("count.memory_percentage", _S, APPROXIMATED, "tfgen scales on CPU (`cpu_target`), or a worker on its queue backlog"),
    Field("count.requests", _S, APPROXIMATED, "tfgen scales on CPU (`cpu_target`), or a worker on its queue backlog"),
    Field("count.response_time", _S, APPROXIMATED, "tfgen scales on CPU (`cpu_target`), or a worker on its queue backlog"),
    Field("count.cooldown", _S, APPROXIMATED, "tfgen's scaling cooldowns apply"),
    Field("count.spot", _S, MAPPED, "`desired_count` and `spot` {base: 0, share: 100}: every task on Fargate Spot"),
    Field("count.queue_delay", "K", MAPPED, "`autoscaling.backlog_per_task` = acceptable_latency / msg_processing_time (Copilot's own formula)"),
    Field("exec", _A, MAPPED, "`exec` (ECS Exec)"),
    Field("entrypoint", _A, MAPPED, "`entrypoint` (a string is split as a shell would)"),
    Field("command", _A, MAPPED, "`command` (a string is split as a shell would)"),
    Field("variables.*", _A, MAPPED, "`environment`; ${COPILOT_APPLICATION_NAME} and ${COPILOT_ENVIRONMENT_NAME} are substituted; a value that is exactly ${VAR} (the deployer's shell) becomes `variables` {NAME: var}, a Terraform variable named in the report to set in terraform.tfvars or with TF_VAR_var; ${VAR} mixed with text stays in the text (approximated: set the whole value in terraform.tfvars); `from_cfn` is unsupported"),
    Field("env_file", _A, MAPPED, "`environment`: every NAME=value line of the file"),
    Field("secrets.*", _A, MAPPED, "`secrets`: SSM parameter names and ARNs and Secrets Manager ARNs as they are; `secretsmanager: NAME` becomes the secret's ARN when the workspace names the account (approximated); `from_cfn` is unsupported"),
    Field("storage.volumes.*", _A, MAPPED, "`efs.enabled`, `efs_mount`, `efs_read_only` (Copilot's default read_only true); `efs: true` is the stack's file system; a named file system (`efs.id`) is approximated by the stack's own; one volume per service"),
    Field("storage.ephemeral", _A, UNSUPPORTED, "Fargate's default 20 GiB of ephemeral storage applies; set ephemeral_storage in modules/service for more"),
    Field("storage.readonly_fs", _A, UNSUPPORTED, "a read-only root file system is not rendered: set readonlyRootFilesystem in modules/service"),
    Field("logging", _A, APPROXIMATED, "each container logs to the service's CloudWatch log group; FireLens destinations and retention are not imported"),
    Field("observability", _A, UNSUPPORTED, "X-Ray tracing: add the AWS Distro for OpenTelemetry collector as a sidecar"),
    Field("network.vpc.placement", _A, APPROXIMATED, "tfgen runs every task in private subnets without a public IP, outbound through NAT (Copilot's default was public subnets)"),
    Field("network.vpc.security_groups", _A, UNSUPPORTED, "tfgen gives each service its own security group: add the rules you need to it"),
    Field("network.connect", _S, MAPPED, "`connect` (Service Connect: `http://<service>:<port>`); a backend is a server by default"),
    Field("taskdef_overrides", _A, UNSUPPORTED, "edit the task definition in the rendered modules/service; `tfgen update` keeps your edits"),
    Field("sidecars.*", _A, MAPPED, "`sidecars[]`: name, image, port, essential (Copilot's default true), variables, secrets, depends_on, healthcheck.command; a sidecar's build, command, entrypoint and mount_points are unsupported"),
    Field("deployment", _S, APPROXIMATED, "rolling deployments with the circuit breaker and rollback; `recreate` is not offered"),
    Field("publish.topics", _S, MAPPED, "`publish` [{name}]: an SNS topic per name; FIFO topics are unsupported"),
    Field("http", "WB", MAPPED, "the load balancer route (`http: false` with `nlb`: kind nlb)"),
    Field("http.path", "WB", MAPPED, "web: `path_pattern`; backend: `internal_path` (`/` -> /*, `api` -> /api*)"),
    Field("http.healthcheck", "WB", MAPPED, f"`health_check_path` (Copilot's default {DEFAULT_HEALTHCHECK}); thresholds, interval, timeout and success codes keep tfgen's values"),
    Field("http.alias", "WB", APPROXIMATED, "HTTPS with the environment's certificate (`load_balancer.certificate_arn`); create the DNS record yourself. Without a certificate: unsupported (request an ACM certificate for the alias and set load_balancer.certificate_arn)"),
    Field("http.hosted_zone", "WB", UNSUPPORTED, "create the alias record in Route 53 yourself, pointing at the load balancer's DNS name (a stack output)"),
    Field("http.target_container", "WB", MAPPED, "`target`"),
    Field("http.target_port", "WB", APPROXIMATED, "the load balancer sends traffic to the target container's port"),
    Field("http.stickiness", "WB", UNSUPPORTED, "sticky sessions: set stickiness on the target group in modules/alb"),
    Field("http.allowed_source_ips", "WB", UNSUPPORTED, "restrict the load balancer's security group in the rendered stack"),
    Field("http.deregistration_delay", "WB", APPROXIMATED, "the target group keeps tfgen's deregistration delay"),
    Field("http.redirect_to_https", "WB", APPROXIMATED, "with a certificate, port 80 always redirects to HTTPS"),
    Field("http.additional_rules", "WB", UNSUPPORTED, "one path per service: split the service or add listener rules in the rendered stack"),
    Field("http.version", "WB", UNSUPPORTED, "the target group speaks HTTP/1.1"),
    Field("nlb", "W", MAPPED, "kind nlb"),
    Field("nlb.port", "W", MAPPED, "`port`: the NLB listener and the container use the same port"),
    Field("nlb.healthcheck", "W", APPROXIMATED, "the NLB's target group keeps tfgen's TCP health check"),
    Field("nlb.target_container", "W", MAPPED, "`target`"),
    Field("nlb.target_port", "W", APPROXIMATED, "the NLB sends traffic to the target container's port"),
    Field("nlb.alias", "W", UNSUPPORTED, "create the DNS record yourself, pointing at the NLB's DNS name (a stack output)"),
    Field("nlb.ssl_policy", "W", APPROXIMATED, "tfgen's TLS 1.2+ policy"),
    Field("nlb.stickiness", "W", UNSUPPORTED, "sticky sessions are not rendered"),
    Field("nlb.additional_listeners", "W", UNSUPPORTED, "one NLB listener per service"),
    Field("subscribe.topics", "K", MAPPED, "`queue.subscribe` [{service, topic, filter_policy}]; a queue of a topic's own becomes the worker's one queue"),
    Field("subscribe.queue.retention", "K", MAPPED, "`queue.retention_seconds` (Copilot's default 4 days)"),
    Field("subscribe.queue.timeout", "K", MAPPED, f"`queue.processing_time_seconds` (Copilot's default {DEFAULT_QUEUE_TIMEOUT}s)"),
    Field("subscribe.queue.dead_letter", "K", MAPPED, "`queue.max_receive_count` (tries); tfgen always gives the queue a dead-letter queue (5 tries unless set)"),
    Field("subscribe.queue.delay", "K", UNSUPPORTED, "a delivery delay: set delay_seconds on the queue in the rendered stack"),
    Field("subscribe.queue.fifo", "K", UNSUPPORTED, "FIFO queues are not built"),
    Field("on.schedule", "J", MAPPED, "`schedule`: @hourly, @daily, @weekly, @monthly, @yearly and 5-field cron -> cron(...), @every -> rate(...) (UTC, as Copilot); `none` is unsupported"),
    Field("retries", "J", APPROXIMATED, "`retries`: EventBridge Scheduler retries a failed invocation; Copilot retried a failed task run"),
    Field("timeout", "J", APPROXIMATED, "`max_age_seconds` (60-86400): how long the scheduler keeps trying; Copilot stopped a run after it"),
    Field("environments.*", _A, MAPPED, "the overrides of the environment given with --env (others: ignored)"),
    Field("name", "E", MAPPED, "`environment`"),
    Field("type", "E", MAPPED, "an environment manifest"),
    Field("network.vpc.id", "E", MAPPED, "`network.create_vpc: false` and `network.vpc_id`; without it, a new VPC across two AZs (Copilot's default)"),
    Field("network.vpc.cidr", "E", MAPPED, f"`network.vpc_cidr` (Copilot's default {DEFAULT_VPC_CIDR})"),
    Field("network.vpc.subnets.public", "E", MAPPED, "imported VPC: `network.public_subnet_ids`; new VPC: the subnets' AZs become `network.azs`"),
    Field("network.vpc.subnets.private", "E", MAPPED, "imported VPC: `network.private_subnet_ids`; new VPC: the subnets' AZs become `network.azs`"),
    Field("network.vpc.security_group", "E", UNSUPPORTED, "add the rules to the services' security groups in the rendered stack"),
    Field("network.vpc.flow_logs", "E", UNSUPPORTED, "VPC flow logs: add aws_flow_log to the rendered stack"),
    Field("http.public.certificates", "E", MAPPED, "`load_balancer.certificate_arn` (the first; HTTPS on the public ALB, TLS on the NLB)"),
    Field("http.public.ingress", "E", UNSUPPORTED, "restrict the load balancer's security group in the rendered stack"),
    Field("http.public.access_logs", "E", UNSUPPORTED, "ALB access logs: add an access_logs block and a bucket to modules/alb"),
    Field("http.public.ssl_policy", "E", APPROXIMATED, "tfgen's TLS 1.2+ policy"),
    Field("http.private", "E", UNSUPPORTED, "the internal ALB of backends with a path is built by tfgen; its certificates and ingress are not imported"),
    Field("observability.container_insights", "E", MAPPED, "tfgen always turns Container Insights on"),
    Field("cdn", "E", UNSUPPORTED, "CloudFront: create a distribution with the load balancer as its origin"),
)


def fields_of(manifest_type: str) -> dict[str, Field]:
    letter = _TYPE_LETTERS.get(manifest_type, "")
    return {f.pattern: f for f in FIELDS if letter in f.types}


def _matches(pattern: str, path: tuple[str, ...]) -> bool:
    parts = pattern.split(".")
    return len(parts) == len(path) and all(p in ("*", k) for p, k in zip(parts, path))


def resolve(manifest_type: str, path: tuple[str | int, ...]) -> tuple[tuple[str | int, ...], Field | None]:
    """The report row a full key path belongs to: (the row's key path, its field), or, for a
    key Copilot does not know, (that key's path, None).

    A leaf field covers everything below it; a field that others extend (`count`, `http`) is a
    row of its own only when given a scalar, so a typo beneath it is found."""
    table = fields_of(manifest_type)
    parents = {f.pattern.rsplit(".", 1)[0] for f in table.values() if "." in f.pattern}
    for cut in range(len(path), 0, -1):
        head = path[:cut]
        if any(isinstance(k, int) for k in head):
            continue
        for f in table.values():
            if _matches(f.pattern, head) and (cut == len(path) or f.pattern not in parents):  # type: ignore[arg-type]
                return head, f
    # Unknown: the first key below the deepest known container.
    for cut in range(len(path) - 1, 0, -1):
        if any(_matches(parent, path[:cut]) for parent in parents):  # type: ignore[arg-type]
            return path[: cut + 1], None
    return path[:1], None


def known_keys(manifest_type: str, prefix: tuple[str, ...]) -> list[str]:
    """The keys Copilot knows right under `prefix` (for 'did you mean')."""
    out = []
    for f in fields_of(manifest_type).values():
        parts = f.pattern.split(".")
        if len(parts) > len(prefix) and all(p in ("*", k) for p, k in zip(parts, prefix)) and parts[len(prefix)] != "*":
            out.append(parts[len(prefix)])
    return sorted(set(out))


_TYPE_NAMES = {"W": "web", "B": "backend", "K": "worker", "J": "job", "E": "environment"}


def markdown_table() -> str:
    """The README's field map."""
    rows = ["| field | manifests | status | how |", "|---|---|---|---|"]
    for f in FIELDS:
        kinds = ", ".join(_TYPE_NAMES[c] for c in f.types)
        rows.append(f"| `{f.pattern}` | {kinds} | {f.status} | {f.how} |")
    for name, why in UNSUPPORTED_TYPES.items():
        rows.append(f"| `type: {name}` | - | unsupported | {why} |")
    for what, why in WORKSPACE_UNSUPPORTED.items():
        rows.append(f"| `{what}` | - | unsupported | {why} |")
    return "\n".join(rows) + "\n"


WORKSPACE_UNSUPPORTED = {
    "copilot/<service>/addons/": "CloudFormation addons (databases, buckets...): write them as Terraform beside the stack, and grant the task role access through `permissions`",
    "copilot/environments/addons/": "environment addons: write them as Terraform beside the stack",
    "copilot/<service>/overrides/": "CloudFormation patches and CDK overrides: edit the rendered stack instead (`tfgen update` keeps your edits)",
    "copilot/pipelines/": "Copilot pipelines (CodePipeline): use `ci.system` (GitHub Actions or GitLab CI) with `deploy.images: pipeline`",
    "from_cfn": "CloudFormation exports: use the value itself (or a Terraform data source in the rendered stack)",
}
