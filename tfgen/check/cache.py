"""Parsed `.tf` files, kept so that parsing (python-hcl2 is most of a check's time) happens once.

Three layers, fastest first:
1. In this process, a file already parsed (a module read by two root modules) is reused while
   its size and modification time are unchanged.
2. On disk, in the user's cache folder, entries are addressed by the SHA-256 of the file's bytes
   together with tfgen's and python-hcl2's versions and this format's number: a changed file, an
   upgrade, or another parser never reads a stale entry. Entries are written to a temporary file
   and renamed into place, so concurrent runs (CI jobs, pre-commit hooks) never see half an
   entry; a corrupt or unreadable entry is treated as a miss.
3. What is left is parsed, in several processes when there are many files.

`TFGEN_CACHE_DIR` chooses the folder (default: `$XDG_CACHE_HOME/tfgen` or `~/.cache/tfgen`);
`configure(enabled=False)` (`--no-cache`) bypasses the disk for one run.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Callable, Iterable

from tfgen import __version__
from tfgen.check.source import SourceBlock, SourceFile

FORMAT = 1
# Below this many files to parse, starting worker processes costs more than it saves.
PARALLEL_MIN_FILES = 24


@dataclass
class _Settings:
    enabled: bool = True
    directory: Path | None = None


_settings = _Settings()
# (kind, path) -> (size and modification time when parsed, the parse)
_in_process: dict[tuple[str, str], tuple[tuple[int, int], Any]] = {}


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


def load(path: str | Path) -> SourceFile:
    return load_many([path])[0]


def load_many(paths: Iterable[str | Path]) -> list[SourceFile]:
    """Parsed `.tf` files for `paths`, in order. Raises InputError for one that cannot be read or parsed."""
    return _load(paths, "tf", _parse_tf)


def load_tfvars(path: str | Path) -> dict[str, Any]:
    """The assignments of a `.tfvars` / `.tfvars.json` file, as expressions."""
    return _load([path], "tfvars", _parse_tfvars)[0]


# The parser (python-hcl2 and Lark) is imported only when something is not cached: a warm run
# never pays for loading it. Module-level functions, so worker processes can be handed them.
def _parse_tf(path: Path) -> SourceFile:
    from tfgen.check.loader import load_file

    return load_file(path)


def _parse_tfvars(path: Path) -> dict[str, Any]:
    from tfgen.check.loader import load_tfvars

    return load_tfvars(path)


def _load(paths: Iterable[str | Path], kind: str, parse: Callable[[Path], Any]) -> list[Any]:
    paths = [Path(p) for p in paths]
    salt = _salt() + kind.encode() + b"\0"
    store = _Store(cache_dir()) if _settings.enabled else None
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
        cached = store.get(digest, path) if store is not None and digest is not None else None
        if cached is not None:
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
    parsed = dict(zip(distinct, _parse_all(distinct, parse)))
    for path, digest, signature in to_parse:
        if path in parsed:
            result = parsed[path]
            if store is not None and digest is not None:
                store.put(digest, result)
        else:
            result = _copy_for(parsed[first_with[digest]], path)
        found[path] = _remember(kind, path, signature, result) if signature else result
    return [found[p] for p in paths]


def _digest(path: Path, salt: bytes) -> str | None:
    try:
        return hashlib.sha256(salt + path.read_bytes()).hexdigest()
    except OSError:
        return None  # the parser reports it, with the file's name


def _copy_for(result: Any, path: Path) -> Any:
    """A parse of the same bytes, as its own object naming `path`."""
    copied = pickle.loads(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    return _relocated(copied, str(path)) if isinstance(copied, SourceFile) else copied


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


def _parse_all(paths: list[Path], parse: Callable[[Path], Any]) -> list[Any]:
    workers = min(os.cpu_count() or 1, 8)
    if len(paths) < PARALLEL_MIN_FILES or workers < 2:
        return [parse(p) for p in paths]
    # Worker processes each parse a share of the files; an InputError in any is raised here.
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(parse, paths, chunksize=max(1, len(paths) // (workers * 4))))


class _Store:
    """Entries on disk: DIR/v<FORMAT>/<2 hex>/<64 hex>, each a pickled parse."""

    def __init__(self, directory: Path):
        self.root = directory / f"v{FORMAT}"
        self.writable = True

    def _entry(self, digest: str) -> Path:
        return self.root / digest[:2] / digest

    def get(self, digest: str, path: Path) -> Any:
        """The cached parse of content `digest` (now found at `path`), or None."""
        try:
            with self._entry(digest).open("rb") as handle:
                cached = pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, IndexError, TypeError, ValueError):
            return None
        return _relocated(cached, str(path)) if isinstance(cached, SourceFile) else cached

    def put(self, digest: str, source: Any) -> None:
        if not self.writable:
            return
        entry = self._entry(digest)
        temporary = None
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=entry.parent, prefix=".tmp-")
            with os.fdopen(handle, "wb") as out:
                pickle.dump(source, out, protocol=pickle.HIGHEST_PROTOCOL)
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
