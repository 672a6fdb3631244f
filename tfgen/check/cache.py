"""Parsed `.tf` files, kept so that parsing (python-hcl2 is most of a check's time) happens once.

Three layers, fastest first:
1. In this process, a file already parsed (a module read by two root modules) is reused while
   its size and modification time are unchanged, and so are bytes already parsed or read from
   the disk under another path (a module copied into many stacks, or laid out by
   `terraform init` in each root): each distinct content is parsed or decoded once a run.
2. On disk, in the user's cache folder, entries are addressed by the SHA-256 of the file's bytes
   together with tfgen's and python-hcl2's versions and this format's number: a changed file, an
   upgrade, or another parser never reads a stale entry. Entries are written to a temporary file
   and renamed into place, so concurrent runs (CI jobs, pre-commit hooks) never see half an
   entry.
   An entry is JSON, never a pickle: a cache folder shared between CI jobs is writable by
   others, and reading an entry must not be able to run code. Reading it back builds only the
   loader's own node classes (`_NODES`), checking every field's type, and the entry must name
   the key it is read under; anything else (corrupt, truncated, swapped, wrong types, another
   format) is a miss, parsed afresh and rewritten.
3. What is left is parsed, in several processes when there are many files.

`TFGEN_CACHE_DIR` chooses the folder (default: `$XDG_CACHE_HOME/tfgen` or `~/.cache/tfgen`);
`configure(enabled=False)` (`--no-cache`) bypasses the disk for one run.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, fields
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Callable, Iterable

from tfgen import __version__
from tfgen.check import expr as E
from tfgen.check.source import SourceAttribute, SourceBlock, SourceFile, is_config_file
from tfgen.errors import InputError

FORMAT = 3  # 3: a binary operator after a line break is read as the operator (was "\n &&")
# The largest file read (a generated module file is about 20 KiB); the loader refuses larger ones.
MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_ENTRY_BYTES = 256 * 1024 * 1024
# Below this many files to parse, starting worker processes costs more than it saves.
PARALLEL_MIN_FILES = 24


@dataclass
class _Settings:
    enabled: bool = True
    directory: Path | None = None


_settings = _Settings()
# This process's memo, one dict so that forgetting it is one step:
#   (kind, absolute path) -> (size and modification time when parsed, the parse of that file)
#   (kind, digest, "") -> a parse of those bytes (naming whichever path it was first read at)
_in_process: dict[tuple[str, ...], Any] = {}


def configure(enabled: bool = True, directory: Path | None = None) -> None:
    """Turn the disk cache on or off, or point it at another folder, for this process."""
    _settings.enabled = enabled
    _settings.directory = directory


def cache_dir() -> Path:
    if _settings.directory is not None:
        return _settings.directory
    explicit = os.environ.get("TFGEN_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "tfgen"


def _salt() -> bytes:
    return f"tfgen {__version__} python-hcl2 {_parser_version()} format {FORMAT}\0".encode()


@functools.cache  # reading an installed version scans package metadata: once a process
def _parser_version() -> str:
    try:
        return version("python-hcl2")
    except PackageNotFoundError:  # pragma: no cover - it is a dependency
        return "unknown"


def tf_files(folder: Path) -> list[Path]:
    """The configuration files of `folder` (`.tf` and `.tf.json`), sorted, the order Terraform
    reads them. A folder that cannot be listed is an InputError naming it, as an unreadable file
    is: skipping it would pass a check that never looked."""
    try:
        with os.scandir(folder) as entries:
            return sorted(Path(e.path) for e in entries if is_config_file(e.name) and e.is_file())
    except OSError as err:
        raise InputError(f"{folder}: cannot read the folder: {err.strerror or err}") from None


def load(path: str | Path) -> SourceFile:
    return load_many([path])[0]


def load_many(paths: Iterable[str | Path]) -> list[SourceFile]:
    """Parsed `.tf` files for `paths`, in order. Raises InputError for one that cannot be read or parsed."""
    return _load(paths, "tf", _parse_tf)


def load_tfvars(path: str | Path) -> dict[str, Any]:
    """The assignments of a `.tfvars` / `.tfvars.json` file, as expressions."""
    return _load([path], "tfvars", _parse_tfvars)[0]


def load_template(path: str | Path) -> E.Template:
    """A template file (`templatefile()`), parsed."""
    return _load([path], "template", _parse_template)[0]


# The parser (python-hcl2 and Lark) is imported only when something is not cached: a warm run
# never pays for loading it. Module-level functions, so worker processes can be handed them.
def _parse_tf(path: Path) -> SourceFile:
    from tfgen.check.loader import load_file

    return load_file(path)


def _parse_tfvars(path: Path) -> dict[str, Any]:
    from tfgen.check.loader import load_tfvars

    return load_tfvars(path)


def _parse_template(path: Path) -> E.Template:
    from tfgen.check.loader import load_template

    return load_template(path)


def _load(paths: Iterable[str | Path], kind: str, parse: Callable[[Path], Any], tolerant: bool = False) -> list[Any]:
    """The parses of `paths` (see the module's docstring for the layers). With `tolerant`, a
    file that cannot be parsed is left out of the memo and its place in the result is None,
    for its own load to report later."""
    paths = [Path(p) for p in paths]
    salt = _salt() + kind.encode() + b"\0"
    store = _Store(cache_dir(), kind) if _settings.enabled else None
    found: dict[Path, Any] = {}
    to_parse: list[tuple[Path, str | None, tuple[int, int] | None]] = []
    for path in paths:
        if path in found:
            continue
        signature = _signature(path)
        memo = _in_process.get((kind, os.path.abspath(path)))
        if memo is not None and signature is not None and memo[0] == signature:
            found[path] = memo[1]
            continue
        # The same bytes read as JSON syntax and as native syntax are different parses.
        digest = _digest(path, salt + (b"json\0" if path.name.endswith(".json") else b"")) if signature is not None else None
        known = _in_process.get((kind, digest, "")) if digest is not None else None
        if known is not None:
            found[path] = _remember(kind, path, signature, _copy_for(known, path))
            continue
        cached = store.get(digest, path) if store is not None and digest is not None else None
        if cached is not None:
            _in_process[(kind, digest, "")] = cached
            found[path] = _remember(kind, path, signature, cached)
            continue
        to_parse.append((path, digest, signature))
    # Files with the same bytes (a module copied into many stacks) are parsed once.
    first_with: dict[str, Path] = {}
    distinct = []
    for path, digest, _ in to_parse:
        if digest is None or digest not in first_with:
            distinct.append(path)
            if digest is not None:
                first_with[digest] = path
    parsed = dict(zip(distinct, _parse_all(distinct, functools.partial(_attempt, parse) if tolerant else parse)))
    for path, digest, signature in to_parse:
        result = parsed[path] if path in parsed else parsed[first_with[digest]]  # type: ignore[index]
        if isinstance(result, InputError):
            found[path] = None
            continue
        if path in parsed:
            if digest is not None:
                _in_process[(kind, digest, "")] = result
                if store is not None:
                    store.put(digest, result)
        else:
            result = _copy_for(result, path)
        found[path] = _remember(kind, path, signature, result) if signature else result
    return [found[p] for p in paths]


def preload(tf: Iterable[str | Path], tfvars: Iterable[str | Path] = ()) -> None:
    """Parse `.tf` and `.tfvars` files ahead of their loads, all together (in parallel when
    there are many), so that the later loads, one folder at a time, find them in this process's
    memo. A file that cannot be read or parsed is left alone: its own load reports it, where it
    always has."""
    _load(tf, "tf", _parse_tf, tolerant=True)
    _load(tfvars, "tfvars", _parse_tfvars, tolerant=True)


def _attempt(parse: Callable[[Path], Any], path: Path) -> Any:
    try:
        return parse(path)
    except InputError as err:
        return err


def _digest(path: Path, salt: bytes) -> str | None:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError:
        return None  # the parser reports it, with the file's name
    if len(data) > MAX_FILE_BYTES:
        return None  # the loader refuses it, naming the limit; never read it whole
    return hashlib.sha256(salt + data).hexdigest()


def _copy_for(result: Any, path: Path) -> Any:
    """A parse of the same bytes, as its own object naming `path`. Expressions are immutable
    and shared; the blocks, which name their file, are copied."""
    if isinstance(result, SourceFile):
        return SourceFile(path=str(path), blocks=[_copy_block(b, str(path)) for b in result.blocks])
    return dict(result) if isinstance(result, dict) else result


def _copy_block(block: SourceBlock, file: str) -> SourceBlock:
    return SourceBlock(
        type=block.type,
        labels=block.labels,
        attributes=dict(block.attributes),
        blocks=[_copy_block(b, file) for b in block.blocks],
        file=file,
        line=block.line,
        end_line=block.end_line,
        ignores=dict(block.ignores),
    )


def _signature(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None  # the parser reports it, with the file's name
    return (st.st_mtime_ns, st.st_size)


def _remember(kind: str, path: Path, signature: tuple[int, int], result: Any) -> Any:
    # Keyed by absolute path: a module is reached as "stack/modules/x" and as "stack/./modules/x".
    _in_process[(kind, os.path.abspath(path))] = (signature, result)
    return result


def worker_count() -> int:
    """How many worker processes to start: the processors this process may run on, up to 8."""
    try:
        available = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on macOS or Windows
        available = os.cpu_count() or 1
    return min(available, 8)


def _parse_all(paths: list[Path], parse: Callable[[Path], Any]) -> list[Any]:
    workers = worker_count()
    if len(paths) < PARALLEL_MIN_FILES or workers < 2:
        return [parse(p) for p in paths]
    # Worker processes each parse a share of the files; an InputError in any is raised here.
    from concurrent.futures import ProcessPoolExecutor  # only when needed: it takes a while to import

    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(parse, paths, chunksize=max(1, len(paths) // (workers * 4))))


class _Store:
    """Entries on disk: DIR/v<FORMAT>/<2 hex>/<64 hex>, each a parse as JSON (see encode)."""

    def __init__(self, directory: Path, kind: str):
        self.root = directory / f"v{FORMAT}"
        self.kind = kind
        self.writable = True

    def _entry(self, digest: str) -> Path:
        return self.root / digest[:2] / digest

    def get(self, digest: str, path: Path) -> Any:
        """The cached parse of content `digest` (now found at `path`), or None."""
        try:
            with self._entry(digest).open("rb") as handle:
                data = handle.read(MAX_ENTRY_BYTES + 1)
            if len(data) > MAX_ENTRY_BYTES:
                return None  # no parse of a file the loader accepts is this large
            entry = json.loads(data)
            if not isinstance(entry, dict) or entry.get("key") != digest or entry.get("kind") != self.kind:
                return None
            cached = decode(self.kind, entry.get("data"))
        except (OSError, ValueError, RecursionError):  # JSONDecodeError and _Malformed are ValueErrors
            return None
        return _relocated(cached, str(path)) if isinstance(cached, SourceFile) else cached

    def put(self, digest: str, source: Any) -> None:
        if not self.writable:
            return
        try:
            data = json.dumps({"key": digest, "kind": self.kind, "data": encode(self.kind, source)}, separators=(",", ":"))
        except (ValueError, TypeError, RecursionError):
            return  # something the format cannot hold is simply not cached
        entry = self._entry(digest)
        temporary = None
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=entry.parent, prefix=".tmp-")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(data)
            os.replace(temporary, entry)
        except OSError:
            # A read-only or full cache folder must never fail a check: stop writing this run.
            self.writable = False
            if temporary is not None:
                Path(temporary).unlink(missing_ok=True)


def _relocated(source: SourceFile, path: str) -> SourceFile:
    """The same content may sit at another path than when it was cached: name this one."""
    if source.path == path:
        return source
    source.path = path
    stack: list[SourceBlock] = list(source.blocks)
    while stack:
        block = stack.pop()
        block.file = path
        stack.extend(block.blocks)
    return source


# --- the entry format --------------------------------------------------------------------------
#
# A node is a JSON list: its class's tag, then its fields in order, each of a kind from _NODES.
# Only these classes can come out of an entry, and each field must have its kind's type.


class _Malformed(ValueError):
    """An entry that is not exactly what `encode` writes."""


_SCALARS = (str, int, float, bool, type(None))
_NODES: dict[str, tuple[type, tuple[str, ...]]] = {
    "L": (E.Literal, ("scalar",)),
    "V": (E.Variable, ("str",)),
    "G": (E.GetAttr, ("expr", "str")),
    "I": (E.Index, ("expr", "expr")),
    "S": (E.Splat, ("expr", "exprs")),
    "*": (E.SplatItem, ()),
    "C": (E.Call, ("str", "exprs", "bool")),
    "T": (E.TupleExpr, ("exprs",)),
    "O": (E.ObjectExpr, ("pairs",)),
    "?": (E.Conditional, ("expr", "expr", "expr")),
    "B": (E.BinOp, ("str", "expr", "expr")),
    "U": (E.UnaryOp, ("str", "expr")),
    "F": (E.ForExpr, ("str?", "str", "expr", "expr", "expr?", "expr?", "bool")),
    "P": (E.Template, ("parts",)),
    "if": (E.TemplateIf, ("expr", "parts", "parts")),
    "for": (E.TemplateFor, ("str?", "str", "expr", "parts")),
    "X": (E.Unparsed, ("str",)),
}
_TAGS = {cls: (tag, kinds) for tag, (cls, kinds) in _NODES.items()}


def encode(kind: str, value: Any) -> Any:
    """JSON data for a parse: a SourceFile ("tf"), a tfvars mapping ("tfvars") or a template."""
    if kind == "tf":
        return [_encode_block(b) for b in value.blocks]
    if kind == "template":
        return _encode_node(value)
    return [[name, _encode_node(expr)] for name, expr in value.items()]


def decode(kind: str, data: Any) -> Any:
    """The parse `encode` wrote as `data`; raises _Malformed (a ValueError) on anything else."""
    if kind == "tf":
        return SourceFile(path="", blocks=[_decode_block(b) for b in _list(data)])
    if kind == "template":
        template = _decode_node(data)
        if not isinstance(template, E.Template):
            raise _Malformed("not a template")
        return template
    out: dict[str, E.Expr] = {}
    for item in _list(data):
        name, expr = _fixed(item, 2)
        out[_str(name)] = _decode_node(expr)
    return out


def _encode_block(block: SourceBlock) -> list[Any]:
    attributes = [[a.name, _encode_node(a.expr), a.line] for a in block.attributes.values()]
    return [block.type, list(block.labels), attributes, [_encode_block(b) for b in block.blocks], block.line, block.end_line, [[k, v] for k, v in block.ignores.items()]]


def _decode_block(data: Any) -> SourceBlock:
    type_, labels, attributes, blocks, line, end_line, ignores = _fixed(data, 7)
    decoded: dict[str, SourceAttribute] = {}
    for item in _list(attributes):
        name, expr, at = _fixed(item, 3)
        decoded[_str(name)] = SourceAttribute(name=_str(name), expr=_decode_node(expr), line=_int(at))
    return SourceBlock(
        type=_str(type_),
        labels=tuple(_str(label) for label in _list(labels)),
        attributes=decoded,
        blocks=[_decode_block(b) for b in _list(blocks)],
        file="",
        line=_int(line),
        end_line=_int(end_line),
        ignores={_str(k): _str(v) for k, v in (_fixed(pair, 2) for pair in _list(ignores))},
    )


def _encode_node(node: Any) -> list[Any]:
    tag, kinds = _TAGS[type(node)]  # KeyError: a class the format does not know (not cached)
    return [tag, *(_encode_field(kind, getattr(node, f.name)) for kind, f in zip(kinds, fields(node)))]


def _encode_field(kind: str, value: Any) -> Any:
    if kind in ("expr", "expr?"):
        return None if value is None else _encode_node(value)
    if kind == "exprs":
        return [_encode_node(v) for v in value]
    if kind == "pairs":
        return [[_encode_node(k), _encode_node(v)] for k, v in value]
    if kind == "parts":
        return [p if isinstance(p, str) else _encode_node(p) for p in value]
    if kind == "scalar" and not isinstance(value, _SCALARS):
        raise TypeError(f"not a scalar: {type(value).__name__}")
    return value


def _decode_node(data: Any) -> Any:
    if type(data) is not list or not data or type(data[0]) is not str:
        raise _Malformed("not a node")
    found = _DECODING.get(data[0])
    if found is None or len(data) != found[0]:
        raise _Malformed("unknown node")
    return found[1](data)


def _node_reader(cls: type, decoders: tuple[Callable[[Any], Any], ...]) -> Callable[[list[Any]], Any]:
    """Builds `cls` from a node's fields, each read by its decoder. Spelled out for the common
    arities: a warm check reads every node of every file through here."""
    if len(decoders) == 1:
        (first,) = decoders
        return lambda data: cls(first(data[1]))
    if len(decoders) == 2:
        first, second = decoders
        return lambda data: cls(first(data[1]), second(data[2]))
    if len(decoders) == 3:
        first, second, third = decoders
        return lambda data: cls(first(data[1]), second(data[2]), third(data[3]))
    return lambda data: cls(*[decode_field(value) for decode_field, value in zip(decoders, data[1:])])


def _optional(decode_field: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda value: None if value is None else decode_field(value)


def _decode_part(value: Any) -> Any:
    return value if type(value) is str else _decode_node(value)


def _decode_pair(value: Any) -> tuple[Any, Any]:
    key, item = _fixed(value, 2)
    return _decode_node(key), _decode_node(item)


def _bool(value: Any) -> bool:
    if type(value) is not bool:
        raise _Malformed("not a bool")
    return value


def _scalar(value: Any) -> Any:
    if not isinstance(value, _SCALARS):
        raise _Malformed("not a scalar")
    return value


def _tuple_of(decode_item: Callable[[Any], Any]) -> Callable[[Any], tuple[Any, ...]]:
    return lambda value: tuple([decode_item(v) for v in _list(value)])


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise _Malformed("not a list")
    return value


def _fixed(value: Any, length: int) -> list[Any]:
    if not isinstance(value, list) or len(value) != length:
        raise _Malformed(f"not a list of {length}")
    return value


def _str(value: Any) -> str:
    if type(value) is not str:
        raise _Malformed("not a string")
    return value


# How each kind of field of _NODES is read back, and so each class's readers in order.
_FIELD_DECODERS: dict[str, Callable[[Any], Any]] = {
    "expr": _decode_node,
    "expr?": _optional(_decode_node),
    "exprs": _tuple_of(_decode_node),
    "pairs": _tuple_of(_decode_pair),
    "parts": _tuple_of(_decode_part),
    "str": _str,
    "str?": _optional(_str),
    "bool": _bool,
    "scalar": _scalar,
}
# tag -> (the length of its list, its reader)
_DECODING = {tag: (len(kinds) + 1, _node_reader(cls, tuple(_FIELD_DECODERS[k] for k in kinds))) for tag, (cls, kinds) in _NODES.items()}


def _int(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise _Malformed("not an integer")
    return value
