"""Turn raw answers (a file, `--set` overrides, the wizard's dict) into a validated `Answers`.

Layers, lowest first: the model's defaults, the answers file, then `--set key.path=value`.
Every problem is reported at once with its key path and, for answers files, the line it sits on.
"""

from __future__ import annotations

import copy
import difflib
import json
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from tfgen.answers.model import DEFAULT_IMAGE, Answers, cross_field_problems
from tfgen.errors import AnswersError, InputError

Path_ = tuple[str | int, ...]

# Written by tfgen into a saved answers file as provenance (the version that rendered the stack);
# not an answer, so it is set aside before validation.
VERSION_KEY = "tfgen_version"


def build_answers(data: dict[str, Any], lines: dict[Path_, int] | None = None, source: str = "") -> Answers:
    """Validate `data` into `Answers`, or raise `AnswersError` listing every problem."""
    if not isinstance(data, dict):
        raise AnswersError([f"{source or 'answers'}: the top level must be a mapping of keys to values"])
    lines = lines or {}
    data = {k: v for k, v in data.items() if k != VERSION_KEY}
    try:
        answers = Answers.model_validate(data)
    except ValidationError as err:
        problems = _pydantic_problems(err, lines, source)
        reported = {p.split(":", 1)[0] for p in problems}
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
    return answers


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
            loc = tuple(p for p in e["loc"] if p != "[key]")
            if e["type"] == "missing":
                _set_loc(repaired, loc, _PLACEHOLDERS.get(loc[-1:], None))
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
    # Union members show up as extra location parts; drop the deepest key that exists.
    for cut in range(len(loc), 0, -1):
        parent = _walk(data, loc[: cut - 1])
        if isinstance(parent, dict) and loc[cut - 1] in parent:
            del parent[loc[cut - 1]]
            return


def _set_loc(data: Any, loc: Path_, value: Any) -> None:
    parent = _walk(data, loc[:-1])
    if isinstance(parent, dict) and value is not None:
        parent[loc[-1]] = value


def load_answers_file(path: Path, overrides: list[str] = ()) -> Answers:
    """Read a YAML or JSON answers file, apply `--set` overrides, validate."""
    data, lines = read_answers_file(path)
    apply_overrides(data, overrides)
    return build_answers(data, lines, str(path))


def read_answers_file(path: Path) -> tuple[dict[str, Any], dict[Path_, int]]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: answers file not found") from None
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"{path}: cannot read answers file: {err}") from None
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as err:
            raise InputError(f"{path}:{err.lineno}:{err.colno}: invalid JSON: {err.msg}") from None
        lines: dict[Path_, int] = {}
    else:
        data, lines = _yaml_with_lines(text, str(path))
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
        try:
            value = yaml.safe_load(raw) if raw.strip() else ""
        except yaml.YAMLError:
            value = raw
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


def format_path(loc: Path_) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _with_line(path: str, msg: str, lines: dict[Path_, int], source: str) -> str:
    line = _line_of(path, lines)
    where = f" ({source} line {line})" if line else ""
    return f"{path}: {msg}{where}"


def _line_of(path: str, lines: dict[Path_, int]) -> int | None:
    loc: list[str | int] = []
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path):
        loc.append(int(index) if index else name)
    # The nearest enclosing key that the file actually has (a missing key has no line of its own).
    while loc:
        if tuple(loc) in lines:
            return lines[tuple(loc)]
        loc.pop()
    return None


def _pydantic_problems(err: ValidationError, lines: dict[Path_, int], source: str) -> list[str]:
    problems = []
    for e in err.errors():
        loc = tuple(p for p in e["loc"] if p != "[key]")
        # A failure inside a union (X | None) carries the member type in its location.
        loc = tuple(p for p in loc if not (isinstance(p, str) and ("[" in p or p in ("str", "int", "list", "dict"))))
        path = format_path(loc) or "(top level)"
        problems.append(_with_line(path, _message(e, loc), lines, source))
    return problems


def _message(e: dict[str, Any], loc: Path_) -> str:
    kind = e["type"]
    if kind == "missing":
        return "required"
    if kind == "extra_forbidden":
        return "unknown key" + _suggestion(loc)
    msg = e["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    return msg


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


# --- YAML with line numbers ---------------------------------------------------------------------


def _yaml_with_lines(text: str, source: str) -> tuple[Any, dict[Path_, int]]:
    """Parse YAML, keeping the line of every key and list item; duplicate keys are errors."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark else source
        raise InputError(f"{where}: invalid YAML: {getattr(err, 'problem', None) or err}") from None
    lines: dict[Path_, int] = {}
    if root is None:
        return None, lines
    return _construct(root, (), lines, source), lines


def _construct(node: yaml.Node, path: Path_, lines: dict[Path_, int], source: str) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node)
            if key in out:
                raise InputError(f"{source}:{key_node.start_mark.line + 1}: key {key!r} is given twice")
            out[key] = _construct(value_node, (*path, str(key)), lines, source)
            lines[(*path, str(key))] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item, (*path, i), lines, source) for i, item in enumerate(node.value)]
    return _scalar(node)


def _scalar(node: yaml.Node) -> Any:
    return yaml.SafeLoader("").construct_object(node, deep=True)
