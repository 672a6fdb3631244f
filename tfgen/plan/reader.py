"""Read `terraform show -json` output (format 1.x) into the checker's model.

The plan knows what static HCL cannot: values passed with `-var`, environment tfvars, computed
module outputs. Its planned values become `Resource` attributes (unknown-after-apply values
become `Computed`, following the configuration's references so a task definition's
`task_role_arn` still leads to its role); the change actions ride along for the 5xx rules.
Resources the plan deletes are kept apart (`Model.deleted`): they will not exist after apply, so
only the change rules look at them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from tfgen.check.jsontext import parse_json
from tfgen.check.model import Computed, Model, Resource, Unknown
from tfgen.errors import InputError

# "TYPE.NAME", "TYPE.NAME[0]", 'TYPE.NAME["k"]', optionally "data." first, then ".ATTRIBUTE".
_RESOURCE_REFERENCE = re.compile(r'^((?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z_][A-Za-z0-9_-]*(?:\[[^\]]+\])?)\.([A-Za-z_][A-Za-z0-9_]*)$')
_INDEX = re.compile(r"\[[^\]]*\]")


@dataclass
class Change:
    """One entry of the plan's resource_changes: what happens to one resource instance."""

    address: str
    type: str
    name: str
    module: str
    mode: str
    actions: tuple[str, ...]
    before: dict[str, Any] | None
    replace_paths: list[list[Any]]

    @property
    def deletes(self) -> bool:
        return "delete" in self.actions and "create" not in self.actions

    @property
    def replaces(self) -> bool:
        return "delete" in self.actions and "create" in self.actions

    @property
    def kind(self) -> str:
        """create, update, replace, delete, read or no-op: the one word a summary table uses."""
        if self.replaces:
            return "replace"
        if self.deletes:
            return "delete"
        return self.actions[0] if len(self.actions) == 1 else "+".join(self.actions)


@dataclass
class Plan:
    """A plan read into the model (what will exist, what goes away) and every change."""

    model: Model  # its `deleted` and `prior` hold what the plan removes and the state before it
    changes: list[Change] = field(default_factory=list)


def load_plan_file(path: Path) -> dict[str, Any]:
    """Parse a plan JSON file, or raise InputError naming the file and the line of the fault."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such plan file") from None
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"{path}: cannot read the plan: {err}") from None
    document = parse_json(text, str(path), "not a valid plan")
    check_format(document, str(path))
    return document


def check_format(document: Any, source: str) -> None:
    """Refuse anything the reader cannot take as it is: the format, then the whole shape."""
    if not isinstance(document, dict) or "format_version" not in document:
        raise InputError(f"{source}: not a plan from `terraform show -json PLANFILE` (no format_version)")
    version = str(document["format_version"])[:20]
    if not version.startswith("1."):
        raise InputError(f"{source}: plan format {version} is not supported (tfgen reads format 1.x)")
    if "planned_values" not in document and "resource_changes" not in document:
        raise InputError(f"{source}: this JSON holds no planned_values or resource_changes; was it made from a saved plan?")
    try:
        _PLAN(document, "")
    except _Invalid as err:
        raise InputError(f"{source}: not a valid plan: {err.where or 'the document'}: expected {err.expected}") from None


# --- the plan's shape ------------------------------------------------------------------------
#
# What the reader relies on, checked once at the door, so that the reader itself can take every
# field as the type it is. A spec is a function of (value, where) that raises _Invalid; `where` is
# the JSON path of the value ("resource_changes[3].change.actions").

MAX_VALUE_DEPTH = 100  # attribute values nest a few levels; deeper is not a provider's output


class _Invalid(Exception):
    def __init__(self, where: str, expected: str):
        super().__init__(f"{where}: expected {expected}")
        self.where, self.expected = where, expected


def _is(kind: type | tuple[type, ...], expected: str, nullable: bool = False):
    def spec(value: Any, where: str) -> None:
        if value is None and nullable:
            return
        if isinstance(value, bool) or not isinstance(value, kind):  # JSON true is no number
            raise _Invalid(where, expected)

    return spec


def _object(nullable: bool = False, **fields: tuple[Any, bool]):
    """A JSON object whose listed fields (spec, required) are checked; others are ignored."""

    def spec(value: Any, where: str) -> None:
        if value is None and nullable:
            return
        if not isinstance(value, dict):
            raise _Invalid(where, "an object")
        for name, (field_spec, required) in fields.items():
            inner = f"{where}.{name}" if where else name
            if name in value:
                field_spec(value[name], inner)
            elif required:
                raise _Invalid(inner, "this field")

    return spec


def _list_of(item: Any, nullable: bool = False):
    def spec(value: Any, where: str) -> None:
        if value is None and nullable:
            return
        if not isinstance(value, list):
            raise _Invalid(where, "a list")
        for index, element in enumerate(value):
            item(element, f"{where}[{index}]")

    return spec


def _map_of(item: Any):
    def spec(value: Any, where: str) -> None:
        if not isinstance(value, dict):
            raise _Invalid(where, "an object")
        for key, element in value.items():
            item(element, f"{where}.{key}")

    return spec


def _value(nullable: bool = True, container: type | None = None):
    """Any JSON value (attribute values, after_unknown) nested at most MAX_VALUE_DEPTH deep."""

    def spec(value: Any, where: str) -> None:
        if container is not None and not isinstance(value, container) and not (nullable and value is None):
            raise _Invalid(where, "an object" if container is dict else "a list")
        stack = [(value, 0)]
        while stack:
            current, depth = stack.pop()
            if depth > MAX_VALUE_DEPTH:
                raise _Invalid(where, f"values nested at most {MAX_VALUE_DEPTH} levels deep")
            if isinstance(current, dict):
                stack.extend((v, depth + 1) for v in current.values())
            elif isinstance(current, list):
                stack.extend((v, depth + 1) for v in current)

    return spec


def _tree(check: Any, children: Any):
    """A module and its descendants (`children` of a module: (path suffix, child) pairs), each
    checked by `check`, without recursion and at most MAX_VALUE_DEPTH deep."""

    def spec(value: Any, where: str) -> None:
        stack = [(value, where, 0)]
        while stack:
            current, at, depth = stack.pop()
            if depth > MAX_VALUE_DEPTH:
                raise _Invalid(at, f"modules nested at most {MAX_VALUE_DEPTH} levels deep")
            check(current, at)
            stack.extend((child, at + suffix, depth + 1) for suffix, child in children(current))

    return spec


# A module of planned_values or of a state's values; a module of the configuration.
_module = _tree(
    lambda value, where: _MODULE(value, where),
    lambda module: ((f".child_modules[{i}]", child) for i, child in enumerate(module.get("child_modules") or [])),
)
_config_module = _tree(
    lambda value, where: _CONFIG_MODULE(value, where),
    lambda module: ((f".module_calls.{name}.module", call["module"]) for name, call in (module.get("module_calls") or {}).items() if "module" in call),
)

_TEXT = _is(str, "a string")
_RESOURCE = _object(
    address=(_TEXT, True),
    type=(_TEXT, True),
    name=(_TEXT, True),
    mode=(_TEXT, False),
    index=(_is((int, str), "an integer or a string", nullable=True), False),
    values=(_value(container=dict), False),
)
_MODULE = _object(
    address=(_TEXT, False),
    resources=(_list_of(_RESOURCE), False),
    child_modules=(_list_of(_is(dict, "an object")), False),
)
_CHANGE = _object(
    address=(_TEXT, True),
    type=(_TEXT, True),
    name=(_TEXT, True),
    mode=(_TEXT, False),
    module_address=(_TEXT, False),
    change=(
        _object(
            actions=(_list_of(_TEXT), False),
            before=(_value(container=dict), False),
            after_unknown=(_value(), False),
            replace_paths=(_list_of(_list_of(_is((str, int), "a string or an integer")), nullable=True), False),
        ),
        False,
    ),
)
_CONFIG_MODULE = _object(
    resources=(_list_of(_object(address=(_TEXT, True), expressions=(_value(nullable=False, container=dict), False))), False),
    module_calls=(_map_of(_object(module=(_is(dict, "an object"), False))), False),
)
_PLAN = _object(
    resource_changes=(_list_of(_CHANGE), False),
    planned_values=(_object(root_module=(_module, False)), False),
    prior_state=(_object(values=(_object(root_module=(_module, False)), False)), False),
    configuration=(_object(root_module=(_config_module, False)), False),
)


def read_plan(document: dict[str, Any], label: str) -> Plan:
    """The plan as the checker's model (`label` names it in findings)."""
    changes = {rc["address"]: _change(rc) for rc in document.get("resource_changes", [])}
    unknowns = {rc["address"]: rc.get("change", {}).get("after_unknown") or {} for rc in document.get("resource_changes", [])}
    configuration = _ConfigIndex(document.get("configuration", {}))
    model = Model(root=label)
    for module_address, raw in module_resources(document.get("planned_values", {})):
        address = raw["address"]
        change = changes.get(address)
        resource = Resource(
            type=raw["type"],
            name=raw["name"],
            address=address,
            module=module_address,
            mode=raw.get("mode", "managed"),
            index=raw.get("index"),
            attributes=_attributes(raw.get("values") or {}, unknowns.get(address, {})),
            actions=change.actions if change else ("no-op",),
            replaced_because=_forcing_attributes(change) if change else (),
        )
        _follow_references(resource, configuration)
        model.resources.append(resource)
    deleted = [
        _resource_from(change, change.before or {})
        for change in changes.values()
        if change.deletes and change.mode == "managed"
    ]
    prior = [
        _resource_from_state(module_address, raw)
        for module_address, raw in module_resources(document.get("prior_state", {}).get("values", {}))
    ]
    model.deleted, model.prior = deleted, prior
    return Plan(model=model, changes=list(changes.values()))


def _change(rc: dict[str, Any]) -> Change:
    change = rc.get("change", {})
    return Change(
        address=rc["address"],
        type=rc["type"],
        name=rc["name"],
        module=rc.get("module_address", ""),
        mode=rc.get("mode", "managed"),
        actions=tuple(change.get("actions", ())),
        before=change.get("before"),
        replace_paths=change.get("replace_paths") or [],
    )


def _forcing_attributes(change: Change) -> tuple[str, ...]:
    """The top-level attributes whose change forces a replacement (from `replace_paths`)."""
    names = [str(path[0]) for path in change.replace_paths if path]
    return tuple(dict.fromkeys(names))


def module_resources(values: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(module instance address, resource) for every resource of a plan's `planned_values` or
    a state's `values`, modules included, in configuration order."""
    stack = [values.get("root_module", {})]
    while stack:
        current = stack.pop(0)
        for raw in current.get("resources", []):
            yield current.get("address", ""), raw
        stack.extend(current.get("child_modules", []))


def _resource_from(change: Change, values: dict[str, Any]) -> Resource:
    return Resource(
        type=change.type,
        name=change.name,
        address=change.address,
        module=change.module,
        mode=change.mode,
        attributes=_attributes(values, {}),
        actions=change.actions,
    )


def _resource_from_state(module_address: str, raw: dict[str, Any]) -> Resource:
    return Resource(
        type=raw["type"],
        name=raw["name"],
        address=raw["address"],
        module=module_address,
        mode=raw.get("mode", "managed"),
        index=raw.get("index"),
        attributes=_attributes(raw.get("values") or {}, {}),
    )


def _attributes(values: dict[str, Any], unknown: Any) -> dict[str, Any]:
    """Planned values with unknown-after-apply parts as Unknown; nulls dropped, as in HCL where
    an argument left out is absent (rules apply the provider's default)."""
    merged = _overlay(values, unknown)
    return merged if isinstance(merged, dict) else {}


def _overlay(value: Any, unknown: Any) -> Any:
    if unknown is True:
        return Unknown("known only after apply")
    if isinstance(value, dict) or isinstance(unknown, dict):
        value = value if isinstance(value, dict) else {}
        unknown = unknown if isinstance(unknown, dict) else {}
        out = {}
        for key in {**value, **unknown}:
            item = _overlay(value.get(key), unknown.get(key))
            if item is not None:
                out[key] = item
        return out
    if isinstance(value, list) or isinstance(unknown, list):
        value = value if isinstance(value, list) else []
        unknown = unknown if isinstance(unknown, list) else []
        length = max(len(value), len(unknown))
        return [_overlay(value[i] if i < len(value) else None, unknown[i] if i < len(unknown) else None) for i in range(length)]
    return value


class _ConfigIndex:
    """The plan's `configuration` section: each resource's expressions by module path and address."""

    def __init__(self, configuration: dict[str, Any]):
        self.expressions: dict[str, dict[str, Any]] = {}
        stack: list[tuple[str, dict[str, Any]]] = [("", configuration.get("root_module", {}))]
        while stack:
            path, module = stack.pop()
            for res in module.get("resources", []):
                self.expressions[f"{path}{res['address']}"] = res.get("expressions", {})
            for name, call in module.get("module_calls", {}).items():
                stack.append((f"{path}module.{name}.", call.get("module", {})))

    def references(self, resource: Resource, attribute: str) -> list[str]:
        # The configuration is per module, not per instance: strip the instance keys.
        module_path = _INDEX.sub("", resource.module) + "." if resource.module else ""
        local = f"{resource.type}.{resource.name}" if resource.mode == "managed" else f"data.{resource.type}.{resource.name}"
        expression = self.expressions.get(module_path + local, {}).get(attribute)
        references = expression.get("references") if isinstance(expression, dict) else None
        return [r for r in references if isinstance(r, str)] if isinstance(references, list) else []


def _follow_references(resource: Resource, configuration: _ConfigIndex) -> None:
    """Make each unknown top-level attribute a Computed: of the resource it references (in the
    same module instance) when the configuration says so, else of this resource itself, so
    rules can follow `task_role_arn` to its role as they do on HCL."""
    prefix = resource.module + "." if resource.module else ""
    for attribute, value in list(resource.attributes.items()):
        if not isinstance(value, Unknown):
            continue
        for reference in configuration.references(resource, attribute):
            match = _RESOURCE_REFERENCE.match(reference)
            if match:
                resource.attributes[attribute] = Computed(
                    f"{prefix}{match.group(1)}.{match.group(2)} is known only after apply",
                    address=prefix + match.group(1),
                    attribute=match.group(2),
                )
                break
        else:
            resource.attributes[attribute] = Computed(
                f"{resource.address}.{attribute} is known only after apply", address=resource.address, attribute=attribute
            )
