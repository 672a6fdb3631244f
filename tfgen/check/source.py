"""Terraform source as read from disk, before evaluation: files of blocks with attributes.

This is the loader's output and the evaluator's input. It knows syntax and positions only;
no value in it is resolved yet.
"""

from __future__ import annotations

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


def config_files(folder: Path) -> list[Path]:
    """The configuration files of one module folder, in the order Terraform reads them."""
    return sorted(p for p in folder.iterdir() if is_config_file(p.name) and p.is_file())
