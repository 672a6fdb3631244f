"""What a check read from the disk, recorded so that its report can be reused only while all of
it is unchanged (see `tfgen.check.results`).

Every function through which a check looks at the disk (a folder's listing, a file's bytes, a
module manifest, whether a path exists) is wrapped by `observed`. While a recording is active,
each call adds one observation: the function's name, its argument and what it returned (bytes
as their SHA-256, paths as text, an exception as its type and message). Checking a record later
calls the same functions with the same arguments: the one place that decides what a check saw
also decides whether it would still see the same.

A recording in which one observation gave two different answers (a file edited while the check
ran) cannot vouch for anything and is dropped.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
from pathlib import Path
from typing import Any, Callable, Iterator

# name -> the unwrapped function, for checking a record later
_OBSERVERS: dict[str, Callable[[Path], Any]] = {}


class Recording:
    """The observations of one check: (function name, path) -> the normalized answer."""

    def __init__(self) -> None:
        self.seen: dict[tuple[str, str], Any] = {}
        self.consistent = True

    def add(self, name: str, path: str, answer: Any) -> None:
        key = (name, path)
        if key in self.seen and self.seen[key] != answer:
            self.consistent = False
        self.seen.setdefault(key, answer)

    def extend(self, observations: list[list[Any]]) -> None:
        """Observations made in a worker process (see `entries`)."""
        for name, path, answer in observations:
            self.add(name, path, answer)

    def entries(self) -> list[list[Any]]:
        """The observations as JSON-ready triples, sorted."""
        return sorted([name, path, answer] for (name, path), answer in self.seen.items())


_active: list[Recording] = []


@contextlib.contextmanager
def recording() -> Iterator[Recording]:
    """Record every observation made (in this process) inside the block."""
    current = Recording()
    _active.append(current)
    try:
        yield current
    finally:
        _active.remove(current)


def recording_active() -> bool:
    return bool(_active)


def absorb(observations: list[list[Any]]) -> None:
    """Add observations a worker process made (its recording's `entries`) to this one's."""
    if _active:
        _active[-1].extend(observations)


def observed(function: Callable[[Path], Any]) -> Callable[[Path], Any]:
    """Make `function` (of one path; any other arguments must not change its answer's meaning)
    an observation of the disk."""
    name = f"{function.__module__}.{function.__qualname__}"
    _OBSERVERS[name] = function

    @functools.wraps(function)
    def wrapper(path: Path, *args: Any, **kwargs: Any) -> Any:
        if not _active:
            return function(path, *args, **kwargs)
        try:
            answer = function(path, *args, **kwargs)
        except Exception as error:
            _active[-1].add(name, str(path), _raised(error))
            raise
        _active[-1].add(name, str(path), normalized(answer))
        return answer

    return wrapper


def unchanged(entries: Any) -> bool:
    """True when every recorded observation gives the same answer now."""
    if not isinstance(entries, list):
        return False
    for entry in entries:
        if not (isinstance(entry, list) and len(entry) == 3 and isinstance(entry[0], str) and isinstance(entry[1], str)):
            return False
        name, path, answer = entry
        function = _OBSERVERS.get(name)
        if function is None:
            return False
        try:
            now = normalized(function(Path(path)))
        except Exception as error:
            now = _raised(error)
        if now != answer:
            return False
    return True


def normalized(answer: Any) -> Any:
    """An answer as JSON values that compare equal exactly when the answers do."""
    if isinstance(answer, bytes):
        return {"sha256": hashlib.sha256(answer).hexdigest()}
    if isinstance(answer, Path):
        return str(answer)
    if isinstance(answer, (list, tuple)):
        return [normalized(item) for item in answer]
    if isinstance(answer, dict):
        return [[str(key), normalized(value)] for key, value in sorted(answer.items())]
    if answer is None or isinstance(answer, (bool, int, str)):
        return answer
    raise TypeError(f"an observation of type {type(answer).__name__} cannot be recorded")


def _raised(error: Exception) -> dict[str, str]:
    return {"raised": f"{type(error).__name__}: {error}"}


# --- observations of a path that several modules make --------------------------------------


@observed
def kind(path: Path) -> str | None:
    """What is at `path` (symlinks followed): "file", "folder", "other" (a device, a pipe) or None."""
    if path.is_file():
        return "file"
    if path.is_dir():
        return "folder"
    return "other" if path.exists() else None


@observed
def resolved(path: Path) -> Path:
    """`path` made absolute with its symlinks followed: a retargeted link is a changed input."""
    return path.resolve()
