"""Key paths into the raw answers dict, and what the answers model says about each.

The wizard fills the same nested dict an answers file holds (`services[1].permissions.s3_buckets[0].name`).
Which model field a path lands on, and that field's default, come from walking the `Answers`
model, so a question needs only its key: the model supplies the type, default and validation.
"""

from __future__ import annotations

import re
import types
import typing
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from tfgen.answers.model import Answers

Path = tuple[str | int, ...]

_PART = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")
MISSING: Any = object()


def parse(text: str) -> Path:
    """`services[0].cpu` -> ("services", 0, "cpu"). Empty text is the empty path."""
    return tuple(int(index) if index else name for name, index in _PART.findall(text))


def show(path: Path) -> str:
    """The inverse of `parse`: how problems and presets name a key."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + part
    return out


def within(path: Path, outer: Path) -> bool:
    """True when `path` is `outer` or lies inside it."""
    return path[: len(outer)] == outer


def get(data: Any, path: Path, default: Any = MISSING) -> Any:
    node = data
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return default
    return node


def put(data: dict[str, Any], path: Path, value: Any) -> None:
    """Set `path` to `value`, creating the mappings and list items on the way."""
    node: Any = data
    for here, nxt in zip(path, path[1:]):
        empty: Any = [] if isinstance(nxt, int) else {}
        if isinstance(here, int):
            while len(node) <= here:
                node.append({} if not isinstance(nxt, int) else [])
            if node[here] is None:
                node[here] = empty
        elif node.get(here) is None:
            node[here] = empty
        node = node[here]
    last = path[-1]
    if isinstance(last, int):
        while len(node) <= last:
            node.append(None)
    node[last] = value


def drop(data: Any, path: Path) -> None:
    """Remove the key at `path` if it is there (so the model's default applies)."""
    parent = get(data, path[:-1], None)
    if isinstance(parent, dict):
        parent.pop(path[-1], None)


def _unwrap(annotation: Any) -> Any:
    """`X | None` -> X; `Annotated[X, ...]` -> X."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation


def field_at(path: Path) -> tuple[type[BaseModel], str] | None:
    """The model and field name a key path lands on, or None when it is not a model field
    (an unknown key, a list item, or a key inside a plain mapping such as `tags.team`)."""
    container: Any = Answers
    found: tuple[type[BaseModel], str] | None = None
    for part in path:
        if isinstance(part, int):
            if typing.get_origin(container) is not list:
                return None
            container, found = _unwrap(typing.get_args(container)[0]), None
            continue
        if not (isinstance(container, type) and issubclass(container, BaseModel)):
            return None
        if part not in container.model_fields:
            return None
        found = (container, part)
        container = _unwrap(container.model_fields[part].annotation)
    return found


def annotation_at(path: Path) -> Any:
    """The field's type at `path` (Optional and Annotated kept), for choosing how to ask."""
    found = field_at(path)
    if found is None:
        return None
    model, name = found
    return model.model_fields[name].annotation


def model_default(path: Path) -> Any:
    """The model's default for the field at `path`, or MISSING when it has none (a required key)."""
    found = field_at(path)
    if found is None:
        return MISSING
    model, name = found
    info = model.model_fields[name]
    if info.default_factory is not None:
        value = info.default_factory()
    elif info.default is PydanticUndefined:
        return MISSING
    else:
        value = info.default
    if isinstance(value, list):
        return [v.model_dump() if isinstance(v, BaseModel) else v for v in value]
    return value.model_dump() if isinstance(value, BaseModel) else value


def is_optional(path: Path) -> bool:
    annotation = annotation_at(path)
    origin = typing.get_origin(annotation)
    return origin in (typing.Union, types.UnionType) and type(None) in typing.get_args(annotation)


def base_type(path: Path) -> Any:
    """bool, int, str, list, a Literal, or a model class: what kind of answer the field takes."""
    annotation = _unwrap(annotation_at(path))
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return annotation
    return origin or annotation
