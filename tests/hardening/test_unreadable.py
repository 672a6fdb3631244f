"""A folder that cannot be read, checked directly or called as a local module, is exit 2 naming
the folder, as an unreadable file is; it is never skipped with exit 0 (issue 13 item 7).

The tests run as root, where chmod does not stop reads: the in-process tests make listing the
folder fail as the kernel would (PermissionError from os.scandir), and the command-line test
runs tfgen without root's capabilities, so file modes bind it as they bind any user."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tfgen.check import cache
from tfgen.check.rules.base import EXAMPLES_DIR
from tfgen.check.runner import discover, evaluate
from tfgen.errors import InputError

GOOD = (EXAMPLES_DIR / "TFG101" / "good" / "main.tf").read_text()


def tree(base: Path) -> Path:
    """A root module calling ./modules/svc, and a second root module in other/."""
    (base / "modules" / "svc").mkdir(parents=True)
    (base / "modules" / "svc" / "main.tf").write_text(GOOD)
    (base / "main.tf").write_text('module "svc" {\n  source = "./modules/svc"\n}\n')
    (base / "other").mkdir()
    (base / "other" / "main.tf").write_text(GOOD)
    return base


def deny(monkeypatch, *folders: Path) -> None:
    """Listing these folders fails with EACCES, as it does for a user without read permission."""
    denied = {str(f) for f in folders}
    real = os.scandir

    def scandir(path="."):
        if os.fspath(path) in denied:
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)


def check(root: Path):
    cache.configure(enabled=False)
    try:
        return [evaluate(r, [], []) for r in discover([str(root)])]
    finally:
        cache.configure()


def test_an_unreadable_folder_in_the_tree_is_an_error_naming_it(tmp_path, monkeypatch):
    root = tree(tmp_path)
    deny(monkeypatch, root / "other")
    with pytest.raises(InputError, match=rf"^{root / 'other'}: cannot read the folder: Permission denied"):
        check(root)


def test_an_unreadable_called_module_folder_is_an_error_naming_it(tmp_path, monkeypatch):
    root = tree(tmp_path)
    svc = (root / "modules" / "svc").resolve()
    # Listing during discovery is allowed here; only the evaluator's read of the module fails,
    # as when the module lives outside the checked folder.
    real = cache.tf_files

    def tf_files(folder):
        if Path(folder).resolve() == svc and "evaluate" in [f.function for f in __import__("inspect").stack()]:
            raise InputError(f"{folder}: cannot read the folder: Permission denied")
        return real(folder)

    monkeypatch.setattr(cache, "tf_files", tf_files)
    with pytest.raises(InputError, match="svc: cannot read the folder"):
        check(root)


def test_a_module_folder_that_cannot_be_looked_up_is_an_error(tmp_path, monkeypatch):
    root = tree(tmp_path)
    svc = (root / "modules" / "svc").resolve()
    real = Path.stat

    def stat(self, *args, **kwargs):
        if self == svc:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "stat", stat)
    with pytest.raises(InputError, match=r"svc: cannot read the module folder \(module\.svc\): Permission denied"):
        check(root)


def _as_unprivileged_user(command: list[str], cwd: Path) -> subprocess.CompletedProcess:
    """`command` bound by file modes: as root, without root's capabilities (its own files, such
    as a virtual environment in a private folder, stay readable to it; a folder of mode 0 does not)."""
    from faults import _drop_root_powers

    return subprocess.run(
        command, capture_output=True, text=True, cwd=cwd, timeout=120,
        env={**os.environ, "TFGEN_CACHE_DIR": str(cwd / "cache"), "HOME": str(cwd)},
        preexec_fn=_drop_root_powers if os.geteuid() == 0 else None,
    )


@pytest.mark.parametrize("denied", ["other", "modules/svc"])
def test_the_cli_exits_2_naming_an_unreadable_folder(denied):
    # Not under pytest's tmp_path: its parents are private to root, and the user must reach the tree.
    base = Path(tempfile.mkdtemp(prefix="tfgen-unreadable-"))
    try:
        root = tree(base / "stack")
        for path in [base, *root.rglob("*"), root]:
            path.chmod(0o777 if path.is_dir() else 0o666)
        (root / denied).chmod(0)
        done = _as_unprivileged_user([sys.executable, "-m", "tfgen", "check", "stack", "--no-cache"], base)
    finally:
        for path in base.rglob("*"):
            path.chmod(0o777) if path.is_dir() else None
        shutil.rmtree(base)
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    assert f"stack/{denied}" in done.stderr and "Permission denied" in done.stderr and "Traceback" not in done.stderr
