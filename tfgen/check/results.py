"""Reports of earlier checks, reused while nothing they depend on has changed.

A check's report depends on the code that made it, on what it was asked (the paths, the rules and
skips, the --var-file files, the current folder that paths are shown relative to) and on what it
read from the disk. The first four make the entry's key; what it read is the entry's record
(`tfgen.check.inputs`): every file's bytes, every folder listing, every path looked up. An entry
is used only when its key matches and every recorded observation gives the same answer now, so
an edit anywhere the check looked (a new `.auto.tfvars`, a module folder that appeared, a file
read by `file()`) means a full check, as does a new version of tfgen or an edited source file of
an editable install (the code's own bytes are in the key).

A check with an internal error, or whose files changed while it ran, is not kept. Entries are
JSON under `<cache folder>/results/`, written whole or not at all, and read back
building only the report's own classes with every field's type checked: anything else is a miss.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Iterable

from tfgen.check import cache, inputs
from tfgen.check.model import ModuleCall, Place
from tfgen.check.policy import Policy
from tfgen.check.rules.base import SEVERITY_RANK
from tfgen.check.runner import Finding, ModuleNotRead, Report, UnknownResult

FORMAT = 1
MAX_ENTRY_BYTES = 64 * 1024 * 1024


def key(paths: Iterable[str], policy: Policy, var_files: Iterable[str]) -> str:
    """The entry's name: everything a check's report depends on besides what it reads."""
    asked = {
        "format": FORMAT,
        "code": cache.code_digest(),
        "python": sys.version,
        "python-hcl2": cache._parser_version(),
        "cwd": os.getcwd(),
        "paths": list(paths),
        "var_files": list(var_files),
        "rules": list(policy.rule_ids),
        "skips": [[s.rule_id, s.reason, list(s.paths), str(s.base)] for s in policy.skips],
    }
    return hashlib.sha256(json.dumps(asked, sort_keys=True).encode()).hexdigest()


def reuse(entry_key: str) -> Report | None:
    """The report stored under `entry_key`, if everything it read is unchanged; else None."""
    path = _entry(entry_key)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_ENTRY_BYTES + 1)
        if len(data) > MAX_ENTRY_BYTES:
            return None
        entry = json.loads(data)
        if not isinstance(entry, dict) or entry.get("key") != entry_key:
            return None
        if not inputs.unchanged(entry.get("inputs")):
            return None
        report = _decode_report(entry.get("report"))
    except (OSError, ValueError, RecursionError):  # JSONDecodeError and _Malformed are ValueErrors
        return None
    _touch(path)  # used: the last to be pruned
    return report


def keep(entry_key: str, record: inputs.Recording, report: Report) -> None:
    """Store `report` under `entry_key` with what its check read. Never fails a check: a cache
    folder that cannot be written is left alone."""
    if report.internal_errors or not record.consistent:
        return
    try:
        data = json.dumps({"key": entry_key, "inputs": record.entries(), "report": _encode_report(report)}, separators=(",", ":"))
    except (TypeError, ValueError, RecursionError):
        return
    entry = _entry(entry_key)
    if _write(entry, data):
        prune(entry.parent.parent, MAX_ENTRIES)


# Kept reports per cache folder: one per question (paths, options, folder) and tfgen build, so
# a folder fills only with questions no longer asked and builds no longer run; the least
# recently used go first.
MAX_ENTRIES = 200


def prune(folder: Path, keep_at_most: int) -> None:
    """Delete the least recently used entries under `folder` beyond `keep_at_most`, and any
    temporary file a killed run left there over an hour ago. Never fails a check."""
    entries, now = [], time.time()
    try:
        for shard in os.scandir(folder):
            if not shard.is_dir(follow_symlinks=False):
                continue
            for item in os.scandir(shard.path):
                stat = item.stat(follow_symlinks=False)
                if item.name.startswith(".tmp-"):
                    if now - stat.st_mtime > 3600:
                        os.unlink(item.path)
                else:
                    entries.append((stat.st_mtime, item.path))
        entries.sort(reverse=True)
        for _, path in entries[keep_at_most:]:
            os.unlink(path)
    except OSError:
        pass  # another run pruning at the same time, or a folder not ours to change


def _touch(path: Path) -> None:
    try:
        os.utime(path)
    except OSError:
        pass


def _write(entry: Path, data: str) -> bool:
    """Write a cache entry whole or not at all (a temporary file renamed into place, so that
    concurrent runs never read half of one). False when the folder cannot be written."""
    temporary = None
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=entry.parent, prefix=".tmp-")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(data)
        os.replace(temporary, entry)
        return True
    except OSError:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        return False


def _entry(entry_key: str) -> Path:
    return cache.cache_dir() / "results" / f"v{FORMAT}" / entry_key[:2] / entry_key


# --- the report as JSON ----------------------------------------------------------------------


def _encode_report(report: Report) -> dict[str, Any]:
    return {
        "roots": list(report.roots),
        "findings": [_encode(f) for f in report.findings],
        "unknowns": [_encode(u) for u in report.unknowns],
        "modules_not_read": [_encode(m) for m in report.modules_not_read],
        "files": report.files,
        "resources": report.resources,
    }


def _encode(item: Any) -> Any:
    if dataclasses.is_dataclass(item):
        return [_encode(getattr(item, f.name)) for f in dataclasses.fields(item)]
    if isinstance(item, tuple):
        return [_encode(value) for value in item]
    return item


def _decode_report(data: Any) -> Report:
    from tfgen.check.rules import BY_ID

    if not isinstance(data, dict):
        raise _Malformed("report")
    report = Report(rules=())  # the caller sets the rules it ran
    report.roots = _list_of(_str)(data.get("roots"))
    report.findings = _list_of(_FINDING)(data.get("findings"))
    report.unknowns = _list_of(_UNKNOWN)(data.get("unknowns"))
    report.modules_not_read = _list_of(_MODULE_NOT_READ)(data.get("modules_not_read"))
    report.files = _int(data.get("files"))
    report.resources = _int(data.get("resources"))
    if any(f.rule_id not in BY_ID for f in report.findings) or any(u.rule_id not in BY_ID for u in report.unknowns):
        raise _Malformed("rule")
    return report


class _Malformed(ValueError):
    """An entry that is not exactly what `keep` writes."""


def _str(value: Any) -> str:
    if type(value) is not str:
        raise _Malformed("not a string")
    return value


def _int(value: Any) -> int:
    if type(value) is not int:
        raise _Malformed("not an integer")
    return value


def _optional(decode: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda value: None if value is None else decode(value)


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise _Malformed("not a list")
    return value


def _fixed(value: Any, length: int) -> list[Any]:
    if not isinstance(value, list) or len(value) != length:
        raise _Malformed(f"not a list of {length}")
    return value


def _tuple_of(decode: Callable[[Any], Any]) -> Callable[[Any], tuple[Any, ...]]:
    return lambda value: tuple(decode(item) for item in _list(value))


def _severity(value: Any) -> str:
    if value not in SEVERITY_RANK:
        raise _Malformed("not a severity")
    return value


def _list_of(decode: Callable[[Any], Any]) -> Callable[[Any], list[Any]]:
    return lambda value: [decode(item) for item in _list(value)]


def _reader(cls: type, *decoders: Callable[[Any], Any]) -> Callable[[Any], Any]:
    names = [f.name for f in dataclasses.fields(cls)]
    assert len(names) == len(decoders), cls

    def read(value: Any) -> Any:
        return cls(**{name: decode(item) for name, decode, item in zip(names, decoders, _fixed(value, len(decoders)))})

    return read


_OPT_STR, _OPT_INT = _optional(_str), _optional(_int)
_PLACE = _reader(Place, _str, _int)
_CALL = _reader(ModuleCall, _str, _OPT_STR, _OPT_STR, _OPT_INT, _str)
_FINDING = _reader(
    Finding, _str, _severity, _str, _OPT_STR, _OPT_INT, _str, _str, _OPT_STR, _tuple_of(_str), _optional(_CALL), _optional(_PLACE)
)
_UNKNOWN = _reader(UnknownResult, _str, _str, _OPT_STR, _OPT_INT, _str, _str, _tuple_of(_str))
_MODULE_NOT_READ = _reader(ModuleNotRead, _CALL, _tuple_of(_str))
