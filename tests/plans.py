"""Plans made by real Terraform, offline, of resources that already exist.

A scenario is a folder under tests/plan_scenarios/: `after/` holds a root module, and
`scenario.json` (optional) names its before-stack (`{"before": NAME}`: the root module in
tests/plan_scenarios/_before/NAME/, what exists before the change) and holds `{"vars": {NAME:
VALUE}}` passed as `-var`. Shared local modules live in tests/plan_scenarios/_modules/ (sourced as
"../../_modules/NAME").

Updates, replacements and deletions need resources that exist. Without an AWS account they are
made up:

1. The before-stack is planned once (create-only), `terraform plan -refresh=false`.
2. `state_from_plan` turns that plan's `planned_values` into a version 4 state, as if it had been
   applied: every managed resource instance with its attribute values, values unknown until
   apply filled in (see `_Filler`), the provider's schema version per resource type, the
   `module` address, the `index_key` of count/for_each instances, the `provider` and the
   `dependencies`.
3. Settle: the before-stack is planned again against that state (`-detailed-exitcode`). Where the
   state's guesses differ from what Terraform now computes (a policy document read from a data
   source once the ARN it needs is known, say), the planned values replace them
   (`settle_state`), until a plan finds no change at all: the state is then exactly what
   applying the before-stack would have recorded, as far as the configuration can tell.
4. `after/` is written into a folder holding that `terraform.tfstate` and planned with
   `-refresh=false`: Terraform compares the configuration with the state, as it would with
   real resources, so the plan's `resource_changes` carry real delete/replace/update actions.

Scenarios naming the same before-stack share one before-plan and one state. Plans are made in parallel, a few terraform processes at a time.

Limits of the made-up state: values AWS computes are plausible, not real (IDs, ARNs, DNS names,
defaults AWS would fill in); `dependencies` cannot see references inside dynamic blocks or
through locals (the plan's configuration leaves them out), which only matters to the order of
destroys at apply; `create_before_destroy` is not recorded (Terraform takes it from the
configuration when planning a replacement); data sources are not stored (they are read again).

Use from pytest through the `scenario_plan` fixture (import it into the test module), or from a
shell, to develop against a plan:

    python tests/plans.py efs_replaced > /tmp/efs_replaced.json
    python tests/plans.py --state efs_replaced      # the synthesised terraform.tfstate
    python tests/plans.py --round-trip efs_replaced  # its before-stack planned against its state
    python tests/plans.py --list
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import shutil
import sys
import threading
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

if __name__ == "__main__":  # run as a script: make `tfgen` and `conftest` importable
    sys.path[:0] = [str(Path(__file__).resolve().parent.parent), str(Path(__file__).resolve().parent)]

import pytest

from tfgen.errors import TerraformError
from tfgen.plan.reader import module_resources
from tfgen.terraform import Terraform

SCENARIOS_DIR = Path(__file__).resolve().parent / "plan_scenarios"
SHARED_MODULES = "_modules"
SHARED_BEFORE = "_before"

ACCOUNT_ID = "123456789012"
DEFAULT_REGION = "us-east-1"
AWS_PROVIDER = "registry.terraform.io/hashicorp/aws"
# GOGC for the terraform processes (and the providers they start), unless set in the environment.
GOGC = "off"
# Plans of a before-stack against its synthesised state that may correct it before it must be stable.
MAX_SETTLE_ROUNDS = 2

MakeTerraform = Callable[[Path], Terraform]


# ---------------------------------------------------------------------------------------------
# Scenarios
# ---------------------------------------------------------------------------------------------


def scenario_names() -> list[str]:
    return sorted(p.name for p in SCENARIOS_DIR.iterdir() if (p / "after").is_dir())


@dataclass(frozen=True)
class Scenario:
    name: str
    path: Path
    vars: dict[str, str] = field(default_factory=dict)
    before_dir: Path | None = None

    @classmethod
    def load(cls, name: str) -> Scenario:
        path = SCENARIOS_DIR / name
        if not (path / "after").is_dir():
            raise KeyError(f"no plan scenario {name!r} (known: {', '.join(scenario_names())})")
        meta_file = path / "scenario.json"
        meta = json.loads(meta_file.read_text()) if meta_file.is_file() else {}
        before = SCENARIOS_DIR / SHARED_BEFORE / meta["before"] if "before" in meta else None
        if before is not None and not before.is_dir():
            raise KeyError(f"plan scenario {name!r}: no before-stack {before}")
        return cls(name, path, {k: str(v) for k, v in meta.get("vars", {}).items()}, before)

    @property
    def before(self) -> Path | None:
        """The configuration the state is made from: a shared stack under _before/, named in
        scenario.json, so scenarios that change the same stack do not repeat it."""
        return self.before_dir

    @property
    def after(self) -> Path:
        return self.path / "after"

    def var_args(self) -> list[str]:
        return [f"-var={name}={value}" for name, value in self.vars.items()]

    def before_key(self) -> str | None:
        """Identical before-stacks (shared modules included) share one before-plan and state."""
        if self.before is None:
            return None
        digest = hashlib.sha256()
        for base in (self.before, SCENARIOS_DIR / SHARED_MODULES):
            for file in _tf_files(base):
                digest.update(file.relative_to(base).as_posix().encode() + b"\0" + file.read_bytes() + b"\0")
        return digest.hexdigest()[:12]


def _tf_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and ".terraform" not in p.parts)


def _copy_root(src: Path, dest: Path) -> Path:
    """Copy a scenario root to `dest`; roots sit two levels below the workspace, as in the repo."""
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns(".terraform*", "*.tfstate*", "tfplan"))
    return dest


# ---------------------------------------------------------------------------------------------
# Provider schemas
# ---------------------------------------------------------------------------------------------


def provider_resource_schemas(tf: Terraform, provider: str = AWS_PROVIDER) -> dict[str, dict]:
    """`resource_schemas` of `provider` (type -> {"version", "block"}), from an initialised root."""
    schemas = json.loads(tf.run("providers", "schema", "-json").stdout)
    return schemas["provider_schemas"][provider]["resource_schemas"]


# ---------------------------------------------------------------------------------------------
# State synthesis
# ---------------------------------------------------------------------------------------------


def state_from_plan(
    plan: dict[str, Any],
    resource_schemas: dict[str, dict],
    *,
    lineage: str | None = None,
    serial: int = 1,
) -> dict[str, Any]:
    """A version 4 state recording every managed resource instance `plan` would create as existing.

    `resource_schemas` maps a resource type to its provider schema (`version` and `block`, as in
    `terraform providers schema -json`); the block gives the type of each value left unknown
    until apply, which is then made up (`_Filler`). Data sources are left out: Terraform reads
    them again while planning.
    """
    filler = _Filler(plan, resource_schemas)
    grouped: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for inst in filler.instances.values():
        group_key = (inst.module, "managed", inst.type, inst.name)
        resource = grouped.setdefault(
            group_key,
            {
                **({"module": inst.module} if inst.module else {}),
                "mode": "managed",
                "type": inst.type,
                "name": inst.name,
                "provider": inst.provider,
                "instances": [],
            },
        )
        if inst.index is not None:
            resource["each"] = "list" if isinstance(inst.index, int) else "map"
        version = int(resource_schemas.get(inst.type, {}).get("version", inst.schema_version or 0))
        obj: dict[str, Any] = {}
        if inst.index is not None:
            obj["index_key"] = inst.index
        obj["schema_version"] = version
        obj["attributes"] = filler.filled(inst.address)
        obj["sensitive_attributes"] = _sensitive_paths(inst.after_sensitive)
        deps = filler.dependencies(inst)
        if deps:
            obj["dependencies"] = deps
        resource["instances"].append(obj)

    resources = sorted(grouped.values(), key=lambda r: (r.get("module", ""), r["mode"], r["type"], r["name"]))
    for resource in resources:
        resource["instances"].sort(key=lambda o: _index_sort_key(o.get("index_key")))
    return {
        "version": 4,
        "terraform_version": plan.get("terraform_version", "1.11.0"),
        "serial": serial,
        "lineage": lineage or str(uuid.uuid5(uuid.NAMESPACE_URL, json.dumps(sorted(filler.instances)))),
        "outputs": _root_outputs(plan),
        "resources": resources,
        "check_results": None,
    }


POLICY_ATTRIBUTES = {
    "aws_iam_role_policy": "policy",
    "aws_iam_role": "assume_role_policy",
    "aws_sqs_queue_policy": "policy",
    "aws_sns_topic_policy": "policy",
    "aws_ecr_repository_policy": "policy",
}


def policies(plan: dict[str, Any]) -> list[tuple[str, str | None]]:
    """(address, document) of every IAM-style policy document the plan holds (None: unknown)."""
    found = []
    for _, r in module_resources(plan["planned_values"]):
        attribute = POLICY_ATTRIBUTES.get(r["type"])
        if attribute:
            found.append((r["address"], r["values"].get(attribute)))
    return found


def plan_as_if_applied(tf: Terraform, first_plan: dict[str, Any], schemas: dict[str, dict]) -> dict[str, Any]:
    """`tf`'s root planned against a state made from its first plan, settled until every policy
    document in the plan is known (documents built from ARNs AWS assigns are unknown at first)."""
    state = state_from_plan(first_plan, schemas)
    for _ in range(MAX_SETTLE_ROUNDS + 1):
        (tf.workdir / "terraform.tfstate").write_text(json.dumps(state))
        tf.plan("tfplan-applied", "-refresh=false", "-lock=false")
        plan = tf.show_json("tfplan-applied")
        if all(isinstance(document, str) for _, document in policies(plan)):
            return plan
        state = settle_state(state, plan)
    raise AssertionError(f"policies of {tf.workdir} still unknown: {[a for a, d in policies(plan) if d is None]}")


def settle_state(state: dict[str, Any], plan: dict[str, Any]) -> dict[str, Any]:
    """`state` corrected by a plan of the same configuration against it (the "settle" step).

    Where `state_from_plan` could not tell a value (a dynamic block whose for_each was unknown,
    an interpolated string, a policy document built from an ARN...), the plan shows an update or
    a replacement; its planned values, now computed from the state's, replace the guesses.
    """
    state = copy.deepcopy(state)
    changes = {rc["address"]: rc["change"] for rc in plan.get("resource_changes", []) if rc.get("mode") == "managed"}
    for resource in state["resources"]:
        base = _join(resource.get("module", ""), f"{resource['type']}.{resource['name']}")
        for obj in resource["instances"]:
            key = obj.get("index_key")
            change = changes.get(base if key is None else f"{base}[{json.dumps(key)}]")
            if not change or change["actions"] in (["no-op"], ["read"], ["delete"]):
                continue
            obj["attributes"] = _merge_known(obj["attributes"], change["after"], change.get("after_unknown", {}))
            obj["sensitive_attributes"] = _sensitive_paths(change.get("after_sensitive", {}))
    state["outputs"] = {**state.get("outputs", {}), **_root_outputs(plan)}
    state["serial"] = state.get("serial", 0) + 1
    return state


def _merge_known(prior: Any, after: Any, unknown: Any) -> Any:
    """`after`, keeping `prior` wherever `after` is unknown."""
    if unknown is True:
        return prior
    if isinstance(after, dict):
        prior = prior if isinstance(prior, dict) else {}
        unknown = unknown if isinstance(unknown, dict) else {}
        merged = {**prior, **{k: _merge_known(prior.get(k), v, unknown.get(k)) for k, v in after.items()}}
        for k, u in unknown.items():
            if u is True and k not in after:
                merged[k] = prior.get(k)
        return merged
    if isinstance(after, list):
        prior = prior if isinstance(prior, list) else []
        unknown = unknown if isinstance(unknown, list) else []
        return [
            _merge_known(prior[i] if i < len(prior) else None, v, unknown[i] if i < len(unknown) else None)
            for i, v in enumerate(after)
        ]
    return after


def _index_sort_key(key: Any) -> tuple[int, Any]:
    if key is None:
        return (0, 0)
    return (1, key) if isinstance(key, int) else (2, key)


def _sensitive_paths(marks: Any, path: list[dict] | None = None) -> list[list[dict]]:
    """after_sensitive (True where a value is sensitive) as the state's list of cty paths."""
    path = path or []
    if marks is True:
        return [path]
    found: list[list[dict]] = []
    if isinstance(marks, dict):
        for key, sub in marks.items():
            found += _sensitive_paths(sub, path + [{"type": "get_attr", "value": key}])
    elif isinstance(marks, list):
        for i, sub in enumerate(marks):
            found += _sensitive_paths(sub, path + [{"type": "index", "value": {"value": i, "type": "number"}}])
    return found


def _root_outputs(plan: dict[str, Any]) -> dict[str, Any]:
    """Root outputs whose values the plan knows (unknown ones are planned again as created)."""
    outputs = {}
    for name, out in plan.get("planned_values", {}).get("outputs", {}).items():
        if "value" in out:
            outputs[name] = {"value": out["value"], "type": _cty_type(out["value"])}
            if out.get("sensitive"):
                outputs[name]["sensitive"] = True
    return outputs


def _cty_type(value: Any) -> Any:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return ["tuple", [_cty_type(v) for v in value]]
    if isinstance(value, dict):
        return ["object", {k: _cty_type(v) for k, v in value.items()}]
    return "dynamic"


@dataclass
class _Instance:
    address: str
    module: str  # module instance address, "" for the root
    config_module: tuple[str, ...]  # module call names from the root
    type: str
    name: str
    index: int | str | None
    provider: str
    schema_version: int | None
    values: dict[str, Any]
    after_unknown: Any
    after_sensitive: Any

    @property
    def resource_key(self) -> str:
        return f"{self.type}.{self.name}"


_MISSING = object()
# Arguments that name what they point to: argument -> (resource type, attribute).
_POINTS_TO = {
    "target_group_arn": ("aws_lb_target_group", "arn"),
    "load_balancer_arn": ("aws_lb", "arn"),
    "listener_arn": ("aws_lb_listener", "arn"),
    "file_system_id": ("aws_efs_file_system", "id"),
    "file_system_arn": ("aws_efs_file_system", "arn"),
    "access_point_id": ("aws_efs_access_point", "id"),
    "cluster": ("aws_ecs_cluster", "arn"),
    "task_definition": ("aws_ecs_task_definition", "arn"),
    "certificate_arn": ("aws_acm_certificate", "arn"),
}
_PENDING = object()  # unknown, not filled in yet
# Computed last, from the instance's other (filled) values.
_DERIVED = ("id", "arn", "arn_suffix", "arn_without_revision", "dns_name")
_TOKEN = re.compile(r'([A-Za-z_][A-Za-z0-9_-]*)|\[("(?:[^"\\]|\\.)*"|\d+|\*)\]|\.')


def _parse_traversal(ref: str) -> list[str | int]:
    """'module.svc["web"].arn' -> ['module', 'svc', 'web', 'arn'] (index keys as str/int)."""
    steps: list[str | int] = []
    for name, index in _TOKEN.findall(ref):
        if name:
            steps.append(name)
        elif index:
            steps.append(int(index) if index.isdigit() else json.loads(index) if index.startswith('"') else index)
    return steps


class _Filler:
    """Values for everything a create-only plan leaves unknown until apply.

    In order of preference, an unknown value is:
    - the value it refers to, when its configuration expression is a single reference to an
      attribute of another resource (through module variables and outputs too), e.g. a mount
      target's `file_system_id = aws_efs_file_system.this.id` gets the file system's made-up ID;
    - a well-formed made-up value for well-known attributes (`_Fakes`): IDs like
      `fs-0123456789abcdef0`, ARNs in account 123456789012 and the provider's region, DNS names,
      `tags_all` equal to `tags`;
    - otherwise an empty value of the attribute's schema type ("" / 0 / false / [] / {} / null).
    """

    def __init__(self, plan: dict[str, Any], resource_schemas: dict[str, dict]):
        self.plan = plan
        self.schemas = resource_schemas
        self.region = _region(plan)
        self.fakes = _Fakes(self.region)
        self.modules = _config_modules(plan)
        changes = {rc["address"]: rc["change"] for rc in plan.get("resource_changes", []) if rc.get("mode") == "managed"}
        self.instances: dict[str, _Instance] = {}
        self.data_values: dict[str, Any] = {}
        for module_address, res in module_resources(plan.get("planned_values", {})):
            if res.get("mode") == "data":
                self.data_values[res["address"]] = res.get("values", {})
                continue
            change = changes.get(res["address"], {})
            if change.get("actions") == ["delete"]:
                continue
            module_config = self.modules.get(_config_path(module_address), {})
            config = module_config.get("resources", {}).get(f"{res['type']}.{res['name']}", {})
            self.instances[res["address"]] = _Instance(
                address=res["address"],
                module=module_address,
                config_module=_config_path(module_address),
                type=res["type"],
                name=res["name"],
                index=res.get("index"),
                provider=_provider_address(res, config),
                schema_version=res.get("schema_version"),
                values=res.get("values", {}),
                after_unknown=change.get("after_unknown", {}),
                after_sensitive=change.get("after_sensitive", {}),
            )
        for _, res in module_resources(plan.get("prior_state", {}).get("values", {})):
            if res.get("mode") == "data":  # data sources read while planning
                self.data_values[res["address"]] = res.get("values", {})
        self._filled: dict[str, dict[str, Any]] = {}
        self._in_progress: set[str] = set()

    # -- values ---------------------------------------------------------------------------------

    def filled(self, address: str) -> dict[str, Any]:
        if address in self._filled:
            return self._filled[address]
        if address in self._in_progress:
            raise _Cycle(address)
        self._in_progress.add(address)
        try:
            inst = self.instances[address]
            values = copy.deepcopy(inst.values)
            block = self.schemas.get(inst.type, {}).get("block", {})
            unknown = inst.after_unknown if isinstance(inst.after_unknown, dict) else {}
            # First every value that copies another resource's, then the made-up ones (which may
            # be built from the first, like a mount target's file_system_arn from file_system_id),
            # IDs and ARNs last.
            keys = sorted(unknown, key=lambda k: (k in _DERIVED, _DERIVED.index(k) if k in _DERIVED else 0, k))
            for resolve_only in (True, False):
                for key in keys:
                    current = values.get(key, _PENDING)
                    if current is not _PENDING or unknown[key] is True:
                        typ = _attr_type(block, key)
                        values[key] = self._fill(inst, values, [key], current, unknown[key], typ, resolve_only)
            values = _replace_pending(values)
            # Attributes the plan omitted altogether (neither known nor unknown) are null.
            for key in block.get("attributes", {}):
                values.setdefault(key, None)
            self._filled[address] = values
            return values
        finally:
            self._in_progress.discard(address)

    def _fill(
        self, inst: _Instance, values: dict, path: list, value: Any, unknown: Any, typ: Any, resolve_only: bool
    ) -> Any:
        if unknown is True:  # the plan has no value here (or a placeholder null in a collection)
            if resolve_only:
                resolved = self._resolve_expression(inst, path)
                if resolved is _MISSING:
                    resolved = self._only_candidate(inst, path)
                return _PENDING if resolved is _MISSING else _conform(resolved, typ)
            return self.fakes.value(inst, values, path, typ) if value is _PENDING else value
        if isinstance(unknown, dict) and isinstance(value, dict):
            for key, sub in unknown.items():
                current = value.get(key, _PENDING)
                if current is not _PENDING or sub is True:
                    value[key] = self._fill(inst, values, path + [key], current, sub, _child_type(typ, key), resolve_only)
        elif isinstance(unknown, list) and isinstance(value, list):
            for i, sub in enumerate(unknown[: len(value)]):
                value[i] = self._fill(inst, values, path + [i], value[i], sub, _child_type(typ, i), resolve_only)
        return value

    def _resolve_expression(self, inst: _Instance, path: list) -> Any:
        """The value of the configuration expression at `path`, if it is a single reference."""
        config = self.modules.get(inst.config_module, {}).get("resources", {}).get(inst.resource_key)
        expr: Any = (config or {}).get("expressions", {})
        for step in path:
            if isinstance(expr, list):
                expr = expr[step] if isinstance(step, int) and step < len(expr) else (expr[0] if expr else None)
                if isinstance(step, int):
                    continue
            if not isinstance(expr, dict) or step not in expr:
                return _MISSING
            expr = expr[step]
        if isinstance(expr, list) and len(expr) == 1:
            expr = expr[0]
        if not isinstance(expr, dict):
            return _MISSING
        return self._resolve_refs(inst.module, expr.get("references", []), inst.index)

    def _only_candidate(self, inst: _Instance, path: list) -> Any:
        """For an argument named after what it points to (`target_group_arn`...), when the
        configuration does not say (a dynamic block's content): the only such resource's value."""
        target = _POINTS_TO.get(path[-1]) if isinstance(path[-1], str) else None
        if target is None:
            return _MISSING
        rtype, attr = target
        candidates = [a for a, other in self.instances.items() if other.type == rtype and a != inst.address]
        if len(candidates) != 1:
            return _MISSING
        try:
            return self.filled(candidates[0]).get(attr, _MISSING)
        except _Cycle:
            return _MISSING

    def _resolve_refs(self, module: str, refs: list[str], self_index: Any) -> Any:
        ref = _single_reference(refs)
        if ref is None:
            return _MISSING
        try:
            return self._resolve(module, _parse_traversal(ref), self_index)
        except _Cycle:
            return _MISSING

    def _resolve(self, module: str, steps: list, self_index: Any) -> Any:
        head = steps[0]
        if head == "var":
            return self._resolve_var(module, steps[1], steps[2:])
        if head == "module":
            return self._resolve_output(module, steps[1:])
        if head == "data":
            if len(steps) < 4:
                return _MISSING
            address = _join(module, f"data.{steps[1]}.{steps[2]}")
            values = self.data_values.get(address, _MISSING)
            return _traverse(values, steps[3:])
        if head in ("local", "each", "count", "path", "self", "terraform"):
            return _MISSING
        # TYPE.NAME[key]?.ATTR...
        if len(steps) < 3:
            return _MISSING
        resource = _join(module, f"{steps[0]}.{steps[1]}")
        rest = steps[2:]
        if isinstance(rest[0], (int, str)) and f"{resource}[{json.dumps(rest[0])}]" in self.instances:
            target = f"{resource}[{json.dumps(rest[0])}]"
            rest = rest[1:]
        elif resource in self.instances:
            target = resource
        elif self_index is not None and f"{resource}[{json.dumps(self_index)}]" in self.instances:
            target = f"{resource}[{json.dumps(self_index)}]"  # the count.index / each.key idiom
        else:
            return _MISSING
        if not rest:
            return _MISSING  # a whole resource: too ambiguous to copy
        return _traverse(self.filled(target), rest)

    def _resolve_var(self, module: str, name: str, rest: list) -> Any:
        if not module:
            var = self.plan.get("variables", {}).get(name)
            return _traverse(var["value"], rest) if var and "value" in var else _MISSING
        parent, call = _split_module(module)
        call_config = self.modules.get(_config_path(parent), {}).get("module_calls", {}).get(call, {})
        expr = call_config.get("expressions", {}).get(name)
        if not isinstance(expr, dict):
            return _MISSING
        if "constant_value" in expr:
            return _traverse(expr["constant_value"], rest)
        return _traverse(self._resolve_refs(parent, expr.get("references", []), None), rest)

    def _resolve_output(self, module: str, steps: list) -> Any:
        call, rest = steps[0], steps[1:]
        child = _join(module, f"module.{call}")
        call_config = self.modules.get(_config_path(module), {}).get("module_calls", {}).get(call, {})
        if rest and ("for_each_expression" in call_config or "count_expression" in call_config):
            child = f"{child}[{json.dumps(rest[0])}]"  # module.NAME[KEY].OUTPUT
            rest = rest[1:]
        if not rest:
            return _MISSING
        output = self.modules.get(_config_path(child), {}).get("outputs", {}).get(rest[0])
        if not output:
            return _MISSING
        expr = output.get("expression", {})
        if "constant_value" in expr:
            return _traverse(expr["constant_value"], rest[1:])
        return _traverse(self._resolve_refs(child, expr.get("references", []), None), rest[1:])

    # -- dependencies -----------------------------------------------------------------------------

    def dependencies(self, inst: _Instance) -> list[str]:
        """Every resource `inst` depends on, directly or not, as Terraform records it in state."""
        found: set[str] = set()
        seen: set[tuple] = set()
        self_addr = _config_resource(inst.config_module, inst.resource_key)
        config = self.modules.get(inst.config_module, {}).get("resources", {}).get(inst.resource_key, {})
        stack = [(inst.config_module, ref) for ref in _all_references(config)]
        while stack:
            module_path, ref = stack.pop()
            if (module_path, ref) in seen:
                continue
            seen.add((module_path, ref))
            steps = _parse_traversal(ref)
            module = self.modules.get(module_path, {})
            if not steps:
                continue
            if steps[0] == "var" and len(steps) > 1 and module_path:
                parent = module_path[:-1]
                call = self.modules.get(parent, {}).get("module_calls", {}).get(module_path[-1], {})
                expr = call.get("expressions", {}).get(steps[1], {})
                stack += [(parent, r) for r in _all_references(expr)]
            elif steps[0] == "module" and len(steps) > 1:
                child = module_path + (steps[1],)
                outputs = self.modules.get(child, {}).get("outputs", {})
                names = [s for s in steps[2:] if isinstance(s, str) and s in outputs][:1] or list(outputs)
                for out in names:
                    stack += [(child, r) for r in _all_references(outputs[out])]
            elif steps[0] == "data" and len(steps) > 2:
                key = f"data.{steps[1]}.{steps[2]}"
                found.add(_config_resource(module_path, key))
                stack += [(module_path, r) for r in _all_references(module.get("resources", {}).get(key, {}))]
            elif steps[0] not in ("var", "local", "each", "count", "path", "self", "terraform") and len(steps) > 1:
                key = f"{steps[0]}.{steps[1]}"
                if key in module.get("resources", {}):
                    found.add(_config_resource(module_path, key))
                    stack += [(module_path, r) for r in _all_references(module["resources"][key])]
        found.discard(self_addr)
        return sorted(found)


def _replace_pending(value: Any) -> Any:
    if value is _PENDING:
        return None
    if isinstance(value, dict):
        return {k: _replace_pending(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace_pending(v) for v in value]
    return value


class _Cycle(Exception):
    pass


def _single_reference(refs: list[str]) -> str | None:
    """The one value an expression refers to, dropping the shorter forms Terraform lists too."""
    specific = [r for r in refs if not any(o != r and (o.startswith(r + ".") or o.startswith(r + "[")) for o in refs)]
    return specific[0] if len(specific) == 1 else None


def _traverse(value: Any, steps: list) -> Any:
    for step in steps:
        if value is _MISSING:
            return _MISSING
        if isinstance(value, dict) and isinstance(step, str) and step in value:
            value = value[step]
        elif isinstance(value, list) and isinstance(step, int) and 0 <= step < len(value):
            value = value[step]
        else:
            return _MISSING
    return value


def _join(module: str, rest: str) -> str:
    return f"{module}.{rest}" if module else rest


def _split_module(module: str) -> tuple[str, str]:
    """'module.a.module.b["x"]' -> ('module.a', 'b')."""
    steps = _module_steps(module)
    parent = "".join(f".module.{name}" + (f"[{json.dumps(key)}]" if key is not None else "") for name, key in steps[:-1])
    return parent.lstrip("."), steps[-1][0]


def _module_steps(module: str) -> list[tuple[str, Any]]:
    steps = _parse_traversal(module)
    out: list[tuple[str, Any]] = []
    i = 0
    while i < len(steps):
        if steps[i] == "module":
            name = steps[i + 1]
            key = None
            if i + 2 < len(steps) and steps[i + 2] != "module":
                key = steps[i + 2]
                i += 1
            out.append((name, key))
            i += 2
        else:
            i += 1
    return out


def _config_path(module: str) -> tuple[str, ...]:
    return tuple(name for name, _ in _module_steps(module)) if module else ()


def _config_resource(module_path: tuple[str, ...], key: str) -> str:
    return "".join(f"module.{m}." for m in module_path) + key


def _all_references(node: Any) -> Iterator[str]:
    """Every reference in a configuration resource / expression tree, depends_on included."""
    if isinstance(node, dict):
        for key, sub in node.items():
            if key in ("references", "depends_on") and isinstance(sub, list):
                yield from (s for s in sub if isinstance(s, str))
            else:
                yield from _all_references(sub)
    elif isinstance(node, list):
        for sub in node:
            yield from _all_references(sub)


def _config_modules(plan: dict[str, Any]) -> dict[tuple[str, ...], dict[str, Any]]:
    """Module path (call names) -> {"resources": {TYPE.NAME or data.TYPE.NAME: config}, ...}."""
    modules: dict[tuple[str, ...], dict[str, Any]] = {}
    stack: list[tuple[tuple[str, ...], dict]] = [((), plan.get("configuration", {}).get("root_module", {}))]
    while stack:
        path, module = stack.pop()
        resources = {}
        for res in module.get("resources", []):
            key = f"{res['type']}.{res['name']}" if res.get("mode") != "data" else f"data.{res['type']}.{res['name']}"
            resources[key] = res
        modules[path] = {
            "resources": resources,
            "module_calls": module.get("module_calls", {}),
            "outputs": module.get("outputs", {}),
        }
        for name, call in module.get("module_calls", {}).items():
            stack.append((path + (name,), call.get("module", {})))
    return modules


def _provider_address(res: dict, config: dict) -> str:
    """The state's provider string: every provider configuration sits in the root module here."""
    name = res.get("provider_name", AWS_PROVIDER)
    key = config.get("provider_config_key", "")
    alias = key.split(":")[-1].split(".", 1)[1] if "." in key.split(":")[-1] else None
    return f'provider["{name}"]' + (f".{alias}" if alias else "")


def _region(plan: dict[str, Any]) -> str:
    aws = plan.get("configuration", {}).get("provider_config", {}).get("aws", {})
    region = aws.get("expressions", {}).get("region", {}).get("constant_value")
    return region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or DEFAULT_REGION


# -- schema types -------------------------------------------------------------------------------
# A "type" below is ("attr", cty type JSON) | ("nested", nested_type) | ("block", block type) |
# ("object", block) for one element of a nested block, or None when unknown.


def _attr_type(block: dict, key: str) -> Any:
    if key in block.get("attributes", {}):
        attr = block["attributes"][key]
        return ("nested", attr["nested_type"]) if "nested_type" in attr else ("attr", attr.get("type"))
    if key in block.get("block_types", {}):
        return ("block", block["block_types"][key])
    return None


def _child_type(typ: Any, step: Any) -> Any:
    if typ is None:
        return None
    kind, spec = typ
    if kind == "object":
        return _attr_type(spec, step)
    if kind == "block":
        if spec.get("nesting_mode") in ("single", "group"):
            return _attr_type(spec["block"], step)
        return ("object", spec["block"])
    if kind == "nested":
        attrs = {"attributes": spec.get("attributes", {})}
        return ("object", attrs) if spec.get("nesting_mode") in ("list", "set", "map") else _attr_type(attrs, step)
    if kind == "attr":
        if isinstance(spec, list):
            if spec[0] in ("list", "set", "map"):
                return ("attr", spec[1])
            if spec[0] == "object":
                return ("attr", spec[1].get(step))
            if spec[0] == "tuple" and isinstance(step, int) and step < len(spec[1]):
                return ("attr", spec[1][step])
    return None


def _empty(typ: Any) -> Any:
    if typ is None:
        return None
    kind, spec = typ
    if kind == "block":
        return None if spec.get("nesting_mode") in ("single", "group") else ({} if spec.get("nesting_mode") == "map" else [])
    if kind == "nested":
        mode = spec.get("nesting_mode")
        return [] if mode in ("list", "set") else ({} if mode == "map" else None)
    if kind == "object":
        return None
    if spec == "string":
        return ""
    if spec == "number":
        return 0
    if spec == "bool":
        return False
    if isinstance(spec, list):
        return [] if spec[0] in ("list", "set", "tuple") else ({} if spec[0] == "map" else None)
    return None


def _conform(value: Any, typ: Any) -> Any:
    """A referenced scalar used where the schema wants a collection, as in `[aws_x.y.id]`."""
    if typ and typ[0] == "attr" and isinstance(typ[1], list) and typ[1][0] in ("list", "set"):
        if value is not None and not isinstance(value, list):
            return [value]
    return value


class _Fakes:
    """Plausible made-up values for attributes AWS assigns: IDs, ARNs, DNS names, dates."""

    # Resource type -> ID prefix of the AWS resource IDs it gets.
    ID_PREFIX = {
        "aws_efs_file_system": "fs",
        "aws_efs_mount_target": "fsmt",
        "aws_efs_access_point": "fsap",
        "aws_security_group": "sg",
        "aws_vpc": "vpc",
        "aws_subnet": "subnet",
        "aws_internet_gateway": "igw",
        "aws_nat_gateway": "nat",
        "aws_eip": "eipalloc",
        "aws_route_table": "rtb",
        "aws_launch_template": "lt",
        "aws_vpc_endpoint": "vpce",
        "aws_vpc_endpoint_service": "vpce-svc",
        "aws_vpc_security_group_ingress_rule": "sgr",
        "aws_vpc_security_group_egress_rule": "sgr",
        "aws_flow_log": "fl",
        "aws_network_interface": "eni",
    }
    # Resource type -> (ARN service, resource path kind) for the generic ARN.
    ARN_KIND = {
        "aws_efs_file_system": ("elasticfilesystem", "file-system"),
        "aws_efs_access_point": ("elasticfilesystem", "access-point"),
        "aws_security_group": ("ec2", "security-group"),
        "aws_vpc": ("ec2", "vpc"),
        "aws_subnet": ("ec2", "subnet"),
        "aws_launch_template": ("ec2", "launch-template"),
        "aws_vpc_security_group_ingress_rule": ("ec2", "security-group-rule"),
        "aws_vpc_security_group_egress_rule": ("ec2", "security-group-rule"),
    }
    # Route 53 hosted zone of ALBs / NLBs per region (only its shape matters here).
    LB_ZONE = "Z32O12XQLNTSW2"

    def __init__(self, region: str):
        self.region = region

    def value(self, inst: _Instance, values: dict, path: list, typ: Any) -> Any:
        key = path[-1] if isinstance(path[-1], str) else None
        if len(path) == 1 and key is not None:
            known = {k: v for k, v in values.items() if v is not _PENDING}
            made = self.top_level(inst, known, key)
            if made is not _MISSING:
                return _conform(made, typ)
        if key is not None and typ and typ[0] == "attr" and typ[1] == "string":
            made = self.by_name(inst, key)
            if made is not _MISSING:
                return made
        return _empty(typ)

    def hex(self, inst: _Instance, salt: str, n: int = 17) -> str:
        return hashlib.sha256(f"{inst.address}/{salt}".encode()).hexdigest()[:n]

    def digits(self, inst: _Instance, salt: str, n: int) -> str:
        return str(int(self.hex(inst, salt, 32), 16))[-n:].rjust(n, "1")

    def unique_suffix(self, inst: _Instance, salt: str) -> str:
        """Like the provider's generated names: a creation timestamp and a counter."""
        return f"20240101000000000000{self.digits(inst, salt, 6)}"

    def by_name(self, inst: _Instance, key: str) -> Any:
        r = self.region
        if key in ("owner_id", "account_id", "owner"):
            return ACCOUNT_ID
        if key == "availability_zone_name" or key == "availability_zone":
            return f"{r}a"
        if key == "availability_zone_id":  # eu-west-1 -> euw1-az1
            area, direction, number = r.split("-")[:3]
            return f"{area}{direction[0]}{number}-az{inst.index % 3 + 1 if isinstance(inst.index, int) else 1}"
        if key in ("network_interface_id", "eni_id"):
            return f"eni-{self.hex(inst, key)}"
        if key in ("ip_address", "private_ip"):
            return f"10.0.{int(self.hex(inst, key, 2), 16) % 200 + 1}.{int(self.hex(inst, 'ip', 2), 16) % 250 + 4}"
        if key == "zone_id":
            return self.LB_ZONE
        if key == "unique_id":
            return "AROA" + self.hex(inst, key, 17).upper()
        if key in ("create_date", "creation_time", "created_at", "creation_date"):
            return "2024-01-01T00:00:00Z"
        if key == "kms_key_id":
            return f"arn:aws:kms:{r}:{ACCOUNT_ID}:key/{uuid.UUID(self.hex(inst, key, 32))}"
        return _MISSING

    def top_level(self, inst: _Instance, values: dict, key: str) -> Any:
        rtype, r, acct = inst.type, self.region, ACCOUNT_ID
        if key == "tags_all":
            return dict(values.get("tags") or {})
        if key == "name" and isinstance(values.get("tags"), dict) and "Name" in values["tags"]:
            return values["tags"]["Name"]
        if key == "name" and values.get("name_prefix"):
            return f"{values['name_prefix']}{self.unique_suffix(inst, key)}"
        if key == "creation_token":
            return f"terraform-{self.unique_suffix(inst, key)}"
        if rtype == "aws_efs_file_system" and key in ("availability_zone_id", "availability_zone_name"):
            return values.get("availability_zone_name") or ""  # Regional (not One Zone) file systems
        if key in ("availability_zone_name", "availability_zone") and isinstance(inst.index, int):
            return f"{r}{'abc'[inst.index % 3]}"
        if key == "performance_mode":
            return "generalPurpose"
        if key == "log_group_class":
            return "STANDARD"

        if rtype == "aws_efs_mount_target":
            fs_id = values.get("file_system_id") or "fs-0"
            if key == "file_system_arn":
                return f"arn:aws:elasticfilesystem:{r}:{acct}:file-system/{fs_id}"
            if key == "dns_name":
                return f"{fs_id}.efs.{r}.amazonaws.com"
            if key == "mount_target_dns_name":
                return f"{r}a.{fs_id}.efs.{r}.amazonaws.com"
        if rtype == "aws_efs_access_point" and key == "file_system_arn":
            return f"arn:aws:elasticfilesystem:{r}:{acct}:file-system/{values.get('file_system_id')}"
        if rtype == "aws_efs_file_system" and key == "dns_name":
            return f"{values.get('id')}.efs.{r}.amazonaws.com"

        if rtype == "aws_iam_role":
            arn = f"arn:aws:iam::{acct}:role{values.get('path') or '/'}{values.get('name')}"
            return {"id": values.get("name"), "arn": arn}.get(key, _MISSING)
        if rtype == "aws_iam_policy":
            arn = f"arn:aws:iam::{acct}:policy{values.get('path') or '/'}{values.get('name')}"
            return {"id": arn, "arn": arn, "policy_id": "ANPA" + self.hex(inst, "pid").upper()}.get(key, _MISSING)
        if rtype == "aws_iam_role_policy_attachment" and key == "id":
            return f"{values.get('role')}-{self.digits(inst, key, 26)}"
        if rtype == "aws_iam_role_policy" and key == "id":
            return f"{values.get('role')}:{values.get('name')}"
        if rtype == "aws_iam_instance_profile":
            arn = f"arn:aws:iam::{acct}:instance-profile{values.get('path') or '/'}{values.get('name')}"
            return {"id": values.get("name"), "arn": arn}.get(key, _MISSING)

        if rtype == "aws_ecs_cluster" and key in ("id", "arn"):
            return f"arn:aws:ecs:{r}:{acct}:cluster/{values.get('name')}"
        if rtype == "aws_ecs_task_definition":
            family = values.get("family")
            revision = values.get("revision") if isinstance(values.get("revision"), int) else 1
            return {
                "id": family,
                "arn": f"arn:aws:ecs:{r}:{acct}:task-definition/{family}:{revision}",
                "arn_without_revision": f"arn:aws:ecs:{r}:{acct}:task-definition/{family}",
                "revision": 1,
            }.get(key, _MISSING)
        if rtype == "aws_ecs_service" and key in ("id", "arn"):
            cluster = str(values.get("cluster") or "default").rsplit("/", 1)[-1]
            return f"arn:aws:ecs:{r}:{acct}:service/{cluster}/{values.get('name')}"
        if rtype == "aws_ecs_service" and key == "iam_role":
            return "/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS"

        if rtype in ("aws_lb", "aws_alb"):
            kind = {"network": "net", "gateway": "gwy"}.get(values.get("load_balancer_type") or "application", "app")
            suffix = f"{kind}/{values.get('name')}/{self.hex(inst, 'lb', 16)}"
            scheme = "internal-" if values.get("internal") else ""
            dns = f"{scheme}{values.get('name')}-{self.digits(inst, 'dns', 10)}.{r}.elb.amazonaws.com"
            arn = f"arn:aws:elasticloadbalancing:{r}:{acct}:loadbalancer/{suffix}"
            return {"id": arn, "arn": arn, "arn_suffix": suffix, "dns_name": dns, "zone_id": self.LB_ZONE}.get(key, _MISSING)
        if rtype in ("aws_lb_target_group", "aws_alb_target_group"):
            suffix = f"targetgroup/{values.get('name')}/{self.hex(inst, 'tg', 16)}"
            arn = f"arn:aws:elasticloadbalancing:{r}:{acct}:{suffix}"
            return {"id": arn, "arn": arn, "arn_suffix": suffix}.get(key, _MISSING)
        if rtype in ("aws_lb_listener", "aws_alb_listener", "aws_lb_listener_rule") and key in ("id", "arn"):
            parent = str(values.get("load_balancer_arn") or values.get("listener_arn") or "")
            kind = "listener-rule" if rtype == "aws_lb_listener_rule" else "listener"
            tail = parent.split(":loadbalancer/", 1)[-1].split(":listener/", 1)[-1] if parent else "app/lb/0"
            return f"arn:aws:elasticloadbalancing:{r}:{acct}:{kind}/{tail}/{self.hex(inst, 'l', 16)}"

        # SNS and SQS ARNs end in the bare name, which modules validate (no "topic/" part).
        if rtype == "aws_sns_topic" and key in ("id", "arn"):
            return f"arn:aws:sns:{r}:{acct}:{values.get('name')}"
        if rtype == "aws_sqs_queue":
            url = f"https://sqs.{r}.amazonaws.com/{acct}/{values.get('name')}"
            return {"id": url, "url": url, "arn": f"arn:aws:sqs:{r}:{acct}:{values.get('name')}"}.get(key, _MISSING)

        if rtype == "aws_cloudwatch_log_group":
            arn = f"arn:aws:logs:{r}:{acct}:log-group:{values.get('name')}"
            return {"id": values.get("name"), "arn": arn}.get(key, _MISSING)

        if key == "id":
            prefix = self.ID_PREFIX.get(rtype)
            if prefix:
                return f"{prefix}-{self.hex(inst, 'id')}"
            if values.get("name"):
                return str(values["name"])
            return f"{rtype.removeprefix('aws_').replace('_', '-')}-{self.hex(inst, 'id')}"
        if key == "arn":
            service, kind = self.ARN_KIND.get(rtype, (rtype.split("_")[1], "-".join(rtype.split("_")[2:]) or rtype))
            ident = values.get("id") or values.get("name") or self.hex(inst, "arn")
            return f"arn:aws:{service}:{r}:{acct}:{kind}/{ident}"
        if key == "dns_name":
            return f"{self.hex(inst, 'dns', 12)}.{r}.amazonaws.com"
        return _MISSING


# ---------------------------------------------------------------------------------------------
# Planning scenarios
# ---------------------------------------------------------------------------------------------


class ScenarioPlanner:
    """Plans scenarios under `workspace`, at most `jobs` terraform processes at a time.

    `make_terraform(root)` returns the `Terraform` to run in a root module folder, set up to work
    offline (the `offline_terraform` fixture). Everything is computed once: plans, before-states
    and the provider's resource schemas.
    """

    def __init__(self, make_terraform: MakeTerraform, workspace: Path, jobs: int | None = None):
        self.workspace = workspace
        self.scenarios = {name: Scenario.load(name) for name in scenario_names()}
        self._pool = ThreadPoolExecutor(max_workers=jobs or max(2, min(4, os.cpu_count() or 2)), thread_name_prefix="tfplan")
        self._lock = threading.Lock()
        self._futures: dict[tuple[str, str], Future] = {}
        self._tf: dict[Path, Terraform] = {}
        self._settled: dict[str, int] = {}
        # Every root is laid out (and its Terraform made, which writes CLI configuration) before any
        # terraform process starts, so nothing is rewritten under a running one.
        shutil.copytree(SCENARIOS_DIR / SHARED_MODULES, workspace / SHARED_MODULES)
        for scenario in self.scenarios.values():
            if scenario.before is not None:
                root = workspace / f"before-{scenario.before_key()}" / "root"
                if not root.exists():
                    self._tf[root] = make_terraform(_copy_root(scenario.before, root))
            root = workspace / scenario.name / "after"
            self._tf[root] = make_terraform(_copy_root(scenario.after, root))
        schema_root = workspace / "schema" / "root"
        schema_root.mkdir(parents=True)
        shutil.copy(next(iter(self.scenarios.values())).after / "versions.tf", schema_root / "versions.tf")
        self._tf[schema_root] = make_terraform(schema_root)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    # -- public ----------------------------------------------------------------------------------

    def plan(self, name: str) -> dict[str, Any]:
        """The plan JSON (`terraform show -json`) of scenario `name`'s after/ configuration."""
        return copy.deepcopy(self._submit("after", name).result())

    def state(self, name: str) -> dict[str, Any]:
        """The state synthesised from scenario `name`'s before-stack plan (empty without one)."""
        scenario = self.scenarios[name]
        if scenario.before is None:
            return {"version": 4, "serial": 1, "lineage": str(uuid.uuid4()), "outputs": {}, "resources": []}
        return copy.deepcopy(self._submit("state", scenario.before_key()).result())

    def settle_rounds(self, name: str) -> int:
        """How many plans of the before-stack corrected the synthesised state before one found no change."""
        key = self.scenarios[name].before_key()
        self._submit("state", key).result()
        return self._settled[key]

    def round_trip(self, name: str) -> dict[str, Any]:
        """the before-stack planned again against the state made from it (all no-op: the state is faithful)."""
        key = self.scenarios[name].before_key()
        self._submit("state", key).result()
        with self._lock:  # one show at a time in that folder
            return self._tf[self.workspace / f"before-{key}" / "root"].show_json("tfplan")

    def prefetch(self, names: Iterable[str]) -> None:
        """Start planning `names` in the background (befores first, so waits never deadlock)."""
        names = list(names)
        self._submit("schema", "aws")
        for name in names:
            if self.scenarios[name].before is not None:
                self._submit("state", self.scenarios[name].before_key())
        for name in names:
            self._submit("after", name)

    # -- jobs ------------------------------------------------------------------------------------

    def _submit(self, kind: str, key: str) -> Future:
        with self._lock:
            future = self._futures.get((kind, key))
            if future is None:
                if kind != "schema":  # dependencies first, so that a job only ever waits on earlier ones
                    self._submit_locked_deps(kind, key)
                job = {"schema": self._schema, "state": self._before_state, "after": self._after}[kind]
                future = self._futures[(kind, key)] = self._pool.submit(job, key)
            return future

    def _submit_locked_deps(self, kind: str, key: str) -> None:
        deps = [("schema", "aws")]
        if kind == "after" and self.scenarios[key].before is not None:
            deps.append(("state", self.scenarios[key].before_key()))
        for dep_kind, dep_key in deps:
            if (dep_kind, dep_key) not in self._futures:
                if dep_kind == "state":
                    self._submit_locked_deps("state", dep_key)
                job = {"schema": self._schema, "state": self._before_state}[dep_kind]
                self._futures[(dep_kind, dep_key)] = self._pool.submit(job, dep_key)

    def _init(self, root: Path) -> Terraform:
        tf = self._tf[root]
        # Garbage collection is most of the CPU terraform and the provider spend on these small
        # plans (decoding the AWS provider's schema); without it, each takes a few 100 MB more.
        tf.env.setdefault("GOGC", os.environ.get("GOGC", GOGC))
        # A plugin cache of its own per root: `terraform init` re-links a cache's entry for a
        # provider from a filesystem mirror, and a terraform process starting the provider through
        # a shared cache meanwhile fails ("could not read package directory"). From the unpacked
        # mirror the provider is only symlinked, so a private cache costs nothing.
        cache = root.parent / "plugin-cache"
        cache.mkdir(exist_ok=True)
        tf.env["TF_PLUGIN_CACHE_DIR"] = str(cache)
        tf.init()
        return tf

    def _schema(self, _key: str) -> dict[str, dict]:
        return provider_resource_schemas(self._init(self.workspace / "schema" / "root"))

    def _before_state(self, key: str) -> dict[str, Any]:
        root = self.workspace / f"before-{key}" / "root"
        tf = self._init(root)
        tf.plan("tfplan", "-refresh=false")
        state = state_from_plan(tf.show_json("tfplan"), self._futures[("schema", "aws")].result())
        # Settle: plan the before-stack again against the state until Terraform finds nothing to change
        # (that last plan, the round trip, is the proof that the state matches the before-stack).
        for rounds in range(MAX_SETTLE_ROUNDS + 1):
            (root / "terraform.tfstate").write_text(json.dumps(state, indent=2))
            proc = tf.run(
                "plan", "-input=false", "-no-color", "-lock=false", "-refresh=false", "-detailed-exitcode", "-out=tfplan",
                check=False,
            )
            if proc.returncode == 0:
                self._settled[key] = rounds
                return state
            if proc.returncode != 2:
                raise TerraformError(f"terraform plan failed in {root}:\n{proc.stdout}{proc.stderr}")
            check = tf.show_json("tfplan")
            if rounds == MAX_SETTLE_ROUNDS:
                raise TerraformError(f"the state made for {root} does not settle: the before-stack still plans {changed(check)}")
            state = settle_state(state, check)
        raise AssertionError("unreachable")

    def _after(self, name: str) -> dict[str, Any]:
        scenario = self.scenarios[name]
        root = self.workspace / name / "after"
        if scenario.before is not None:
            state = self._futures[("state", scenario.before_key())].result()
            (root / "terraform.tfstate").write_text(json.dumps(state, indent=2))
        tf = self._init(root)
        tf.plan("tfplan", "-refresh=false", *scenario.var_args())
        return tf.show_json("tfplan")


# ---------------------------------------------------------------------------------------------
# pytest fixtures (import them into a test module) and plan helpers
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def scenario_planner(request, offline_terraform, tmp_path_factory) -> Iterator[ScenarioPlanner]:
    """The session's ScenarioPlanner, already planning the scenarios the selected tests name."""
    planner = ScenarioPlanner(offline_terraform, tmp_path_factory.mktemp("plan-scenarios"))
    wanted = [n for n in planner.scenarios if any(n in item.nodeid for item in request.session.items)]
    planner.prefetch(wanted)
    yield planner
    planner.close()


@pytest.fixture(scope="session")
def scenario_plan(scenario_planner) -> Callable[[str], dict[str, Any]]:
    """scenario_plan(name) -> the scenario's plan JSON, planned once per session."""
    return scenario_planner.plan


def resource_actions(plan: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    """Managed resource address -> its planned actions, e.g. ("delete", "create")."""
    return {
        rc["address"]: tuple(rc["change"]["actions"]) for rc in plan.get("resource_changes", []) if rc.get("mode") == "managed"
    }


def changed(plan: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    """resource_actions without the no-ops."""
    return {address: actions for address, actions in resource_actions(plan).items() if actions != ("no-op",)}


# ---------------------------------------------------------------------------------------------
# Command line: dump a scenario's plan JSON for developing the plan analyzer against it
# ---------------------------------------------------------------------------------------------


def _main(argv: list[str]) -> int:
    import argparse
    import tempfile

    from stacks import write_offline_override

    from tfgen.terraform import find_provider_mirror

    parser = argparse.ArgumentParser(prog="python tests/plans.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario", nargs="?", help="scenario name (a folder of tests/plan_scenarios)")
    parser.add_argument("-o", "--output", help="write the JSON here instead of stdout")
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--state", action="store_true", help="print the synthesised before-state instead of the plan")
    what.add_argument("--round-trip", action="store_true", help="print the before-stack planned against its own state")
    what.add_argument("--list", action="store_true", help="list the scenarios")
    parser.add_argument("--keep", action="store_true", help="keep the terraform working folders (path on stderr)")
    args = parser.parse_args(argv)

    if args.list or not args.scenario:
        print("\n".join(scenario_names()))
        return 0
    if args.scenario not in scenario_names():
        parser.error(f"no scenario {args.scenario!r}; known: {', '.join(scenario_names())}")
    mirror = find_provider_mirror()
    if mirror is None or not shutil.which("terraform"):
        print("needs terraform on PATH and a provider mirror (see tests/conftest.py)", file=sys.stderr)
        return 2
    plugin_cache = Path(os.environ.get("TF_PLUGIN_CACHE_DIR") or Path.home() / ".cache" / "tfgen-tests" / "plugin-cache")
    tmp = Path(tempfile.mkdtemp(prefix="tfgen-plans-"))

    def make(root: Path) -> Terraform:
        write_offline_override(root)
        return Terraform.offline(root, mirror, tmp / "cli", plugin_cache)

    planner = ScenarioPlanner(make, tmp / "work")
    try:
        if args.state:
            result = planner.state(args.scenario)
        elif args.round_trip:
            result = planner.round_trip(args.scenario)
        else:
            result = planner.plan(args.scenario)
    finally:
        planner.close()
        if args.keep:
            print(f"working folders kept in {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    text = json.dumps(result, indent=2) + "\n"
    if args.output:
        Path(args.output).write_text(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
