"""`--output FILE` writes the whole report or nothing: a full disk leaves no empty or partial
file, and an earlier report stays as it was (issue 13 item 10)."""

from __future__ import annotations

import errno
import os
import sys

import pytest

from tfgen.check.rules.base import EXAMPLES_DIR

BAD = EXAMPLES_DIR / "TFG101" / "bad"


def tfgen(monkeypatch, *args) -> int:
    from tfgen.cli import _run

    monkeypatch.setattr(sys, "argv", ["tfgen", *map(str, args)])
    return _run()


class FullDisk:
    """A file whose writes stop part-way with ENOSPC, as on a full disk."""

    def __init__(self, handle):
        self.handle = handle

    def write(self, data):
        self.handle.write(data[: len(data) // 2])
        self.handle.flush()
        raise OSError(errno.ENOSPC, "No space left on device")

    def __getattr__(self, name):
        return getattr(self.handle, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.handle.close()


@pytest.fixture
def full_disk(monkeypatch):
    real = os.fdopen
    monkeypatch.setattr(os, "fdopen", lambda fd, *a, **k: FullDisk(real(fd, *a, **k)))


def test_a_full_disk_leaves_no_report_file(tmp_path, monkeypatch, capsys, full_disk):
    target = tmp_path / "report.sarif"
    assert tfgen(monkeypatch, "check", BAD, "--no-cache", "--format", "sarif", "--output", target) == 2
    assert "No space left on device" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == [], "no empty, partial or temporary file"


def test_a_full_disk_keeps_the_earlier_report(tmp_path, monkeypatch, full_disk):
    target = tmp_path / "report.json"
    target.write_text("the earlier report")
    assert tfgen(monkeypatch, "check", BAD, "--no-cache", "--format", "json", "--output", target) == 2
    assert target.read_text() == "the earlier report" and list(tmp_path.iterdir()) == [target]


def test_a_report_is_written_whole_with_the_usual_permissions(tmp_path, monkeypatch):
    target = tmp_path / "report.json"
    assert tfgen(monkeypatch, "check", BAD, "--no-cache", "--format", "json", "--output", target) == 1
    assert target.read_text().startswith("{") and list(tmp_path.iterdir()) == [target]
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_a_device_is_written_to_not_replaced(monkeypatch, capsys):
    before = os.stat("/dev/full")
    assert tfgen(monkeypatch, "check", BAD, "--no-cache", "--output", "/dev/full") == 2
    assert "--output /dev/full: cannot write: No space left on device" in capsys.readouterr().err
    after = os.stat("/dev/full")
    assert (after.st_mode, after.st_rdev) == (before.st_mode, before.st_rdev), "the device is still the device"


def test_a_report_goes_through_a_symlink_to_its_file(tmp_path, monkeypatch):
    real = tmp_path / "reports" / "check.json"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "latest.json"
    link.symlink_to(real)
    assert tfgen(monkeypatch, "check", BAD, "--no-cache", "--format", "json", "--output", link) == 1
    assert link.is_symlink() and real.read_text().startswith("{")


def test_an_unexpected_exception_is_exit_2_without_a_traceback(monkeypatch, tmp_path, capsys):
    """A defect inside a command (here: rendering raising KeyError, as saved answers with
    unnamed list entries once did) must not print a Python traceback or exit 1, which means
    findings: it is exit 2 with one line naming the error."""
    import tfgen.render.stack as stack

    def broken(*_args, **_kwargs):
        raise KeyError("name")

    monkeypatch.setattr(stack, "stack_files", broken)
    monkeypatch.delenv("TFGEN_DEBUG", raising=False)
    code = tfgen(monkeypatch, "new", tmp_path / "stack", "--defaults", "--set", "name=shop")
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err and "internal error (KeyError: 'name')" in err
    assert not (tmp_path / "stack").exists()
