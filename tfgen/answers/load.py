"""Turn raw answers (a file, `--set` overrides, the wizard's dict) into a validated `Answers`.

Layers, lowest first: the model's defaults, the answers file, then `--set key.path=value`.
Every problem is reported at once with its key path and, for answers files, the line it sits on.
"""

from __future__ import annotations

import copy
import difflib
import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from tfgen.answers.messages import plain_message
from tfgen.answers.model import DEFAULT_IMAGE, Answers, cross_field_problems, cross_field_warnings
from tfgen.answers.reader import KeyPath as Path_
from tfgen.answers.reader import format_path, read_file, read_value
from tfgen.errors import AnswersError, InputError

# Written by tfgen into a saved answers file as provenance (the version that rendered the stack);
# not an answer, so it is set aside before validation.
VERSION_KEY = "tfgen_version"


def build_answers(data: dict[str, Any], lines: dict[Path_, int] | None = None, source: str = "") -> Answers:
    """Validate `data` into `Answers`, or raise `AnswersError` listing every problem.

    What is allowed but probably not meant (`cross_field_warnings`) comes back on the answers'
    `warnings`, each with its key path and line, for the command to print.
    """
    if not isinstance(data, dict):
        raise AnswersError([f"{source or 'answers'}: the top level must be a mapping of keys to values"])
    lines = lines or {}
    data = {k: v for k, v in data.items() if k != VERSION_KEY}
    try:
        answers = Answers.model_validate(data)
    except ValidationError as err:
        found = [(_data_loc(e["loc"], data), e) for e in err.errors()]
        problems = [_with_line(format_path(loc) or "(top level)", _message(e, loc), lines, source, loc) for loc, e in found]
        reported = {format_path(loc) for loc, _ in found}
        repaired = _without_invalid_keys(data, err)
        if repaired is not None:
            problems += [
                _with_line(path, msg, lines, source)
                for path, msg in cross_field_problems(repaired)
                if path not in reported
            ]
        raise AnswersError(problems) from None
    problems = cross_field_problems(answers)
    if problems:
        raise AnswersError([_with_line(path, msg, lines, source) for path, msg in problems])
    answers.warnings = [_with_line(path, msg, lines, source) for path, msg in cross_field_warnings(answers)]
    return answers


def _data_loc(loc: tuple[str | int, ...], data: Any) -> Path_:
    """A pydantic error location as a key path of the data.

    Pydantic adds parts that are not keys: `[key]` for a bad mapping key, and the member type
    inside a union. Walking the data tells them apart, whatever the keys are called (a key named
    `str` or `a[b]` is a key).
    """
    out: list[str | int] = []
    node = data
    for i, part in enumerate(loc):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        elif i == len(loc) - 1 and part != "[key]" and isinstance(node, dict):
            node = None  # a missing or unknown key: the last part
        else:
            continue
        out.append(part)
    return tuple(out)


# Stand-ins for required keys, used only to look past field errors for the cross-field ones.
_PLACEHOLDERS = {("name",): "placeholder", ("image",): DEFAULT_IMAGE}


def _without_invalid_keys(data: dict[str, Any], err: ValidationError) -> Answers | None:
    """The answers with each invalid key dropped (so it takes its default), if that validates.

    Lets one run report cross-field problems (a bad Fargate pair, one AZ) beside field errors,
    so the user fixes everything in one pass.
    """
    repaired = copy.deepcopy(data)
    for _ in range(3):
        for e in err.errors():
            loc = _data_loc(e["loc"], repaired)
            if e["type"] == "missing" and loc[-1:] in _PLACEHOLDERS:
                _set_loc(repaired, loc, _PLACEHOLDERS[loc[-1:]])
            elif e["type"] == "missing":
                _drop_loc(repaired, loc[:-1])  # the mapping that lacks it takes its default
            else:
                _drop_loc(repaired, loc)
        try:
            return Answers.model_validate(repaired)
        except ValidationError as again:
            err = again
    return None


def _walk(node: Any, loc: Path_) -> Any:
    for part in loc:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def _drop_loc(data: Any, loc: Path_) -> None:
    # The deepest key of `loc` that the data has (a list item is never removed: indexes stay).
    for cut in range(len(loc), 0, -1):
        parent = _walk(data, loc[: cut - 1])
        if isinstance(parent, dict) and loc[cut - 1] in parent:
            del parent[loc[cut - 1]]
            return


def _set_loc(data: Any, loc: Path_, value: Any) -> None:
    parent = _walk(data, loc[:-1])
    if isinstance(parent, dict):
        parent[loc[-1]] = value


def load_answers_file(path: Path, overrides: list[str] = ()) -> Answers:
    """Read a YAML or JSON answers file, apply `--set` overrides, validate."""
    data, lines = read_answers_file(path)
    apply_overrides(data, overrides)
    return build_answers(data, lines, str(path))


def read_answers_file(path: Path) -> tuple[dict[str, Any], dict[Path_, int]]:
    data, lines = read_file(path)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError(f"{path}: the answers file must hold a mapping of keys to values")
    return data, lines


def defaults_data() -> dict[str, Any]:
    """The raw data behind `--defaults`: only the one required key, everything else defaulted."""
    return {"name": "app"}


# --- --set overrides -------------------------------------------------------------------------

_SEGMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)((?:\[\d+\])*)")


def apply_overrides(data: dict[str, Any], overrides: list[str]) -> None:
    """Apply `key.path=value` overrides in order. Values are read as YAML scalars or flow lists/maps."""
    for item in overrides:
        if "=" not in item:
            raise InputError(f"--set {item!r}: expected key.path=value")
        key, raw = item.split("=", 1)
        path = _parse_key_path(key)
        value = read_value(raw, f"--set {item!r}") if raw.strip() else ""
        if path[0] == "services" and "services" not in data:
            # Overriding one field of the default service must keep the rest of it.
            data["services"] = [{"name": "web", "image": DEFAULT_IMAGE}]
        _set_path(data, path, value, item)


def _parse_key_path(key: str) -> Path_:
    path: list[str | int] = []
    for part in key.strip().split("."):
        m = _SEGMENT.fullmatch(part)
        if not m:
            raise InputError(f"--set {key!r}: {part!r} is not a key (use names and [index], e.g. services[0].cpu)")
        path.append(m.group(1))
        path.extend(int(i) for i in re.findall(r"\[(\d+)\]", m.group(2)))
    return tuple(path)


def _set_path(node: Any, path: Path_, value: Any, item: str) -> None:
    for here, nxt in zip(path, path[1:]):
        empty: Any = [] if isinstance(nxt, int) else {}
        if isinstance(here, int):
            if not isinstance(node, list):
                raise InputError(f"--set {item!r}: [{here}] indexes something that is not a list")
            if here > len(node):
                raise InputError(f"--set {item!r}: index {here} is past the end of a list of {len(node)}")
            if here == len(node):
                node.append(empty)
            node = node[here]
        else:
            if not isinstance(node, dict):
                raise InputError(f"--set {item!r}: {here!r} names a key inside something that is not a mapping")
            if node.get(here) is None:
                node[here] = empty
            node = node[here]
    last = path[-1]
    if isinstance(last, int):
        if not isinstance(node, list) or last > len(node):
            raise InputError(f"--set {item!r}: index {last} does not exist")
        if last == len(node):
            node.append(value)
        else:
            node[last] = value
    elif isinstance(node, dict):
        node[last] = value
    else:
        raise InputError(f"--set {item!r}: {last!r} names a key inside something that is not a mapping")


# --- problems ----------------------------------------------------------------------------------


def _with_line(path: str, msg: str, lines: dict[Path_, int], source: str, loc: Path_ | None = None) -> str:
    line = _line_of(loc if loc is not None else _parse_path(path), lines)
    where = f" ({source} line {line})" if line else ""
    return f"{path}: {msg}{where}"


def _parse_path(path: str) -> Path_:
    return tuple(int(index) if index else name for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path))


def _line_of(loc: Path_, lines: dict[Path_, int]) -> int | None:
    # The nearest enclosing key that the file actually has (a missing key has no line of its own).
    for cut in range(len(loc), 0, -1):
        if loc[:cut] in lines:
            return lines[loc[:cut]]
    return None


def _message(e: dict[str, Any], loc: Path_) -> str:
    if e["type"] == "extra_forbidden":
        return "unknown key" + _suggestion(loc)
    return plain_message(e)


def _suggestion(loc: Path_) -> str:
    model: type[BaseModel] | None = Answers
    for part in loc[:-1]:
        if model is None or isinstance(part, int):
            continue
        field = model.model_fields.get(str(part))
        model = _model_of(field.annotation) if field else None
    if model is None:
        return ""
    close = difflib.get_close_matches(str(loc[-1]), list(model.model_fields), n=1)
    return f" (did you mean {close[0]!r}?)" if close else f" (known keys: {', '.join(model.model_fields)})"


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_of(arg)
        if found:
            return found
    return None
