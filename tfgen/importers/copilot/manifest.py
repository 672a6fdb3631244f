"""Read Copilot manifests as Copilot reads them (YAML 1.2), keeping the line of every key.

Copilot parses manifests with a YAML 1.2 reader, so `on:`, `no`, `off` and `-05:00` are text,
not booleans or numbers; ruamel.yaml reads 1.2 by default, and its round-trip nodes carry the
line of each key and list item. A manifest becomes a `Doc`: plain data plus the line of every key
path, so the mapping never sees parser objects and every report row can name its line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from tfgen.errors import InputError
from tfgen.files import NotUtf8, read_bounded, utf8_text

KeyPath = tuple[str | int, ...]

# A manifest is a page of YAML; anything far larger is not one.
MAX_BYTES = 1024 * 1024


@dataclass
class Doc:
    """One manifest's data and, for every key path in it, the file and line it sits on.

    After `overlay` (an environment's overrides) a path may come from another place in the file;
    `where` records each path's own line, so the report names the line that set the value.
    """

    file: str
    data: dict[str, Any]
    lines: dict[KeyPath, int] = field(default_factory=dict)

    def get(self, *path: str | int, default: Any = None) -> Any:
        node: Any = self.data
        for part in path:
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
                node = node[part]
            else:
                return default
        return node

    def has(self, *path: str | int) -> bool:
        return self.get(*path, default=_MISSING) is not _MISSING

    def line(self, *path: str | int) -> int | None:
        """The line of `path`, or of its nearest ancestor the file has."""
        for cut in range(len(path), 0, -1):
            if path[:cut] in self.lines:
                return self.lines[path[:cut]]
        return None

    def where(self, *path: str | int) -> str:
        """`copilot/api/manifest.yml:12`: how the answers file and the report name a value's origin."""
        line = self.line(*path)
        return f"{self.file}:{line}" if line else self.file

    def overlay(self, override: dict[str, Any], lines: dict[KeyPath, int], at: KeyPath) -> None:
        """Apply an environment's overrides (found under `at` in this file) the way Copilot does:
        mappings merge key by key, anything else replaces what the base said."""
        _merge(self.data, override, (), self.lines, {k[len(at):]: v for k, v in lines.items() if k[: len(at)] == at})


_MISSING = object()


def _merge(base: dict[str, Any], over: dict[str, Any], prefix: KeyPath, lines: dict[KeyPath, int], over_lines: dict[KeyPath, int]) -> None:
    for key, value in over.items():
        here = (*prefix, key)
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            if here in over_lines:
                lines[here] = over_lines[here]
            _merge(base[key], value, here, lines, over_lines)
            continue
        base[key] = value
        for stale in [p for p in lines if p[: len(here)] == here]:
            del lines[stale]
        lines.update({p: n for p, n in over_lines.items() if p[: len(here)] == here})


def read_manifest(path: Path, shown: str) -> Doc:
    """The manifest at `path` (named `shown` in messages); InputError naming file and line when
    it cannot be read or is not a mapping."""
    text = read_text(path, shown)
    try:
        loaded = _yaml().load(text)
    except MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = f":{mark.line + 1}" if mark is not None else ""
        raise InputError(f"{shown}{line}: invalid YAML: {err.problem or err.context}; nothing was written") from None
    except YAMLError as err:
        raise InputError(f"{shown}: invalid YAML: {err}; nothing was written") from None
    if loaded is None:
        loaded = CommentedMap()
    if not isinstance(loaded, CommentedMap):
        raise InputError(f"{shown}:1: a manifest is a mapping of keys to values; nothing was written")
    lines: dict[KeyPath, int] = {}
    data = _plain(loaded, (), lines)
    return Doc(shown, data, lines)


def read_text(path: Path, shown: str) -> str:
    """A workspace file's text; InputError naming it when it is missing, too large or not UTF-8."""
    try:
        raw = read_bounded(path, MAX_BYTES)
    except FileNotFoundError:
        raise InputError(f"{shown}: not found; nothing was written") from None
    except OSError as err:
        raise InputError(f"{shown}: cannot read: {err.strerror or err}; nothing was written") from None
    if raw is None:
        raise InputError(f"{shown}: larger than {MAX_BYTES // 1024} KiB, which no manifest is; nothing was written")
    try:
        return utf8_text(raw)
    except NotUtf8 as err:
        raise InputError(f"{shown}:{err.line}: not UTF-8 text; nothing was written") from None


def _yaml() -> YAML:
    y = YAML(typ="rt")  # round-trip nodes carry positions; the 1.2 resolver keeps `on`/`no` text
    y.allow_duplicate_keys = False
    return y


def _plain(node: Any, at: KeyPath, lines: dict[KeyPath, int]) -> Any:
    """Plain dicts, lists and scalars, with the line of every key and list item recorded."""
    if isinstance(node, CommentedMap):
        out = {}
        for key, value in node.items():
            here = (*at, str(key))
            lines[here] = node.lc.key(key)[0] + 1
            out[str(key)] = _plain(value, here, lines)
        return out
    if isinstance(node, CommentedSeq):
        items = []
        for index, value in enumerate(node):
            here = (*at, index)
            lines[here] = node.lc.item(index)[0] + 1
            items.append(_plain(value, here, lines))
        return items
    if isinstance(node, bool):
        return bool(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    return node
