"""What a stack was made from, saved beside it: the answers file and the merge base.

- `.tfgen-answers.yaml` holds the answers and, as data, the tfgen version that rendered them
  (`tfgen_version`). It is written with ruamel.yaml's round-trip mode, so an update or a wizard
  re-run changes only the values that changed and keeps the user's comments and key order.
  Every string reads back byte for byte through tfgen's answers loader: anything beyond plain
  printable ASCII, or that YAML 1.1 would read as another type, is written double-quoted with
  escapes (a raw U+0085 or U+2028 would read back as a line break folded to a space).
- `.tfgen/base/` holds the exact bytes tfgen last wrote for every file: the common ancestor
  `tfgen update` merges the user's edits and the new render against, and the answers they came
  from (so a hand edit of `.tfgen-answers.yaml` is a change update can describe).
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from tfgen import __version__
from tfgen.answers.load import VERSION_KEY
from tfgen.answers.model import KIND_REFUSED_KEYS, Answers

ANSWERS_FILE = ".tfgen-answers.yaml"
TFGEN_DIR = ".tfgen"
BASE_DIR = ".tfgen/base"
BACKUP_DIR = ".tfgen/backup"

_HEADER = (
    "tfgen answers: `tfgen update` re-renders the stack from them, keeping your edits;\n"
    "`tfgen new DIR --answers .tfgen-answers.yaml` replays them. Comments you add here are kept.\n"
    "Keys and meanings: see the answers contract in tfgen's documentation."
)


# --- the answers file ------------------------------------------------------------------------


def answers_data(a: Answers) -> dict[str, Any]:
    """The answers as saved: every key, defaults included, replayable, with the tfgen version."""
    data = a.model_dump(mode="json")
    # Save what is in effect: with no load balancer no service is exposed, whatever the default
    # says, and the saved file must replay without the "nothing to expose to" refusal.
    exposed = {s.name for s in a.exposed_services}
    for service in data["services"]:
        service["expose"] = service["name"] in exposed
        # Keys the service's kind refuses (a job's port) are defaults it never gave: leave them out.
        for key in KIND_REFUSED_KEYS.get(service["kind"], {}):
            service.pop(key, None)
    return {VERSION_KEY: __version__, **data}


def answers_yaml(a: Answers, existing: str | None = None) -> str:
    """The answers file's text; with `existing` (the file on disk), that file with only the
    changed values replaced, its comments and key order kept."""
    data = answers_data(a)
    if existing is not None:
        merged = _merged_text(existing, data)
        if merged is not None:
            return merged
    doc = _fresh(data)
    doc.yaml_set_start_comment(_HEADER)
    text = _dump(doc)
    if not _reads_as(text, data):  # pragma: no cover - the property test guards the styling
        raise AssertionError("the answers file would not read back as written")
    return text


def saved_version(data: dict[str, Any]) -> str | None:
    """The tfgen version recorded in raw saved answers, if any."""
    version = data.get(VERSION_KEY)
    return version if isinstance(version, str) else None


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.allow_unicode = True
    y.width = 100
    y.indent(mapping=2, sequence=4, offset=2)
    return y


def _dump(doc: Any) -> str:
    out = io.StringIO()
    _yaml().dump(doc, out)
    return out.getvalue()


def _merged_text(existing: str, data: dict[str, Any]) -> str | None:
    if _reads_as(existing, data):
        return existing  # nothing changed: the file stays as the user keeps it
    try:
        doc = _yaml().load(existing)
    except Exception:  # noqa: BLE001 - any unreadable file is simply rewritten afresh
        return None
    if not isinstance(doc, CommentedMap):
        return None
    _merge_map(doc, data)
    if VERSION_KEY in doc and list(doc)[0] != VERSION_KEY:
        doc.move_to_end(VERSION_KEY, last=False)
    try:
        text = _dump(doc)
    except Exception:  # noqa: BLE001
        return None
    # ruamel reads YAML 1.2 and tfgen reads YAML 1.1; whatever the user wrote, the result must
    # mean exactly `data` to tfgen, or the file is written afresh.
    return text if _reads_as(text, data) else None


def _reads_as(text: str, data: dict[str, Any]) -> bool:
    try:
        return yaml.safe_load(text) == data
    except yaml.YAMLError:
        return False


def _merge_map(node: CommentedMap, new: dict[str, Any]) -> None:
    for key in [k for k in node if k not in new]:
        del node[key]
    for index, (key, value) in enumerate(new.items()):
        if key in node:
            node[key] = _merge_value(node[key], value)
        elif key == VERSION_KEY:
            node.insert(0, key, _fresh(value))
        else:
            node.insert(min(index, len(node)), key, _fresh(value))


def _merge_value(old: Any, new: Any) -> Any:
    if isinstance(old, CommentedMap) and isinstance(new, dict):
        _merge_map(old, new)
        return old
    if isinstance(old, CommentedSeq) and isinstance(new, list):
        named = {item.get("name"): item for item in old if isinstance(item, CommentedMap)}
        items = []
        for index, value in enumerate(new):
            if isinstance(value, dict) and value.get("name") is not None and value["name"] in named:
                previous = named.pop(value["name"])  # a service keeps its comments when others move
            else:
                previous = old[index] if index < len(old) and not isinstance(value, dict) else None
            items.append(_merge_value(previous, value) if previous is not None else _fresh(value))
        del old[:]
        old.extend(items)
        return old
    if _plain(old) == _plain(new):
        return old  # unchanged: keep how the user wrote it
    return _fresh(new)


def _plain(value: Any) -> tuple[str, Any]:
    if isinstance(value, bool) or type(value).__name__ == "ScalarBoolean":
        return ("bool", bool(value))
    for kind in (str, int, float):
        if isinstance(value, kind):
            return (kind.__name__, kind(value))
    return (type(value).__name__, value)


def _fresh(value: Any) -> Any:
    if isinstance(value, dict):
        return CommentedMap((k, _fresh(v)) for k, v in value.items())
    if isinstance(value, list):
        return CommentedSeq(_fresh(v) for v in value)
    if isinstance(value, str) and _needs_escapes(value):
        return DoubleQuotedScalarString(value)
    return value


_PLAIN_SAFE = re.compile(r"[\x20-\x7e]*")


def _needs_escapes(text: str) -> bool:
    if not _PLAIN_SAFE.fullmatch(text):
        return True  # line breaks, U+0085, U+2028, tabs, controls, anything non-ASCII
    # A string YAML 1.1 would read as something else (yes, 1:20, 0x1f, ~) must be quoted.
    return _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) != "tag:yaml.org,2002:str"


_RESOLVER = yaml.SafeLoader("")


# --- the merge base ----------------------------------------------------------------------------


def with_base(files: dict[str, bytes]) -> dict[str, bytes]:
    """The rendered files plus their merge base: a copy of each under `.tfgen/base/` (the
    answers file's copy is what the answers were, for saying what a change of them does)."""
    return files | {f"{BASE_DIR}/{rel}": content for rel, content in files.items()}


def base_paths(outdir: Path) -> list[str]:
    """The stack files the base on disk records (relative to the stack), sorted."""
    root = outdir / BASE_DIR
    if not root.is_dir():
        return []
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() or p.is_symlink())
