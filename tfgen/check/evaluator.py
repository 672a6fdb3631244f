"""Static evaluation of a Terraform root module into the typed model.

What can be known without running Terraform is computed: literals, variable values (caller
arguments, tfvars, var files, defaults, `optional()` defaults of object types), locals,
references between resources, functions over known values, `data "aws_iam_policy_document"`,
templates, conditionals, for-expressions, `count`/`for_each`/`dynamic` over known collections,
local modules and registry modules that `terraform init` has placed under `.terraform/modules/`.
Everything else becomes a `tfgen.check.model.Unknown`; an evaluation error becomes one too, so
no configuration can crash the checker.

Evaluation has budgets, so no configuration can make a check hang or exhaust memory: elements
of a collection and characters of a string (tfgen.check.functions), instances of resources and
modules and steps of loops in one root module (`Run`), module nesting, and bytes that `file()`
reads, only from regular files inside the module tree. Past a budget a value is unknown, with
the budget as its reason.
"""

from __future__ import annotations

import json
import math
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from tfgen.check import expr as E
from tfgen.check.functions import (
    MAX_ELEMENTS,
    MAX_STRING,
    STRUCTURAL,
    BudgetExceeded,
    EvalError,
    call,
    json_encode_within_budget,
    to_string,
    within_budget,
)
from tfgen.check.jsontext import parse_json
from tfgen.check import cache, inputs
from tfgen.check.model import Computed, Model, ModuleCall, PartialJson, PartialString, Place, Resource, Unknown, is_known
from tfgen.check.source import SourceBlock, SourceFile, assignment_line
from tfgen.errors import InputError

# Meta-arguments and meta-blocks of a resource: not attributes of the resource itself.
_META = {"count", "for_each", "provider", "depends_on", "lifecycle", "provisioner", "connection"}
_MAX_DEPTH = 60
MAX_STEPS = 500_000  # loop iterations and collection elements made, in one root module
MAX_INSTANCES = 20_000  # resource and module instances of one root module
MAX_FILE_READ = 1 << 20  # bytes one file() / templatefile() reads


class _PlaceholderKey:
    """The key of the one instance that stands for a count/for_each that could not be evaluated."""

    def __repr__(self) -> str:
        return "*"


PLACEHOLDER = _PlaceholderKey()


def address_key(key: Any) -> str:
    if key is None:
        return ""
    if key is PLACEHOLDER:
        return "[*]"
    if isinstance(key, int):
        return f"[{key}]"
    return "[" + json.dumps(str(key)) + "]"


# --- lazy values -----------------------------------------------------------------------------


class Lazy:
    """A value whose attributes are computed on demand (namespaces, resources, module outputs)."""

    def lookup(self, name: str) -> Any:  # pragma: no cover - interface
        raise NotImplementedError

    def plain(self) -> Any:
        return Unknown(f"{self!r} used as a whole value")


class _Namespace(Lazy):
    def __init__(self, label: str, getter: Callable[[str], Any]):
        self.label = label
        self.getter = getter

    def lookup(self, name: str) -> Any:
        return self.getter(name)

    def __repr__(self) -> str:
        return self.label


class Expansion(Lazy):
    """The instances of a counted or for_each resource or module whose keys are not known."""

    def __init__(self, item: Any, label: str):
        self.item = item
        self.label = label

    def lookup(self, name: str) -> Any:
        return Unknown(f"{self.label} has instances that are not known statically")

    def index(self, key: Any) -> Any:
        return self.item

    def __repr__(self) -> str:
        return self.label


class ResourceValue(Lazy):
    """One resource instance as other expressions see it: configured attributes evaluate, others are Computed."""

    def __init__(self, instance: "ResourceInstance"):
        self.instance = instance

    def lookup(self, name: str) -> Any:
        value = self.instance.attribute(name)
        if isinstance(value, Unknown) and not isinstance(value, (Computed, PartialJson)):
            # Keep where the value comes from, so rules can still follow the reference.
            return Computed(value.reason, address=self.instance.address, attribute=name)
        return value

    def plain(self) -> Any:
        return Computed(f"reference to {self.instance.address}", address=self.instance.address, attribute="")

    def __repr__(self) -> str:
        return self.instance.address


class ModuleValue(Lazy):
    def __init__(self, module: "ModuleInstance"):
        self.module = module

    def lookup(self, name: str) -> Any:
        return self.module.output(name)

    def plain(self) -> Any:
        return {name: plain(self.module.output(name)) for name in self.module.outputs}

    def __repr__(self) -> str:
        return self.module.address or "root module"


def plain(value: Any) -> Any:
    """Strip lazy wrappers so the value holds only model values."""
    if isinstance(value, Lazy):
        return value.plain()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, PartialJson):
        return PartialJson(value.reason, data=plain(value.data))
    return value


# --- scopes and modules ----------------------------------------------------------------------


@dataclass
class Scope:
    module: "ModuleInstance"
    bindings: dict[str, Any] = field(default_factory=dict)

    def bind(self, **values: Any) -> "Scope":
        return Scope(self.module, {**self.bindings, **values})


@dataclass(frozen=True)
class NotRead(Unknown):
    """A module call whose module could not be read: what expressions see of it."""

    call: ModuleCall | None = None


def is_fetched(file: str | None) -> bool:
    """True for a file `terraform init` placed under `.terraform/modules/` (not the user's own)."""
    return file is not None and ".terraform/modules/" in file.replace(os.sep, "/")


class Run:
    """State shared by one evaluation of a root module: files read, the registry module index."""

    def __init__(self, root_dir: Path, files_read: list[str], var_origins: dict[str, Path] | None = None):
        self.root_dir = root_dir
        self.var_origins = var_origins or {}  # root variable -> the tfvars file that set it last
        self._positions: dict[int, dict[str, int]] = {}
        self._assignments: dict[tuple[Path, str], Place] = {}
        self.files_read = files_read
        self.registry = registry_modules(root_dir)
        self.steps = 0
        self.instances = 0
        self._loaded: dict[Path, list[SourceFile]] = {}

    def spend(self, steps: int, what: str) -> None:
        """Count `steps` of work; past MAX_STEPS every further step raises BudgetExceeded."""
        self.steps += steps
        if self.steps > MAX_STEPS:
            raise BudgetExceeded(f"{what}: evaluation of this root module went past {MAX_STEPS} steps")

    def instances_left(self, count: int) -> bool:
        """Reserve `count` more resource or module instances, if the budget has room."""
        if self.instances + count > MAX_INSTANCES:
            return False
        self.instances += count
        return True

    def assignment(self, path: Path, name: str) -> Place:
        """Where `name` is assigned in the tfvars file `path` (read once per variable a run)."""
        key = (path, name)
        if key not in self._assignments:
            self._assignments[key] = Place(str(path), assignment_line(path, name))
        return self._assignments[key]

    def positions(self, block: SourceBlock) -> dict[str, int]:
        """attribute_positions(block), once per block however many instances it has."""
        found = self._positions.get(id(block))
        if found is None:
            found = self._positions[id(block)] = attribute_positions(block)
        return found

    def load_dir(self, directory: Path) -> list[SourceFile]:
        if directory in self._loaded:  # a module called many times (count, or from many places)
            return self._loaded[directory]
        paths = cache.tf_files(directory)
        for path in paths:
            if str(path) not in self.files_read:
                self.files_read.append(str(path))
        self._loaded[directory] = cache.load_many(paths)
        return self._loaded[directory]


@inputs.observed
def registry_modules(root_dir: Path) -> dict[str, Path]:
    """Module key -> folder, from the manifest `terraform init` writes (none: no modules)."""
    manifest = root_dir / ".terraform" / "modules" / "modules.json"
    try:
        text = manifest.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as err:
        raise InputError(f"{manifest}: cannot read the module manifest ({type(err).__name__}); run terraform init again") from None
    data = parse_json(text, str(manifest), "not a module manifest (run terraform init again)")
    entries = data.get("Modules") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise InputError(f"{manifest}: not a module manifest: expected an object with a list \"Modules\"; run terraform init again")
    out = {}
    for number, entry in enumerate(entries):
        key, folder = (entry.get("Key"), entry.get("Dir")) if isinstance(entry, dict) else (None, None)
        if not isinstance(key, str) or not isinstance(folder, str):
            raise InputError(f"{manifest}: not a module manifest: Modules[{number}] needs a string Key and Dir; run terraform init again")
        if key and folder:
            out[key] = (root_dir / folder) if not os.path.isabs(folder) else Path(folder)
    return out


class ModuleInstance:
    """One instance of a module: its blocks, its input values and memoised evaluations."""

    def __init__(
        self,
        run: Run,
        directory: Path,
        files: list[SourceFile],
        address: str,
        key_path: str,
        inputs: dict[str, Callable[[], Any]],
        ignores: dict[str, str],
        instances_known: bool = True,
        via: ModuleCall | None = None,
        parent: "ModuleInstance | None" = None,
        call: SourceBlock | None = None,
    ):
        self.run = run
        self.parent = parent
        self.call = call  # the module block that made this instance (None at the root)
        self.via = via  # the nearest module call in the user's own files (None at the root)
        self.directory = directory
        self.address = address
        self.key_path = key_path  # module names joined by "." as in .terraform/modules/modules.json
        self.inputs = inputs
        self.ignores = ignores
        self.instances_known = instances_known
        self.variables: dict[str, SourceBlock] = {}
        self.locals: dict[str, E.Expr] = {}
        self.outputs: dict[str, SourceBlock] = {}
        self.resources: dict[tuple[str, str, str], SourceBlock] = {}
        self.calls: dict[str, SourceBlock] = {}
        for source in files:
            for block in source.blocks:
                if block.type == "variable" and block.labels:
                    self.variables[block.labels[0]] = block
                elif block.type == "locals":
                    for name, attribute in block.attributes.items():
                        self.locals[name] = attribute.expr
                elif block.type == "output" and block.labels:
                    self.outputs[block.labels[0]] = block
                elif block.type in ("resource", "data") and len(block.labels) == 2:
                    mode = "managed" if block.type == "resource" else "data"
                    self.resources[(mode, block.labels[0], block.labels[1])] = block
                elif block.type == "module" and block.labels:
                    self.calls[block.labels[0]] = block
        self._memo: dict[tuple[str, ...], Any] = {}
        self._busy: set[tuple[str, ...]] = set()
        self._instances: dict[tuple[str, str, str], Any] = {}
        self._children: dict[str, Any] = {}
        self.scope = Scope(self)

    def prefix(self) -> str:
        return f"{self.address}." if self.address else ""

    def memo(self, key: tuple[str, ...], compute: Callable[[], Any]) -> Any:
        if key in self._memo:
            return self._memo[key]
        if key in self._busy:
            return Unknown(f"{'.'.join(key)} refers to itself")
        self._busy.add(key)
        try:
            value = compute()
        finally:
            self._busy.discard(key)
        self._memo[key] = value
        return value

    # values other expressions ask for

    def var(self, name: str) -> Any:
        return self.memo(("var", name), lambda: self._var(name))

    def _var(self, name: str) -> Any:
        block = self.variables.get(name)
        if name in self.inputs:
            value = self.inputs[name]()
        elif block is not None and block.attr("default") is not None:
            value = evaluate(block.attr("default"), Scope(self))
        elif block is None:
            raise EvalError(f"no variable {name!r} declared")
        else:
            return Unknown(f"variable {self.prefix()}var.{name} has no value")
        type_expr = block.attr("type") if block is not None else None
        if type_expr is not None and not isinstance(value, Unknown):
            value = apply_type_defaults(type_expr, value, self.scope)
        if value is None and block is not None and block.attr("default") is not None:
            nullable = block.attr("nullable")
            if isinstance(nullable, E.Literal) and nullable.value is False:
                value = evaluate(block.attr("default"), Scope(self))
        return value

    def local(self, name: str) -> Any:
        if name not in self.locals:
            raise EvalError(f"no local value {name!r}")
        return self.memo(("local", name), lambda: evaluate(self.locals[name], self.scope))

    def output(self, name: str) -> Any:
        block = self.outputs.get(name)
        if block is None or block.attr("value") is None:
            raise EvalError(f"module {self.address} has no output {name!r}")
        return self.memo(("output", name), lambda: evaluate(block.attr("value"), self.scope))

    def resource_value(self, mode: str, type_: str, name: str) -> Any:
        key = (mode, type_, name)
        if key not in self.resources:
            raise EvalError(f"no {'data ' if mode == 'data' else ''}resource {type_}.{name}")
        return self.memo(("resource",) + key, lambda: self._resource_value(key))

    def _resource_value(self, key: tuple[str, str, str]) -> Any:
        instances = self.instances(key)
        if isinstance(instances, Expansion):
            return instances
        if isinstance(instances, list):
            return [ResourceValue(i) for i in instances]
        if isinstance(instances, dict):
            return {k: ResourceValue(i) for k, i in instances.items()}
        return ResourceValue(instances)

    def instances(self, key: tuple[str, str, str]) -> Any:
        """ResourceInstance, list (count), dict (for_each) or Expansion (not known)."""
        if key not in self._instances:
            block = self.resources[key]
            mode, type_, name = key
            base = f"{self.prefix()}{'data.' if mode == 'data' else ''}{type_}.{name}"
            self._instances[key] = expand(
                block,
                self.scope,
                lambda k, scope, known: ResourceInstance(self, block, mode, type_, name, base + address_key(k), k, scope, known),
                base,
            )
        return self._instances[key]

    def child(self, name: str) -> Any:
        """The module call `name`: ModuleValue, list/dict of them, Expansion, or Unknown."""
        if name not in self.calls:
            raise EvalError(f"no module {name!r}")
        if name not in self._children:
            self._children[name] = self._make_child(name)
        found = self._children[name]
        if isinstance(found, Unknown):
            return found
        if isinstance(found, Expansion):
            return found
        if isinstance(found, list):
            return [ModuleValue(m) for m in found]
        if isinstance(found, dict):
            return {k: ModuleValue(m) for k, m in found.items()}
        return ModuleValue(found)

    def child_instances(self, name: str) -> list["ModuleInstance"]:
        self.child(name)
        found = self._children[name]
        if isinstance(found, Unknown):
            return []
        if isinstance(found, Expansion):
            return [found.item.module]
        if isinstance(found, list):
            return found
        if isinstance(found, dict):
            return list(found.values())
        return [found]

    def _make_child(self, name: str) -> Any:
        block = self.calls[name]
        address = f"{self.prefix()}module.{name}"
        key_path = f"{self.key_path}.{name}" if self.key_path else name
        source = safe_evaluate(block.attr("source"), self.scope) if block.attr("source") is not None else None

        def not_read(why: str) -> NotRead:
            return NotRead(f"{address}: {why}", ModuleCall(address, source if isinstance(source, str) else None, block.file, block.line, why))

        if not isinstance(source, str):
            return not_read("module source is not a literal string")
        if source.startswith("./") or source.startswith("../"):
            directory = inputs.resolved(self.directory / source)
        elif key_path in self.run.registry:
            directory = self.run.registry[key_path]
        else:
            return not_read(f"module {source!r} is not available locally (run terraform init)")
        try:
            is_folder = _is_folder(directory)
        except OSError as err:  # there, but not for us to read: never a silent skip
            raise InputError(f"{directory}: cannot read the module folder ({address}): {err.strerror or err}") from None
        if not is_folder:
            return not_read(f"module folder {directory} does not exist")
        if key_path.count(".") >= _MAX_DEPTH:  # counted by the call chain, however it is reached
            return not_read(f"modules nested more than {_MAX_DEPTH} deep")
        files = self.run.load_dir(directory)
        ignores = {**self.ignores, **block.ignores}
        # Inside a fetched module the user can change only their own call that brought it in.
        in_user_file = not is_fetched(block.file)

        def make(key: Any, scope: Scope, known: bool) -> ModuleInstance:
            inputs = {
                arg: (lambda expr=attribute.expr, scope=scope: evaluate(expr, scope))
                for arg, attribute in block.attributes.items()
                if arg not in ("source", "version", "count", "for_each", "providers", "depends_on")
            }
            instance_address = address + address_key(key)
            via = ModuleCall(instance_address, source, block.file, block.line) if in_user_file else self.via
            return ModuleInstance(
                self.run, directory, files, instance_address, key_path, inputs, ignores,
                instances_known=known and self.instances_known, via=via, parent=self, call=block,
            )

        return expand(block, self.scope, lambda k, s, known: make(k, s, known), address, wrap=ModuleValue)

    def var_origin(self, name: str) -> Place | None:
        """Where the value of `var.name` was set: a tfvars or --var-file line, traced through the
        module calls' arguments up to the root."""
        if self.parent is None or self.call is None:
            path = self.run.var_origins.get(name) if name in self.inputs else None
            return self.run.assignment(path, name) if path is not None else None
        argument = self.call.attributes.get(name)
        if argument is None:
            return None
        used = E.variables_used(argument.expr)
        return self.parent.var_origin(used[0]) if used else None

    def unknown_calls(self) -> dict[str, ModuleCall]:
        out = {}
        for name in self.calls:
            self.child(name)
            found = self._children[name]
            if isinstance(found, NotRead):
                out[found.call.address] = found.call
        return out


def expand(block: SourceBlock, scope: Scope, make: Callable[[Any, Scope, bool], Any], label: str, wrap: Callable[[Any], Any] = lambda x: x) -> Any:
    """Instances of a block by its count/for_each: one, a list, a dict, or an Expansion."""
    count_expr = block.attr("count")
    each_expr = block.attr("for_each")
    run = scope.module.run

    def not_known(reason: str, names: dict[str, Any]) -> Expansion:
        item = make(PLACEHOLDER, scope.bind(**names), False)
        return Expansion(ResourceValue(item) if isinstance(item, ResourceInstance) else wrap(item), label)

    if count_expr is not None:
        count = safe_evaluate(count_expr, scope)
        if isinstance(count, str) and count.isdigit():
            count = int(count) if len(count) < 10 else math.inf
        if isinstance(count, bool) or not isinstance(count, (int, float)):
            reason = f"{label}: count is not known"
            return not_known(reason, {"count": {"index": Unknown(reason)}})
        if not (0 <= count <= MAX_ELEMENTS) or not run.instances_left(int(count)):
            reason = f"{label}: count {count} is past tfgen's budget of {MAX_ELEMENTS} per block and {MAX_INSTANCES} per root module"
            return not_known(reason, {"count": {"index": Unknown(reason)}})
        return [make(i, scope.bind(count={"index": i}), True) for i in range(int(count))]
    if each_expr is not None:
        each = safe_evaluate(each_expr, scope)
        if isinstance(each, list) and is_known(each) and all(isinstance(v, str) for v in each):
            each = {v: v for v in each}
        if not isinstance(each, dict):
            unknown = Unknown(f"{label}: for_each is not known")
            return not_known(unknown.reason, {"each": {"key": unknown, "value": unknown}})
        if not run.instances_left(len(each)):
            unknown = Unknown(f"{label}: for_each of {len(each)} is past tfgen's budget of {MAX_INSTANCES} instances per root module")
            return not_known(unknown.reason, {"each": {"key": unknown, "value": unknown}})
        return {k: make(k, scope.bind(each={"key": k, "value": v}), True) for k, v in sorted(each.items())}
    if not run.instances_left(1):
        reason = f"{label}: past tfgen's budget of {MAX_INSTANCES} instances per root module"
        return not_known(reason, {})
    return make(None, scope, True)


class ResourceInstance:
    """One instance of a resource or data block, evaluated lazily attribute by attribute."""

    def __init__(self, module: ModuleInstance, block: SourceBlock, mode: str, type_: str, name: str, address: str, key: Any, scope: Scope, known: bool):
        self.module = module
        self.block = block
        self.mode = mode
        self.type = type_
        self.name = name
        self.address = address
        self.key = key
        self.scope = scope
        self.known = known and module.instances_known
        self._values: dict[str, Any] = {}
        self._busy: set[str] = set()

    def attribute(self, name: str) -> Any:
        if name in self._values:
            return self._values[name]
        if name in self._busy:
            return Computed(f"{self.address}.{name} refers to itself", address=self.address, attribute=name)
        self._busy.add(name)
        try:
            value = self._attribute(name)
        finally:
            self._busy.discard(name)
        self._values[name] = value
        return value

    def _attribute(self, name: str) -> Any:
        if self.mode == "data" and self.type == "aws_iam_policy_document" and name in ("json", "minified_json"):
            return policy_document(self)
        if self.mode == "data" and self.type == "template_file" and name == "rendered":
            # The template provider's data source: templatefile() with the text given inline.
            template, variables = plain(self.attribute("template")), plain(self.attribute("vars")) if "vars" in self.block.attributes else {}
            if not isinstance(template, str):
                return Unknown(f"{self.address}: template not known")
            return _render_template(template, f"{self.block.file}:{self.block.line}", variables, self.scope)
        if name in self.block.attributes and name not in _META:
            return safe_evaluate(self.block.attributes[name].expr, self.scope)
        if any(b.type == name or (b.type == "dynamic" and b.labels[:1] == (name,)) for b in self.block.blocks):
            return nested_blocks(self.block, self.scope).get(name, [])
        return Computed(f"{self.address}.{name} is known only after apply", address=self.address, attribute=name)

    def to_resource(self) -> Resource:
        attributes: dict[str, Any] = {}
        for name in self.block.attributes:
            if name not in _META:
                attributes[name] = plain(self.attribute(name))
        for name, value in nested_blocks(self.block, self.scope).items():
            attributes[name] = plain(value)
        prevent = False
        for lifecycle in self.block.blocks_of("lifecycle"):
            expr = lifecycle.attr("prevent_destroy")
            prevent = prevent or (expr is not None and safe_evaluate(expr, self.scope) is True)
        return Resource(
            type=self.type,
            name=self.name,
            address=self.address,
            module=self.module.address,
            mode=self.mode,
            index=None if self.key is PLACEHOLDER else self.key,
            attributes=attributes,
            file=self.block.file,
            line=self.block.line,
            instances_known=self.known,
            prevent_destroy=prevent,
            ignores={**self.module.ignores, **self.block.ignores},
            via=self.module.via if is_fetched(self.block.file) else None,
            position=self.position,
            origin=self.origin,
        )

    def position(self, path: str) -> int | None:
        return self.module.run.positions(self.block).get(path)

    def origin(self, path: str) -> Place | None:
        """Where the variable that `path`'s value comes from was set (see ModuleInstance.var_origin)."""
        found = _attribute_at(self.block, path)
        used = E.variables_used(found.expr) if found is not None else []
        return self.module.var_origin(used[0]) if used else None


def _content(block: SourceBlock) -> SourceBlock | None:
    """The block whose attributes a nested block has: a `dynamic` block's `content`, else itself."""
    if block.type == "dynamic":
        contents = block.blocks_of("content")
        return contents[0] if contents else None
    return block


def _nested_name(block: SourceBlock) -> str:
    return block.labels[0] if block.type == "dynamic" and block.labels else block.type


def attribute_positions(block: SourceBlock, prefix: str = "", out: dict[str, int] | None = None) -> dict[str, int]:
    """Attribute path -> line for a block's attributes and nested blocks, at any depth. A nested
    block is named by its type (the first of them) and by its type and index (`volume[1]`)."""
    out = {} if out is None else out
    for name, attribute in block.attributes.items():
        out.setdefault(prefix + name, attribute.line)
    counts: dict[str, int] = {}
    for child in block.blocks:
        name = _nested_name(child)
        index = counts.get(name, 0)
        counts[name] = index + 1
        inner = _content(child)
        for path in (prefix + name, f"{prefix}{name}[{index}]"):
            out.setdefault(path, child.line)
            if inner is not None:
                attribute_positions(inner, path + ".", out)
    return out


def _attribute_at(block: SourceBlock | None, path: str) -> Any:
    """The SourceAttribute at an attribute path, as attribute_positions names it: without an
    index, the first nested block of that name that has the rest of the path."""
    if block is None:
        return None
    head, dot, rest = path.partition(".")
    if not dot:
        return block.attributes.get(head)
    name, _, index = head.partition("[")
    matches = [b for b in block.blocks if _nested_name(b) == name]
    if index:
        position = int(index.rstrip("]"))
        matches = matches[position : position + 1]
    for match in matches:
        found = _attribute_at(_content(match), rest)
        if found is not None:
            return found
    return None


def nested_blocks(block: SourceBlock, scope: Scope) -> dict[str, Any]:
    """A block's nested blocks as {type: [dict, ...]}, `dynamic` blocks expanded where known."""
    out: dict[str, Any] = {}
    for child in block.blocks:
        if child.type in _META:
            continue
        if child.type == "dynamic" and child.labels:
            name = child.labels[0]
            items = _dynamic(child, scope)
            if isinstance(items, Unknown) or isinstance(out.get(name), Unknown):
                out[name] = items if isinstance(items, Unknown) else out[name]
            else:
                out.setdefault(name, []).extend(items)
            continue
        body = block_body(child, scope)
        if isinstance(out.get(child.type), Unknown):
            continue
        out.setdefault(child.type, []).append(body)
    return out


def block_body(block: SourceBlock, scope: Scope) -> dict[str, Any]:
    body = {name: safe_evaluate(attribute.expr, scope) for name, attribute in block.attributes.items()}
    body.update(nested_blocks(block, scope))
    return body


def _dynamic(block: SourceBlock, scope: Scope) -> list[dict[str, Any]] | Unknown:
    name = block.labels[0]
    iterator_expr = block.attr("iterator")
    iterator = iterator_expr.name if isinstance(iterator_expr, E.Variable) else name
    each = safe_evaluate(block.attr("for_each"), scope) if block.attr("for_each") is not None else Unknown("dynamic block without for_each")
    contents = block.blocks_of("content")
    if isinstance(each, Unknown) or not contents:
        return Unknown(f"dynamic {name!r} blocks: for_each is not known statically")
    pairs = list(each.items()) if isinstance(each, dict) else list(enumerate(each)) if isinstance(each, list) else None
    if pairs is None:
        return Unknown(f"dynamic {name!r} blocks: for_each is not a collection")
    try:
        scope.module.run.spend(len(pairs), f"dynamic {name!r} blocks")
    except BudgetExceeded as err:
        return Unknown(str(err))
    return [block_body(contents[0], scope.bind(**{iterator: {"key": k, "value": v}})) for k, v in pairs]


def policy_document(instance: ResourceInstance) -> Any:
    """The JSON that `data "aws_iam_policy_document"` renders from its statement blocks."""
    scope = instance.scope
    statements: list[Any] = []
    sources = instance.block.attr("source_policy_documents") or instance.block.attr("source_json")
    if sources is not None:
        docs = safe_evaluate(sources, scope)
        docs = docs if isinstance(docs, list) else [docs]
        for doc in docs:
            decoded = _decode(doc)
            if isinstance(decoded, Unknown):
                return decoded
            found = decoded.get("Statement", []) if isinstance(decoded, dict) else []
            statements.extend(found if isinstance(found, list) else [found])
    if instance.block.attr("override_policy_documents") is not None or instance.block.attr("override_json") is not None:
        overrides = safe_evaluate(instance.block.attr("override_policy_documents") or instance.block.attr("override_json"), scope)
        if overrides not in (None, []):
            return Unknown(f"{instance.address}: override_policy_documents is not merged statically")
    blocks = nested_blocks(instance.block, scope).get("statement", [])
    if isinstance(blocks, Unknown):
        return PartialJson(blocks.reason, data={"Version": "2012-10-17", "Statement": blocks})
    for body in blocks:
        statements.append(_statement(body))
    document = {"Version": "2012-10-17", "Statement": statements}
    try:
        return json_encode_within_budget(document)
    except BudgetExceeded as err:
        return Unknown(f"{instance.address}: {err}")


def _statement(body: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if body.get("sid"):
        out["Sid"] = body["sid"]
    out["Effect"] = body.get("effect") or "Allow"
    for key, name in (("actions", "Action"), ("not_actions", "NotAction"), ("resources", "Resource"), ("not_resources", "NotResource")):
        if body.get(key) is not None:
            out[name] = body[key]
    for key, name in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
        blocks = body.get(key)
        if isinstance(blocks, Unknown):
            out[name] = blocks
        elif blocks:
            principal: dict[str, Any] = {}
            for item in blocks:
                kind, ids = item.get("type"), item.get("identifiers")
                if kind == "*":
                    principal = "*"  # type: ignore[assignment]
                    break
                if isinstance(kind, str):
                    principal.setdefault(kind, [])
                    principal[kind] += ids if isinstance(ids, list) else [ids]
                else:
                    principal = Unknown("principal type not known")  # type: ignore[assignment]
                    break
            out[name] = principal
    conditions = body.get("condition")
    if isinstance(conditions, Unknown):
        out["Condition"] = conditions
    elif conditions:
        cond: dict[str, Any] = {}
        for item in conditions:
            test, variable = item.get("test"), item.get("variable")
            if isinstance(test, str) and isinstance(variable, str):
                cond.setdefault(test, {})[variable] = item.get("values")
        out["Condition"] = cond
    return out


def _decode(value: Any) -> Any:
    if isinstance(value, PartialJson):
        return value.data
    if isinstance(value, Unknown):
        return value
    try:
        return json.loads(value)
    except (TypeError, ValueError):
        return Unknown("policy document is not JSON")


def apply_type_defaults(type_expr: E.Expr, value: Any, scope: Scope) -> Any:
    """Fill `optional(type, default)` attributes of object types the way Terraform does."""
    if isinstance(type_expr, E.Call) and type_expr.args:
        name = type_expr.name
        inner = type_expr.args[0]
        if name == "object" and isinstance(inner, E.ObjectExpr) and isinstance(value, dict):
            value = dict(value)
            for key_expr, attr_type in inner.items:
                key = key_expr.value if isinstance(key_expr, E.Literal) else None
                if not isinstance(key, str):
                    continue
                if isinstance(attr_type, E.Call) and attr_type.name == "optional" and attr_type.args:
                    if value.get(key) is None:
                        value[key] = safe_evaluate(attr_type.args[1], scope) if len(attr_type.args) > 1 else None
                    attr_type = attr_type.args[0]
                if key in value and not isinstance(value[key], Unknown):
                    value[key] = apply_type_defaults(attr_type, value[key], scope)
            return value
        if name in ("map",) and isinstance(value, dict):
            return {k: apply_type_defaults(inner, v, scope) if not isinstance(v, Unknown) else v for k, v in value.items()}
        if name in ("list", "set") and isinstance(value, list):
            return [apply_type_defaults(inner, v, scope) if not isinstance(v, Unknown) else v for v in value]
    return value


# --- expressions -----------------------------------------------------------------------------


def safe_evaluate(expr: E.Expr, scope: Scope) -> Any:
    """evaluate(), with Terraform-level errors and anything unexpected turned into an Unknown."""
    try:
        return evaluate(expr, scope)
    except EvalError as err:
        return Unknown(f"cannot evaluate: {err}")
    except BudgetExceeded as err:
        return Unknown(f"not evaluated: {err}")
    except InputError:
        raise  # a file or folder that cannot be read ends the check (exit 2), whatever asked for it
    except RecursionError:
        return Unknown("expression nested too deeply")
    except Exception as err:  # noqa: BLE001 - a checker must never crash on a configuration
        return Unknown(f"cannot evaluate: {type(err).__name__}: {err}")


def evaluate(expr: E.Expr, scope: Scope) -> Any:
    if isinstance(expr, E.Literal):
        return expr.value
    if isinstance(expr, E.Template):
        return _template(expr.parts, scope, whole=True)
    if isinstance(expr, E.Variable):
        return _root(expr.name, scope)
    if isinstance(expr, E.GetAttr):
        return get_attr(evaluate(expr.obj, scope), expr.name)
    if isinstance(expr, E.Index):
        return get_index(evaluate(expr.obj, scope), evaluate(expr.key, scope))
    if isinstance(expr, E.Splat):
        return _splat(evaluate(expr.obj, scope), expr.ops, scope)
    if isinstance(expr, E.TupleExpr):
        return [evaluate(item, scope) for item in expr.items]
    if isinstance(expr, E.ObjectExpr):
        out: dict[str, Any] = {}
        for key_expr, value_expr in expr.items:
            key = evaluate(key_expr, scope)
            if isinstance(key, Unknown):
                return Unknown("object with a key not known statically")
            out[to_string(key)] = evaluate(value_expr, scope)
        return out
    if isinstance(expr, E.Conditional):
        return _conditional(expr, scope)
    if isinstance(expr, E.BinOp):
        return _binary(expr, scope)
    if isinstance(expr, E.UnaryOp):
        value = evaluate(expr.operand, scope)
        if isinstance(value, Unknown):
            return value
        if expr.op == "!":
            if not isinstance(value, bool):
                raise EvalError("! needs a bool")
            return not value
        return -_number(value)
    if isinstance(expr, E.ForExpr):
        return _for(expr, scope)
    if isinstance(expr, E.Call):
        return _call(expr, scope)
    if isinstance(expr, E.Unparsed):
        return Unknown(f"unsupported syntax {expr.text}")
    raise EvalError(f"cannot evaluate {type(expr).__name__}")


def _root(name: str, scope: Scope) -> Any:
    if name in scope.bindings:
        return scope.bindings[name]
    module = scope.module
    if name == "var":
        return _Namespace("var", module.var)
    if name == "local":
        return _Namespace("local", module.local)
    if name == "module":
        return _Namespace("module", module.child)
    if name == "data":
        return _Namespace("data", lambda type_: _Namespace(f"data.{type_}", lambda n: module.resource_value("data", type_, n)))
    if name == "path":
        # As Terraform shows them: relative to the root module, where terraform runs.
        root_dir = inputs.resolved(module.run.root_dir)
        relative = os.path.relpath(inputs.resolved(module.directory), root_dir)
        return {"module": Path(relative).as_posix(), "root": ".", "cwd": str(root_dir)}
    if name == "terraform":
        return {"workspace": "default"}
    if name in ("count", "each", "self"):
        raise EvalError(f"{name} is not available here")
    return _Namespace(name, lambda n: module.resource_value("managed", name, n))


def get_attr(value: Any, name: str) -> Any:
    if isinstance(value, Computed) and not value.attribute:
        return Computed(f"{value.address}.{name} is known only after apply", address=value.address, attribute=name)
    if isinstance(value, Unknown):
        return Unknown(value.reason)
    if isinstance(value, Lazy):
        return value.lookup(name)
    if isinstance(value, dict):
        if name in value:
            return value[name]
        raise EvalError(f"object has no attribute {name!r}")
    if value is None:
        raise EvalError(f"attribute {name!r} of null")
    if isinstance(value, list):
        raise EvalError(f"attribute {name!r} of a list (use [*] or an index)")
    raise EvalError(f"attribute {name!r} of a {type(value).__name__}")


def get_index(value: Any, key: Any) -> Any:
    if isinstance(value, Expansion):
        return value.index(key)
    if isinstance(value, Unknown):
        return Unknown(value.reason)
    if isinstance(key, Unknown):
        if isinstance(value, list) and len(value) == 1:
            return value[0]
        return Unknown(f"index not known: {key.reason}")
    if isinstance(value, list):
        index = int(_number(key))
        if 0 <= index < len(value):
            return value[index]
        raise EvalError(f"index {index} out of range")
    if isinstance(value, dict):
        skey = to_string(key)
        if skey in value:
            return value[skey]
        raise EvalError(f"no key {skey!r}")
    if isinstance(value, Lazy):
        return value.lookup(to_string(key))
    raise EvalError(f"cannot index a {type(value).__name__}")


def _splat(value: Any, ops: tuple[E.Expr, ...], scope: Scope) -> Any:
    if isinstance(value, Expansion):
        return Unknown(f"{value.label}: instances not known statically")
    if isinstance(value, Unknown):
        return Unknown(value.reason)
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    if not ops:
        return list(items)
    return [_apply_splat_op(ops[0], item, scope) for item in items]


def _apply_splat_op(op: E.Expr, item: Any, scope: Scope) -> Any:
    if isinstance(op, E.SplatItem):
        return item
    if isinstance(op, E.GetAttr):
        return get_attr(_apply_splat_op(op.obj, item, scope), op.name)
    if isinstance(op, E.Index):
        return get_index(_apply_splat_op(op.obj, item, scope), evaluate(op.key, scope))
    raise EvalError("unsupported splat")


def _template(parts: tuple[Any, ...], scope: Scope, whole: bool = False) -> Any:
    if whole and len(parts) == 1 and isinstance(parts[0], E.Expr):
        return evaluate(parts[0], scope)
    out: list[str] = []
    pieces: list[Any] = []  # known text and the unknowns, for PartialString
    unknown: Unknown | None = None
    length = 0  # characters of the evaluated parts (the literal ones are bounded by the file)
    for part in parts:
        if isinstance(part, str):
            out.append(part)
            pieces.append(part)
            continue
        if isinstance(part, E.TemplateIf):
            cond = evaluate(part.cond, scope)
            if isinstance(cond, Unknown):
                return Unknown(f"template condition not known: {cond.reason}")
            value = _template(part.then if cond else part.other, scope)
        elif isinstance(part, E.TemplateFor):
            coll = evaluate(part.collection, scope)
            if isinstance(coll, Unknown):
                return Unknown(f"template loop over a value not known: {coll.reason}")
            pairs = list(coll.items()) if isinstance(coll, dict) else list(enumerate(coll))
            scope.module.run.spend(len(pairs), "a template %{for}")
            rendered = []
            for k, v in pairs:
                names = {part.value_var: v}
                if part.key_var:
                    names[part.key_var] = k
                rendered.append(_template(part.body, scope.bind(**names)))
            if any(isinstance(p, Unknown) for p in rendered):
                return next(p for p in rendered if isinstance(p, Unknown))
            _check_length(rendered)
            value = "".join(rendered)
        else:
            value = evaluate(part, scope)
        if isinstance(value, Lazy):
            value = plain(value)
        if isinstance(value, Unknown):
            unknown = unknown or value
            text = value.pattern if isinstance(value, PartialString) else "*"
            pieces.extend(value.parts if isinstance(value, PartialString) and value.parts else [value])
        else:
            text = to_string(value)
            pieces.append(text)
        out.append(text)
        length += len(text)
        if length > MAX_STRING:
            raise BudgetExceeded(f"a string template makes more than {MAX_STRING} characters")
    if unknown is not None:
        return PartialString(f"string template with a value not known: {unknown.reason}", pattern="".join(out), parts=tuple(pieces))
    return "".join(out)


def _check_length(texts: list[str]) -> None:
    if sum(len(t) for t in texts) > MAX_STRING:
        raise BudgetExceeded(f"a string template makes more than {MAX_STRING} characters")


def _truthy(value: Any) -> bool | Unknown:
    if isinstance(value, Unknown):
        return value
    if isinstance(value, str) and value in ("true", "false"):
        return value == "true"
    if not isinstance(value, bool):
        raise EvalError("condition is not a bool")
    return value


def _conditional(expr: E.Conditional, scope: Scope) -> Any:
    cond = _truthy(evaluate(expr.cond, scope))
    if isinstance(cond, Unknown):
        then, other = safe_evaluate(expr.then, scope), safe_evaluate(expr.other, scope)
        if is_known(plain(then)) and plain(then) == plain(other):
            return then
        return Unknown(f"condition not known: {cond.reason}")
    return evaluate(expr.then if cond else expr.other, scope)


def _number(value: Any) -> int | float:
    if isinstance(value, bool):
        raise EvalError("a bool is not a number")
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            raise EvalError(f"{value!r} is not a number") from None
        return int(number) if number.is_integer() else number
    raise EvalError(f"{type(value).__name__} is not a number")


def _binary(expr: E.BinOp, scope: Scope) -> Any:
    op = expr.op
    left = evaluate(expr.left, scope)
    if op in ("&&", "||"):
        lval = _truthy(left)
        if lval is False and op == "&&":
            return False
        if lval is True and op == "||":
            return True
        rval = _truthy(evaluate(expr.right, scope))
        if isinstance(rval, Unknown):
            return rval
        if isinstance(lval, Unknown):
            if (op == "&&" and rval is False) or (op == "||" and rval is True):
                return rval
            return lval
        return rval
    right = evaluate(expr.right, scope)
    left, right = plain(left), plain(right)
    if op in ("==", "!="):
        equal = _equal(left, right)
        if isinstance(equal, Unknown):
            return equal
        return equal if op == "==" else not equal
    if isinstance(left, Unknown) or isinstance(right, Unknown):
        return left if isinstance(left, Unknown) else right
    a, b = _number(left), _number(right)
    if op == "+":
        return within_budget(a + b, "+")
    if op == "-":
        return within_budget(a - b, "-")
    if op == "*":
        return within_budget(a * b, "*")
    if op == "/":
        if b == 0:
            raise EvalError("division by zero")
        result = a / b
        return int(result) if float(result).is_integer() else result
    if op == "%":
        return a % b
    if op == "<":
        return a < b
    if op == ">":
        return a > b
    if op == "<=":
        return a <= b
    if op == ">=":
        return a >= b
    raise EvalError(f"unknown operator {op}")


def _equal(left: Any, right: Any) -> bool | Unknown:
    """Terraform equality: known as soon as a known part differs (an object is never null)."""
    if (left is None and _never_null(right)) or (right is None and _never_null(left)):
        return False
    if isinstance(left, Unknown) or isinstance(right, Unknown):
        return Unknown("comparison with a value not known")
    if left is None or right is None:
        return left is None and right is None
    if isinstance(left, dict) and isinstance(right, dict):
        if set(left) != set(right):
            return False
        return _all_equal([(left[k], right[k]) for k in left])
    if isinstance(left, list) and isinstance(right, list):
        if len(left) != len(right):
            return False
        return _all_equal(list(zip(left, right)))
    if isinstance(left, bool) or isinstance(right, bool):
        return left is right
    return left == right


# Attributes every resource has once it exists: a reference to one is unknown, never null.
_ALWAYS_SET = ("id", "arn")


def _never_null(value: Any) -> bool:
    return isinstance(value, Computed) and value.attribute in _ALWAYS_SET


def _all_equal(pairs: list[tuple[Any, Any]]) -> bool | Unknown:
    unknown: Unknown | None = None
    for a, b in pairs:
        verdict = _equal(a, b)
        if verdict is False:
            return False
        if isinstance(verdict, Unknown):
            unknown = unknown or verdict
    return unknown if unknown is not None else True


def _for(expr: E.ForExpr, scope: Scope) -> Any:
    coll = evaluate(expr.collection, scope)
    if isinstance(coll, Lazy) and not isinstance(coll, Expansion):
        coll = plain(coll)
    if isinstance(coll, Expansion):
        return Unknown(f"for-expression over {coll.label}, whose instances are not known")
    if isinstance(coll, Unknown):
        return Unknown(f"for-expression over a value not known: {coll.reason}")
    if isinstance(coll, dict):
        pairs = sorted(coll.items())
    elif isinstance(coll, list):
        pairs = list(enumerate(coll))
    else:
        raise EvalError("for-expression over a value that is not a collection")
    is_object = expr.key is not None
    out_list: list[Any] = []
    out_map: dict[str, Any] = {}
    run = scope.module.run
    for k, v in pairs:
        run.spend(1, "a for-expression")
        names = {expr.value_var: v}
        if expr.key_var:
            names[expr.key_var] = k
        inner = scope.bind(**names)
        if expr.cond is not None:
            keep = _truthy(evaluate(expr.cond, inner))
            if isinstance(keep, Unknown):
                return Unknown(f"for-expression filter not known: {keep.reason}")
            if not keep:
                continue
        value = evaluate(expr.value, inner)
        if is_object:
            key = evaluate(expr.key, inner)  # type: ignore[arg-type]
            if isinstance(key, Unknown):
                return Unknown("for-expression key not known")
            key = to_string(key)
            if expr.grouping:
                out_map.setdefault(key, []).append(value)
            else:
                out_map[key] = value
        else:
            out_list.append(value)
    return out_map if is_object else out_list


def _call(expr: E.Call, scope: Scope) -> Any:
    name = expr.name
    if name == "try":
        for arg in expr.args:
            try:
                value = evaluate(arg, scope)
            except EvalError:
                continue
            return value
        raise EvalError("try: no argument could be evaluated")
    if name == "can":
        try:
            value = evaluate(expr.args[0], scope)
        except EvalError:
            return False
        return Unknown("can() of a value not known") if isinstance(value, Unknown) else True
    if name in ("file", "templatefile", "fileexists", "filebase64"):
        return _file_function(name, [plain(evaluate(a, scope)) for a in expr.args], scope)
    args = [evaluate(a, scope) for a in expr.args]
    if name not in STRUCTURAL:
        args = [plain(a) for a in args]
    if expr.expand_last and args:
        last = args.pop()
        if isinstance(last, Unknown):
            return Unknown(f"{name}(...) expanding a value not known")
        args.extend(last)
    result = call(name, args)
    if isinstance(result, (list, dict)):
        scope.module.run.spend(len(result), f"{name}()")
    return result


@inputs.observed
def _is_folder(path: Path) -> bool:
    """Whether a module's folder is there; an OSError when it is but cannot be looked at."""
    try:
        return stat.S_ISDIR(path.stat().st_mode)
    except (FileNotFoundError, NotADirectoryError):
        return False


@inputs.observed
def _function_file(path: Path) -> bytes | str:
    """The bytes file() and its kin read, or why they cannot (to follow the path in a message)."""
    try:
        with open(path, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return "is not a regular file"
            data = handle.read(MAX_FILE_READ + 1)
    except OSError:
        return "cannot be read"
    if len(data) > MAX_FILE_READ:
        return f"is larger than tfgen's budget of {MAX_FILE_READ} bytes"
    return data


def _file_function(name: str, args: list[Any], scope: Scope) -> Any:
    if not args or not isinstance(args[0], str):
        return Unknown(f"{name}() of a path not known")
    path = Path(args[0])
    if not path.is_absolute():
        path = scope.module.run.root_dir / path
    # Only the module tree being checked: the root module's folder, or the calling module's.
    try:
        resolved = inputs.resolved(path)
    except (OSError, RuntimeError, ValueError):
        return Unknown(f"{name}(): cannot resolve {args[0]}")
    inside = any(resolved.is_relative_to(inputs.resolved(d)) for d in (scope.module.run.root_dir, scope.module.directory))
    if not inside:
        return Unknown(f"{name}(): {args[0]} is outside the checked module tree; tfgen does not read it")
    if name == "fileexists":
        return inputs.kind(resolved) == "file"
    data = _function_file(resolved)
    if isinstance(data, str):
        return Unknown(f"{name}(): {args[0]} {data}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return Unknown(f"{name}(): {args[0]} is not UTF-8 text")
    if name == "filebase64":
        return call("base64encode", [text])
    if name == "file":
        return text
    return _render_template(text, str(path), args[1] if len(args) > 1 else {}, scope, resolved)


def _render_template(text: str, origin: str, variables: Any, scope: Scope, file: Path | None = None) -> Any:
    """A template text rendered with `variables` (templatefile() from `file`, data "template_file"
    from its inline text)."""
    if not isinstance(variables, dict):
        return Unknown("template variables not known")
    try:
        if file is not None:
            template = cache.load_template(file)  # parsed once, like .tf files: a warm run never parses
        else:
            from tfgen.check.loader import parse_template  # the parser loads only when inline text needs it

            template = parse_template(text, origin)
    except InputError as err:
        return Unknown(f"template {origin}: {err}")
    # A template file sees only the variables passed to it (and functions), not var/local/resources.
    module = scope.module
    isolated = ModuleInstance(module.run, module.directory, [], module.address, module.key_path, {}, {})
    return _template(template.parts, Scope(isolated, dict(variables)), whole=False)


# --- entry point -----------------------------------------------------------------------------


def evaluate_root(
    directory: Path,
    files: list[SourceFile],
    var_overrides: dict[str, E.Expr],
    label: str,
    files_read: list[str] | None = None,
    var_origins: dict[str, Path] | None = None,
) -> Model:
    """Evaluate one root module (its `files`) and every module it calls into a Model."""
    files_read = files_read if files_read is not None else []
    for source in files:
        if source.path not in files_read:
            files_read.append(source.path)
    run = Run(directory, files_read, var_origins)
    empty = ModuleInstance(run, directory, [], "", "", {}, {})
    inputs = {name: (lambda expr=expr: evaluate(expr, empty.scope)) for name, expr in var_overrides.items()}
    root = ModuleInstance(run, directory, files, "", "", inputs, {})
    # Values from tfvars for variables the root does not declare are ignored, as Terraform warns.
    root.inputs = {k: v for k, v in inputs.items() if k in root.variables}
    model = Model(root=label)
    _collect(root, model)
    model.files = list(files_read)
    return model


def _collect(module: ModuleInstance, model: Model) -> None:
    for key in module.resources:
        instances = module.instances(key)
        if isinstance(instances, Expansion):
            items: Iterable[ResourceInstance] = [instances.item.instance]
        elif isinstance(instances, list):
            items = instances
        elif isinstance(instances, dict):
            items = instances.values()
        else:
            items = [instances]
        for instance in items:
            model.resources.append(instance.to_resource())
    model.unknown_modules.update(module.unknown_calls())
    for name in module.calls:
        for child in module.child_instances(name):
            _collect(child, model)
