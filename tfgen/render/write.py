"""Put files on disk under a stack folder: under a lock, all of them or none of them.

A write is a transaction kept in OUTDIR/.tfgen/txn/: every new file is first staged in `new/`,
then a journal listing the moves is made durable, then each target is moved aside into `old/`
and its replacement moved in, and a commit marker ends it. A run that dies part-way (kill -9, a
power cut) leaves the journal behind; the next tfgen run on OUTDIR, under the same lock, moves
everything back (`recover`), so OUTDIR holds the old files or the new ones, never a mix, and no
staging folder lingers. A failure part-way (a read-only folder, a full disk) rolls back at once
through the same code.

Only renames touch the files a user sees, so every step is atomic on its own, and the state
after any number of steps can be read off the transaction folder: a staged file still in `new/`
was not moved in; a file in `old/` was moved aside.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import signal
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

from tfgen.errors import BusyError, ClobberError, InputError
from tfgen.render.provenance import BACKUP_DIR, BASE_DIR, TFGEN_DIR, base_paths

TXN_DIR = ".tfgen/txn"
_JOURNAL = "journal.json"
_COMMITTED = "committed.json"

# Test hook: the process SIGKILLs itself right after this many transaction steps (each step is
# one rename or one folder creation), so tests can stop a write between any two moves.
_KILL_AFTER = "TFGEN_TEST_KILL_AFTER_STEP"


@contextmanager
def locked(outdir: Path) -> Iterator[None]:
    """Hold an exclusive lock on OUTDIR (created if missing) for the body of the `with`.

    The lock is an flock on the folder itself: nothing is added to the stack, and the kernel
    releases it when the process ends however it ends. A second tfgen on the same folder fails
    at once with BusyError (exit 1). A folder created here and left empty is removed again.
    """
    if outdir.exists() and not outdir.is_dir():
        raise InputError(f"{outdir}: exists and is not a folder")
    created = _make_dirs(outdir)
    try:
        fd = os.open(outdir, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as err:
        raise InputError(f"{outdir}: cannot open the folder: {err.strerror or err}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BusyError(f"{outdir}: another tfgen is writing this stack right now; nothing was written (run again when it has finished)") from None
        except OSError as err:  # a filesystem without locks: writing unguarded could interleave two runs
            raise InputError(f"{outdir}: cannot lock the folder ({err.strerror or err}); nothing was written") from None
        try:
            same = os.path.samestat(os.stat(outdir), os.fstat(fd))
        except OSError:
            same = False
        if not same:  # the folder was removed or replaced while we waited for it
            raise BusyError(f"{outdir}: the folder changed while tfgen was opening it; nothing was written (run again)")
        yield
    finally:
        os.close(fd)
        for folder in reversed(created):
            try:
                folder.rmdir()  # only succeeds while empty: a failed first render leaves nothing
            except OSError:
                break


def _make_dirs(outdir: Path) -> list[Path]:
    missing = []
    here = outdir.absolute()
    while not here.exists():
        missing.append(here)
        here = here.parent
    made = []
    for folder in reversed(missing):
        try:
            folder.mkdir()
        except FileExistsError:
            continue  # a concurrent run made it; the lock decides who goes first
        except OSError as err:
            raise InputError(f"{outdir}: cannot create the folder: {err.strerror or err}") from None
        made.append(folder)
    return made


def read_existing(path: Path) -> bytes | None:
    """The bytes of a file tfgen may replace, None when there is none; InputError when unreadable."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise InputError(f"{path}: a folder stands where tfgen keeps a file; nothing was written") from None
    except OSError as err:
        raise InputError(f"{path}: cannot read: {err.strerror or err}; nothing was written") from None


def conflicts(outdir: Path, files: dict[str, bytes]) -> list[str]:
    """Files in OUTDIR that exist and differ from what would be written."""
    found = []
    for rel, content in sorted(files.items()):
        target = outdir / rel
        if target.is_dir():
            found.append(rel + " (a folder stands there)")
        elif read_existing(target) not in (None, content):
            found.append(rel)
    return found


def write_stack(
    outdir: Path, files: dict[str, bytes], force: bool = False, previous: list[str] | None = None, advice: str | None = None
) -> tuple[list[str], list[str], str | None]:
    """Write a whole stack under OUTDIR (call under `locked`, after `recover`).

    `previous` are the files the earlier render wrote (default: those its base records): the
    ones this render no longer has are deleted, unless edited. Without `force`, raises
    ClobberError listing every file that differs or was edited, and writes nothing; with it,
    each such file is first copied under `.tfgen/backup/<time>/`, in the same transaction.
    Returns (written, deleted, backup folder or None). Files the user added are never touched.
    """
    previous = base_paths(outdir) if previous is None else previous
    # tfgen's own files (the merge base) follow the render; only the user's files can clash.
    clashing = [rel for rel in conflicts(outdir, files) if not rel.startswith(TFGEN_DIR + "/")]
    stale, edited_stale = [], []
    for rel in previous:
        if rel in files or read_existing(outdir / rel) is None:
            continue
        stale.append(rel)
        if read_existing(outdir / rel) != read_existing(outdir / BASE_DIR / rel):
            edited_stale.append(rel)
    clashing += [f"{rel} (edited; no longer rendered, so it would be deleted)" for rel in edited_stale]
    if clashing and not force:
        raise ClobberError(clashing, *([advice] if advice else []))
    changed = [rel for rel, content in sorted(files.items()) if (outdir / rel).is_dir() or read_existing(outdir / rel) != content]
    stale_base = [f"{BASE_DIR}/{rel}" for rel in previous if f"{BASE_DIR}/{rel}" not in files]
    # Every file --force overwrites (each differs from what is written) or deletes though edited.
    overwritten = [rel for rel in changed if os.path.lexists(outdir / rel) and not rel.startswith(TFGEN_DIR + "/")]
    folder, backup = backups(outdir, overwritten + edited_stale)
    commit(outdir, {rel: files[rel] for rel in changed} | backup, stale + stale_base)
    return changed, stale, folder


def backups(outdir: Path, rels: list[str]) -> tuple[str | None, dict[str, bytes]]:
    """Copies of files about to be overwritten or deleted: (`.tfgen/backup/<time>`, path -> bytes)."""
    if not rels:
        return None, {}
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    folder, n = f"{BACKUP_DIR}/{stamp}", 1
    while (outdir / folder).exists():
        n += 1
        folder = f"{BACKUP_DIR}/{stamp}-{n}"
    copies = {}
    for rel in rels:
        target = outdir / rel
        inside = sorted(p for p in target.rglob("*") if p.is_file()) if target.is_dir() else [target]
        for path in inside:
            content = read_existing(path)
            if content is not None:
                copies[f"{folder}/{path.relative_to(outdir).as_posix()}"] = content
    return folder, copies


def commit(outdir: Path, writes: dict[str, bytes], deletes: Iterable[str] = ()) -> None:
    """Write `writes` (relative path -> bytes) and delete `deletes` under OUTDIR, atomically.

    Call under `locked(outdir)` after `recover(outdir)`. Raises InputError, after rolling back,
    when any step fails: OUTDIR is then as it was.
    """
    deletes = sorted(rel for rel in set(deletes) - set(writes) if os.path.lexists(outdir / rel))
    ops = [[rel, True] for rel in sorted(writes)] + [[rel, False] for rel in deletes]
    if not ops:
        return
    txn = outdir / TXN_DIR
    try:
        for rel, content in writes.items():
            _write_durably(txn / "new" / rel, content)
        new_dirs = sorted({p for rel in writes for p in _missing_parents(outdir, rel)}, key=lambda d: d.count("/"))
        _write_durably(txn / (_JOURNAL + ".tmp"), json.dumps({"ops": ops, "dirs": new_dirs}).encode())
        os.rename(txn / (_JOURNAL + ".tmp"), txn / _JOURNAL)
        _sync_dir(txn)
    except OSError as err:
        _drop(txn)
        raise InputError(f"{outdir}: writing failed: {_describe(err)}; nothing was changed") from None
    _step()
    doing = ""
    try:
        for folder in new_dirs:
            doing = folder
            (outdir / folder).mkdir()
            _step()
        for rel, write in ops:
            doing = rel
            target = outdir / rel
            if os.path.lexists(target):
                aside = txn / "old" / rel
                aside.parent.mkdir(parents=True, exist_ok=True)
                os.rename(target, aside)
                _step()
            if write:
                os.rename(txn / "new" / rel, target)
                _step()
        os.rename(txn / _JOURNAL, txn / _COMMITTED)
        _sync_dir(txn)
        _step()
    except OSError as err:
        try:
            _roll_back(outdir)
        except OSError as again:
            raise InputError(
                f"{outdir}: writing {doing} failed ({_describe(err)}), and undoing it failed too ({_describe(again)}); "
                "the next tfgen run on this folder restores it"
            ) from None
        raise InputError(f"{outdir}: writing {doing} failed: {_describe(err)}; nothing was changed") from None
    _finish(outdir)


def recover(outdir: Path) -> str | None:
    """Finish or undo a transaction an earlier run left behind; say which, or None if none."""
    txn = outdir / TXN_DIR
    if not os.path.lexists(txn):
        return None
    try:
        if (txn / _COMMITTED).exists():
            _finish(outdir)
            return "an interrupted write had completed; cleaned up after it"
        if (txn / _JOURNAL).exists():
            _roll_back(outdir)
            return "an interrupted write was undone; the stack is as it was before it"
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise InputError(
            f"{txn}: cannot finish or undo an interrupted write ({err}); its journal and the files it moved "
            "aside are there to restore by hand"
        ) from None
    _drop(txn)
    return "an interrupted write had not started changing files; removed its staging folder"


def _roll_back(outdir: Path) -> None:
    """Undo the moves of the journaled transaction, in reverse. Safe to repeat after a kill."""
    txn = outdir / TXN_DIR
    journal = json.loads((txn / _JOURNAL).read_text())
    for rel, write in reversed(journal["ops"]):
        target = outdir / rel
        staged = txn / "new" / rel
        aside = txn / "old" / rel
        if write and not os.path.lexists(staged) and os.path.lexists(target):
            os.rename(target, staged)  # moved back, not deleted: the state stays readable
        if os.path.lexists(aside):
            os.rename(aside, target)
    for folder in sorted(journal["dirs"], key=lambda d: -d.count("/")):
        try:
            (outdir / folder).rmdir()
        except FileNotFoundError:
            pass
        except OSError as err:
            if err.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                raise
    _drop(txn)


def _finish(outdir: Path) -> None:
    """After the commit marker: drop what was moved aside and folders the deletes emptied."""
    txn = outdir / TXN_DIR
    journal = json.loads((txn / _COMMITTED).read_text())
    for rel, write in journal["ops"]:
        if not write:
            _prune_empty_parents(outdir, rel)
    _drop(txn)


def _drop(txn: Path) -> None:
    shutil.rmtree(txn, ignore_errors=True)
    try:
        txn.parent.rmdir()  # .tfgen/ itself, when the transaction was all it held
    except OSError:
        pass


def _prune_empty_parents(outdir: Path, rel: str) -> None:
    parts = Path(rel).parts[:-1]
    for depth in range(len(parts), 0, -1):
        folder = outdir.joinpath(*parts[:depth])
        try:
            folder.rmdir()
        except OSError:
            return  # not empty (a user's file) or already gone


def _missing_parents(outdir: Path, rel: str) -> list[str]:
    missing = []
    parent = Path(rel).parent
    while parent != Path(".") and not (outdir / parent).exists():
        missing.append(parent.as_posix())
        parent = parent.parent
    return missing


def _write_durably(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())


def _sync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _describe(err: OSError) -> str:
    name = err.filename
    return f"{name}: {err.strerror}" if name and err.strerror else str(err)


_steps = 0


def _step() -> None:
    global _steps
    _steps += 1
    if os.environ.get(_KILL_AFTER) == str(_steps):
        os.kill(os.getpid(), signal.SIGKILL)
