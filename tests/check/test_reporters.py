"""Reporters: JSON contract, SARIF 2.1.0 (validated against the OASIS schema), JUnit, text."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from .conftest import example_path
from tfgen.check.rules import CONFIG_RULES, RULES

SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"


@pytest.fixture
def stack(tmp_path, monkeypatch):
    """A folder with three root modules: one error (TFG402), one warning (TFG407), one info (TFG105)."""
    monkeypatch.chdir(tmp_path)
    for rule_id in ("TFG402", "TFG407", "TFG105"):
        shutil.copytree(example_path(rule_id, "bad").parent, tmp_path / "stack" / rule_id.lower())
    return "stack"


def test_json_matches_the_contract(tfgen, stack):
    result = tfgen("check", stack, "--format", "json")
    document = json.loads(result.out)  # exactly one JSON document on stdout
    assert set(document) == {"version", "findings", "summary", "modules_not_read"}
    assert document["modules_not_read"] == []
    assert document["version"] == 1
    assert set(document["summary"]) == {"error", "warning", "info", "suppressed", "unknown", "files", "resources"}
    # unknown 1: TFG103 cannot tell whether cluster "jobs", made elsewhere, has instances
    assert document["summary"] == {"error": 1, "warning": 1, "info": 1, "suppressed": 0, "unknown": 1, "files": 3, "resources": 3}
    for finding in document["findings"]:
        assert set(finding) == {"rule_id", "severity", "message", "file", "line", "address", "roots", "via", "set_at"}
        assert finding["roots"] == [finding["file"].rsplit("/", 1)[0]] and finding["via"] is None and finding["set_at"] is None
    assert {(f["rule_id"], f["file"], f["line"], f["address"]) for f in document["findings"]} == {
        ("TFG402", "stack/tfg402/main.tf", 2, "aws_efs_file_system.shared"),
        ("TFG407", "stack/tfg407/main.tf", 2, "aws_efs_file_system.shared"),
        ("TFG105", "stack/tfg105/main.tf", 2, "aws_ecs_service.batch"),
    }


@pytest.mark.parametrize(
    "fail_on, code", [("error", 1), ("warning", 1), ("info", 1), ("never", 0)]
)
def test_exit_codes_with_all_severities(tfgen, stack, fail_on, code):
    assert tfgen("check", stack, "--fail-on", fail_on).code == code


@pytest.mark.parametrize(
    "only, fail_on, code",
    [
        ("TFG105", "error", 0), ("TFG105", "warning", 0), ("TFG105", "info", 1),
        ("TFG407", "error", 0), ("TFG407", "warning", 1), ("TFG407", "info", 1),
        ("TFG402", "error", 1), ("TFG402", "never", 0),
    ],
)
def test_exit_code_per_fail_on_level(tfgen, stack, only, fail_on, code):
    assert tfgen("check", stack, "--only", only, "--fail-on", fail_on).code == code


def test_default_fail_on_is_error(tfgen, stack):
    assert tfgen("check", stack, "--only", "TFG407,TFG105").code == 0
    assert tfgen("check", stack).code == 1


def test_sarif_is_valid_sarif_2_1_0(tfgen, stack):
    result = tfgen("check", stack, "--format", "sarif", "--fail-on", "never")
    document = json.loads(result.out)
    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft4Validator(schema).validate(document)
    assert document["version"] == "2.1.0"
    (run,) = document["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.id for r in RULES]
    for rule in rules:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["text"] and rule["help"]["markdown"] and rule["helpUri"].startswith("https://")
    levels = {r["ruleId"]: r["level"] for r in run["results"]}
    assert levels == {"TFG402": "error", "TFG407": "warning", "TFG105": "note"}
    for item in run["results"]:
        location = item["locations"][0]["physicalLocation"]
        uri = location["artifactLocation"]["uri"]
        assert not uri.startswith("/") and "://" not in uri and uri.startswith("stack/")
        assert location["region"]["startLine"] == 2
        assert rules[item["ruleIndex"]]["id"] == item["ruleId"]


def test_sarif_suppressions_when_shown(tfgen, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "main.tf").write_text('resource "aws_efs_file_system" "x" {\n  # tfgen:ignore=TFG402,TFG407 scratch space\n}\n')
    document = json.loads(tfgen("check", ".", "--format", "sarif", "--show-suppressed").out)
    jsonschema.Draft4Validator(json.loads(SCHEMA.read_text())).validate(document)
    results = document["runs"][0]["results"]
    assert {r["ruleId"] for r in results} == {"TFG402", "TFG407"}
    assert all(r["suppressions"][0]["kind"] == "inSource" for r in results)


def test_junit_one_case_per_rule_per_root(tfgen, stack):
    result = tfgen("check", stack, "--format", "junit", "--fail-on", "warning", "--skip", "TFG301")
    root = ET.fromstring(result.out)
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert sorted(s.get("name") for s in suites) == ["stack/tfg105", "stack/tfg402", "stack/tfg407"]
    for suite in suites:
        cases = suite.findall("testcase")
        assert len(cases) == len(CONFIG_RULES) == int(suite.get("tests"))
        skipped = [c for c in cases if c.find("skipped") is not None]
        assert [c.get("name").split()[0] for c in skipped] == ["TFG301"]
    by_suite = {s.get("name"): s for s in suites}
    failing = lambda suite: {c.get("name").split()[0]: c.find("failure") for c in suite.findall("testcase") if c.find("failure") is not None}  # noqa: E731
    error_case = failing(by_suite["stack/tfg402"])
    assert list(error_case) == ["TFG402"]
    assert "stack/tfg402/main.tf:2" in error_case["TFG402"].text and "aws_efs_file_system.shared" in error_case["TFG402"].text
    assert list(failing(by_suite["stack/tfg407"])) == ["TFG407"]
    # info is below --fail-on warning: reported, but not a failure
    assert failing(by_suite["stack/tfg105"]) == {}
    info_case = next(c for c in by_suite["stack/tfg105"].findall("testcase") if c.get("name").startswith("TFG105"))
    assert "aws_ecs_service.batch" in info_case.find("system-out").text
    assert root.get("failures") == "2"


def test_text_groups_by_file_with_summary_and_no_color_off_a_terminal(tfgen, stack):
    out = tfgen("check", stack, "--fail-on", "never").out
    assert "\033[" not in out
    lines = out.splitlines()
    assert "stack/tfg105/main.tf" in lines and "stack/tfg402/main.tf" in lines
    assert "why:" in out and "fix:" in out
    assert lines[-1].startswith("1 error, 1 warning, 1 info; 0 suppressed, 1 unknown; 3 files, 3 resources in 3 root modules")
    colored = tfgen("check", stack, "--fail-on", "never", "--color").out
    assert "\033[31m" in colored


def test_output_file(tfgen, stack, tmp_path):
    result = tfgen("check", stack, "--format", "json", "--output", "report.json")
    assert result.out == "" and result.code == 1
    assert json.loads((tmp_path / "report.json").read_text())["summary"]["error"] == 1


def test_show_unknown_lists_what_was_not_decided(tfgen, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "main.tf").write_text('variable "enc" {}\nresource "aws_efs_file_system" "x" {\n  encrypted = var.enc\n\n  lifecycle {\n    prevent_destroy = true\n  }\n}\n')
    plain = tfgen("check", ".", "--format", "json")
    assert plain.code == 0 and plain.json()["findings"] == [] and plain.json()["summary"]["unknown"] == 1
    shown = tfgen("check", ".", "--format", "json", "--show-unknown").json()
    (item,) = shown["unknown"]
    assert item["rule_id"] == "TFG402" and item["line"] == 2 and "var.enc" in item["reason"]
    assert "var.enc" in tfgen("check", ".", "--show-unknown").out


def test_the_format_option_offers_exactly_the_registered_reporters():
    from tfgen.commands.check import _FORMATS
    from tfgen.report import FORMATS

    assert _FORMATS == tuple(FORMATS)
