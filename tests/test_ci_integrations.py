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


def _check_jsonschema(schema: str, *files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / "check-jsonschema"), "--builtin-schema", schema, *map(str, files)],
                          capture_output=True, text=True)


def test_action_metadata_validates_against_githubs_schema():
    result = _check_jsonschema("vendor.github-actions", REPO / "action.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_action_pins_its_actions_and_keeps_inputs_out_of_scripts():
    action = yaml.safe_load((REPO / "action.yml").read_text())
    steps = action["runs"]["steps"]
    for step in steps:
        if "uses" in step:
            ref = step["uses"].split("@", 1)[1]
            assert ref.startswith("v") and ref[1:].isdigit() or len(ref) == 40, step["uses"]
        assert "${{" not in step.get("run", ""), f"{step['name']}: inputs go through env, not into the script"
    assert {"command", "path", "format", "fail-on", "upload-sarif"} <= set(action["inputs"])
    upload = next(s for s in steps if "upload-sarif" in s.get("uses", ""))
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")


def _run_action_script(tmp_path: Path, cwd: Path | None = None, **inputs: str) -> tuple[int, dict[str, str], str, str]:
    """Run the action's main step as the runner would: inputs in env, outputs in $GITHUB_OUTPUT."""
    action = yaml.safe_load((REPO / "action.yml").read_text())
    step = next(s for s in action["runs"]["steps"] if s.get("id") == "run")
    defaults = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
    values = {**defaults, **inputs}
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "RUNNER_TEMP": str(tmp_path),
           "GITHUB_OUTPUT": str(tmp_path / "output"), "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md")}
    for name, value in step["env"].items():
        input_name = value.removeprefix("${{ inputs.").removesuffix(" }}")
        env[name] = values[input_name]
    # `shell: bash` runs as `bash --noprofile --norc -eo pipefail {0}` on GitHub's runners.
    script = tmp_path / "step.sh"
    script.write_text(step["run"])
    result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=cwd or Path(__file__).parent / "check" / "golden",
                            env=env, capture_output=True, text=True)
    outputs = dict(line.split("=", 1) for line in (tmp_path / "output").read_text().splitlines())
    summary = (tmp_path / "summary.md").read_text() if (tmp_path / "summary.md").exists() else ""
    return result.returncode, outputs, result.stdout, summary


def test_action_script_annotates_summarises_and_records_the_exit_code(tmp_path):
    code, outputs, log, summary = _run_action_script(tmp_path, path="stack", **{"upload-sarif": "true"})
    assert code == 0, "the step itself succeeds so the SARIF upload runs; a later step fails the job"
    assert outputs["exit-code"] == "1"
    assert "::error file=stack/main.tf,line=9,title=TFG402" in log
    assert summary.startswith("## tfgen check") and "| error | 1 |" in summary
    import json

    sarif = json.loads(Path(outputs["sarif-file"]).read_text())
    assert {r["ruleId"] for r in sarif["runs"][0]["results"]} == {"TFG105", "TFG208", "TFG402", "TFG407"}


def test_action_script_passes_args_and_fail_on(tmp_path):
    code, outputs, log, _ = _run_action_script(tmp_path, path="stack", args="--skip TFG402", **{"fail-on": "error", "job-summary": "false"})
    assert outputs == {"exit-code": "0"} and "TFG402" not in log and "TFG407" in log


@pytest.mark.terraform
def test_action_script_plans_once_and_reports_from_the_kept_plan(provider_mirror, offline_terraform, tmp_path):
    from stacks import EXAMPLES, copy_stack

    root = copy_stack(EXAMPLES / "fargate-alb-defaults", tmp_path / "stack")
    offline_terraform(root)  # fake credentials and a local backend, as in the plan tests
    code, outputs, log, summary = _run_action_script(
        tmp_path, cwd=tmp_path, command="plan", path="stack", **{
            "plan-args": f"--plugin-dir {provider_mirror}", "terraform-args": "-refresh=false", "upload-sarif": "true",
        },
    )
    assert code == 0 and outputs["exit-code"] == "0", log
    assert "tfgen plan: " in log and " to create, 0 to update, 0 to replace, 0 to delete" in log
    assert summary.startswith("## tfgen plan") and "### Changes: " in summary and "| aws\\_ecs\\_service | 1 |" in summary
    assert (tmp_path / "tfgen.tfplan").is_file() and (tmp_path / "tfgen.tfplan.json").is_file()
    import json

    assert json.loads(Path(outputs["sarif-file"]).read_text())["runs"][0]["results"] == []


def test_action_script_reports_a_bad_command_as_exit_2(tmp_path):
    code, outputs, log, _ = _run_action_script(tmp_path, command="apply")
    assert outputs["exit-code"] == "2" and "::error title=tfgen action::command must be check or plan" in log


def readme_snippet(name: str) -> str:
    """The yaml block after `<!-- ci-snippet: NAME -->` in the README."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    marker = f"<!-- ci-snippet: {name} -->\n```yaml\n"
    assert text.count(marker) == 1, f"README has no (or more than one) {name} snippet"
    return text.split(marker, 1)[1].split("```", 1)[0]


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_readme_github_workflow_snippet_is_valid_and_uses_the_actions_inputs(tmp_path):
    snippet = readme_snippet("github-workflow")
    result = _check_jsonschema("vendor.github-workflows", _write(tmp_path, "tfgen.yml", snippet))
    assert result.returncode == 0, result.stdout + result.stderr
    inputs = set(yaml.safe_load((REPO / "action.yml").read_text())["inputs"])
    ours = [step for job in yaml.safe_load(snippet)["jobs"].values() for step in job["steps"]
            if step.get("uses", "").startswith("OWNER/tfgen@")]
    assert len(ours) == 2
    for step in ours:
        assert set(step.get("with", {})) <= inputs, set(step["with"]) - inputs


def test_readme_gitlab_snippet_is_valid_and_its_commands_run(tmp_path, monkeypatch):
    snippet = readme_snippet("gitlab-ci")
    result = _check_jsonschema("vendor.gitlab-ci", _write(tmp_path, ".gitlab-ci.yml", snippet))
    assert result.returncode == 0, result.stdout + result.stderr
    # Its tfgen commands, run on a folder with one warning: the reports are written, the job fails.
    from click.testing import CliRunner

    from tfgen.cli import cli

    infra = tmp_path / "infra"
    infra.mkdir()
    (infra / "main.tf").write_text('resource "aws_efs_file_system" "data" {\n  encrypted = true\n}\n')
    monkeypatch.chdir(tmp_path)
    commands = [line for line in yaml.safe_load(snippet)["tfgen"]["script"] if line.startswith("tfgen ")]
    codes = [CliRunner().invoke(cli, line.split()[1:], standalone_mode=False).return_value for line in commands]
    assert codes == [0, 0, 1]
    assert (tmp_path / "tfgen-junit.xml").is_file() and "TFG407" in (tmp_path / "tfgen.md").read_text()


def test_readme_pre_commit_snippet_names_this_repositorys_hooks(tmp_path):
    snippet = readme_snippet("pre-commit-config")
    config = _write(tmp_path, ".pre-commit-config.yaml", snippet)
    result = subprocess.run([str(BIN / "pre-commit"), "validate-config", str(config)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    ours = {hook["id"] for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
    (repo,) = yaml.safe_load(snippet)["repos"]
    assert {hook["id"] for hook in repo["hooks"]} == ours == {"tfgen-check", "tfgen-answers"}
