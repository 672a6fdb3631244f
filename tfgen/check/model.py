"""The typed model that rules read: resources with evaluated attributes, and the values in them.

Two loaders fill it: the HCL evaluator (`tfgen.check.evaluator`) and, later, a reader of
`terraform show -json` plans. Rules never see parser output, only this.

Values are plain Python (str, int, float, bool, None, list, dict) where known. Nested blocks are
lists of dicts under their block name, the shape of a plan's `values`. Anything that cannot be
known statically is an `Unknown`; a `Computed` is an unknown that still knows which resource
attribute it stands for (`aws_iam_role.task.arn`), so rules can follow references even when the
value itself is only known after apply.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable


@dataclass(frozen=True)
class Unknown:
    """A value the checker cannot know. `reason` says why, for --show-unknown."""

    reason: str = "not known statically"

    def __repr__(self) -> str:
        return f"Unknown({self.reason!r})"

    def __bool__(self) -> bool:
        # An unknown is neither true nor false: letting it pass as true (the default for any
        # object) is how a check silently decides on a value it cannot know.
        raise TypeError(f"an unknown value ({self.reason}) has no truth value: ask for it with known()")


@dataclass(frozen=True)
class Computed(Unknown):
    """The value of `address`'s `attribute`, known only after apply (an ARN, an id)."""

    address: str = ""
    attribute: str = ""

    def __repr__(self) -> str:
        return f"Computed({self.address}.{self.attribute})"


@dataclass(frozen=True)
class PartialString(Unknown):
    """A string template with unknown parts: `pattern` has `*` where those parts go.

    `"arn:${data.aws_partition.current.partition}:iam::aws:policy/X"` gives the pattern
    `arn:*:iam::aws:policy/X`, enough to tell which managed policy it names.
    """

    pattern: str = "*"
    parts: tuple[Any, ...] = ()  # the known strings and the Unknowns, in order


@dataclass(frozen=True)
class PartialJson(Unknown):
    """`jsonencode(data)` where `data` holds unknowns: the string is unknown, its structure is not."""

    data: Any = None


def is_unknown(value: Any) -> bool:
    return isinstance(value, Unknown)


def is_known(value: Any) -> bool:
    """True when `value` contains no unknown anywhere inside it."""
    if isinstance(value, Unknown):
        return False
    if isinstance(value, dict):
        return all(is_known(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return all(is_known(v) for v in value)
    return True


@dataclass(frozen=True)
class Place:
    """A line in a file: where an attribute is, or where a variable's value was set."""

    file: str
    line: int


@dataclass(frozen=True)
class ModuleCall:
    """A `module "name" { source = ... }` call in the user's own files: what a user can change.

    Findings inside a fetched module (under `.terraform/modules/`) name the call that brought it
    in; a call whose module could not be read says why in `reason`.
    """

    address: str
    source: str | None
    file: str | None
    line: int | None
    reason: str = ""


@dataclass
class Resource:
    """One resource (or data source) instance.

    `address` is Terraform's full address (`module.web.aws_ecs_service.this["a"]`), `module`
    the module part of it (`module.web`, "" at the root). `attributes` holds evaluated values:
    an attribute left out of the configuration is absent (rules apply the provider's default);
    a nested block type whose `dynamic` block could not be expanded maps to an Unknown.
    `file`/`line` locate the block in the configuration when known (None for plan-only data).
    """

    type: str
    name: str
    address: str
    module: str = ""
    mode: str = "managed"  # or "data"
    index: Any = None  # count index or for_each key of this instance
    attributes: dict[str, Any] = field(default_factory=dict)
    file: str | None = None
    line: int | None = None
    # False when count/for_each could not be evaluated: this stands for "zero or more instances".
    instances_known: bool = True
    prevent_destroy: bool = False
    # rule id -> reason from `# tfgen:ignore=` comments in this block or the module calls above it.
    ignores: dict[str, str] = field(default_factory=dict)
    # For plans: the actions Terraform will take (("create",), ("delete", "create"), ...), and
    # for a replacement the attributes whose change forces it.
    actions: tuple[str, ...] = ()
    replaced_because: tuple[str, ...] = ()
    # The user's module call this instance comes through, when its block is in a fetched module.
    via: ModuleCall | None = None
    # Attribute path ("volume.efs_volume_configuration.transit_encryption", "volume[1]") -> its
    # line in `file`, when the block has it: a finding about an attribute points at it, not at
    # the block's first line. Asked only for findings, so it is worked out only then.
    position: Callable[[str], int | None] | None = field(default=None, repr=False, compare=False)
    # Attribute path -> where the variable its value comes from was set (a tfvars file), if so.
    origin: Callable[[str], Place | None] | None = field(default=None, repr=False, compare=False)

    def get(self, name: str, default: Any = None) -> Any:
        return self.attributes.get(name, default)

    def blocks(self, name: str) -> list[dict[str, Any]] | Unknown:
        """A nested block type as a list of dicts ([] when absent; Unknown when not expandable)."""
        value = self.attributes.get(name)
        if value is None:
            return []
        if isinstance(value, Unknown):
            return value
        if isinstance(value, dict):
            return [value]
        if not isinstance(value, (list, tuple)):
            return []  # not a block at all (Terraform rejects it): nothing to judge
        return [v for v in value if isinstance(v, (dict, Unknown))]

    def __repr__(self) -> str:
        return f"<Resource {self.address}>"


# Attributes a reference to a resource is commonly made through, in the order tried when a
# rule holds a plain string and wants the resource it names.
_NAMING_ATTRIBUTES = ("arn", "id", "name", "family")


@dataclass
class Model:
    """Everything one root module yields: its resources (its local modules' included)."""

    root: str  # the root module's folder (or file) as given
    resources: list[Resource] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    # Module calls whose insides could not be read (registry module not fetched), by address.
    unknown_modules: dict[str, ModuleCall] = field(default_factory=dict)
    # Plans only: resources the plan deletes outright (their values before), and every resource
    # as it stands before the change (prior state). Conformance rules read `resources` alone,
    # which is what will exist after apply; the change rules (5xx) read these too.
    deleted: list[Resource] = field(default_factory=list)
    prior: list[Resource] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._indexes: dict[Any, Any] = {}
        self._indexed_count = -1

    def memo(self, key: Any, build: Any) -> Any:
        """A lookup table built once per key: rules ask the same questions for every resource,
        and scanning every resource each time made large configurations quadratic. Resources
        are only ever appended, so a change in their count is what makes the tables stale."""
        if self._indexed_count != len(self.resources):
            self._indexes.clear()
            self._indexed_count = len(self.resources)
        if key not in self._indexes:
            self._indexes[key] = build()
        return self._indexes[key]

    def forget(self) -> None:
        """Drop every table `memo` built: rules keep what they reported in one run there (a
        finding once per security group rule, per role), so each run starts afresh."""
        self._indexes.clear()

    def managed(self, *types: str) -> list[Resource]:
        """Managed resources of the given types, in configuration order."""
        found = self.memo(
            ("managed", types), lambda: [r for r in self.resources if r.mode == "managed" and (not types or r.type in types)]
        )
        return list(found)

    def data(self, *types: str) -> list[Resource]:
        return [r for r in self.resources if r.mode == "data" and (not types or r.type in types)]

    def get(self, address: str) -> Resource | None:
        return self.memo("address", lambda: {r.address: r for r in self.resources}).get(address)

    def _by_value(self, types: tuple[str, ...], attribute: str) -> dict[str, Resource]:
        """String value of `attribute` -> the first resource (of `types`) holding it."""

        def build() -> dict[str, Resource]:
            table: dict[str, Resource] = {}
            for res in self.managed(*types) if types else self.resources:
                have = res.attributes.get(attribute)
                if isinstance(have, str):
                    table.setdefault(have, res)
            return table

        return self.memo(("value", types, attribute), build)

    def resolve(self, value: Any, *types: str, attributes: Iterable[str] = _NAMING_ATTRIBUTES) -> Resource | Unknown | None:
        """The resource `value` refers to, among `types`.

        A `Computed` leads straight to its resource. A known string is matched against the
        resources' ARN, id, name or family (a task definition's `family:revision` too). Returns
        None when no resource in the configuration matches (the value names something made
        elsewhere), and an Unknown when the value cannot be known.
        """
        if isinstance(value, Computed):
            found = self.get(value.address)
            if found is not None and (not types or found.type in types):
                return found
            return value
        if isinstance(value, Unknown):
            return value
        if not isinstance(value, str) or not value:
            return None
        names = list(attributes)
        for attr in names:
            found = self._by_value(types, attr).get(value)
            if found is not None:
                return found
        if "family" in names and ":" in value and not value.startswith("arn:"):
            return self._by_value(types, "family").get(value.split(":", 1)[0])
        return None


def glob_match(pattern: str, value: str) -> bool:
    """IAM-style wildcard match (`*`, `?`), case-insensitive as IAM action names are."""
    return fnmatch.fnmatchcase(value.lower(), pattern.lower())
