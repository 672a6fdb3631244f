"""tfgen in other people's CI: the pre-commit hooks, the GitHub Action, the README's CI snippets."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from stacks import REPO

BIN = Path(sys.executable).parent

_GIT_ENV = {
    "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
}


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, env={**os.environ, **_GIT_ENV})


def _sample_repository(root: Path, bad: bool) -> Path:
    """A user's repository: one Terraform stack and one answers file, broken or fixed."""
    repo = root / ("bad" if bad else "good")
    (repo / "infra").mkdir(parents=True)
    encrypted = "false" if bad else "true"
    (repo / "infra" / "main.tf").write_text(
        f'resource "aws_efs_file_system" "data" {{\n  encrypted = {encrypted}\n  lifecycle {{\n    prevent_destroy = true\n  }}\n}}\n'
    )
    cpu = 3 if bad else 256
    (repo / "stack").mkdir()
    (repo / "stack" / "answers.yaml").write_text(
        f"name: shop\nregion: eu-west-1\nservices:\n  - name: web\n    image: nginx:1.27\n    cpu: {cpu}\n    memory: 512\n"
    )
    (repo / "README.md").write_text("not an answers file\n")
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "sample")
    return repo


def _try_repo(repo: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **_GIT_ENV, "PRE_COMMIT_HOME": str(home), "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    env.pop("VIRTUAL_ENV", None)
    return subprocess.run(
        [str(BIN / "pre-commit"), "try-repo", str(REPO), "--all-files", "--color", "never"],
        cwd=repo, env=env, capture_output=True, text=True, timeout=900,
    )


def test_pre_commit_hooks_run_through_try_repo(tmp_path):
    """pre-commit installs tfgen from this repository into its own environment and runs both hooks."""
    home = tmp_path / "pre-commit-home"
    bad = _try_repo(_sample_repository(tmp_path, bad=True), home)
    out = bad.stdout + bad.stderr
    assert bad.returncode == 1, out
    assert "tfgen check (ECS guidance)" in out and "TFG402" in out and "infra/main.tf" in out
    assert "tfgen validate-answers" in out and "services[0].cpu" in out and "stack/answers.yaml line 6" in out
    good = _try_repo(_sample_repository(tmp_path, bad=False), home)
    out = good.stdout + good.stderr
    assert good.returncode == 0, out
    assert out.count("Passed") == 2, out


def test_validate_answers_lists_every_problem_and_exits_2(tmp_path):
    from tfgen.cli import cli
    from click.testing import CliRunner

    bad = tmp_path / "answers.yaml"
    bad.write_text("name: shop\nservices:\n  - name: web\n    cpu: 3\n")
    good = REPO / "examples" / "ec2-alb" / "answers.yaml"
    result = CliRunner().invoke(cli, ["validate-answers", str(good), str(bad), str(tmp_path / "missing.yaml")], standalone_mode=False)
    assert result.return_value == 2
    assert "services[0].image: required" in result.output and f"{bad} line 4" in result.output
    assert "missing.yaml: answers file not found" in result.output
    assert "1 of 3 answers files valid" in result.output
    ok = CliRunner().invoke(cli, ["validate-answers", str(good)], standalone_mode=False)
    assert ok.return_value == 0 and "1 of 1 answers file valid" in ok.output
