"""`--format github` and `--format markdown`: golden outputs, compared exactly, and their escaping.

The fixture under golden/ has a finding of each severity, two suppressed ones, an unknown, a
message with markdown and table characters, and a plan that replaces an EFS file system and a
load balancer. After a deliberate change to a report or a rule's wording, regenerate with
`TFGEN_UPDATE_GOLDEN=1 python -m pytest tests/check/test_report_formats.py` and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tfgen.check.runner import Finding, Report
from tfgen.report import Options, github, markdown

GOLDEN = Path(__file__).parent / "golden"

CASES = {
    "check.github.txt": ("check", "stack", "--format", "github"),
    "check.md": ("check", "stack", "--format", "markdown", "--show-suppressed", "--show-unknown"),
    "plan.github.txt": ("check", "--plan", "plan.json", "--format", "github"),
    "plan.md": ("check", "--plan", "plan.json", "--format", "markdown"),
}


@pytest.mark.parametrize("expected_file", sorted(CASES))
def test_golden_output(tfgen, monkeypatch, expected_file):
    monkeypatch.chdir(GOLDEN)
    result = tfgen(*CASES[expected_file])
    assert result.code == 1 and result.err == ""
    expected = GOLDEN / "expected" / expected_file
    if os.environ.get("TFGEN_UPDATE_GOLDEN"):
        expected.parent.mkdir(exist_ok=True)
        expected.write_text(result.out, encoding="utf-8")
    assert result.out == expected.read_text(encoding="utf-8")


def test_github_escapes_data_and_properties_as_the_actions_toolkit_does():
    assert github.escape_data("100% done\r\nnext: a, b") == "100%25 done%0D%0Anext: a, b"
    assert github.escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    line = github.command("notice", "x", file="dir, with: comma/main.tf", line=3, title="T: 1, 2")
    assert line == "::notice file=dir%2C with%3A comma/main.tf,line=3,title=T%3A 1%2C 2::x"
    assert github.command("error", "no place", file=None, line=None) == "::error::no place"


def _finding(**kw) -> Finding:
    base = dict(rule_id="TFG208", severity="warning", message="m", file="a.tf", line=1, address="x.y", root=".")
    return Finding(**{**base, **kw})


def test_github_maps_severities_and_omits_the_line_without_a_file():
    report = Report(rules=(), roots=["."], findings=[
        _finding(severity="info", file=None, line=None),
        _finding(severity="error", rule_id="TFG402"),
        _finding(severity="warning", suppressed="inline: on purpose"),
    ])
    lines = github.render(report, Options()).splitlines()
    assert [line.split(" ", 1)[0].split("::")[1] for line in lines[:2]] == ["error", "notice"]
    assert lines[1].startswith("::notice title=") and "file=" not in lines[1]
    assert len([line for line in lines if line.startswith("::")]) == 2, "a suppressed finding is not annotated"
    assert lines[-1].startswith("tfgen: 1 error, 0 warnings, 1 info; 1 suppressed")


def test_github_puts_errors_first_and_says_when_github_will_not_show_them_all():
    report = Report(rules=(), roots=["."], findings=[_finding(severity="warning", line=n) for n in range(1, 13)]
                    + [_finding(severity="error", rule_id="TFG402", file="z.tf")])
    lines = github.render(report, Options()).splitlines()
    assert lines[0].startswith("::error file=z.tf")
    assert "the first 10 of each level per step; 12 warnings are all listed above" in lines[-2]
    few = github.render(Report(rules=(), roots=["."], findings=[_finding()]), Options())
    assert "first 10" not in few


def test_markdown_cells_cannot_break_the_table_or_render_markup():
    assert markdown.cell("a | b\nc *d* `e` <script>") == r"a \| b<br>c \*d\* \`e\` \<script\>"


def test_markdown_caps_the_table_for_pull_request_comments(monkeypatch):
    monkeypatch.setattr(markdown, "MAX_ROWS", 3)
    report = Report(rules=(), roots=["."], findings=[_finding(line=n) for n in range(1, 6)])
    text = markdown.render(report, Options())
    assert text.count("| [TFG208]") == 3 and "... and 2 more" in text
