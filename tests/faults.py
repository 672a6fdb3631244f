"""Helpers for fault tests: run tfgen as a process that file permissions bind, and snapshot stacks."""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys
from pathlib import Path

_PR_CAPBSET_DROP = 24


def _drop_root_powers() -> None:
    # Root ignores file modes; without its capabilities (the bounding set, applied at exec) a
    # root-run test process meets read-only folders and unreadable files as any user does.
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in range(64):
        libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0)


def tfgen(*args: str, env: dict[str, str] | None = None, bound_by_modes: bool = False) -> subprocess.CompletedProcess[str]:
    """`python -m tfgen ARGS`; with `bound_by_modes`, file permissions apply even when run as root."""
    preexec = _drop_root_powers if bound_by_modes and os.geteuid() == 0 else None
    return subprocess.run(
        [sys.executable, "-m", "tfgen", *args], capture_output=True, text=True, env={**os.environ, **(env or {})}, preexec_fn=preexec
    )


def snapshot(folder: Path, backups: bool = True) -> dict[str, bytes]:
    """Every file under `folder` (relative path -> bytes), empty folders as None; without
    `backups`, leaving out the copies `tfgen new --force` keeps under .tfgen/backup/."""
    out: dict[str, bytes | None] = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if not backups and rel.startswith(".tfgen/backup"):
            continue
        if path.is_file():
            out[rel] = path.read_bytes()
        elif path.is_dir() and not any(path.iterdir()):
            out[rel + "/"] = None
    return out
