"""`tfgen update` on real rendered stacks: edits survive, conflicts are marked, nothing is lost or half-written."""

from __future__ import annotations

import json
import random
import re
import shutil
from pathlib import Path

import pytest

from faults import snapshot, tfgen
from tfgen import __version__

SECOND_SERVICE = ("--set", "services[1].name=api", "--set", "services[1].image=public.ecr.aws/nginx/nginx:1.27",
                  "--set", "services[1].path_pattern=/api/*")
EFS_ON = ("--set", "efs.enabled=true", "--set", "services[0].efs_mount=/data")


def new_stack(folder: Path, *args: str) -> Path:
    result = tfgen("new", str(folder), "--defaults", *args)
    assert result.returncode == 0, result.stderr
    return folder


def update(folder: Path, *args: str):
    result = tfgen("update", str(folder), *args)
    assert "Traceback" not in result.stderr
    return result


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text() + text)


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def sound(stack: Path, offline_terraform) -> None:
    """tfgen check is clean, and terraform fmt -check, validate and an offline plan pass."""
    checked = tfgen("check", str(stack))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    tf = offline_terraform(stack)
    tf.fmt_check()
    tf.init()
    tf.validate()
    tf.plan("tfplan", "-refresh=false")


MY_RESOURCE = '\n# Ours: an alarm tfgen does not make.\nresource "aws_sns_topic" "alerts" {\n  name = "app-alerts"\n}\n'


@pytest.mark.terraform
def test_hand_edits_survive_a_second_service_added_with_set(tmp_path, offline_terraform):
    stack = new_stack(tmp_path / "stack")
    append(stack / "main.tf", MY_RESOURCE)
    tfvars = stack / "terraform.tfvars"
    tfvars.write_text(re.sub(r'^(region +=) "us-east-1"$', r'\1 "us-east-1" # pinned by ops', tfvars.read_text(), count=1, flags=re.M))
    append(stack / "modules" / "service" / "main.tf", "\n# Reviewed by security, 2026-11.\n")
    append(stack / "outputs.tf", '\noutput "alerts_topic_arn" {\n  value = aws_sns_topic.alerts.arn\n}\n')
    (stack / "notes.md").write_text("ours\n")
    answers = stack / ".tfgen-answers.yaml"
    replace(answers, "region: us-east-1", "region: us-east-1  # where the customers are")
    result = update(stack, *SECOND_SERVICE)
    assert result.returncode == 0, result.stderr
    assert MY_RESOURCE in (stack / "main.tf").read_text()
    assert "# pinned by ops" in (stack / "terraform.tfvars").read_text()
    assert '"api"' in (stack / "terraform.tfvars").read_text() or "api = {" in (stack / "terraform.tfvars").read_text()
    assert "# Reviewed by security" in (stack / "modules" / "service" / "main.tf").read_text()
    assert "alerts_topic_arn" in (stack / "outputs.tf").read_text()
    assert (stack / "notes.md").read_text() == "ours\n"
    assert "# where the customers are" in answers.read_text() and "name: api" in answers.read_text()
    assert "tfgen plan" in result.stdout
    sound(stack, offline_terraform)


@pytest.mark.terraform
def test_efs_enabled_then_disabled(tmp_path, offline_terraform):
    stack = new_stack(tmp_path / "stack")
    on = update(stack, *EFS_ON)
    assert on.returncode == 0 and (stack / "modules" / "efs" / "main.tf").is_file()
    edited = shutil.copytree(stack, tmp_path / "edited")
    off = update(stack, "--set", "efs.enabled=false", "--set", "services[0].efs_mount=null")
    assert off.returncode == 0, off.stderr
    assert "efs.enabled true -> false" in off.stdout and "every file on it is lost unless restored from a backup" in off.stdout
    assert not (stack / "modules" / "efs").exists(), "an unedited module folder goes"
    append(edited / "modules" / "efs" / "main.tf", "\n# Tuned by us.\n")
    kept = update(edited, "--set", "efs.enabled=false", "--set", "services[0].efs_mount=null")
    assert kept.returncode == 0
    assert re.search(r"kept\s+modules/efs/main.tf \(no longer rendered, but you edited it", kept.stdout)
    assert (edited / "modules" / "efs" / "main.tf").read_text().endswith("# Tuned by us.\n")
    assert not (edited / "modules" / "efs" / "outputs.tf").exists()
    sound(stack, offline_terraform)


@pytest.mark.terraform
def test_an_overlapping_edit_is_a_conflict_marked_listed_and_refused_by_check(tmp_path, offline_terraform):
    stack = new_stack(tmp_path / "stack")
    replace(stack / "terraform.tfvars", "    cpu               = 256\n", "    cpu               = 1024\n")
    replace(stack / "terraform.tfvars", "    memory            = 512\n", "    memory            = 2048\n")
    result = update(stack, "--set", "services[0].cpu=512", "--set", "services[0].memory=1024")
    assert result.returncode == 1
    text = (stack / "terraform.tfvars").read_text()
    line = text.splitlines().index("<<<<<<< yours") + 1
    assert f"terraform.tfvars (line {line})" in result.stdout
    assert "=======\n" in text and ">>>>>>> tfgen\n" in text
    checked = tfgen("check", str(stack))
    assert checked.returncode == 2 and f"terraform.tfvars:{line}: unresolved merge conflict" in checked.stderr
    again = update(stack, "--no-input")
    assert again.returncode == 1 and f"terraform.tfvars:{line}: unresolved merge conflict" in again.stderr
    # Resolved (ours kept), everything works again.
    resolved = re.sub(r"<<<<<<< yours\n(.*?)=======\n.*?>>>>>>> tfgen\n", r"\1", text, flags=re.S)
    (stack / "terraform.tfvars").write_text(resolved)
    assert update(stack, "--no-input").returncode == 0
    assert "    cpu               = 1024\n" in (stack / "terraform.tfvars").read_text()
    sound(stack, offline_terraform)


def simulate_older_templates(stack: Path, version: str) -> None:
    """Make the stack look rendered by an older tfgen whose templates differed: the files and
    their merge base both carry the old text."""
    for rel in ("main.tf", "modules/service/main.tf"):
        for root in (stack, stack / ".tfgen" / "base"):
            path = root / rel
            path.write_text("# Old template banner that a newer tfgen dropped.\n" + path.read_text())
    replace(stack / ".tfgen-answers.yaml", f"tfgen_version: {__version__}", f"tfgen_version: {version}")


@pytest.mark.terraform
def test_upgrade_from_older_templates_and_a_stack_without_provenance(tmp_path, offline_terraform):
    stack = new_stack(tmp_path / "stack")
    simulate_older_templates(stack, "0.0.1")
    append(stack / "main.tf", MY_RESOURCE)
    result = update(stack, "--no-input")
    assert result.returncode == 0, result.stderr
    main = (stack / "main.tf").read_text()
    assert "Old template banner" not in main and MY_RESOURCE in main
    assert "Old template banner" not in (stack / "modules" / "service" / "main.tf").read_text()
    assert f"tfgen_version: {__version__}" in (stack / ".tfgen-answers.yaml").read_text()
    sound(stack, offline_terraform)

    # Before provenance: no .tfgen/ nor .gitignore, the version only in the header comment.
    old = new_stack(tmp_path / "old")
    shutil.rmtree(old / ".tfgen")
    (old / ".gitignore").unlink()
    answers = old / ".tfgen-answers.yaml"
    body = "\n".join(line for line in answers.read_text().splitlines() if not line.startswith(("#", "tfgen_version")))
    answers.write_text(f"# tfgen {__version__} answers: replay with `tfgen new DIR --answers .tfgen-answers.yaml`.\n{body}\n")
    append(old / "main.tf", MY_RESOURCE)
    result = update(old, *SECOND_SERVICE)
    assert result.returncode == 0, result.stderr
    assert "re-rendered it from the saved answers" in result.stderr
    assert MY_RESOURCE in (old / "main.tf").read_text() and (old / ".tfgen" / "base" / "main.tf").is_file()
    assert (old / ".gitignore").is_file(), "a file the old stack never had is created, not taken as deleted"
    assert tfgen("check", str(old)).returncode == 0


def test_a_stack_from_another_version_without_a_base_explains_what_it_cannot_merge(tmp_path):
    stack = new_stack(tmp_path / "stack")
    shutil.rmtree(stack / ".tfgen")
    replace(stack / ".tfgen-answers.yaml", f"tfgen_version: {__version__}", "tfgen_version: 0.0.1")
    result = update(stack, "--no-input")
    assert result.returncode == 0
    assert "rendered by tfgen 0.0.1" in result.stderr and "look like your edits and are kept" in result.stderr


def test_dry_run_writes_nothing_and_shows_the_diff(tmp_path):
    stack = new_stack(tmp_path / "stack")
    append(stack / "main.tf", MY_RESOURCE)
    before = snapshot(stack)
    result = update(stack, "--dry-run", *EFS_ON)
    assert result.returncode == 0, result.stderr
    assert "+++ b/modules/efs/main.tf" in result.stdout and "--- a/main.tf" in result.stdout
    assert "nothing was written" in result.stdout
    assert snapshot(stack) == before
    as_json = update(stack, "--dry-run", "--format", "json", *EFS_ON)
    report = json.loads(as_json.stdout)
    actions = {f["path"]: f["action"] for f in report["files"]}
    assert actions["modules/efs/main.tf"] == "create" and actions["main.tf"] == "merge"
    assert report["dry_run"] is True and report["conflicts"] == 0
    assert snapshot(stack) == before


def test_files_the_user_deleted_stay_deleted_and_user_files_are_untouched(tmp_path):
    stack = new_stack(tmp_path / "stack")
    (stack / "README.md").unlink()
    (stack / "extra.tf").write_text("# mine\n")
    result = update(stack, *SECOND_SERVICE)
    assert result.returncode == 0
    assert not (stack / "README.md").exists()
    assert re.search(r"not restored\s+README.md \(you deleted it: it stays deleted", result.stdout)
    assert (stack / "extra.tf").read_text() == "# mine\n"
    assert update(stack, "--no-input").returncode == 0 and not (stack / "README.md").exists()


def test_impact_of_answer_changes_is_said_before_writing(tmp_path):
    stack = new_stack(tmp_path / "stack", *SECOND_SERVICE)
    result = update(stack, "--set", "services[1].name=backend", "--set", "load_balancer.type=nlb",
                    "--set", "services[1].port=8080", "--set", "launch_type=ec2", "--dry-run")
    out = result.stdout
    assert "service 'api' renamed to 'backend'" in out and "its tasks stop" in out
    assert "load_balancer.type alb -> nlb" in out and "its DNS name changes" in out
    assert "launch_type fargate -> ec2" in out and "its tasks stop and new ones start" in out


def test_update_outside_a_stack_and_without_a_terminal_exit_2(tmp_path):
    (tmp_path / "empty").mkdir()
    assert update(tmp_path / "empty", "--no-input").returncode == 2
    stack = new_stack(tmp_path / "stack")
    no_tty = tfgen("update", str(stack))
    assert no_tty.returncode == 2 and "--no-input" in no_tty.stderr


def test_new_with_other_answers_points_to_update(tmp_path):
    stack = new_stack(tmp_path / "stack")
    result = tfgen("new", str(stack), "--defaults", "--set", "environment=prod")
    assert result.returncode == 1 and f"tfgen update {stack}" in result.stderr


def test_kill_during_update_at_random_points_leaves_a_consistent_stack(tmp_path):
    original = new_stack(tmp_path / "original")
    append(original / "main.tf", MY_RESOURCE)
    before = snapshot(original)
    done = tmp_path / "done"
    shutil.copytree(original, done)
    assert update(done, *EFS_ON).returncode == 0
    after = snapshot(done)
    rng = random.Random(9)
    work = tmp_path / "work"
    for step in sorted(rng.sample(range(1, 60), 8)):
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(original, work)
        killed = tfgen("update", str(work), *EFS_ON, env={"TFGEN_TEST_KILL_AFTER_STEP": str(step)})
        assert killed.returncode in (-9, 0)
        if killed.returncode == -9:
            pending = update(work, "--dry-run", "--no-input")
            assert pending.returncode == 2 and "interrupted write is pending" in pending.stderr
        # The next update recovers first; with the same answers it then finishes the job.
        state_after_next = update(work, *EFS_ON)
        assert state_after_next.returncode == 0, state_after_next.stderr
        assert snapshot(work) == after, f"killed after step {step}"
    # And straight after a kill, the next run finds the old stack or the new one, never a mix.
    for step in (3, 30):
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(original, work)
        tfgen("update", str(work), *EFS_ON, env={"TFGEN_TEST_KILL_AFTER_STEP": str(step)})
        tfgen("new", str(work), "--defaults")  # any write command recovers under the lock
        assert snapshot(work) in (before, after)


def test_a_hand_edit_of_the_answers_file_is_applied_with_its_impact(tmp_path):
    stack = new_stack(tmp_path / "stack", *EFS_ON)
    answers = stack / ".tfgen-answers.yaml"
    replace(answers, "efs:\n  enabled: true", "efs:\n  enabled: false  # no more EFS")
    replace(answers, "efs_mount: /data", "efs_mount:")
    result = update(stack, "--no-input")
    assert result.returncode == 0, result.stderr
    assert "efs.enabled true -> false" in result.stdout and "every file on it is lost" in result.stdout
    assert not (stack / "modules" / "efs").exists()
    assert "enabled: false  # no more EFS" in answers.read_text()
    again = update(stack, "--no-input")
    assert "efs.enabled" not in again.stdout and "up to date" in again.stdout
