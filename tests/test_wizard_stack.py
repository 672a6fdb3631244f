"""What a person sees around `tfgen new`, through answers files and the command line: the CPU
architecture and the reason for EC2 in the rendered stack, the stack README's names of variables
and secrets, the next steps, `tfgen --help`, and the words for a folder without Terraform."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import yaml

from tfgen.answers import build_answers
from tfgen.errors import AnswersError
from tfgen.render.stack import NEXT_STEPS, render_stack

REPO = Path(__file__).resolve().parent.parent
SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"


def tfgen(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, "-m", "tfgen", *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=120)


def write_answers(folder: Path, data: dict) -> Path:
    path = folder / "answers.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def ec2_answers(instance_type: str, **service: object) -> dict:
    return {
        "name": "shop",
        "launch_type": "ec2",
        "ec2": {"instance_type": instance_type},
        "services": [{"name": "web", "image": "nginx:1", **service}],
    }


# --- platform: linux/arm64 ---------------------------------------------------------------------


def test_arm64_on_an_x86_instance_type_is_refused_with_key_path_line_and_reason(tmp_path: Path) -> None:
    answers = write_answers(tmp_path, ec2_answers("m6i.large", platform="linux/arm64"))
    result = tfgen("new", str(tmp_path / "out"), "--answers", str(answers))
    assert result.returncode == 2, result.stderr
    assert re.search(r"services\[0\]\.platform.*line \d+|answers\.yaml:\d+.*services\[0\]\.platform", result.stderr), result.stderr
    assert "Graviton" in result.stderr and "m6i.large" in result.stderr
    assert not (tmp_path / "out").exists()


def test_arm64_renders_the_task_definitions_runtime_platform() -> None:
    graviton = render_stack(build_answers(ec2_answers("m7g.large", platform="linux/arm64")))
    assert 'cpu_architecture = "ARM64"' in graviton["terraform.tfvars"].decode().replace("  ", " ")
    assert "cpu_architecture = each.value.cpu_architecture" in graviton["main.tf"].decode()
    module = graviton["modules/service/main.tf"].decode()
    assert 'var.launch_type == "FARGATE" || var.cpu_architecture == "ARM64"' in module
    assert "cpu_architecture        = var.cpu_architecture" in module
    # amd64, the default, leaves the stack as it was: no architecture input at all.
    plain = render_stack(build_answers(ec2_answers("m6i.large")))
    assert "cpu_architecture" not in plain["terraform.tfvars"].decode() + plain["main.tf"].decode()


def test_platform_takes_only_the_two_linux_platforms() -> None:
    try:
        build_answers({"name": "shop", "services": [{"image": "nginx:1", "platform": "linux/386"}]})
    except AnswersError as err:
        assert any(p.startswith("services[0].platform:") for p in err.problems), err.problems
    else:
        raise AssertionError("linux/386 was accepted")


# --- ec2.reason: TFG105 suppressed with the user's words ----------------------------------------


def test_ec2_reason_suppresses_tfg105_with_that_reason_on_one_comment_line(tmp_path: Path) -> None:
    reason = 'GPU drivers\nresource "aws_iam_user" "evil" {}\t# and more'
    data = ec2_answers("m6i.large", secrets={"DB_PASSWORD": SECRET}, environment={"LOG_LEVEL": "debug"})
    data["ec2"]["reason"] = reason
    out = tmp_path / "out"
    result = tfgen("new", str(out), "--answers", str(write_answers(tmp_path, data)))
    assert result.returncode == 0, result.stderr
    main = (out / "main.tf").read_text()
    flat = 'GPU drivers resource "aws_iam_user" "evil" {} # and more'
    assert f"  # tfgen:ignore=TFG105 {flat}\n" in main
    assert 'resource "aws_iam_user"' not in main.replace(f"# tfgen:ignore=TFG105 {flat}", "")
    report = tfgen("check", str(out), "--format", "json", "--show-suppressed")
    assert report.returncode == 0, report.stderr
    document = json.loads(report.stdout)
    assert document["summary"]["info"] == 0
    # (the stack has no certificate, so its HTTP listener's own TFG305 ignore is counted too)
    assert [(f["rule_id"], f["reason"]) for f in document["suppressed"] if f["rule_id"] == "TFG105"] == [("TFG105", f"inline: {flat}")]
    readme = (out / "README.md").read_text()
    assert f"Why EC2 rather than Fargate: {flat}." in readme


def test_without_a_reason_tfg105_still_speaks(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert tfgen("new", str(out), "--answers", str(write_answers(tmp_path, ec2_answers("m6i.large")))).returncode == 0
    assert "tfgen:ignore=TFG105" not in (out / "main.tf").read_text()
    document = json.loads(tfgen("check", str(out), "--format", "json").stdout)
    assert [f["rule_id"] for f in document["findings"]] == ["TFG105"]


# --- the stack README ---------------------------------------------------------------------------


def test_readme_lists_each_services_variable_and_secret_names_not_values() -> None:
    answers = build_answers(
        {
            "name": "shop",
            "services": [
                {"name": "web", "image": "nginx:1", "environment": {"LOG_LEVEL": "debug", "MODE": "x"}, "secrets": {"DB_PASSWORD": SECRET}},
                {"name": "api", "image": "nginx:1", "path_pattern": "/api/*"},
                {"name": "jobs", "image": "nginx:1", "expose": False, "secrets": {"TOKEN": SECRET}},
            ],
        }
    )
    readme = render_stack(answers)["README.md"].decode()
    assert "- **web**: environment `LOG_LEVEL`, `MODE`; secrets `DB_PASSWORD`\n" in readme
    assert "- **jobs**: secrets `TOKEN`\n" in readme
    assert "- **api**" not in readme  # nothing to list
    assert "debug" not in readme and SECRET not in readme


# --- next steps, help, a folder without Terraform, JUnit class names -----------------------------


def _readme_steps(readme: str) -> list[str]:
    block = readme.split("## Deploy")[1].split("```sh\n")[1].split("```")[0]
    return [line.split("   #")[0].strip() for line in block.splitlines() if line.strip()]


def test_next_steps_are_the_readmes_and_need_no_cd_into_the_current_folder(tmp_path: Path) -> None:
    here = tfgen("new", ".", "--defaults", cwd=tmp_path)
    assert here.returncode == 0, here.stderr
    steps = _readme_steps((tmp_path / "README.md").read_text())
    assert steps == [command for command, _ in NEXT_STEPS]
    printed = [line.strip() for line in here.stdout.splitlines()[2:]]
    assert printed == steps and "cd ." not in here.stdout
    elsewhere = tfgen("new", "sub dir", "--defaults", cwd=tmp_path)
    assert [line.strip() for line in elsewhere.stdout.splitlines()[2:]] == ["cd 'sub dir'", *steps]


def test_help_lists_every_command() -> None:
    from tfgen.cli import cli

    result = tfgen("--help")
    assert result.returncode == 0
    listed = result.stdout.split("Commands:")[1]
    for name in cli.commands:
        assert re.search(rf"^\s+{name}\s", listed, re.M), f"{name} missing from tfgen --help"
    summary = result.stdout.split("Options:")[0]
    for name in cli.commands:
        assert f"tfgen {name}" in summary, f"{name} missing from the summary at the top of tfgen --help"


def test_plan_of_a_folder_without_terraform_says_what_check_says(tmp_path: Path) -> None:
    check = tfgen("check", str(tmp_path))
    plan = tfgen("plan", str(tmp_path))
    assert check.returncode == plan.returncode == 2
    assert f"tfgen: {tmp_path}: no .tf or .tf.json files found (" in check.stderr
    assert f"tfgen: {tmp_path}: no .tf or .tf.json files found (" in plan.stderr
    assert "Usage:" not in plan.stderr


def test_junit_class_names_are_clean_for_the_current_folder(tmp_path: Path) -> None:
    assert tfgen("new", ".", "--defaults", cwd=tmp_path).returncode == 0
    result = tfgen("check", ".", "--format", "junit", cwd=tmp_path)
    names = {case.get("classname") for case in ET.fromstring(result.stdout).iter("testcase")}
    assert names == {"tfgen"}
    result = tfgen("check", "examples/ec2-alb", "--format", "junit")
    names = {case.get("classname") for case in ET.fromstring(result.stdout).iter("testcase")}
    assert names == {"tfgen.examples.ec2-alb"}
