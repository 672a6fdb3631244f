"""Render an `Answers` into the files of a Terraform stack, in memory.

Values reach Terraform through `terraform.tfvars` (written by `hcl.py`, escaped); the templates
decide only the shape of the root module (which modules it calls). Nothing here touches the disk
outside the package's own templates and modules: `write.py` puts the result in place.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from dataclasses import dataclass
from typing import Any

import jinja2

from tfgen import __version__
from tfgen.answers.model import Answers, Service
from tfgen.render.hcl import hcl_assignments, hcl_comment, hcl_string, hcl_value
from tfgen.answers.schema import schema_json
from tfgen.render.provenance import ANSWERS_FILE, SCHEMA_FILE, answers_yaml, with_base
from tfgen.resources import modules_dir, templates_dir

# Root-module files every stack has, and the template each comes from.
ROOT_TEMPLATES = {
    "versions.tf": "versions.tf.j2",
    "providers.tf": "providers.tf.j2",
    "variables.tf": "variables.tf.j2",
    "main.tf": "main.tf.j2",
    "outputs.tf": "outputs.tf.j2",
    "README.md": "README.md.j2",
    ".gitignore": "gitignore.j2",
}
# What to run in a new stack's folder, in order, and why: the stack's README and the `next:` line
# that `tfgen new` prints both come from here.
NEXT_STEPS: tuple[tuple[str, str], ...] = (
    ("tfgen check .", "conformance with the ECS guidance, before anything runs"),
    ("terraform init", ""),
    ("tfgen plan . --keep-plan tfplan", "terraform plan, then what it would destroy or replace"),
    ("terraform apply tfplan", ""),
)


@cache
def jinja_env() -> jinja2.Environment:
    """The one Jinja environment, with every filter the templates use."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    env.filters["hcl"] = hcl_value
    env.filters["hcl_string"] = hcl_string
    env.filters["hcl_comment"] = hcl_comment
    env.globals["grants"] = describe_grants
    env.globals["uses_arm64"] = uses_arm64
    env.globals["uses_spot"] = uses_spot
    env.globals["uses_exec"] = uses_exec
    env.globals["uses_containers"] = uses_containers
    env.globals["uses_kinds"] = uses_kinds
    env.globals["load_balancers"] = load_balancers
    env.globals["describe_containers"] = describe_containers
    env.globals["next_steps"] = NEXT_STEPS
    env.filters["gh"] = github_expression
    env.filters["yaml_str"] = json.dumps  # a JSON string is a YAML double-quoted scalar
    return env


def github_expression(expression: str) -> str:
    """`${{ expression }}` in a GitHub workflow, written without fighting Jinja's own braces."""
    return "${{ " + expression + " }}"


def ci_templates(a: Answers) -> dict[str, str]:
    """The CI files of the stack (path -> template): only when `ci.system` asks for them."""
    if a.ci.system == "github":
        files = {".github/workflows/infra.yml": "ci/github-infra.yml.j2"}
        if a.pipeline_services:
            files[".github/workflows/deploy.yml"] = "ci/github-deploy.yml.j2"
        return files
    if a.ci.system == "gitlab":
        return {".gitlab-ci.yml": "ci/gitlab-ci.yml.j2"}
    return {}


def describe_grants(s: Service) -> str:
    """What a service's task role may do, in one line of the stack's README."""
    grants = [f"S3 `{g.name}` ({g.access})" for g in s.permissions.s3_buckets]
    grants += [f"DynamoDB `{g.name}` ({g.access})" for g in s.permissions.dynamodb_tables]
    if s.efs_mount:
        grants.append(f"EFS at `{s.efs_mount}` ({'read' if s.efs_read_only else 'read_write'})")
    grants += [f"publish to SNS `{t}`" for t in s.topic_names()]
    if s.queue:
        grants.append("receive and delete on its SQS queue")
    return "; ".join(grants) or "nothing"


def describe_containers(a: Answers, s: Service) -> str:
    """A service's capacity, ECS Exec and containers beyond its own, in one line of the stack's README
    (empty when it has none of them)."""
    parts = []
    if s.spot:
        tasks = "task" if s.spot.base == 1 else "tasks"
        parts.append(f"{s.spot.base} {tasks} on FARGATE, then {s.spot.share}% of the rest on Fargate Spot")
    if s.exec:
        parts.append(f"ECS Exec on (sessions encrypted and logged to `/ecs/{a.prefix}/exec`)")
    if s.entrypoint:
        parts.append(f"entry point `{_words(s.entrypoint)}`")
    if s.command:
        parts.append(f"command `{_words(s.command)}`")
    for c in s.sidecars:
        port = f", port {c.port}" if c.port else ""
        parts.append(f"sidecar `{c.name}` (`{c.image}`{port}{', essential' if c.essential else ''})")
    if s.target and s.target != s.name:
        port = next(c.port for c in s.sidecars if c.name == s.target)
        parts.append(f"the load balancer sends traffic to `{s.target}` on port {port}")
    for name, deps in [(s.name, s.depends_on), *((c.name, c.depends_on) for c in s.sidecars)]:
        parts += [f"`{name}` starts once `{d.container}` is {d.condition}" for d in deps]
    return "; ".join(parts)


def _words(words: list[str]) -> str:
    """A command as JSON in a Markdown code span: newlines escaped, and no backtick to end the span."""
    return json.dumps(words).replace("`", "\\u0060")


def modules_used(a: Answers) -> list[str]:
    """The modules this stack calls, in the order the README describes them."""
    used = ["network"] if a.network.create_vpc else []
    used.append("cluster")
    if a.launch_type == "ec2":
        used.append("ec2_capacity")
    if {lb.module for lb in load_balancers(a)} & {"alb", "internal_alb"}:
        used.append("alb")
    if any(lb.module == "nlb" for lb in load_balancers(a)):
        used.append("nlb")
    if a.efs.enabled:
        used.append("efs")
    used.append("service")
    if a.pipeline_services:
        used.append("ecr")
    if a.deploy_role:
        used.append("deploy_role")
    if any(s.publish for s in a.services):
        used.append("topics")
    if a.uses_service_connect:
        used.append("service_connect")
    if a.queue_workers:
        used.append("queue")
    if any(s.queue and s.autoscaling and s.autoscaling.backlog_per_task for s in a.services):
        used.append("queue_scaling")
    if a.of_kind("job"):
        used.append("scheduled_job")
    return used


@dataclass(frozen=True)
class LoadBalancer:
    """One load balancer of the stack: its module call, the kind it serves, and the test in
    main.tf that picks its services out of var.services."""

    module: str  # alb, nlb or internal_alb
    kind: str
    selects: str


def load_balancers(a: Answers) -> list[LoadBalancer]:
    """The stack's load balancers, which follow the kinds: the ALB for web services, the NLB for
    nlb services, an internal ALB for backends with internal_path."""
    if not uses_kinds(a):  # as before kinds: one load balancer for the exposed services
        return [LoadBalancer("alb" if s.kind == "web" else "nlb", s.kind or "", "service.expose") for s in a.exposed_services[:1]]
    found = [
        LoadBalancer("alb", "web", 'service.kind == "web"') if a.of_kind("web") else None,
        LoadBalancer("nlb", "nlb", 'service.kind == "nlb"') if a.of_kind("nlb") else None,
        LoadBalancer("internal_alb", "backend", "service.internal_path != null") if a.internal_alb_services else None,
    ]
    return [lb for lb in found if lb]


def uses_kinds(a: Answers) -> bool:
    """Whether the stack needs the wiring of the service kinds (a kind per service in
    terraform.tfvars): backends, jobs, Service Connect, queues, topics, or both an ALB and an NLB.
    A stack of web, nlb and plain worker services renders exactly as before kinds existed."""
    kinds = {s.kind for s in a.services}
    return (
        bool(kinds & {"backend", "job"})
        or {"web", "nlb"} <= kinds
        or any(s.connect or s.queue or s.publish for s in a.services)
    )


def stack_files(a: Answers, saved_answers: str | None = None) -> dict[str, bytes]:
    """Everything `tfgen new` writes: the stack and its merge base under `.tfgen/base/`.

    `saved_answers`, the answers file already in the folder, keeps its comments and key order.
    """
    return with_base(render_stack(a, saved_answers))


def render_stack(a: Answers, saved_answers: str | None = None) -> dict[str, bytes]:
    """Every file of the stack: relative path -> content. `saved_answers`: as in `stack_files`."""
    context = {"a": a, "version": __version__, "modules": modules_used(a), "tfvars": root_variables(a)}
    files: dict[str, bytes] = {}
    for out, template in (ROOT_TEMPLATES | ci_templates(a)).items():
        files[out] = jinja_env().get_template(template).render(context).encode()
    if a.state.backend == "s3":
        files["backend.tf"] = jinja_env().get_template("backend.tf.j2").render(context).encode()
    files["terraform.tfvars"] = (TFVARS_HEADER + hcl_assignments(context["tfvars"]) + _unset_variables(a)).encode()
    files[ANSWERS_FILE] = answers_yaml(a, saved_answers).encode()
    files[SCHEMA_FILE] = schema_json().encode()
    for module in context["modules"]:
        root = modules_dir() / module
        for path in sorted(p for p in root.rglob("*") if p.is_file() and _is_module_file(p)):
            files[f"modules/{module}/{path.relative_to(root).as_posix()}"] = path.read_bytes()
    return files


TFVARS_HEADER = "# Values from .tfgen-answers.yaml, written by tfgen. Edit here; `tfgen update` keeps your edits.\n\n"


def _unset_variables(a: Answers) -> str:
    """A commented line per input variable of `services[].variables`: the answers hold no value for
    it, so the user sees here where to set it (or sets TF_VAR_<name>)."""
    lines = [
        f'# {var} = "..."  # set me: environment variable {", ".join(f"{env} of {svc}" for env, svc in uses)}\n'
        for var, uses in a.input_variables().items()
    ]
    return "\n" + "".join(lines) if lines else ""


def _is_module_file(path: Path) -> bool:
    # A developer may have run terraform inside modules/ in a checkout; never ship its debris.
    parts = path.parts
    return not any(p.startswith(".") for p in parts[len(modules_dir().parts) :]) and not path.name.endswith(
        (".tfstate", ".tfstate.backup", ".lock.hcl")
    )


def root_variables(a: Answers) -> dict[str, Any]:
    """The root module's variable values: what terraform.tfvars holds."""
    out: dict[str, Any] = {
        "name": a.name,
        "environment": a.environment,
        "region": a.region,
        "tags": dict(a.tags),
    }
    n = a.network
    if n.create_vpc:
        out |= {"vpc_cidr": n.vpc_cidr, "azs": list(n.azs or []), "single_nat_gateway": n.single_nat_gateway}
    else:
        out |= {"vpc_id": n.vpc_id, "public_subnet_ids": n.public_subnet_ids, "private_subnet_ids": n.private_subnet_ids}
    if a.launch_type == "ec2":
        out["ec2"] = a.ec2.model_dump(exclude={"reason"})  # a comment in main.tf, not an input
    lb = a.load_balancer
    if a.exposed_services:
        out["load_balancer"] = {"internal": lb.internal, "certificate_arn": lb.certificate_arn}
        if a.of_kind("nlb"):
            out["load_balancer"]["privatelink"] = lb.privatelink
    if a.efs.enabled:
        out["efs"] = {"performance_mode": a.efs.performance_mode, "throughput_mode": a.efs.throughput_mode}
    if a.pipeline_services:
        out["deploy"] = {"keep_images": a.deploy.keep_images}
    if a.deploy_role:
        out["ci"] = a.ci.model_dump(exclude=set() if a.ci.system == "gitlab" else {"gitlab_url"})
    priorities = listener_priorities(a)
    out["services"] = {s.name: _service_variables(a, s, priorities.get(s.name)) for s in a.services}
    return out


def _service_variables(a: Answers, s: Service, priority: int | None) -> dict[str, Any]:
    backlog = s.queue is not None and s.autoscaling is not None and s.autoscaling.backlog_per_task is not None
    values: dict[str, Any] = {
        "image": s.image,
        "port": None if s.is_job else s.port,
        "cpu": s.cpu,
        "memory": s.memory,
        "desired_count": 0 if s.is_job else s.desired_count,
        # On a queue's backlog the queue_scaling module scales the service instead.
        "autoscaling": s.autoscaling.model_dump(exclude={"backlog_per_task"}) if s.autoscaling and not backlog else None,
        "expose": s.name in {e.name for e in a.exposed_services},
    }
    if uses_kinds(a):
        values |= _kind_variables(a, s)
    if a.of_kind("web") or a.internal_alb_services:
        values |= {"health_check_path": s.health_check_path}
    if a.of_kind("web"):
        values |= {"path_pattern": s.path_pattern, "listener_priority": priority}
    if a.internal_alb_services:
        values |= {"internal_path": s.internal_path, "internal_priority": internal_listener_priorities(a).get(s.name)}
    if a.efs.enabled:
        values |= {"efs_mount": s.efs_mount, "efs_read_only": s.efs_read_only}
    if uses_arm64(a):
        values["cpu_architecture"] = "ARM64" if s.platform == "linux/arm64" else "X86_64"
    if a.pipeline_services:
        values["pipeline"] = s.build is not None
    values |= {
        "environment": dict(s.environment),
        "secrets": dict(s.secrets),
        "permissions": s.permissions.model_dump(),
    }
    if uses_spot(a):
        values["spot"] = s.spot.model_dump() if s.spot else None
    if uses_exec(a):
        values["exec"] = s.exec
    if uses_containers(a):
        values |= {
            "command": s.command,
            "entrypoint": s.entrypoint,
            "depends_on": [d.model_dump() for d in s.depends_on],
            "target": s.target,
            "sidecars": [c.model_dump() for c in s.sidecars],
        }
    return values


def _kind_variables(a: Answers, s: Service) -> dict[str, Any]:
    """What the kinds' wiring reads per service: the kind, Service Connect, topics, queue, schedule."""
    queue = None
    if s.queue is not None:
        scaling = s.autoscaling if s.autoscaling and s.autoscaling.backlog_per_task else None
        queue = {
            "processing_time_seconds": s.queue.processing_time_seconds,
            "max_receive_count": s.queue.max_receive_count,
            "retention_seconds": s.queue.retention_seconds,
            "subscribe": [
                {
                    "service": sub.service,
                    "topic": sub.topic,
                    # SNS takes the policy as JSON text; sorted keys keep the rendering stable.
                    "filter_policy": None if sub.filter_policy is None else json.dumps(sub.filter_policy, sort_keys=True),
                }
                for sub in s.queue.subscribe
            ],
            "scaling": scaling and {"min": scaling.min, "max": scaling.max, "backlog_per_task": scaling.backlog_per_task},
        }
    job = None
    if s.is_job:
        job = {"schedule": s.schedule, "timezone": s.timezone, "retries": s.retries, "max_age_seconds": s.max_age_seconds}
    return {"kind": s.kind, "connect": bool(s.connect), "publish": s.topic_names(), "queue": queue, "job": job}


def uses_arm64(a: Answers) -> bool:
    """Whether any service asks for arm64: only then do the services carry a CPU architecture."""
    return any(s.platform == "linux/arm64" for s in a.services)


# Each group of keys below reaches the stack only when a service uses it, so a stack without them
# renders as it did before they existed.


def uses_spot(a: Answers) -> bool:
    """Whether any service runs part of its tasks on Fargate Spot."""
    return any(s.spot is not None for s in a.services)


def uses_exec(a: Answers) -> bool:
    """Whether any service enables ECS Exec: only then does the cluster log exec sessions."""
    return any(s.exec for s in a.services)


def uses_containers(a: Answers) -> bool:
    """Whether any service shapes its containers beyond image and port: command, entry point,
    start order, sidecars or a sidecar as the load balancer's target."""
    return any(s.command or s.entrypoint or s.depends_on or s.sidecars or s.target for s in a.services)


def listener_priorities(a: Answers) -> dict[str, int]:
    """ALB listener rule priorities: the most specific path pattern is matched first.

    ALB evaluates rules by ascending priority, so `/api/*` must come before the catch-all `/*`.
    Longer literal prefixes are more specific; ties keep the answers' order.
    """
    return _priorities([(s.name, s.path_pattern) for s in a.of_kind("web")])


def internal_listener_priorities(a: Answers) -> dict[str, int]:
    """The internal ALB's listener rule priorities, ordered as `listener_priorities`."""
    return _priorities([(s.name, s.internal_path or "") for s in a.internal_alb_services])


def _priorities(routes: list[tuple[str, str]]) -> dict[str, int]:
    def specificity(item: tuple[int, tuple[str, str]]) -> tuple[int, int]:
        index, (_, pattern) = item
        literal = pattern.split("*")[0].split("?")[0]
        return (-len(literal), index)

    ordered = sorted(enumerate(routes), key=specificity)
    return {name: 10 * (rank + 1) for rank, (_, (name, _)) in enumerate(ordered)}
