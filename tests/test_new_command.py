"""`tfgen new` end to end through the command line: examples, no-clobber, --force, bad input."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from stacks import EXAMPLE_NAMES, EXAMPLES, REPO, committed_files
from tfgen.answers import load_answers_file
from tfgen.render.stack import stack_files


def tfgen(*args: str, cwd: Path | None = None, input: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tfgen", *args], capture_output=True, text=True, cwd=cwd, input=input)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_examples_are_exactly_what_the_generator_renders(name):
    example = EXAMPLES / name
    rendered = stack_files(load_answers_file(example / "answers.yaml"))
    committed = committed_files(example)
    assert sorted(rendered) == sorted(committed), "files differ; re-render: python -m tfgen new examples/NAME --answers examples/NAME/answers.yaml --force"
    for rel in rendered:
        assert rendered[rel] == committed[rel], f"{name}/{rel} is stale; re-render the example with --force"


def test_defaults_render_a_stack(tmp_path):
    out = tmp_path / "stack"
    result = tfgen("new", str(out), "--defaults")
    assert result.returncode == 0, result.stderr
    for rel in ("main.tf", "variables.tf", "outputs.tf", "versions.tf", "providers.tf", "terraform.tfvars",
                "README.md", ".tfgen-answers.yaml", "modules/service/main.tf", "modules/alb/main.tf"):
        assert (out / rel).is_file(), rel
    assert not (out / "backend.tf").exists()
    saved = yaml.safe_load((out / ".tfgen-answers.yaml").read_text())
    assert saved["name"] == "app" and saved["launch_type"] == "fargate" and saved["load_balancer"]["type"] == "alb"


def test_saved_answers_replay_to_the_same_stack(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    assert tfgen("new", str(first), "--answers", str(EXAMPLES / "fargate-https-efs" / "answers.yaml")).returncode == 0
    assert tfgen("new", str(second), "--answers", str(first / ".tfgen-answers.yaml")).returncode == 0
    assert snapshot(first) == snapshot(second)


def test_rerender_unchanged_is_a_no_op(tmp_path):
    out = tmp_path / "stack"
    assert tfgen("new", str(out), "--defaults").returncode == 0
    again = tfgen("new", str(out), "--defaults")
    assert again.returncode == 0 and "already up to date" in again.stdout


def test_never_clobbers_a_changed_file_and_writes_nothing(tmp_path):
    out = tmp_path / "stack"
    assert tfgen("new", str(out), "--defaults").returncode == 0
    (out / "main.tf").write_text("# my edit\n")
    (out / "notes.txt").write_text("mine")
    before = snapshot(out)
    result = tfgen("new", str(out), "--defaults", "--set", "services[0].cpu=512", "--set", "services[0].memory=1024")
    assert result.returncode == 1
    assert "main.tf" in result.stderr and "terraform.tfvars" in result.stderr and "--force" in result.stderr
    assert snapshot(out) == before, "nothing is written when any file would be clobbered"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".stack.tfgen-")], "no staging folder left behind"


def test_force_overwrites_and_keeps_unrelated_files(tmp_path):
    out = tmp_path / "stack"
    assert tfgen("new", str(out), "--defaults").returncode == 0
    (out / "main.tf").write_text("# my edit\n")
    (out / "notes.txt").write_text("mine")
    result = tfgen("new", str(out), "--defaults", "--force")
    assert result.returncode == 0
    assert (out / "main.tf").read_text().startswith("locals {")
    assert (out / "notes.txt").read_text() == "mine"


def test_bad_answers_exit_2_with_key_paths_and_write_nothing(tmp_path):
    answers = tmp_path / "answers.yaml"
    answers.write_text("name: shop\nload_balancer:\n  type: classic\nservices:\n  - name: web\n    image: nginx\n    cpu: 512\n    memory: 512\n")
    out = tmp_path / "stack"
    result = tfgen("new", str(out), "--answers", str(answers))
    assert result.returncode == 2
    assert "load_balancer.type:" in result.stderr and "line 3" in result.stderr
    assert "services[0].memory:" in result.stderr and "1024 to 4096" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


@pytest.mark.parametrize(
    "content, expected",
    [
        ("name: shop\n  bad: [\n", "invalid YAML"),
        ("name: shop\nname: other\n", "key 'name' is given twice"),
        ("- just\n- a list\n", "mapping"),
    ],
)
def test_unreadable_answers_file_is_exit_2_with_file_and_line(tmp_path, content, expected):
    answers = tmp_path / "answers.yaml"
    answers.write_text(content)
    result = tfgen("new", str(tmp_path / "out"), "--answers", str(answers))
    assert result.returncode == 2 and expected in result.stderr and str(answers) in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_missing_answers_file_and_bad_options_exit_2(tmp_path):
    missing = tfgen("new", str(tmp_path / "out"), "--answers", str(tmp_path / "nope.yaml"))
    assert missing.returncode == 2 and "nope.yaml" in missing.stderr
    both = tfgen("new", str(tmp_path / "out"), "--answers", "x.yaml", "--defaults")
    assert both.returncode == 2 and "not both" in both.stderr
    bad_set = tfgen("new", str(tmp_path / "out"), "--defaults", "--set", "oops")
    assert bad_set.returncode == 2 and "key.path=value" in bad_set.stderr
    assert not (tmp_path / "out").exists()


def test_wizard_without_a_terminal_says_what_to_do(tmp_path):
    result = tfgen("new", str(tmp_path / "out"), input="")
    assert result.returncode == 2 and "--answers" in result.stderr and "--defaults" in result.stderr


def test_version_and_help():
    version = tfgen("--version")
    assert version.returncode == 0 and version.stdout.startswith("tfgen, version ")
    help_text = tfgen("new", "--help")
    assert help_text.returncode == 0 and "--answers" in help_text.stdout and "--force" in help_text.stdout


def test_wheel_ships_templates_and_modules(tmp_path):
    """`pip install .` (not only editable) must carry the templates and modules inside the package."""
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(REPO)],
        capture_output=True, text=True,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = tmp_path.glob("tfgen-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "tfgen/_data/templates/main.tf.j2" in names
    for module in ("network", "cluster", "ec2_capacity", "alb", "nlb", "efs", "service"):
        assert f"tfgen/_data/modules/{module}/main.tf" in names


def test_saved_answers_of_a_stack_without_load_balancer_replay(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    assert tfgen("new", str(first), "--defaults", "--set", "load_balancer.type=none").returncode == 0
    replay = tfgen("new", str(second), "--answers", str(first / ".tfgen-answers.yaml"))
    assert replay.returncode == 0, replay.stderr
    assert snapshot(first) == snapshot(second)


def test_each_stack_ignores_terraform_debris_but_keeps_the_lock_file(tmp_path):
    out = tmp_path / "stack"
    assert tfgen("new", str(out), "--defaults").returncode == 0
    subprocess.run(["git", "init", "-q", str(out)], check=True)

    def ignored(rel: str) -> bool:
        return subprocess.run(["git", "-C", str(out), "check-ignore", "-q", "--no-index", rel]).returncode == 0

    for rel in (".terraform/providers/x", "terraform.tfstate", "terraform.tfstate.backup", "tfplan", "plan.json",
                "prod.tfplan", "crash.log", ".tfgen/backup/20260101T000000Z/main.tf", ".tfgen/txn/journal.json"):
        assert ignored(rel), rel
    for rel in (".terraform.lock.hcl", "main.tf", ".tfgen/base/main.tf", ".tfgen-answers.yaml", "modules/service/main.tf"):
        assert not ignored(rel), rel
