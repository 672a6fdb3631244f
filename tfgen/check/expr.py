"""Expressions as the evaluator sees them: a small syntax tree that no parser library leaks into.

The HCL loader builds these from python-hcl2's parse tree; templates read from files
(`templatefile()`) and heredocs go through `parse_template`, which the loader also supplies.
Every node is immutable and carries nothing but its own syntax.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Union


class Expr:
    """Base of every expression node."""


@dataclass(frozen=True)
class Literal(Expr):
    value: Any  # str, int, float, bool or None


@dataclass(frozen=True)
class Variable(Expr):
    """A bare name: `var`, `local`, `aws_iam_role`, `each`, a for-expression's iterator."""

    name: str


@dataclass(frozen=True)
class GetAttr(Expr):
    obj: Expr
    name: str


@dataclass(frozen=True)
class Index(Expr):
    obj: Expr
    key: Expr


@dataclass(frozen=True)
class Splat(Expr):
    """`obj[*].a.b` / `obj.*.a`: `ops` (GetAttr/Index whose obj is `None`) apply to each element."""

    obj: Expr
    ops: tuple[Expr, ...]


@dataclass(frozen=True)
class SplatItem(Expr):
    """Stands for the current element inside a Splat's `ops` chain."""


@dataclass(frozen=True)
class Call(Expr):
    name: str
    args: tuple[Expr, ...]
    expand_last: bool = False


@dataclass(frozen=True)
class TupleExpr(Expr):
    items: tuple[Expr, ...]


@dataclass(frozen=True)
class ObjectExpr(Expr):
    """Keys are expressions; a bare identifier key is already a `Literal` string."""

    items: tuple[tuple[Expr, Expr], ...]


@dataclass(frozen=True)
class Conditional(Expr):
    cond: Expr
    then: Expr
    other: Expr


@dataclass(frozen=True)
class BinOp(Expr):
    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True)
class UnaryOp(Expr):
    op: str
    operand: Expr


@dataclass(frozen=True)
class ForExpr(Expr):
    """`[for k, v in coll : value if cond]` or `{for k, v in coll : key => value... if cond}`."""

    key_var: str | None
    value_var: str
    collection: Expr
    value: Expr
    key: Expr | None = None  # set for object for-expressions
    cond: Expr | None = None
    grouping: bool = False


TemplatePart = Union[str, Expr, "TemplateIf", "TemplateFor"]


@dataclass(frozen=True)
class TemplateIf:
    cond: Expr
    then: tuple[TemplatePart, ...]
    other: tuple[TemplatePart, ...] = ()


@dataclass(frozen=True)
class TemplateFor:
    key_var: str | None
    value_var: str
    collection: Expr
    body: tuple[TemplatePart, ...]


@dataclass(frozen=True)
class Template(Expr):
    """A string template. A template that is exactly one `${expr}` yields expr's value unchanged."""

    parts: tuple[TemplatePart, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Unparsed(Expr):
    """Syntax the loader could read but does not model; it evaluates to unknown."""

    text: str


def variables_used(expr: Any) -> list[str]:
    """The input variables (`var.NAME`) an expression reads, in order of appearance."""
    found: list[str] = []
    stack: list[Any] = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, GetAttr) and isinstance(node.obj, Variable) and node.obj.name == "var":
            if node.name not in found:
                found.append(node.name)
        elif isinstance(node, (tuple, list)):
            stack.extend(reversed(node))
        elif hasattr(node, "__dataclass_fields__"):
            stack.extend(reversed([getattr(node, name) for name in node.__dataclass_fields__]))
    return found
