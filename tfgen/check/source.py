"""Terraform source as read from disk, before evaluation: files of blocks with attributes.

This is the loader's output and the evaluator's input. It knows syntax and positions only;
no value in it is resolved yet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from tfgen.check.expr import Expr


@dataclass(frozen=True)
class SourceAttribute:
    name: str
    expr: Expr
    line: int


@dataclass
class SourceBlock:
    """`type "label" "label" { ... }` with its attributes in source order and nested blocks."""

    type: str
    labels: tuple[str, ...]
    attributes: dict[str, SourceAttribute]
    blocks: list["SourceBlock"]
    file: str
    line: int
    end_line: int
    # rule id -> reason, from `# tfgen:ignore=ID,ID reason` comments inside the block.
    ignores: dict[str, str] = field(default_factory=dict)

    def blocks_of(self, type_: str) -> list["SourceBlock"]:
        return [b for b in self.blocks if b.type == type_]

    def attr(self, name: str) -> Expr | None:
        found = self.attributes.get(name)
        return found.expr if found else None


@dataclass
class SourceFile:
    path: str
    blocks: list[SourceBlock]


def is_config_file(name: str) -> bool:
    """A Terraform configuration file: native syntax (`.tf`) or JSON syntax (`.tf.json`)."""
    return name.endswith(".tf") or name.endswith(".tf.json")


def assignment_line(path: Path, name: str) -> int:
    """The line of `name = ...` (or `"name": ...`) in a .tfvars / .tfvars.json file; the least
    indented match, as variables are assigned at the top level (1 when not found)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 1
    pattern = re.compile(rf'^(\s*)(?:{re.escape(name)}\s*=|"{re.escape(name)}"\s*[:=])')
    best: tuple[int, int] | None = None
    for number, text in enumerate(lines, 1):
        match = pattern.match(text)
        if match and (best is None or len(match.group(1)) < best[0]):
            best = (len(match.group(1)), number)
    return best[1] if best else 1
