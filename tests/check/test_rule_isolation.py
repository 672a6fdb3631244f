"""A failure is never a finding: a rule that raises is isolated, reported as an internal error
in every format, and the run exits 2 (never 1); an unknown value can never pass as true."""

from __future__ import annotations

import dataclasses
import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from .conftest import example_path
from tfgen.check import rules as registry
from tfgen.check.model import Computed, Unknown
from tfgen.check.rules.base import Fail, Judge, Pending, Undecided, known

SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"


@pytest.fixture
def broken_stack(tmp_path, monkeypatch):
    """Two roots (TFG402's and TFG407's bad examples), with TFG402 replaced by a rule that fails
    on one file system of the tfg402 root and finds the others not encrypted."""
    monkeypatch.chdir(tmp_path)
    for rule_id in ("TFG402", "TFG407"):
        shutil.copytree(example_path(rule_id, "bad").parent, tmp_path / "stack" / rule_id.lower())
    (tmp_path / "stack" / "tfg402" / "more.tf").write_text('resource "aws_efs_file_system" "other" {\n  encrypted = false\n}\n')
    judged: list[str] = []

    def judge(model, fs):
        judged.append(fs.address)
        if fs.address == "aws_efs_file_system.shared" and "tfg402" in fs.file:
            raise KeyError("boom")
        yield Fail(fs, "not encrypted (from the injected rule)")

    rule = registry.BY_ID["TFG402"]
    monkeypatch.setitem(registry.BY_ID, "TFG402", dataclasses.replace(rule, check=Judge(rule.check.subjects, judge)))
    return judged


def _error(document_errors):
    (error,) = document_errors
    return error


def test_json_carries_the_internal_error_and_exits_2(tfgen, broken_stack):
    result = tfgen("check", "stack", "--format", "json", "--fail-on", "never")
    assert result.code == 2
    assert "Traceback" not in result.err and "internal error" in result.err
    document = result.json()
    error = _error(document["internal_errors"])
    assert error == {
        "rule_id": "TFG402",
        "address": "aws_efs_file_system.shared",
        "file": "stack/tfg402/main.tf",
        "line": 2,
        "message": "KeyError: 'boom'",
    }
    found = {(f["rule_id"], f["address"]) for f in document["findings"]}
    # The failing judgement stopped neither the rule's other judgements nor the other rules.
    assert ("TFG402", "aws_efs_file_system.other") in found
    assert ("TFG407", "aws_efs_file_system.shared") in found
    assert sorted(broken_stack) == ["aws_efs_file_system.other", "aws_efs_file_system.shared", "aws_efs_file_system.shared"]


@pytest.mark.parametrize("fail_on", ["error", "warning", "never"])
def test_exit_code_is_2_never_1(tfgen, broken_stack, fail_on):
    for fmt in ("text", "json", "sarif", "junit"):
        assert tfgen("check", "stack", "--format", fmt, "--fail-on", fail_on).code == 2


def test_sarif_reports_a_tool_execution_notification(tfgen, broken_stack):
    document = json.loads(tfgen("check", "stack", "--format", "sarif").out)
    jsonschema.Draft4Validator(json.loads(SCHEMA.read_text())).validate(document)
    (run,) = document["runs"]
    (invocation,) = run["invocations"]
    assert invocation["executionSuccessful"] is False
    (notification,) = invocation["toolExecutionNotifications"]
    assert notification["level"] == "error"
    assert notification["associatedRule"]["id"] == "TFG402"
    assert run["tool"]["driver"]["rules"][notification["associatedRule"]["index"]]["id"] == "TFG402"
    assert "aws_efs_file_system.shared" in notification["message"]["text"] and "boom" in notification["message"]["text"]
    location = notification["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "stack/tfg402/main.tf" and location["region"]["startLine"] == 2
    # Findings are still results, not mixed with the failure.
    assert all(r["ruleId"] in ("TFG402", "TFG407") for r in run["results"])


def test_junit_reports_an_error_element(tfgen, broken_stack):
    root = ET.fromstring(tfgen("check", "stack", "--format", "junit").out)
    suite = next(s for s in root.findall("testsuite") if s.get("name") == "stack/tfg402")
    case = next(c for c in suite.findall("testcase") if c.get("name").startswith("TFG402"))
    error = case.find("error")
    assert error is not None and case.find("failure") is None
    assert "stack/tfg402/main.tf:2" in error.text and "aws_efs_file_system.shared" in error.text and "boom" in error.text
    assert suite.get("errors") == "1" and root.get("errors") == "1"


def test_text_lists_internal_errors_without_traceback(tfgen, broken_stack):
    result = tfgen("check", "stack", "--fail-on", "never")
    assert result.code == 2
    assert "Traceback" not in result.out + result.err
    assert "Internal errors" in result.out
    assert "TFG402  stack/tfg402/main.tf:2  aws_efs_file_system.shared: KeyError: 'boom'" in result.out
    assert result.out.rstrip().endswith("1 internal error")


def test_a_rule_failing_before_any_resource_is_reported_without_one(tfgen, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copytree(example_path("TFG402", "bad").parent, tmp_path / "stack")

    def subjects(model):
        raise RuntimeError("cannot list")

    rule = registry.BY_ID["TFG407"]
    monkeypatch.setitem(registry.BY_ID, "TFG407", dataclasses.replace(rule, check=Judge(subjects, rule.check.judge)))
    result = tfgen("check", "stack", "--format", "json")
    assert result.code == 2
    document = result.json()
    assert document["internal_errors"] == [
        {"rule_id": "TFG407", "address": None, "file": None, "line": None, "message": "RuntimeError: cannot list"}
    ]
    assert [f["rule_id"] for f in document["findings"]] == ["TFG402"]


def test_a_clean_run_has_no_internal_errors_key(tfgen, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copytree(example_path("TFG402", "good").parent, tmp_path / "stack")
    result = tfgen("check", "stack", "--format", "json")
    assert result.code == 0 and "internal_errors" not in result.json()
    sarif = json.loads(tfgen("check", "stack", "--format", "sarif").out)
    assert sarif["runs"][0]["invocations"] == [{"executionSuccessful": True}]


# --- unknown values cannot pass as true -------------------------------------------------------


@pytest.mark.parametrize("value", [Unknown("var.x has no value"), Computed("a", "aws_iam_role.x", "arn")])
def test_unknown_has_no_truth_value(value):
    with pytest.raises(TypeError, match="no truth value"):
        bool(value)
    with pytest.raises(TypeError):
        if value:  # noqa: SIM108 - the point is that this raises
            pass
    with pytest.raises(TypeError):
        _ = value or "default"


def test_known_returns_known_values_and_raises_undecided_otherwise():
    assert known("awsvpc") == "awsvpc" and known(None) is None and known(0) == 0
    with pytest.raises(Undecided) as caught:
        known(Unknown("var.mode has no value"))
    assert caught.value.reason == "var.mode has no value" and caught.value.resource is None


def test_pending_keeps_the_first_undecided_and_goes_on():
    pending, seen = Pending(), []
    for value in (Unknown("first"), "a", Unknown("second"), "b"):
        with pending:
            seen.append(known(value))
    assert seen == ["a", "b"]
    with pytest.raises(Undecided, match="first"):
        pending.settle()


def test_checking_a_model_twice_reports_the_same(tmp_path, monkeypatch):
    """Rules that report a thing once per run (a security group rule, a role) keep that state
    per run, not per model."""
    from tfgen.check.policy import Policy
    from tfgen.check.rules import CONFIG_RULES
    from tfgen.check.runner import Report, check_model, discover, evaluate

    (root,) = discover([str(example_path("TFG306", "bad").parent)])
    model = evaluate(root, [], [])
    policy = Policy(tuple(rule.id for rule in CONFIG_RULES))
    first, second = Report(rules=CONFIG_RULES), Report(rules=CONFIG_RULES)
    check_model(model, CONFIG_RULES, policy, first)
    check_model(model, CONFIG_RULES, policy, second)
    assert [f.address for f in first.findings if f.rule_id == "TFG306"] == ["aws_security_group.tasks", "aws_security_group.instances"]
    assert second.findings == first.findings and second.unknowns == first.unknowns


def test_github_and_markdown_show_the_internal_error_and_exit_2(tfgen, broken_stack):
    github = tfgen("check", "stack", "--format", "github")
    assert github.code == 2
    assert github.out.startswith("::error file=stack/tfg402/main.tf,line=2,title=tfgen internal error in TFG402::rule TFG402 failed on aws_efs_file_system.shared: KeyError: 'boom'")
    markdown = tfgen("check", "stack", "--format", "markdown")
    assert markdown.code == 2
    assert "**Internal errors**" in markdown.out and "| TFG402 | stack/tfg402/main.tf:2<br>" in markdown.out
