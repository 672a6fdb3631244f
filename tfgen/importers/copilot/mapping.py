"""A Copilot workspace -> tfgen answers (plain data), the origin of every value, and the report.

Reads `copilot/.workspace`, every `copilot/<service>/manifest.yml` and the chosen environment's
`copilot/environments/<env>/manifest.yml`, applies the service manifests' `environments:`
overrides for that environment, and maps each field through the field map (tfgen.importers.
copilot.fields). Values a manifest leaves out take Copilot's documented defaults, cited in the
report. Nothing here writes; `tfgen.importers.copilot.answers` validates and writes.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tfgen.answers.model import variable_name_refusal
from tfgen.errors import InputError
from tfgen.render.provenance import SCHEMA_FILE
from tfgen.importers.copilot import convert
from tfgen.importers.copilot import fields as F
from tfgen.importers.copilot.manifest import Doc, KeyPath, read_manifest, read_text
from tfgen.importers.copilot.report import Report

DEFAULT_REGION = "us-east-1"
_KINDS = {F.WEB: "web", F.BACKEND: "backend", F.WORKER: "worker", F.JOB: "job"}
_COPILOT_VARS = ("COPILOT_APPLICATION_NAME", "COPILOT_ENVIRONMENT_NAME")
_SHELL_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_ARN = re.compile(r"arn:aws[a-z-]*:[a-z0-9-]+:([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d):(\d{12}):")
_ECR = re.compile(r"(\d{12})\.dkr\.ecr\.([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d)\.amazonaws\.com")


@dataclass
class Imported:
    """What an import produced: the answers, where each value came from, and the report."""

    data: dict[str, Any]
    origins: dict[KeyPath, str]
    report: Report
    builds: list[str] = field(default_factory=list)  # services whose image the pipeline builds


def import_workspace(root: Path, env: str | None, answers_name: str) -> Imported:
    """Read the Copilot workspace at `root` for environment `env` (None: its only one)."""
    copilot = root / "copilot"
    if not copilot.is_dir():
        raise InputError(f"{root}: no copilot/ folder here, so this is not a Copilot workspace; nothing was written")
    app = _application(copilot / ".workspace", "copilot/.workspace")
    env_names = sorted(p.parent.name for p in (copilot / "environments").glob("*/manifest.yml"))
    if env is None:
        if len(env_names) > 1:
            raise InputError(f"{root}: the workspace has environments {', '.join(env_names)}: choose one with --env NAME; nothing was written")
        env = env_names[0] if env_names else None
    elif env_names and env not in env_names:
        raise InputError(
            f"{root}: no environment {env!r} in the workspace (copilot/environments/*/manifest.yml: {', '.join(env_names)}); nothing was written"
        )
    report = Report(workspace=str(root), env=env, answers=answers_name)
    out = _Answers()
    out.set(("name",), app[0], app[1])
    workspace_docs: list[Doc] = []
    env_doc = None
    if env is not None and env in env_names:
        shown = f"copilot/environments/{env}/manifest.yml"
        env_doc = read_manifest(copilot / "environments" / env / "manifest.yml", shown)
        workspace_docs.append(env_doc)
    services: list[tuple[str, Doc]] = []
    for manifest in sorted(copilot.glob("*/manifest.yml")):
        if manifest.parent.name == "environments":
            continue
        shown = f"copilot/{manifest.parent.name}/manifest.yml"
        doc = read_manifest(manifest, shown)
        services.append((manifest.parent.name, doc))
        workspace_docs.append(doc)
    region, account, region_note = _region_and_account(workspace_docs, env_doc)
    ctx = _Context(root, app[0], env or "dev", region, account, report, out)
    if env is not None:
        out.set(("environment",), env, env_doc.where("name") if env_doc and env_doc.has("name") else None)
    out.set(("region",), region, region_note[1])
    report.add("workspace", "region", None, None, region_note[0], region_note[2])
    _environment(ctx, env, env_doc)
    _workspace_extras(ctx, copilot)
    for folder, doc in services:
        _service(ctx, folder, doc)
    if not out.get("services"):
        report.add("workspace", "services", None, None, F.UNSUPPORTED, "no workload tfgen can run was found: the answers have tfgen's default service")
    if ctx.efs:
        out.set(("efs", "enabled"), True, None)
    if ctx.builds:
        out.set(("deploy", "images"), "pipeline", f"image.build of {', '.join(ctx.builds)}: the CI pipeline deploys their images")
    report.next_steps = _next_steps(ctx, answers_name)
    return Imported(out.data, out.origins, report, ctx.builds)


# --- the answers being built ------------------------------------------------------------------


class _Answers:
    """Nested answers data, and for every value set from a manifest its `file:line`."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {}
        self.origins: dict[KeyPath, str] = {}

    def get(self, *path: str | int) -> Any:
        node: Any = self.data
        for part in path:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                return None
        return node

    def set(self, path: KeyPath, value: Any, origin: str | None) -> None:
        node: Any = self.data
        for here, nxt in zip(path, path[1:]):
            if isinstance(node, list):
                node = node[here]  # type: ignore[index]
                continue
            node = node.setdefault(here, [] if isinstance(nxt, int) else {})
        if isinstance(node, list):
            node.append(value)
        else:
            node[path[-1]] = value
        if origin:
            self.origins[path] = origin


@dataclass
class _Context:
    root: Path
    app: str
    env: str
    region: str
    account: str | None
    report: Report
    out: _Answers
    certificate: str | None = None
    efs: bool = False
    builds: list[str] = field(default_factory=list)
    build_args: dict[str, tuple[str, str]] = field(default_factory=dict)  # service -> (context, dockerfile)
    shell_vars: list[str] = field(default_factory=list)  # ${VAR} kept in text: the user sets the whole value
    input_variables: dict[str, str] = field(default_factory=dict)  # ${VAR} as a whole value -> its Terraform variable
    published: dict[str, list[str]] = field(default_factory=dict)


def _kept_shell_vars(ctx: _Context, texts: Iterable[str]) -> list[str]:
    """The `${VAR}` names in `texts` that stay literal text (in order, as written), each recorded
    once in `ctx.shell_vars` for the next steps."""
    found = [v for text in texts for v in _SHELL_VAR.findall(text)]
    ctx.shell_vars += [v for v in dict.fromkeys(found) if v not in ctx.shell_vars]
    return found


def _application(path: Path, shown: str) -> tuple[str, str]:
    doc = read_manifest(path, shown)
    name = doc.get("application")
    if not isinstance(name, str) or not name:
        raise InputError(f"{doc.where('application')}: the workspace names no application (application: NAME); nothing was written")
    return name, doc.where("application")


def _region_and_account(docs: list[Doc], env_doc: Doc | None) -> tuple[str, str | None, tuple[str, str | None, str]]:
    """Copilot keeps an environment's region and account in its application's SSM parameters,
    not in the manifests; the ARNs and ECR image names the manifests hold tell them."""
    found: list[tuple[str, str, str]] = []  # region, account, where
    for doc in ([env_doc] if env_doc else []) + [d for d in docs if d is not env_doc]:
        for path, value in _strings(doc.data, ()):
            for match in _ARN.finditer(value):
                found.append((match.group(1), match.group(2), doc.where(*path)))
            for match in _ECR.finditer(value):
                found.append((match.group(2), match.group(1), doc.where(*path)))
    account = found[0][1] if found else None
    if found:
        region, _, where = found[0]
        return region, account, (F.APPROXIMATED, where, f"{region}, the region of an ARN at {where}: Copilot keeps the environment's region outside the manifests; check `region`")
    return DEFAULT_REGION, None, (
        F.APPROXIMATED, None,
        f"no manifest names a region (Copilot keeps it outside the manifests): tfgen's default {DEFAULT_REGION}; set `region` to the environment's",
    )


def _strings(node: Any, at: KeyPath):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _strings(v, (*at, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _strings(v, (*at, i))
    elif isinstance(node, str):
        yield at, node


# --- the environment ----------------------------------------------------------------------------


def _environment(ctx: _Context, env: str | None, doc: Doc | None) -> None:
    report, out = ctx.report, ctx.out
    scope = f"env/{env}" if env else "workspace"
    if doc is None:
        report.add(
            scope, "network", None, None, F.MAPPED,
            f"no environment manifest: Copilot's default environment, a new VPC ({F.DEFAULT_VPC_CIDR}) across two AZs, which is tfgen's default too",
        )
        return
    rows = _Rows(ctx, scope, doc, F.ENV)
    rows.row(("name",), F.MAPPED, f"environment {env}" + ("" if doc.get("name") in (None, env) else f" (the folder's name; the manifest says {doc.get('name')!r})"))
    rows.row(("type",), F.MAPPED, "an environment manifest")
    vpc_id = doc.get("network", "vpc", "id")
    if vpc_id:
        out.set(("network", "create_vpc"), False, doc.where("network", "vpc", "id"))
        out.set(("network", "vpc_id"), vpc_id, doc.where("network", "vpc", "id"))
        rows.row(("network", "vpc", "id"), F.MAPPED, f"an imported VPC: create_vpc false, vpc_id {vpc_id}")
        for kind in ("public", "private"):
            subnets = doc.get("network", "vpc", "subnets", kind) or []
            for i, subnet in enumerate(subnets):
                sid = subnet.get("id") if isinstance(subnet, dict) else subnet
                if sid:
                    out.set(("network", f"{kind}_subnet_ids", i), sid, doc.where("network", "vpc", "subnets", kind, i))
            if subnets:
                rows.row(("network", "vpc", "subnets", kind), F.MAPPED, f"{kind}_subnet_ids ({len(subnets)})")
        if doc.has("network", "vpc", "cidr"):
            rows.row(("network", "vpc", "cidr"), F.MAPPED, "the imported VPC's own CIDR (not needed)")
    else:
        cidr = doc.get("network", "vpc", "cidr")
        if cidr:
            out.set(("network", "vpc_cidr"), str(cidr), doc.where("network", "vpc", "cidr"))
            rows.row(("network", "vpc", "cidr"), F.MAPPED, f"vpc_cidr {cidr}")
        azs: list[str] = []
        for kind in ("public", "private"):
            subnets = doc.get("network", "vpc", "subnets", kind) or []
            for subnet in subnets:
                az = subnet.get("az") if isinstance(subnet, dict) else None
                if az and az not in azs:
                    azs.append(str(az))
            if subnets:
                rows.row(
                    ("network", "vpc", "subnets", kind), F.APPROXIMATED,
                    "tfgen divides vpc_cidr into its own subnets" + (", in the same AZs" if azs else "") + "; the subnets' own CIDRs are not kept",
                )
        if azs:
            for i, az in enumerate(azs):
                out.set(("network", "azs", i), az, doc.where("network", "vpc", "subnets"))
        report.add(scope, "network.vpc", doc.file, None, F.MAPPED, f"Copilot's default: a new VPC across {len(azs) or 'two'} AZs")
    certificates = doc.get("http", "public", "certificates") or []
    if certificates:
        ctx.certificate = str(certificates[0])
        out.set(("load_balancer", "certificate_arn"), ctx.certificate, doc.where("http", "public", "certificates", 0))
        more = f"; {len(certificates) - 1} more not imported (one certificate per load balancer)" if len(certificates) > 1 else ""
        rows.row(("http", "public", "certificates"), F.MAPPED if not more else F.APPROXIMATED, f"load_balancer.certificate_arn{more}")
    rows.defaults()


def _workspace_extras(ctx: _Context, copilot: Path) -> None:
    report = ctx.report
    for path in sorted(copilot.glob("*/addons")) + sorted(copilot.glob("environments/addons")):
        if path.is_dir():
            shown = path.relative_to(ctx.root).as_posix() + "/"
            key = "copilot/environments/addons/" if path.parent.name == "environments" else "copilot/<service>/addons/"
            report.add("workspace", shown, shown, None, F.UNSUPPORTED, F.WORKSPACE_UNSUPPORTED[key])
    for path in sorted(copilot.glob("*/overrides")) + sorted(copilot.glob("environments/overrides")):
        if path.is_dir():
            shown = path.relative_to(ctx.root).as_posix() + "/"
            report.add("workspace", shown, shown, None, F.UNSUPPORTED, F.WORKSPACE_UNSUPPORTED["copilot/<service>/overrides/"])
    pipelines = [p for p in (copilot / "pipelines", copilot / "pipeline.yml", copilot / "buildspec.yml") if p.exists()]
    for path in pipelines:
        shown = path.relative_to(ctx.root).as_posix() + ("/" if path.is_dir() else "")
        report.add("workspace", shown, shown, None, F.UNSUPPORTED, F.WORKSPACE_UNSUPPORTED["copilot/pipelines/"])


# --- report rows of one manifest -----------------------------------------------------------------


class _Rows:
    """The report rows of one manifest: those the mapping writes, then (`defaults`) one for every
    other field, from the field map, and `ignored` for keys Copilot does not know."""

    def __init__(self, ctx: _Context, scope: str, doc: Doc, manifest_type: str):
        self.ctx, self.scope, self.doc, self.type = ctx, scope, doc, manifest_type
        self.done: set[KeyPath] = set()

    def row(self, path: KeyPath, status: str, note: str) -> None:
        self.done.add(path)
        self.ctx.report.add(self.scope, _dotted(path), self.doc.file, self.doc.line(*path), status, note)

    def default(self, path: KeyPath, note: str, status: str = F.MAPPED) -> None:
        """A value the manifest leaves out, and the Copilot default it took."""
        self.done.add(path)
        self.ctx.report.add(self.scope, _dotted(path), self.doc.file, None, status, note)

    def defaults(self) -> None:
        leaves = [p for p in self.doc.lines if not any(len(q) > len(p) and q[: len(p)] == p for q in self.doc.lines)]
        seen = set(self.done)
        for leaf in leaves:
            at, known = F.resolve(self.type, leaf)
            if at in seen or any(at[: len(d)] == d for d in self.done):
                continue
            seen.add(at)
            if known is None:
                close = difflib.get_close_matches(str(at[-1]), F.known_keys(self.type, tuple(str(k) for k in at[:-1])), n=1)
                hint = f" (did you mean {'.'.join(map(str, (*at[:-1], close[0])))}?)" if close else ""
                self.ctx.report.add(
                    self.scope, _dotted(at), self.doc.file, self.doc.line(*at), F.IGNORED,
                    f"Copilot does not know this key in a {self.type} manifest and ignores it{hint}; so does tfgen",
                )
            else:
                self.ctx.report.add(self.scope, _dotted(at), self.doc.file, self.doc.line(*at), known.status, known.how)


def _dotted(path: KeyPath) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + str(part)
    return out


# --- one workload -------------------------------------------------------------------------------


def _service(ctx: _Context, folder: str, doc: Doc) -> None:
    report = ctx.report
    name = doc.get("name") if isinstance(doc.get("name"), str) else folder
    scope = f"svc/{name}"
    kind_type = doc.get("type")
    if kind_type in F.UNSUPPORTED_TYPES:
        report.add(scope, "type", doc.file, doc.line("type"), F.UNSUPPORTED, f"{kind_type}: {F.UNSUPPORTED_TYPES[kind_type]}; the service is left out")
        return
    if kind_type not in _KINDS:
        report.add(
            scope, "type", doc.file, doc.line("type"), F.UNSUPPORTED,
            f"unknown workload type {kind_type!r}: not guessed; the service is left out (Copilot's types: {', '.join(_KINDS)})",
        )
        return
    overrides = doc.get("environments")
    if isinstance(overrides, dict):
        for env_name, values in overrides.items():
            if env_name == ctx.env and isinstance(values, dict):
                doc.overlay(values, doc.lines, ("environments", env_name))
    rows = _Rows(ctx, scope, doc, kind_type)
    index = len(ctx.out.get("services") or [])
    ctx.out.set(("services", index), {}, None)
    svc = _Service(ctx, rows, index)
    svc.set("name", name, ("name",) if doc.has("name") else None)
    rows.row(("name",), F.MAPPED, f"services[{index}].name")
    kind = _KINDS[kind_type]
    if kind_type == F.WEB and doc.has("nlb") and doc.get("http") in (None, False):
        kind = "nlb"
    svc.set("kind", kind, ("type",))
    rows.row(("type",), F.MAPPED, f"kind {kind}")
    if isinstance(overrides, dict):
        for env_name in overrides:
            rows.row(
                ("environments", env_name),
                F.MAPPED if env_name == ctx.env else F.IGNORED,
                "overrides applied (--env)" if env_name == ctx.env else f"overrides for environment {env_name}, not the one imported (--env {env_name} imports them)",
            )
    _image(svc, doc, kind)
    _size(svc, doc, kind)
    _count(svc, doc, kind)
    _runtime(svc, doc)
    _variables(svc, doc)
    _secrets(svc, doc)
    _storage(svc, doc)
    _network(svc, doc, kind)
    _traffic(svc, doc, kind)
    _messaging(svc, doc, kind)
    _job(svc, doc, kind)
    _sidecars(svc, doc)
    rows.defaults()


class _Service:
    """One service's answers, set with the manifest line each value came from."""

    def __init__(self, ctx: _Context, rows: _Rows, index: int):
        self.ctx, self.rows, self.index = ctx, rows, index
        self.doc = rows.doc

    @property
    def name(self) -> str:
        return self.ctx.out.get("services", self.index, "name")

    def set(self, key: str | KeyPath, value: Any, path: KeyPath | None, origin: str | None = None) -> None:
        keys = (key,) if isinstance(key, str) else key
        where = origin or (self.doc.where(*path) if path is not None else None)
        self.ctx.out.set(("services", self.index, *keys), value, where)

    def row(self, path: KeyPath, status: str, note: str) -> None:
        self.rows.row(path, status, note)

    def text(self, value: Any) -> str:
        """A manifest value as Copilot hands it to the task, with Copilot's own variables filled in."""
        if isinstance(value, bool):
            text = "true" if value else "false"
        else:
            text = str(value)
        return text.replace("${COPILOT_APPLICATION_NAME}", self.ctx.app).replace("${COPILOT_ENVIRONMENT_NAME}", self.ctx.env)


def _image(svc: _Service, doc: Doc, kind: str) -> None:
    location = doc.get("image", "location")
    build = doc.get("image", "build")
    if isinstance(location, str):
        svc.set("image", svc.text(location), ("image", "location"))
        svc.row(("image", "location"), F.MAPPED, "image")
    if build is not None:
        dockerfile, context, extra = None, None, []
        if isinstance(build, str):
            dockerfile = build
        elif isinstance(build, dict):
            dockerfile = build.get("dockerfile")
            context = build.get("context")
            extra = [k for k in ("target", "args", "cache_from") if k in build]
        if not dockerfile and not context:
            svc.row(("image", "build"), F.UNSUPPORTED, "neither a Dockerfile nor a context: give image.location, or build.dockerfile")
        else:
            dockerfile = str(dockerfile or f"{str(context).rstrip('/')}/Dockerfile")
            context = str(context) if context else (str(Path(dockerfile).parent) if "/" in dockerfile else ".")
            svc.set(
                "build", {"context": _rel(context), "dockerfile": _rel(dockerfile)}, None,
                f"{doc.where('image', 'build')}: no image yet; the pipeline builds it and pushes it to the stack's ECR repository",
            )
            svc.ctx.builds.append(svc.name)
            svc.ctx.build_args[svc.name] = (_rel(context), _rel(dockerfile))
            note = f"build {{context: {_rel(context)}, dockerfile: {_rel(dockerfile)}}}: an ECR repository in the stack, the image pushed by the pipeline (deploy.images: pipeline)"
            if extra:
                note += f"; {', '.join(extra)} not imported (give them to docker build in the pipeline)"
            svc.row(("image", "build"), F.APPROXIMATED if extra else F.MAPPED, note)
    if location is None and build is None:
        svc.row(("image",), F.UNSUPPORTED, "no image.location or image.build: tfgen's default image is used; set services[].image")
    depends = doc.get("image", "depends_on")
    if isinstance(depends, dict):
        svc.set("depends_on", [{"container": str(c), "condition": str(cond).upper()} for c, cond in depends.items()], ("image", "depends_on"))
        svc.row(("image", "depends_on"), F.MAPPED, "depends_on")
    port = doc.get("image", "port")
    if port is not None and kind in ("web", "backend", "nlb"):
        number, _ = convert.port(port)
        if number is not None:
            svc.set("port", number, ("image", "port"))
            svc.row(("image", "port"), F.MAPPED, f"port {number}")


def _rel(path: str) -> str:
    """A workspace-relative path as the pipeline sees it from the repository root."""
    trimmed = path.strip()
    while trimmed.startswith("./"):
        trimmed = trimmed[2:]
    return trimmed.rstrip("/") or "."


def _size(svc: _Service, doc: Doc, kind: str) -> None:
    for key, default in (("cpu", F.DEFAULT_CPU), ("memory", F.DEFAULT_MEMORY)):
        value = doc.get(key)
        if value is None:
            svc.set(key, default, None, f"Copilot's default {key} {default}")
            svc.rows.default((key,), f"not set: Copilot's default {key} {default}")
        else:
            svc.set(key, int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value, (key,))
            svc.row((key,), F.MAPPED, f"{key} {value}")
    platform = doc.get("platform")
    if platform is None:
        svc.rows.default(("platform",), f"not set: Copilot's default {F.DEFAULT_PLATFORM}, tfgen's linux/amd64")
        return
    if isinstance(platform, dict):
        text = f"{platform.get('osfamily', 'linux')}/{platform.get('architecture', 'x86_64')}"
    else:
        text = str(platform)
    arch = {"linux/x86_64": "linux/amd64", "linux/amd64": "linux/amd64", "linux/arm64": "linux/arm64", "linux/arm": "linux/arm64"}.get(text.lower())
    if arch is None:
        svc.row(("platform",), F.UNSUPPORTED, f"{text}: tfgen runs Linux tasks only (linux/amd64 or linux/arm64)")
        return
    if arch == "linux/arm64":
        svc.set("platform", arch, ("platform",))
    svc.row(("platform",), F.MAPPED, f"platform {arch}" + (" (AWS Graviton)" if arch == "linux/arm64" else ""))


def _count(svc: _Service, doc: Doc, kind: str) -> None:
    if kind == "job":
        return
    count = doc.get("count")
    if count is None:
        svc.set("desired_count", F.DEFAULT_COUNT, None, f"Copilot's default count {F.DEFAULT_COUNT}")
        svc.rows.default(("count",), f"not set: Copilot's default count {F.DEFAULT_COUNT}")
        return
    if isinstance(count, int) and not isinstance(count, bool):
        svc.set("desired_count", count, ("count",))
        svc.row(("count",), F.MAPPED, f"desired_count {count}")
        return
    if not isinstance(count, dict):
        svc.row(("count",), F.UNSUPPORTED, f"{count!r} is not a count Copilot takes")
        return
    if "spot" in count:
        spot = count["spot"]
        svc.set("desired_count", spot, ("count", "spot"))
        svc.set("spot", {"base": 0, "share": 100}, ("count", "spot"))
        svc.row(("count", "spot"), F.MAPPED, f"desired_count {spot}, every task on Fargate Spot: spot {{base: 0, share: 100}}")
    rng = count.get("range")
    if rng is not None:
        low = high = spot_from = None
        if isinstance(rng, str) and re.fullmatch(r"\s*\d+\s*-\s*\d+\s*", rng):
            low, high = (int(x) for x in rng.split("-"))
        elif isinstance(rng, dict):
            low, high, spot_from = rng.get("min"), rng.get("max"), rng.get("spot_from")
        if low is None or high is None:
            svc.row(("count", "range"), F.UNSUPPORTED, f"{rng!r} is not a range Copilot takes (min-max)")
        else:
            scaling = {"min": low, "max": high}
            if "cpu_percentage" in count:
                scaling["cpu_target"] = count["cpu_percentage"]
                svc.row(("count", "cpu_percentage"), F.MAPPED, f"autoscaling.cpu_target {count['cpu_percentage']}")
            backlog = None
            if kind == "worker" and isinstance(count.get("queue_delay"), dict):
                delay = count["queue_delay"]
                backlog = convert.backlog_per_task(delay.get("acceptable_latency"), delay.get("msg_processing_time"))
                if backlog is not None:
                    scaling["backlog_per_task"] = backlog
                    svc.row(
                        ("count", "queue_delay"), F.MAPPED,
                        f"autoscaling.backlog_per_task {backlog} ({delay.get('acceptable_latency')} / {delay.get('msg_processing_time')})",
                    )
            svc.set("autoscaling", scaling, ("count", "range"))
            svc.set("desired_count", low, ("count", "range"))
            note = f"autoscaling {low}-{high}, desired_count {low}"
            if spot_from is not None:
                base = max(int(spot_from) - 1, 0)
                svc.set("spot", {"base": base, "share": 100}, ("count", "range", "spot_from"))
                note += f"; spot_from {spot_from}: spot {{base: {base}, share: 100}} (task {spot_from} on runs on Fargate Spot)"
            if "cpu_percentage" not in count and backlog is None:
                note += "; no cpu_percentage: tfgen scales on CPU at its default target 60%"
            svc.row(("count", "range"), F.MAPPED, note)


def _runtime(svc: _Service, doc: Doc) -> None:
    if doc.has("exec"):
        svc.set("exec", bool(doc.get("exec")), ("exec",))
        svc.row(("exec",), F.MAPPED, f"exec {str(bool(doc.get('exec'))).lower()}")
    for key in ("entrypoint", "command"):
        if doc.has(key):
            split = convert.words(doc.get(key))
            if split is None:
                svc.row((key,), F.UNSUPPORTED, f"{doc.get(key)!r} cannot be split into words (an unclosed quote?)")
            else:
                svc.set(key, [svc.text(w) for w in split], (key,))
                svc.row((key,), F.MAPPED, f"{key} {split}")


def _variables(svc: _Service, doc: Doc) -> None:
    env_file = doc.get("env_file")
    if isinstance(env_file, str):
        for name, value, where in _env_file(svc.ctx.root, env_file, doc.where("env_file")):
            svc.set(("environment", name), svc.text(value), None, where)
        svc.row(("env_file",), F.MAPPED, f"environment: the NAME=value lines of {env_file}")
    variables = doc.get("variables")
    if not isinstance(variables, dict):
        return
    for name, value in variables.items():
        path = ("variables", name)
        if isinstance(value, dict):
            svc.row(path, F.UNSUPPORTED, f"from_cfn (a CloudFormation export): {F.WORKSPACE_UNSUPPORTED['from_cfn']}")
            continue
        text = svc.text(value if value is not None else "")
        whole = _SHELL_VAR.fullmatch(text)
        if whole:
            var = _terraform_variable(whole.group(1))
            svc.ctx.input_variables.setdefault(whole.group(1), var)
            # ECS lets `environment` win over an env_file's line of the same name; so does the answers file.
            svc.ctx.out.data["services"][svc.index].get("environment", {}).pop(name, None)
            svc.ctx.out.origins.pop(("services", svc.index, "environment", name), None)
            svc.set(("variables", name), var, path)
            svc.row(
                path, F.MAPPED,
                f"variables.{name}: the Terraform variable {var} (Copilot read ${{{whole.group(1)}}} from the deployer's shell); "
                f"set it in terraform.tfvars or with TF_VAR_{var} before planning",
            )
            continue
        svc.set(("environment", name), text, path)
        shell = _kept_shell_vars(svc.ctx, [text])
        if shell:
            svc.row(
                path, F.APPROXIMATED,
                f"{', '.join('${' + v + '}' for v in shell)} came from the deployer's shell at each Copilot deploy; tfgen keeps the text: "
                f"set the value in terraform.tfvars, Terraform variable services[\"{svc.name}\"].environment[\"{name}\"], before applying",
            )
        else:
            svc.row(path, F.MAPPED, f"environment.{name}" + (" (Copilot's variables substituted)" if text != str(value) and not isinstance(value, bool) else ""))


def _terraform_variable(shell_name: str) -> str:
    """The Terraform variable a shell variable becomes: lowercased, other characters to `_`, and
    prefixed where it would not start with a letter or would take a name the stack declares."""
    name = re.sub(r"[^a-z0-9_]", "_", shell_name.lower())
    if not name[:1].isalpha() or variable_name_refusal(name):
        name = f"shell_{name}"
    return name[:64]


def _env_file(root: Path, relative: str, where: str) -> list[tuple[str, str, str]]:
    shown = _rel(relative)
    path = root / shown
    if not path.is_file():
        raise InputError(f"{where}: env_file {relative} not found in the workspace; nothing was written")
    out = []
    for number, line in enumerate(read_text(path, shown).splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        name, sep, value = line.partition("=")
        if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name.strip()):
            raise InputError(f"{shown}:{number}: not a NAME=value line (an env_file holds one variable a line); nothing was written")
        out.append((name.strip(), value, f"{shown}:{number}"))
    return out


def _secrets(svc: _Service, doc: Doc) -> None:
    secrets = doc.get("secrets")
    if not isinstance(secrets, dict):
        return
    ctx = svc.ctx
    for name, value in secrets.items():
        path = ("secrets", name)
        if isinstance(value, str):
            ref = svc.text(value)
            svc.set(("secrets", name), ref, path)
            what = "a Secrets Manager secret ARN" if ":secretsmanager:" in ref else "an SSM parameter ARN" if ref.startswith("arn:") else "an SSM parameter name"
            svc.row(path, F.MAPPED, f"secrets.{name}: {what}; the execution role may read exactly it")
            continue
        if isinstance(value, dict) and isinstance(value.get("secretsmanager"), str):
            secret = svc.text(value["secretsmanager"])
            if secret.startswith("arn:"):
                svc.set(("secrets", name), secret, path)
                svc.row(path, F.MAPPED, f"secrets.{name}: a Secrets Manager secret ARN")
            elif ":" in secret:
                svc.row(path, F.UNSUPPORTED, f"{secret!r} picks a JSON key of a secret; tfgen's secrets take whole secrets: give the secret's ARN in services[].secrets and read the key in the app")
            elif ctx.account:
                arn = f"arn:aws:secretsmanager:{ctx.region}:{ctx.account}:secret:{secret}"
                svc.set(("secrets", name), arn, path)
                svc.row(
                    path, F.APPROXIMATED,
                    f"secretsmanager: {secret} -> {arn}: the full ARN ends in a suffix the manifest does not hold; replace it with "
                    f"`aws secretsmanager describe-secret --secret-id {secret} --query ARN` before applying, or the execution role may not read it",
                )
            else:
                svc.row(
                    path, F.UNSUPPORTED,
                    f"secretsmanager: {secret} names a secret, but no manifest names the account to make its ARN: add "
                    f"services[].secrets.{name} with `aws secretsmanager describe-secret --secret-id {secret} --query ARN`",
                )
            continue
        svc.row(path, F.UNSUPPORTED, f"from_cfn (a CloudFormation export): {F.WORKSPACE_UNSUPPORTED['from_cfn']}")


def _storage(svc: _Service, doc: Doc) -> None:
    volumes = doc.get("storage", "volumes")
    if not isinstance(volumes, dict):
        return
    mounted = False
    for name, volume in volumes.items():
        path = ("storage", "volumes", name)
        if not isinstance(volume, dict) or not volume.get("efs"):
            svc.row(path, F.UNSUPPORTED, "a task-local volume (no efs): not rendered; use EFS or the container's own storage")
            continue
        if mounted:
            svc.row(path, F.UNSUPPORTED, "tfgen mounts one EFS file system per service: the first volume is mounted; merge the paths or drop this one")
            continue
        mount = volume.get("path")
        if not mount:
            svc.row(path, F.UNSUPPORTED, "no path to mount it at")
            continue
        read_only = volume.get("read_only", True)
        svc.set("efs_mount", str(mount), path + ("path",) if "path" in volume else path)
        svc.set("efs_read_only", bool(read_only), path + ("read_only",) if "read_only" in volume else None,
                None if "read_only" in volume else "Copilot's default read_only true")
        svc.ctx.efs = mounted = True
        efs = volume["efs"]
        note = f"efs_mount {mount}, efs_read_only {str(bool(read_only)).lower()}" + ("" if "read_only" in volume else " (Copilot's default)")
        if isinstance(efs, dict) and efs.get("id"):
            svc.row(path, F.APPROXIMATED, f"{note}; the stack's own file system stands in for {efs['id']}: copy its data over (AWS DataSync) before switching")
        else:
            svc.row(path, F.MAPPED, f"{note} on the stack's EFS file system (efs.enabled)")


def _network(svc: _Service, doc: Doc, kind: str) -> None:
    placement = doc.get("network", "vpc", "placement")
    if placement is None:
        svc.rows.default(
            ("network", "vpc", "placement"),
            "not set: Copilot's default placement is public subnets with a public IP; tfgen runs tasks in private subnets, outbound through NAT",
            F.APPROXIMATED,
        )
    elif placement == "private":
        svc.row(("network", "vpc", "placement"), F.MAPPED, "private subnets, as tfgen runs every task")
    connect = doc.get("network", "connect")
    if connect is None or kind == "job":
        return
    if isinstance(connect, dict):
        svc.set("connect", True, ("network", "connect"))
        svc.row(("network", "connect"), F.APPROXIMATED, f"connect true; callers use http://{svc.name}:PORT, not the alias {connect.get('alias')!r}")
    else:
        svc.set("connect", bool(connect), ("network", "connect"))
        svc.row(("network", "connect"), F.MAPPED, f"connect {str(bool(connect)).lower()}")


def _traffic(svc: _Service, doc: Doc, kind: str) -> None:
    http = doc.get("http")
    if kind == "nlb":
        nlb = doc.get("nlb") or {}
        number, protocol = convert.port(nlb.get("port")) if isinstance(nlb, dict) else (None, None)
        if number is not None:
            image_port = svc.ctx.out.get("services", svc.index, "port")
            svc.set("port", number, ("nlb", "port"))
            note = f"port {number}" + (f" ({protocol})" if protocol else "")
            if image_port not in (None, number):
                note += f"; the container listened on {image_port}: tfgen's NLB listener and container share one port"
            svc.row(("nlb", "port"), F.MAPPED if image_port in (None, number) else F.APPROXIMATED, note)
        if isinstance(nlb, dict) and nlb.get("target_container"):
            svc.set("target", str(nlb["target_container"]), ("nlb", "target_container"))
            svc.row(("nlb", "target_container"), F.MAPPED, f"target {nlb['target_container']}")
        return
    if kind not in ("web", "backend"):
        return
    if doc.has("nlb"):
        svc.row(("nlb",), F.UNSUPPORTED, "tfgen puts a service behind one load balancer: the ALB route (http) is kept; make a second service for the NLB")
    if not isinstance(http, dict):
        if kind == "web":
            svc.rows.default(("http",), "no http.path: the ALB routes every path (/*) to it")
        return
    raw = http.get("path")
    if raw is not None:
        pattern, exact = convert.path_pattern(str(raw))
        key = "path_pattern" if kind == "web" else "internal_path"
        svc.set(key, pattern, ("http", "path"))
        where = "the public ALB" if kind == "web" else "the internal ALB"
        svc.row(
            ("http", "path"), F.MAPPED if exact else F.APPROXIMATED,
            f"{key} {pattern} on {where}" + ("" if exact else f" (Copilot routed /{str(raw).strip('/')} and /{str(raw).strip('/')}/*; the pattern also takes longer names)"),
        )
    check = http.get("healthcheck")
    if check is None:
        svc.rows.default(("http", "healthcheck"), f"not set: Copilot's default health check path {F.DEFAULT_HEALTHCHECK}, tfgen's too")
    else:
        check_path = check if isinstance(check, str) else check.get("path", F.DEFAULT_HEALTHCHECK) if isinstance(check, dict) else None
        others = sorted(k for k in check if k != "path") if isinstance(check, dict) else []
        if check_path:
            svc.set("health_check_path", str(check_path), ("http", "healthcheck", "path") if isinstance(check, dict) and "path" in check else ("http", "healthcheck"))
        note = f"health_check_path {check_path}"
        if others:
            note += f"; {', '.join(others)} keep tfgen's values"
        svc.row(("http", "healthcheck"), F.APPROXIMATED if others else F.MAPPED, note)
    if http.get("target_container"):
        svc.set("target", str(http["target_container"]), ("http", "target_container"))
        svc.row(("http", "target_container"), F.MAPPED, f"target {http['target_container']}")
    alias = http.get("alias")
    if alias is not None:
        names = _aliases(alias)
        if svc.ctx.certificate:
            svc.row(
                ("http", "alias"), F.APPROXIMATED,
                f"HTTPS with the environment's certificate; point {', '.join(names)} at the load balancer's DNS name yourself (Route 53 alias record)",
            )
        else:
            svc.row(
                ("http", "alias"), F.UNSUPPORTED,
                f"{', '.join(names)} needs a certificate, and the environment imports none: request an ACM certificate for it in "
                f"{svc.ctx.region}, set load_balancer.certificate_arn, then point the name at the load balancer's DNS name",
            )


def _aliases(alias: Any) -> list[str]:
    items = alias if isinstance(alias, list) else [alias]
    return [str(a.get("name")) if isinstance(a, dict) else str(a) for a in items]


def _messaging(svc: _Service, doc: Doc, kind: str) -> None:
    topics = doc.get("publish", "topics")
    if isinstance(topics, list) and kind != "job":
        names = [str(t.get("name")) for t in topics if isinstance(t, dict) and t.get("name")]
        svc.set("publish", [{"name": n} for n in names], ("publish", "topics"))
        svc.ctx.published[svc.name] = names
        fifo = [str(t.get("name")) for t in topics if isinstance(t, dict) and t.get("fifo")]
        note = f"publish {', '.join(names)}: an SNS topic each, the task role may publish to them"
        svc.row(("publish", "topics"), F.APPROXIMATED if fifo else F.MAPPED, note + (f"; FIFO ({', '.join(fifo)}) is not built" if fifo else ""))
    if kind != "worker":
        return
    queue: dict[str, Any] = {}
    subscribe = doc.get("subscribe") if isinstance(doc.get("subscribe"), dict) else {}
    settings = subscribe.get("queue") if isinstance(subscribe.get("queue"), dict) else {}
    own_queues = []
    for entry in subscribe.get("topics") or []:
        if isinstance(entry, dict) and isinstance(entry.get("queue"), dict) and not settings:
            settings = entry["queue"]  # a queue of a topic's own: the worker has one queue
        if isinstance(entry, dict) and entry.get("queue"):
            own_queues.append(str(entry.get("name")))
    retention = convert.seconds(settings.get("retention")) if "retention" in settings else None
    timeout = convert.seconds(settings.get("timeout")) if "timeout" in settings else None
    tries = settings["dead_letter"].get("tries") if isinstance(settings.get("dead_letter"), dict) else None
    base = ("subscribe", "queue")
    # A Worker Service always has its queue, settings or not.
    svc.set("queue", {}, ("subscribe",) if doc.has("subscribe") else None, None if doc.has("subscribe") else "a Worker Service's queue")
    if retention is not None:
        svc.set(("queue", "retention_seconds"), int(retention), base + ("retention",))
        svc.row(base + ("retention",), F.MAPPED, f"queue.retention_seconds {int(retention)}")
    else:
        svc.rows.default(base + ("retention",), "not set: Copilot's default retention 4 days, tfgen's too (345600 s)")
    if timeout is not None:
        svc.set(("queue", "processing_time_seconds"), int(timeout), base + ("timeout",))
        svc.row(base + ("timeout",), F.MAPPED, f"queue.processing_time_seconds {int(timeout)}")
    else:
        svc.rows.default(base + ("timeout",), f"not set: Copilot's default timeout {F.DEFAULT_QUEUE_TIMEOUT}s, tfgen's too")
    if tries is not None:
        svc.set(("queue", "max_receive_count"), int(tries), base + ("dead_letter", "tries"))
        svc.row(base + ("dead_letter",), F.MAPPED, f"queue.max_receive_count {tries}")
    subs = []
    for entry in subscribe.get("topics") or []:
        if not isinstance(entry, dict):
            continue
        sub: dict[str, Any] = {"service": str(entry.get("service")), "topic": str(entry.get("name"))}
        if isinstance(entry.get("filter_policy"), dict):
            sub["filter_policy"] = entry["filter_policy"]
        subs.append(sub)
    if subs:
        svc.set(("queue", "subscribe"), subs, ("subscribe", "topics"))
        note = "queue.subscribe " + ", ".join(f"{s['service']}/{s['topic']}" for s in subs)
        if own_queues:
            note += f"; the topics' own queues ({', '.join(own_queues)}) become the worker's one queue"
        svc.row(("subscribe", "topics"), F.APPROXIMATED if own_queues else F.MAPPED, note)


def _job(svc: _Service, doc: Doc, kind: str) -> None:
    if kind != "job":
        return
    raw = doc.get("on", "schedule")
    if raw is None:
        svc.row(("on",), F.UNSUPPORTED, "no on.schedule: a tfgen job needs a schedule; the job is kept, set services[].schedule")
    else:
        expression, how = convert.schedule(str(raw))
        if expression is None:
            svc.row(("on", "schedule"), F.UNSUPPORTED, f"{how}; a tfgen job needs a schedule: set services[].schedule (rate(...) or cron(...))")
        else:
            svc.set("schedule", expression, ("on", "schedule"))
            svc.row(("on", "schedule"), F.MAPPED, f"schedule {how}")
    if doc.has("retries"):
        svc.set("retries", doc.get("retries"), ("retries",))
        svc.row(("retries",), F.APPROXIMATED, f"retries {doc.get('retries')}: EventBridge Scheduler retries a failed invocation; Copilot retried a failed run")
    if doc.has("timeout"):
        secs = convert.seconds(doc.get("timeout"))
        if secs is None:
            svc.row(("timeout",), F.UNSUPPORTED, f"{doc.get('timeout')!r} is not a duration")
        else:
            age = int(min(max(secs, 60), 86400))
            svc.set("max_age_seconds", age, ("timeout",))
            svc.row(
                ("timeout",), F.APPROXIMATED,
                f"max_age_seconds {age}: how long the scheduler keeps trying an invocation; Copilot stopped a run after {doc.get('timeout')}, tfgen does not stop a running task",
            )


def _sidecars(svc: _Service, doc: Doc) -> None:
    sidecars = doc.get("sidecars")
    if not isinstance(sidecars, dict):
        return
    out = []
    for name, spec in sidecars.items():
        path = ("sidecars", name)
        if not isinstance(spec, dict):
            svc.row(path, F.UNSUPPORTED, "not a sidecar definition")
            continue
        image = spec.get("image")
        if isinstance(image, dict):
            image = image.get("location")
        if not isinstance(image, str):
            svc.row(path, F.UNSUPPORTED, "a sidecar built from source (or without an image): give it an image and add it to services[].sidecars")
            continue
        car: dict[str, Any] = {"name": str(name), "image": svc.text(image), "essential": bool(spec.get("essential", True))}
        number, _ = convert.port(spec.get("port")) if spec.get("port") is not None else (None, None)
        if number is not None:
            car["port"] = number
        if isinstance(spec.get("variables"), dict):
            car["environment"] = {k: svc.text(v) for k, v in spec["variables"].items() if not isinstance(v, dict)}
        if isinstance(spec.get("secrets"), dict):
            car["secrets"] = {k: svc.text(v) for k, v in spec["secrets"].items() if isinstance(v, str)}
        if isinstance(spec.get("depends_on"), dict):
            car["depends_on"] = [{"container": str(c), "condition": str(v).upper()} for c, v in spec["depends_on"].items()]
        check = spec.get("healthcheck")
        if isinstance(check, dict) and check.get("command"):
            car["health_check_command"] = convert.words(check["command"])
        left = sorted(k for k in spec if k not in ("image", "port", "essential", "variables", "secrets", "depends_on", "healthcheck"))
        note = f"sidecar {name}" + ("" if "essential" in spec else " (Copilot's default essential true)")
        if left:
            note += f"; {', '.join(left)} not imported"
        # A sidecar has no `variables` key: a value from the deployer's shell stays literal text.
        shell = _kept_shell_vars(svc.ctx, car.get("environment", {}).values())
        if shell:
            note += (
                f"; {', '.join(dict.fromkeys('${' + v + '}' for v in shell))} in its variables came from the deployer's shell "
                "and stay literal text: set the values in the sidecar's environment in the answers file"
            )
        svc.row(path, F.APPROXIMATED if left or shell else F.MAPPED, note)
        out.append(car)
    if out:
        svc.set("sidecars", out, ("sidecars",))


def _next_steps(ctx: _Context, answers: str) -> list[str]:
    steps = [
        f"tfgen new STACKDIR --answers {answers}   (renders the stack; review the rows above first)",
        f"tfgen schema > {Path(answers).parent / SCHEMA_FILE}   (optional: the schema the answers file's first line names, for editors)",
    ]
    registry = f"{ctx.account or 'ACCOUNT'}.dkr.ecr.{ctx.region}.amazonaws.com"
    for name in ctx.builds:
        context, dockerfile = ctx.build_args[name]
        steps.append(
            f"{name} is built from source: after `terraform apply`, push its first image to the stack's ECR repository for "
            f"{name} (REPOSITORY below, a stack output), or let the pipeline's first run do it: "
            f"aws ecr get-login-password --region {ctx.region} | docker login --username AWS --password-stdin {registry} && "
            f"docker build -t REPOSITORY:first -f {dockerfile} {context} && docker push REPOSITORY:first"
        )
    if ctx.input_variables:
        steps.append(
            "set the Terraform variables " + ", ".join(f"{var} (Copilot's ${{{shell}}})" for shell, var in ctx.input_variables.items())
            + " in the stack's terraform.tfvars or with TF_VAR_<name>: Copilot read them from the deployer's shell"
        )
    if ctx.shell_vars:
        steps.append(f"set {', '.join(ctx.shell_vars)} (Copilot read them from the deployer's shell) in the stack's terraform.tfvars")
    return steps
