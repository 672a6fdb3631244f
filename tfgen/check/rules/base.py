"""What a rule is, and what it can say about a resource.

A rule is one `Rule` value: its public metadata (id, severity, title, the guidance line it
enforces, why, how to fix, AWS documentation) beside a pure `check(model)` function that yields
`Fail` for what it knows is wrong and `Undecided` where a value it needs cannot be known.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Union

from tfgen.check.model import Model, Resource

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


@dataclass(frozen=True)
class Undecided:
    """The rule could not decide about `resource` because a value it needs is unknown."""

    resource: Resource
    reason: str


Hit = Union[Fail, Undecided]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    title: str
    guidance: str  # the line of ecs-guidance.md this rule enforces, quoted
    why: str
    fix: str
    url: str
    check: Callable[[Model], Iterable[Hit]]
    # True for the 5xx rules: they judge what a plan changes, so only `--plan` runs them.
    plan_only: bool = False
    # The attribute paths the rule judges, first found wins: a finding's line points at that
    # attribute (or the nearest enclosing block present) instead of the resource's first line.
    attributes: tuple[str, ...] = ()

    @property
    def examples(self) -> Path:
        """Folder holding `good/main.tf` and `bad/main.tf` for this rule."""
        return EXAMPLES_DIR / self.id

    def example(self, kind: str) -> str:
        path = self.examples / kind / "main.tf"
        return path.read_text(encoding="utf-8") if path.is_file() else ""
