"""What a rule is, and how it speaks about a resource.

A rule is one `Rule` value: its public metadata (id, severity, title, the section of
docs/guidance.md it enforces, why, how to fix, AWS documentation) beside a `Judge`: which resources it judges
(`subjects`) and a function of one of them that yields a `Fail` for what it knows is wrong.

Rules judge known values only. A rule asks for a value it needs with `known()`; when the value
cannot be known statically, `known()` raises `Undecided` and the runner counts an unknown for
that rule and resource. The runner also owns failures: a rule that raises anything else is
reported as an internal error, and the other rules still run.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from tfgen.check.model import Model, Resource, Unknown, is_known

SEVERITIES = ("error", "warning", "info")
# Rank for --fail-on: a finding fails the run when its rank is at or above the threshold's.
SEVERITY_RANK = {"info": 1, "warning": 2, "error": 3}

EXAMPLES_DIR = Path(__file__).parent / "examples"


@dataclass(frozen=True)
class Fail:
    """The rule found `resource` departing from the guidance."""

    resource: Resource
    message: str
    severity: str | None = None  # overrides the rule's default severity (TFG403's One Zone case)
    # The attribute path judged ("volume.efs_volume_configuration.transit_encryption"), when it
    # is not the rule's own `attributes`: the finding's line points at it.
    attribute: str | None = None


class Undecided(Exception):
    """A value the rule needs is not known: the runner counts an unknown for `resource` (the
    resource being judged when None) instead of a finding."""

    def __init__(self, reason: str, resource: Resource | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.resource = resource


def known(value: Any, reason: str | None = None, about: Resource | None = None) -> Any:
    """`value` itself when it is known (at its top level); raises Undecided otherwise.

    `reason` replaces the unknown's own reason; `about` names another resource than the one
    being judged as the place the unknown is counted at."""
    if isinstance(value, Unknown):
        raise Undecided(reason or value.reason, about)
    return value


def fully_known(value: Any, reason: str) -> Any:
    """`value` when nothing inside it (list items, map values) is unknown; raises Undecided otherwise."""
    if not is_known(value):
        raise Undecided(reason)
    return value


class Pending:
    """The first undecided part of a judgement that goes on past it.

    A rule that judges several parts (volumes, statements, ingress rules) fails on what it knows
    is wrong even when another part is unknown, and stays undecided only when nothing was wrong:

        pending = Pending()
        for part in parts:
            with pending:
                judge(known(part))
        if problems: yield Fail(...)
        pending.settle()        # raises the first Undecided, if any
    """

    def __init__(self) -> None:
        self.first: Undecided | None = None

    def __enter__(self) -> "Pending":
        return self

    def __exit__(self, kind: Any, error: Any, trace: Any) -> bool:
        if isinstance(error, Undecided):
            self.first = self.first or error
            return True
        return False

    def add(self, reason: str, about: Resource | None = None) -> None:
        self.first = self.first or Undecided(reason, about)

    def settle(self, about: Resource | None = None) -> None:
        """Raise the first Undecided met, if any (counted at `about` unless it names its own place)."""
        if self.first is not None:
            raise Undecided(self.first.reason, self.first.resource or about)


@contextmanager
def undecided_as(reason: str | None = None, about: Resource | None = None) -> Iterator[None]:
    """Reword an Undecided raised inside (a helper's reason) with the rule's own words, and/or
    count it at `about` when it names no place of its own."""
    try:
        yield
    except Undecided as err:
        raise Undecided(f"{reason}: {err.reason}" if reason else err.reason, err.resource or about) from None


def unless_unknown(default: Any, function: Callable[..., Any], *args: Any) -> Any:
    """`function(*args)`, or `default` where it cannot decide: for relationships a rule follows
    only when they are known, and stays silent about otherwise."""
    try:
        return function(*args)
    except Undecided:
        return default


@dataclass(frozen=True)
class Judge:
    """What a rule judges (`subjects(model)`) and how (`judge(model, subject)` yields Fails)."""

    subjects: Callable[[Model], Iterable[Resource]]
    judge: Callable[[Model, Resource], Iterable[Fail]]


def judges(*types: str) -> Callable[[Callable[[Model, Resource], Iterable[Fail]]], Judge]:
    """Decorate a rule function of (model, resource): it judges each managed resource of `types`."""

    def wrap(function: Callable[[Model, Resource], Iterable[Fail]]) -> Judge:
        return Judge(lambda model: model.managed(*types), function)

    return wrap


def judges_each(subjects: Callable[[Model], Iterable[Resource]]) -> Callable[[Callable[[Model, Resource], Iterable[Fail]]], Judge]:
    """Decorate a rule function of (model, resource): it judges each resource `subjects` lists."""

    def wrap(function: Callable[[Model, Resource], Iterable[Fail]]) -> Judge:
        return Judge(subjects, function)

    return wrap


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    title: str
    guidance: str  # the anchor of the docs/guidance.md section this rule enforces, e.g. "task-roles"
    why: str
    fix: str
    url: str
    check: Judge
    # True for the 5xx rules: they judge what a plan changes, so only `--plan` runs them.
    plan_only: bool = False
    # The attribute paths the rule judges, first found wins: a finding's line points at that
    # attribute (or the nearest enclosing block present) instead of the resource's first line.
    attributes: tuple[str, ...] = ()

    @property
    def guidance_section(self):
        """The cited section of docs/guidance.md (title, text, AWS documentation links)."""
        from tfgen.guidance import section

        return section(self.guidance)

    @property
    def examples(self) -> Path:
        """Folder holding `good/main.tf` and `bad/main.tf` for this rule."""
        return EXAMPLES_DIR / self.id

    def example(self, kind: str) -> str:
        path = self.examples / kind / "main.tf"
        return path.read_text(encoding="utf-8") if path.is_file() else ""
