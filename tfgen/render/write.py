"""Put rendered files on disk: all of them or none, and never over a file that differs.

The stack is first written to a temporary folder beside OUTDIR; only when every file is
written is it moved into place, so a failure leaves OUTDIR as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from tfgen.errors import ClobberError, InputError


def conflicts(outdir: Path, files: dict[str, bytes]) -> list[str]:
    """Files in OUTDIR that exist and differ from what would be written."""
    found = []
    for rel, content in sorted(files.items()):
        target = outdir / rel
        if target.is_dir():
            found.append(rel + " (a folder stands there)")
        elif target.exists() and target.read_bytes() != content:
            found.append(rel)
    return found


def write_stack(outdir: Path, files: dict[str, bytes], force: bool = False) -> list[str]:
    """Write `files` under OUTDIR. Returns the paths that changed (created or overwritten).

    Without `force`, raises ClobberError listing every file that would be overwritten, and
    writes nothing.
    """
    if outdir.exists() and not outdir.is_dir():
        raise InputError(f"{outdir}: exists and is not a folder")
    clashing = conflicts(outdir, files)
    if clashing and not force:
        raise ClobberError(clashing)
    changed = [rel for rel, content in sorted(files.items()) if _differs(outdir / rel, content)]
    parent = outdir.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.tfgen-", dir=parent))
        staging.chmod(0o777 & ~_umask())  # mkdtemp makes it private; OUTDIR should not be
    except OSError as err:
        raise InputError(f"{outdir}: cannot write there: {err.strerror or err}") from None
    try:
        for rel, content in files.items():
            path = staging / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        if not outdir.exists():
            os.rename(staging, outdir)  # one atomic step: the folder appears complete
            return changed
        for rel in changed:
            target = outdir / rel
            if target.is_dir() and force:
                shutil.rmtree(target)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / rel, target)  # atomic per file, and every file is already rendered
        return changed
    except OSError as err:
        raise InputError(f"{outdir}: writing failed: {err}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _differs(target: Path, content: bytes) -> bool:
    return not target.is_file() or target.read_bytes() != content


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
