"""`tfgen check --plan` and `tfgen plan` on plans made by real Terraform.

The scenarios (tests/plan_scenarios/, planned by tests/plans.py against a synthesised state)
delete, replace and update resources the way a real change would; the analyzer must lead with
what destroys data or causes downtime, and find on the plan what HCL alone cannot know.
"""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from plans import SCENARIOS_DIR
from stacks import EXAMPLES, REPO, copy_stack

pytestmark = pytest.mark.terraform

FS = "module.efs.aws_efs_file_system.this"
MOUNT_TARGETS = {"module.efs.aws_efs_mount_target.this[0]", "module.efs.aws_efs_mount_target.this[1]"}
ACCESS_POINTS = {'module.efs.aws_efs_access_point.this["web"]', 'module.efs.aws_efs_access_point.this["worker"]'}


def tfgen(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tfgen", *map(str, args)], capture_output=True, text=True, cwd=cwd)


@pytest.fixture
def plan_file(scenario_plan, tmp_path):
    """plan_file(name) -> path of the scenario's plan JSON."""

    def write(name: str) -> Path:
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(scenario_plan(name)))
        return path

    return write


def check_plan(path: Path, *extra: str) -> tuple[int, dict]:
    result = tfgen("check", "--plan", path, "--format", "json", *extra)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


def by_rule(document: dict) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for finding in document["findings"]:
        found.setdefault(finding["rule_id"], set()).add(finding["address"])
    return found


def test_efs_replaced_is_data_at_risk(plan_file):
    code, document = check_plan(plan_file("efs_replaced"))
    assert code == 1, "an error (TFG501) fails the default --fail-on error"
    found = by_rule(document)
    assert found["TFG501"] == {FS}
    assert found["TFG502"] == MOUNT_TARGETS | ACCESS_POINTS
    (fs,) = [f for f in document["findings"] if f["rule_id"] == "TFG501"]
    assert fs["severity"] == "error" and "replaces" in fs["message"] and "performance_mode" in fs["message"]
    assert fs["file"] is None and fs["line"] is None, "without the configuration, the address identifies it"
    assert document["changes"]["replace"] >= 5 and document["changes"]["delete"] == 0
    assert document["changes"]["by_type"]["aws_efs_file_system"]["replace"] == 1


def test_efs_removed_is_data_at_risk(plan_file):
    code, document = check_plan(plan_file("efs_removed"))
    found = by_rule(document)
    assert code == 1 and found["TFG501"] == {FS} and found["TFG502"] == MOUNT_TARGETS | ACCESS_POINTS
    assert all("deletes" in f["message"] for f in document["findings"] if f["rule_id"] in ("TFG501", "TFG502"))
    assert document["changes"]["delete"] == 6


def config_of(name: str) -> Path:
    return SCENARIOS_DIR / name / "after"


def test_service_replaced_means_downtime(plan_file):
    path = plan_file("service_replaced")
    code, document = check_plan(path, config_of("service_replaced"))
    assert by_rule(document) == {"TFG503": {'module.service["web"].aws_ecs_service.this'}}
    assert code == 0, "a warning passes the default --fail-on error"
    assert check_plan(path, config_of("service_replaced"), "--fail-on", "warning")[0] == 1


def test_load_balancer_replaced_changes_its_address(plan_file):
    _, document = check_plan(plan_file("lb_replaced"), config_of("lb_replaced"))
    assert by_rule(document) == {"TFG503": {"module.alb.aws_lb.this"}}
    (finding,) = document["findings"]
    assert "DNS name changes" in finding["message"] and "internal" in finding["message"]


def test_task_role_deleted_is_reported_with_its_task_definition(plan_file):
    _, document = check_plan(plan_file("task_role_deleted"), config_of("task_role_deleted"))
    assert by_rule(document) == {"TFG504": {'module.service["web"].aws_iam_role.task'}}
    (finding,) = document["findings"]
    assert "deletes IAM role 'shop-prod-web-task'" in finding["message"] and "shop-prod-web" in finding["message"]


def test_in_place_update_raises_nothing(plan_file):
    config = config_of("in_place_update")
    code, document = check_plan(plan_file("in_place_update"), config)
    assert code == 0 and document["findings"] == []
    assert document["summary"]["error"] == document["summary"]["warning"] == 0
    changes = document["changes"]
    assert (changes["create"], changes["replace"], changes["delete"]) == (0, 0, 0) and changes["update"] == 5


def test_values_only_in_vars_are_found_on_the_plan_not_in_the_hcl(plan_file):
    config = config_of("vars_only_bad_fargate")
    hcl = tfgen("check", config, "--format", "json")
    assert hcl.returncode == 0 and json.loads(hcl.stdout)["findings"] == []
    assert json.loads(hcl.stdout)["summary"]["unknown"] > 0, "HCL alone cannot know the -var values"
    code, document = check_plan(plan_file("vars_only_bad_fargate"), config)
    found = {f["rule_id"]: f for f in document["findings"]}
    assert code == 1 and set(found) == {"TFG101", "TFG102"}
    assert "bridge" in found["TFG101"]["message"] and "4096" in found["TFG102"]["message"]
    # With the configuration given, the finding points at the attribute judged.
    task = found["TFG102"]
    source = (REPO / task["file"]).read_text().splitlines()
    assert source[task["line"] - 1].strip().startswith("cpu"), source[task["line"] - 1]


def test_findings_carry_file_and_line_when_the_configuration_is_given(plan_file):
    config = config_of("efs_replaced")
    _, document = check_plan(plan_file("efs_replaced"), config)
    (fs,) = [f for f in document["findings"] if f["rule_id"] == "TFG501"]
    assert fs["file"].endswith("plan_scenarios/_modules/efs/main.tf")
    lines = (REPO / fs["file"]).read_text().splitlines()
    assert lines[fs["line"] - 1] == 'resource "aws_efs_file_system" "this" {'
    assert fs["address"] == FS


def test_text_report_leads_with_data_at_risk_then_downtime_then_changes(plan_file):
    result = tfgen("check", "--plan", plan_file("efs_replaced"), "--no-color")
    text = result.stdout
    order = [text.index(h) for h in ("Data at risk: 5", "Downtime and address changes: none", "Changes: ", "Conformance with the guidance")]
    assert order == sorted(order)
    assert "aws_efs_file_system" in text.split("Changes: ")[1].split("Conformance")[0]


def test_sarif_and_junit_carry_plan_findings(plan_file):
    import jsonschema

    path = plan_file("efs_replaced")
    sarif = json.loads(tfgen("check", "--plan", path, "--format", "sarif").stdout)
    schema = json.loads((REPO / "tests" / "check" / "data" / "sarif-schema-2.1.0.json").read_text())
    jsonschema.Draft4Validator(schema).validate(sarif)
    assert "TFG501" in {r["ruleId"] for r in sarif["runs"][0]["results"]}
    junit = ET.fromstring(tfgen("check", "--plan", path, "--format", "junit").stdout)
    failed = {c.get("name").split()[0] for c in junit.iter("testcase") if c.find("failure") is not None}
    assert failed == {"TFG501"}, "TFG502 warnings are below the default --fail-on error"
    assert {c.get("name").split()[0] for c in junit.iter("testcase")} >= {"TFG501", "TFG502", "TFG503", "TFG504"}


def test_unreadable_plan_is_exit_2_with_file_and_line(tmp_path):
    broken = tmp_path / "plan.json"
    broken.write_text('{"format_version": "1.2",\n  "resource_changes": [\n')
    result = tfgen("check", "--plan", broken)
    assert result.returncode == 2 and f"{broken}:3" in result.stderr and "Traceback" not in result.stderr
    state = tmp_path / "state.json"
    state.write_text('{"version": 4, "resources": []}')
    result = tfgen("check", "--plan", state)
    assert result.returncode == 2 and "terraform show -json" in result.stderr
    missing = tfgen("check", "--plan", tmp_path / "nope.json")
    assert missing.returncode == 2 and "nope.json" in missing.stderr


# --- tfgen plan: terraform init, plan and show, then the analysis ------------------------------


def test_tfgen_plan_end_to_end_on_a_generated_example(provider_mirror, tmp_path):
    root = copy_stack(EXAMPLES / "fargate-https-efs", tmp_path / "stack")
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    kept = tmp_path / "kept" / "tfplan"
    result = tfgen("plan", root, "--offline", "--plugin-dir", provider_mirror, "--keep-plan", kept, "--format", "json")
    assert result.returncode == 0, result.stderr
    # The offline override came and went; terraform's working data stayed out of the stack.
    after = sorted(p.relative_to(root) for p in root.rglob("*"))
    assert [p for p in after if p not in before] in ([], [Path(".terraform.lock.hcl")])
    document = json.loads(result.stdout)
    assert document["findings"] == [] and document["summary"]["resources"] > 50
    assert document["changes"]["create"] == document["summary"]["resources"]
    assert "terraform plan (offline): done" in result.stderr, "progress is reported while terraform works"
    assert kept.is_file() and json.loads(Path(f"{kept}.json").read_text())["format_version"].startswith("1.")


def test_tfgen_plan_passes_terraform_errors_through(provider_mirror, tmp_path):
    (tmp_path / "main.tf").write_text('resource "aws_ecs_cluster" "x" {\n  name = var.missing\n}\n')
    result = tfgen("plan", tmp_path, "--plugin-dir", provider_mirror)
    assert result.returncode == 2
    assert "Reference to undeclared input variable" in result.stderr and "Traceback" not in result.stderr


def test_tfgen_plan_failure_shows_terraforms_error_first_and_a_short_tail(provider_mirror, tmp_path):
    # Many resources that plan fine, and one error: the report is the error, not the plan.
    fine = "".join(f'resource "aws_cloudwatch_log_group" "g{i}" {{\n  name = "g{i}"\n}}\n\n' for i in range(40))
    (tmp_path / "main.tf").write_text(
        'provider "aws" {\n  region = "eu-west-1"\n}\n\n' + fine
        + 'resource "aws_ecs_service" "bad" {\n  name            = "bad"\n  desired_count   = -1\n  launch_type     = "NOPE"\n}\n'
    )
    result = tfgen("plan", tmp_path, "--offline", "--plugin-dir", provider_mirror)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    failure = result.stderr[result.stderr.index("tfgen: terraform plan"):]
    assert failure.splitlines()[1].startswith("Error: "), failure
    assert "aws_cloudwatch_log_group.g7" not in failure and len(failure.splitlines()) < 40
    assert not list(tmp_path.glob("zz_tfgen_offline_*")), "the override is removed on failure too"


def test_tfgen_plan_offline_overrides_the_users_backend_only_in_a_temporary_file(provider_mirror, tmp_path):
    main = 'terraform {\n  backend "s3" {\n    bucket = "state"\n    key    = "app"\n    region = "eu-west-1"\n  }\n}\n\nprovider "aws" {\n  region = "eu-west-1"\n}\n\nresource "aws_efs_file_system" "data" {\n  creation_token = "data"\n}\n'
    (tmp_path / "main.tf").write_text(main)
    result = tfgen("plan", tmp_path, "--offline", "--plugin-dir", provider_mirror, "--format", "json", "--only", "TFG402")
    assert result.returncode == 1, result.stderr
    assert [f["rule_id"] for f in json.loads(result.stdout)["findings"]] == ["TFG402"]
    assert (tmp_path / "main.tf").read_text() == main
    assert sorted(p.name for p in tmp_path.iterdir()) == [".terraform.lock.hcl", "main.tf"]


def test_offline_override_is_removed_on_ctrl_c(tmp_path, monkeypatch):
    from tfgen.cli import _run
    from tfgen.terraform import Terraform

    (tmp_path / "main.tf").write_text('provider "aws" {\n  region = "eu-west-1"\n}\n')
    seen = []

    def interrupted(self, *args, **kwargs):
        seen.append(sorted(p.name for p in tmp_path.glob("zz_tfgen_offline_*")))
        raise KeyboardInterrupt

    monkeypatch.setattr(Terraform, "init", interrupted)
    monkeypatch.setattr("sys.argv", ["tfgen", "plan", str(tmp_path), "--offline"])
    assert _run() == 130
    assert seen == [["zz_tfgen_offline_override.tf"]]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["main.tf"]
