"""Stack writes are all or nothing: kills, write failures, concurrent runs, stale files, unreadable files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from faults import snapshot, tfgen

EFS_ON = ("--set", "efs.enabled=true", "--set", "services[0].efs_mount=/data")


def render(folder: Path, *args: str) -> dict[str, bytes]:
    result = tfgen("new", str(folder), "--defaults", *args)
    assert result.returncode == 0, result.stderr
    return snapshot(folder)


def test_kill_between_any_two_moves_leaves_the_old_stack_or_the_new_one(tmp_path):
    old = render(tmp_path / "old", *EFS_ON)
    new = render(tmp_path / "new")
    work = tmp_path / "work"
    outcomes = set()
    for step in range(1, 200):
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(tmp_path / "old", work)
        killed = tfgen("new", str(work), "--defaults", "--force", env={"TFGEN_TEST_KILL_AFTER_STEP": str(step)})
        if killed.returncode == 0:
            assert snapshot(work, backups=False) == new
            break
        assert killed.returncode == -9, killed.stderr
        # The next run recovers under the lock before anything else; asking for the old stack
        # without --force then writes nothing more.
        again = tfgen("new", str(work), "--defaults", *EFS_ON)
        assert "Traceback" not in again.stderr
        state = snapshot(work, backups=False)
        assert state in (old, new), f"killed after step {step}: a mix of old and new files"
        if state == new:  # the copies of the overwritten files came in the same transaction
            assert len(list((work / ".tfgen" / "backup").glob("*/main.tf"))) == 1
        assert not (work / ".tfgen" / "txn").exists()
        outcomes.add("old" if state == old else "new")
    else:
        pytest.fail("the write never completed")
    assert step > 20, "every move is a step"
    assert outcomes == {"old", "new"}, "killed before the commit marker rolls back, after it completes"


def test_a_read_only_module_folder_leaves_the_old_stack_intact(tmp_path):
    out = tmp_path / "stack"
    old = render(out, *EFS_ON)
    (out / "modules" / "efs").chmod(0o555)  # EFS off deletes it: the last moves fail
    try:
        result = tfgen("new", str(out), "--defaults", "--force", bound_by_modes=True)
    finally:
        (out / "modules" / "efs").chmod(0o755)
    assert result.returncode == 2, result.stderr
    assert "modules/efs" in result.stderr and "nothing was changed" in result.stderr and "Traceback" not in result.stderr
    assert snapshot(out) == old
    assert not (out / ".tfgen" / "txn").exists()


def test_force_removes_files_of_an_earlier_render_but_never_the_users(tmp_path):
    out = tmp_path / "stack"
    render(out, *EFS_ON)
    (out / "notes.txt").write_text("mine")
    (out / "modules" / "efs" / "extra.tf").write_text("# mine\n")
    result = tfgen("new", str(out), "--defaults", "--force")
    assert result.returncode == 0, result.stderr
    assert "modules/efs/main.tf" in result.stdout
    assert sorted(p.name for p in (out / "modules" / "efs").iterdir()) == ["extra.tf"]
    assert (out / "notes.txt").read_text() == "mine"
    assert not (out / ".tfgen" / "base" / "modules" / "efs").exists()
    # With nothing of the user's in it, the folder itself goes.
    render(tmp_path / "two", *EFS_ON)
    assert tfgen("new", str(tmp_path / "two"), "--defaults", "--force").returncode == 0
    assert not (tmp_path / "two" / "modules" / "efs").exists()


def test_an_edited_file_that_is_no_longer_rendered_is_refused_then_copied_before_force_deletes_it(tmp_path):
    out = tmp_path / "stack"
    render(out, *EFS_ON)
    with (out / "modules" / "efs" / "main.tf").open("a") as f:
        f.write("# my change\n")
    refused = tfgen("new", str(out), "--defaults")
    assert refused.returncode == 1 and "modules/efs/main.tf (edited" in refused.stderr and "tfgen update" in refused.stderr
    forced = tfgen("new", str(out), "--defaults", "--force")
    assert forced.returncode == 0 and ".tfgen/backup/" in forced.stderr
    (copy,) = (out / ".tfgen" / "backup").glob("*/modules/efs/main.tf")
    assert copy.read_text().endswith("# my change\n")
    assert not (out / "modules" / "efs").exists()


def test_force_copies_every_file_it_overwrites(tmp_path):
    out = tmp_path / "stack"
    before = render(out)
    (out / "main.tf").write_text("# my main\n")
    result = tfgen("new", str(out), "--defaults", "--force", "--set", "services[0].cpu=512", "--set", "services[0].memory=1024")
    assert result.returncode == 0, result.stderr
    (backup,) = (out / ".tfgen" / "backup").iterdir()
    assert str(backup.relative_to(tmp_path)) in result.stderr
    assert (backup / "main.tf").read_text() == "# my main\n"
    assert (backup / "terraform.tfvars").read_text() == before["terraform.tfvars"].decode()
    assert sorted(p.relative_to(backup).as_posix() for p in backup.rglob("*") if p.is_file()) == [
        ".tfgen-answers.yaml", "README.md", "main.tf", "terraform.tfvars"]


def test_a_second_tfgen_on_a_locked_folder_exits_1_and_says_why(tmp_path):
    out = tmp_path / "stack"
    out.mkdir()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, os, sys; fd = os.open(sys.argv[1], os.O_RDONLY); fcntl.flock(fd, fcntl.LOCK_EX); print('locked', flush=True); sys.stdin.read()", str(out)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        loser = tfgen("new", str(out), "--defaults")
    finally:
        holder.communicate("")
    assert loser.returncode == 1 and "another tfgen is writing" in loser.stderr
    assert list(out.iterdir()) == []
    # Released with its process: the next run goes ahead, and leaves no lock file behind.
    assert tfgen("new", str(out), "--defaults").returncode == 0
    assert not [p for p in out.iterdir() if "lock" in p.name]


def test_two_renders_at_once_never_both_write(tmp_path):
    for attempt in range(3):
        out = tmp_path / f"stack{attempt}"
        runs = [
            subprocess.Popen([sys.executable, "-m", "tfgen", "new", str(out), "--defaults", *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for extra in ((), ("--set", "name=other"))
        ]
        results = [(run.wait(), run.stderr.read()) for run in runs]
        for run in runs:
            run.stdout.close()
            run.stderr.close()
        codes = sorted(code for code, _ in results)
        assert codes == [0, 1], results
        winner = 0 if results[0][0] == 0 else 1
        expected = render(tmp_path / f"expected{attempt}", *(() if winner == 0 else ("--set", "name=other")))
        assert snapshot(out) == expected


def test_an_unreadable_file_in_the_folder_is_exit_2_naming_it(tmp_path):
    out = tmp_path / "stack"
    before = render(out)
    (out / "main.tf").chmod(0)
    try:
        result = tfgen("new", str(out), "--defaults", "--set", "name=shop", bound_by_modes=True)
    finally:
        (out / "main.tf").chmod(0o644)
    assert result.returncode == 2, result.stderr
    assert f"{out / 'main.tf'}: cannot read" in result.stderr and "Traceback" not in result.stderr
    assert snapshot(out) == before


def test_leftover_staging_without_a_journal_is_cleaned_by_the_next_run(tmp_path):
    out = tmp_path / "stack"
    before = render(out)
    staged = out / ".tfgen" / "txn" / "new" / "main.tf"
    staged.parent.mkdir(parents=True)
    staged.write_text("# half-staged\n")
    result = tfgen("new", str(out), "--defaults")
    assert result.returncode == 0 and "staging folder" in result.stderr
    assert snapshot(out) == before


def test_a_failed_first_render_leaves_no_folder(tmp_path):
    blocker = tmp_path / "parent"
    blocker.mkdir()
    out = blocker / "stack"
    os.chmod(blocker, 0o555)
    try:
        result = tfgen("new", str(out), "--defaults", bound_by_modes=True)
    finally:
        os.chmod(blocker, 0o755)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert not out.exists(), "the folder made to lock it goes again, and there is no lock file"


def test_a_corrupt_journal_is_exit_2_naming_it_and_touches_nothing(tmp_path):
    out = tmp_path / "stack"
    before = render(out)
    journal = out / ".tfgen" / "txn" / "journal.json"
    journal.parent.mkdir(parents=True)
    journal.write_text("{not json")
    result = tfgen("new", str(out), "--defaults")
    assert result.returncode == 2 and ".tfgen/txn" in result.stderr and "Traceback" not in result.stderr
    assert snapshot(out) == before | {".tfgen/txn/journal.json": b"{not json"}
