"""Read an answers file (YAML or JSON) or a `--set` value into plain data, with the line of every key.

Answers files are small, hand-written mappings of names to text, numbers and lists. The reader
takes exactly that and refuses, with the file and line, anything else YAML can express: explicit
tags (`!!python/...`, `!!int eighty`), merge keys, keys that are lists or mappings, aliases that
refer to themselves or expand past a small budget (a few hundred bytes of nested aliases can
otherwise expand to gigabytes), nesting far deeper than any answers key, and numbers longer than
any AWS limit. It builds the data from the parser's events in one loop, so neither deep nesting
nor a cycle can exhaust the Python stack, and nothing in the file can construct anything but
dicts, lists, text, numbers, booleans and null.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from tfgen.errors import InputError
from tfgen.files import NotUtf8, read_bounded, utf8_text

KeyPath = tuple[str | int, ...]

# Budgets, far above any real answers file (a dozen services is a few hundred values, 5 levels deep).
MAX_BYTES = 1024 * 1024
MAX_DEPTH = 32
MAX_VALUES = 100_000
MAX_ALIAS_VALUES = 10_000
MAX_NUMBER_CHARS = 32  # 2^63 has 19 digits: nothing in AWS takes a longer number

_YAML = "tag:yaml.org,2002:"
# Explicit tags a person may write to force a type (`!!str 8080`); anything else is refused.
_SCALAR_TAGS = {f"{_YAML}{t}" for t in ("str", "int", "float", "bool", "null")} | {"!"}
_COLLECTION_TAGS = {f"{_YAML}map", f"{_YAML}seq"}
_SAFE = SafeConstructor()
_RESOLVER = Resolver()


def read_file(path: Path) -> tuple[Any, dict[KeyPath, int]]:
    """The data of the answers file at `path` and the line of each key path in it."""
    text = _read_text(path)
    if path.suffix.lower() == ".json":
        return _read_json(text, str(path))
    return read_yaml(text, str(path))


def read_value(raw: str, where: str) -> Any:
    """A `--set` value: a YAML scalar or flow list/map under the same rules as a file.

    Text that is not valid YAML (`a: b: c`) is taken as it is; a value the rules refuse is an error.
    """
    if any("\ud800" <= c <= "\udfff" for c in raw):
        raise InputError(f"{where}: the value is not UTF-8 text")  # bytes the shell passed undecoded
    try:
        data, _ = _Builder(where, json_scalars=False).build(yaml.parse(raw, Loader=yaml.SafeLoader))
    except yaml.YAMLError:
        return raw
    return data


def read_yaml(text: str, source: str) -> tuple[Any, dict[KeyPath, int]]:
    try:
        return _Builder(source, json_scalars=False).build(yaml.parse(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError as err:
        raise InputError(f"{_where(source, err)}: invalid YAML: {getattr(err, 'problem', None) or err}") from None


def _read_text(path: Path) -> str:
    try:
        raw = read_bounded(path, MAX_BYTES)
    except FileNotFoundError:
        raise InputError(f"{path}: answers file not found") from None
    except OSError as err:
        raise InputError(f"{path}: cannot read answers file: {err.strerror or err}") from None
    if raw is None:
        raise InputError(f"{path}: answers file is larger than {MAX_BYTES // 1024} KiB; an answers file is a few KiB")
    try:
        return utf8_text(raw)
    except NotUtf8 as err:
        raise InputError(f"{path}:{err.line}: answers file is not UTF-8 text ({err})") from None


def _read_json(text: str, source: str) -> tuple[Any, dict[KeyPath, int]]:
    """JSON's own parser gives the data (and its syntax errors); the YAML event reader, which reads
    JSON once tabs are spaces (JSON has tabs only between tokens), gives the lines, refuses
    duplicate keys with their line and holds the budgets. Deep nesting and numbers too long for
    Python's int() fail in json before the reader can name their line: the reader reports them."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise InputError(f"{source}:{err.lineno}:{err.colno}: invalid JSON: {err.msg}") from None
    except (RecursionError, ValueError):
        data = None
    try:
        _, lines = _Builder(source, json_scalars=True).build(yaml.parse(text.replace("\t", " "), Loader=yaml.SafeLoader))
    except yaml.YAMLError:
        # JSON the YAML reader cannot follow: the data without lines, duplicates still refused.
        return json.loads(text, object_pairs_hook=_unique(source)), {}
    return data, lines


def _unique(source: str) -> Callable[[list[tuple[str, Any]]], dict[str, Any]]:
    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in items:
            if key in out:
                raise InputError(f"{source}: key {key!r} is given twice")
            out[key] = value
        return out

    return pairs


def _where(source: str, err: yaml.YAMLError) -> str:
    mark = getattr(err, "problem_mark", None)
    return f"{source}:{mark.line + 1}:{mark.column + 1}" if mark else source


@dataclass
class _Open:
    """A mapping or list being built."""

    value: dict | list
    path: KeyPath
    anchor: str | None
    values_before: int  # the builder's count when it opened: its size is the difference at the end
    key: str | None = None  # a mapping waiting for the value of this key
    key_line: int = 0


@dataclass
class _Builder:
    source: str
    json_scalars: bool
    lines: dict[KeyPath, int] = field(default_factory=dict)
    anchors: dict[str, tuple[Any, int]] = field(default_factory=dict)  # anchor -> (value, size)
    values: int = 0
    alias_values: int = 0

    def fail(self, line: int, message: str) -> None:
        raise InputError(f"{self.source}:{line}: {message}")

    def build(self, events) -> tuple[Any, dict[KeyPath, int]]:
        stack: list[_Open] = []
        root: Any = None
        documents = 0
        for event in events:
            line = event.start_mark.line + 1 if event.start_mark else 0
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    self.fail(line, "an answers file holds one document; remove the second '---'")
                continue
            if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                done = stack.pop()
                if done.anchor is not None:
                    self.anchors[done.anchor] = (done.value, self.values - done.values_before)
                if stack:
                    self._attach(stack[-1], done.value)
                else:
                    root = done.value
                continue
            if not isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                continue
            parent = stack[-1] if stack else None
            if parent is not None and isinstance(parent.value, dict) and parent.key is None:
                self._key(parent, event, line)
                continue
            path = self._child_path(parent)
            self.values += 1
            if self.values > MAX_VALUES:
                self.fail(line, f"more than {MAX_VALUES:,} values; an answers file holds a few hundred")
            self.lines.setdefault(path, line)
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                if len(stack) >= MAX_DEPTH:
                    self.fail(line, f"{format_path(path)}: nested more than {MAX_DEPTH} levels deep; answers keys are at most 6 levels deep")
                self._collection_tag(event, line, path)
                stack.append(_Open({} if isinstance(event, yaml.MappingStartEvent) else [], path, event.anchor, self.values))
                continue
            value = self._alias(event, line, path, stack) if isinstance(event, yaml.AliasEvent) else self._scalar(event, line, path)
            if isinstance(event, yaml.ScalarEvent) and event.anchor is not None:
                self.anchors[event.anchor] = (value, 1)
            if parent is None:
                root = value
            else:
                self._attach(parent, value)
        return root, self.lines

    def _key(self, parent: _Open, event, line: int) -> None:
        if not isinstance(event, yaml.ScalarEvent):
            what = "an alias" if isinstance(event, yaml.AliasEvent) else "a list or mapping"
            self.fail(line, f"{format_path(parent.path) or 'top level'}: a key must be plain text, not {what}")
        if event.value == "<<" and event.style is None and event.implicit[0]:
            self.fail(line, f"{format_path(parent.path) or 'top level'}: merge keys (<<) are not supported in answers files; write the keys out")
        if event.tag is not None and event.tag not in (f"{_YAML}str", "!"):
            self.fail(line, f"{format_path(parent.path) or 'top level'}: a key must be plain text, not tagged {_tag(event.tag)}")
        key = self._text(event.value, line, format_path(parent.path) or "top level")
        if key in parent.value:
            self.fail(line, f"key {format_path((*parent.path, key))!r} is given twice")
        parent.key, parent.key_line = key, line

    def _child_path(self, parent: _Open | None) -> KeyPath:
        if parent is None:
            return ()
        if isinstance(parent.value, dict):
            return (*parent.path, parent.key)
        return (*parent.path, len(parent.value))

    def _attach(self, parent: _Open, value: Any) -> None:
        if isinstance(parent.value, dict):
            parent.value[parent.key] = value
            self.lines[(*parent.path, parent.key)] = parent.key_line
            parent.key = None
        else:
            parent.value.append(value)

    def _collection_tag(self, event, line: int, path: KeyPath) -> None:
        if event.tag is not None and not event.implicit and event.tag not in _COLLECTION_TAGS:
            self.fail(line, f"{format_path(path) or 'top level'}: the tag {_tag(event.tag)} is not allowed in answers files (plain mappings and lists only)")

    def _alias(self, event, line: int, path: KeyPath, stack: list[_Open]) -> Any:
        name = event.anchor
        if any(o.anchor == name for o in stack):
            self.fail(line, f"{format_path(path)}: the alias *{name} refers to a value that contains it (a recursive alias)")
        if name not in self.anchors:
            self.fail(line, f"{format_path(path)}: the alias *{name} has no anchor &{name} before it")
        value, size = self.anchors[name]
        self.alias_values += size
        self.values += size
        if self.alias_values > MAX_ALIAS_VALUES or self.values > MAX_VALUES:
            self.fail(line, f"{format_path(path)}: aliases expand to more than {MAX_ALIAS_VALUES:,} values; an answers file needs no more than a few")
        # A copy, so that a later `--set` on one place does not change the other.
        return copy.deepcopy(value)

    def _scalar(self, event, line: int, path: KeyPath) -> Any:
        at = format_path(path) or "top level"
        if event.tag is not None and event.tag not in _SCALAR_TAGS and not (event.implicit[0] and event.tag == "!"):
            self.fail(line, f"{at}: the tag {_tag(event.tag)} is not allowed in answers files (text, numbers, true/false and null only)")
        if event.style is not None:  # quoted or block text is text, whatever it looks like
            tag = event.tag if event.tag in _SCALAR_TAGS - {"!"} else f"{_YAML}str"
        elif event.tag not in (None, "!"):
            tag = event.tag
        elif self.json_scalars:
            return self._json_scalar(event.value, line, at)
        else:
            tag = _RESOLVER.resolve(ScalarNode, event.value, (True, False))
        if tag in (f"{_YAML}timestamp", f"{_YAML}str") or tag not in _SCALAR_TAGS:
            return self._text(event.value, line, at)  # a date-like value is text to every answers key
        if tag in (f"{_YAML}int", f"{_YAML}float") and len(event.value) > MAX_NUMBER_CHARS:
            self.fail(line, f"{at}: a number of {len(event.value)} characters is larger than anything AWS accepts")
        try:
            return _SAFE.construct_object(ScalarNode(tag, event.value, event.start_mark, event.end_mark))
        except (ValueError, TypeError, ArithmeticError, LookupError, yaml.YAMLError):
            kind = tag.removeprefix(_YAML)
            self.fail(line, f"{at}: {event.value!r} is not a valid {kind} (from the tag !!{kind})")

    def _text(self, value: str, line: int, at: str) -> str:
        """Text as Unicode: escaped UTF-16 pairs (`"\\ud83d\\ude00"`) joined; a lone half refused,
        since no file can hold it."""
        if not any("\ud800" <= c <= "\udfff" for c in value):
            return value
        try:
            return value.encode("utf-16", "surrogatepass").decode("utf-16")
        except UnicodeDecodeError:
            self.fail(line, f"{at}: holds half of a UTF-16 surrogate pair (\\ud800-\\udfff), which is not a character")

    def _json_scalar(self, text: str, line: int, at: str) -> Any:
        if len(text) > MAX_NUMBER_CHARS:
            self.fail(line, f"{at}: a number of {len(text)} characters is larger than anything AWS accepts")
        try:
            return json.loads(text)
        except ValueError:
            self.fail(line, f"{at}: {text!r} is not a JSON value")


def _tag(tag: str) -> str:
    """A tag as it was written: `!!python/name:os.system`, not its expanded URI."""
    return "!!" + tag.removeprefix(_YAML) if tag.startswith(_YAML) else tag


def format_path(path: KeyPath) -> str:
    """`("services", 0, "cpu")` -> `services[0].cpu`: how every message names a key."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + str(part)
    return out
