"""Parsed `.tf` files, kept for one run, and the cache folder where checks keep their reports.

In this process, a file already parsed (a module read by two root modules) is reused while its
size and modification time are unchanged, and so are bytes already parsed under another path (a
module copied into many stacks, or laid out by `terraform init` in each root): each distinct
content is parsed once a run.

Parses are not kept on disk: tfgen's own HCL reader (`tfgen.check.hclparse`) reads a file faster
than a cached parse could be decoded. What is kept, in the cache folder, is a whole check's report,
reused only while nothing it read has changed (`tfgen.check.results`).

`TFGEN_CACHE_DIR` chooses the folder (default: `$XDG_CACHE_HOME/tfgen` or `~/.cache/tfgen`);
`configure(enabled=False)` (`--no-cache`) bypasses it for one run.
"""

from __future__ import annotations

import functools
import hashlib
import os
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Callable, Iterable

from tfgen.check import expr as E
from tfgen.check.inputs import observed, recording_active
from tfgen.check.source import SourceBlock, SourceFile, is_config_file
from tfgen.errors import InputError
from tfgen.files import read_bounded

# The largest file read (a generated module file is about 20 KiB); the loader refuses larger ones.
MAX_FILE_BYTES = 8 * 1024 * 1024


@dataclass
class _Settings:
    enabled: bool = True
    directory: Path | None = None


_settings = _Settings()
# This process's memo, one dict so that forgetting it is one step:
#   (kind, absolute path) -> (size and modification time when parsed, the parse of that file, its digest)
#   (kind, digest, "") -> a parse of those bytes (naming whichever path it was first read at)
_in_process: dict[tuple[str, ...], Any] = {}


def configure(enabled: bool = True, directory: Path | None = None) -> None:
    """Turn the cache folder on or off, or point it at another folder, for this process."""
    _settings.enabled = enabled
    _settings.directory = directory


def enabled() -> bool:
    """False for a run with `--no-cache`: nothing is read from or written to the cache folder."""
    return _settings.enabled


def cache_dir() -> Path:
    if _settings.directory is not None:
        return _settings.directory
    explicit = os.environ.get("TFGEN_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "tfgen"


@functools.cache
def code_digest() -> str:
    """The SHA-256 of every file of the tfgen package (its code, rule examples and tables): an
    edited source file of an editable install is another tfgen, as a new version is."""
    return tree_digest(Path(__file__).resolve().parent.parent)


def tree_digest(package: Path) -> str:
    """The SHA-256 of the names and bytes of every file under `package` (bytecode left out)."""
    digest = hashlib.sha256()
    for folder, subfolders, files in os.walk(package):
        subfolders[:] = sorted(d for d in subfolders if d != "__pycache__")
        for name in sorted(files):
            path = Path(folder) / name
            digest.update(path.relative_to(package).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()


@functools.cache  # reading an installed version scans package metadata: once a process
def _parser_version() -> str:
    try:
        return version("python-hcl2")
    except PackageNotFoundError:  # pragma: no cover - it is a dependency
        return "unknown"


@observed
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


# The loader is imported only when something is parsed: a check whose report is reused never
# loads it.
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
    """The parses of `paths`, in order. With `tolerant`, a file that cannot be parsed is left out
    of the memo and its place in the result is None, for its own load to report later."""
    return [_load_one(Path(p), kind, parse, tolerant) for p in paths]


def _load_one(path: Path, kind: str, parse: Callable[[Path], Any], tolerant: bool) -> Any:
    signature = _signature(path)
    memo = _in_process.get((kind, os.path.abspath(path)))
    # The same bytes read as JSON syntax and as native syntax are different parses.
    salt = f"{kind}\0{'json' if path.name.endswith('.json') else 'hcl'}\0".encode()
    unchanged = memo is not None and signature is not None and memo[0] == signature
    # While a check's reads are recorded (to reuse its report), its every file is read.
    if unchanged and not recording_active():
        return memo[1]
    digest = _digest(path, salt) if signature is not None else None
    if unchanged and digest == memo[2]:
        return memo[1]
    known = _in_process.get((kind, digest, "")) if digest is not None else None
    if known is not None:
        return _remember(kind, path, signature, _copy_for(known, path), digest)
    try:
        result = parse(path)
    except InputError:
        if tolerant:
            return None
        raise
    if digest is not None:
        _in_process[(kind, digest, "")] = result
    return _remember(kind, path, signature, result, digest) if signature else result


def preload(tf: Iterable[str | Path], tfvars: Iterable[str | Path] = ()) -> None:
    """Parse `.tf` and `.tfvars` files ahead of their loads, so that the later loads, one folder
    at a time (in worker processes forked after this), find them in this process's memo. A file
    that cannot be read or parsed is left alone: its own load reports it, where it always has."""
    _load(tf, "tf", _parse_tf, tolerant=True)
    _load(tfvars, "tfvars", _parse_tfvars, tolerant=True)


def _digest(path: Path, salt: bytes) -> str | None:
    data = file_bytes(path)
    return hashlib.sha256(salt + data).hexdigest() if data is not None else None


@observed
def file_bytes(path: Path) -> bytes | None:
    """The file's bytes, or None when it cannot be read or is over the limit (the loader then
    reports it, with the file's name and the limit: never read a file that large whole)."""
    try:
        return read_bounded(path, MAX_FILE_BYTES)
    except OSError:
        return None


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


def _remember(kind: str, path: Path, signature: tuple[int, int], result: Any, digest: str | None) -> Any:
    # Keyed by absolute path: a module is reached as "stack/modules/x" and as "stack/./modules/x".
    _in_process[(kind, os.path.abspath(path))] = (signature, result, digest)
    return result


def worker_count() -> int:
    """How many worker processes to start: the processors this process may run on, up to 8."""
    try:
        available = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on macOS or Windows
        available = os.cpu_count() or 1
    return min(available, 8)
