"""What a report says is plain words: no internal value representations, no raw markdown,
no "(s)" plurals or broken articles, in any message or unknown reason of any rule example."""

from __future__ import annotations

import re
import shutil

import pytest

from tfgen.check.rules import CONFIG_RULES

from .conftest import example_path
from .test_rules import VARIANTS, _variant_text, _write

# Internal representations and the slips seen in reports.
_NOT_PLAIN = re.compile(
    r"Unknown\(|Computed\(|PartialString\(|PartialJson\(|NotRead\(|<Resource|\*\*|\(s\)|\bno an\b|\ba an\b|\['|\{'"
)


def _said(tfgen, folder) -> list[str]:
    document = tfgen("check", folder, "--format", "json", "--fail-on", "never", "--show-unknown").json()
    return [f["message"] for f in document["findings"]] + [u["reason"] for u in document["unknown"]]


@pytest.mark.parametrize("rule_id", [rule.id for rule in CONFIG_RULES])
def test_messages_and_reasons_are_plain_words(tfgen, tmp_path, monkeypatch, rule_id):
    monkeypatch.chdir(tmp_path)
    said = []
    for kind in ("bad", "good"):
        shutil.copytree(example_path(rule_id, kind).parent, tmp_path / kind)
        said += _said(tfgen, kind)
    # The value the bad example hinges on, unknown (a variable without a value) and computed
    # (another resource's attribute known only after apply).
    for name, expr in (("unknown", "var.v"), ("computed", "aws_s3_bucket.other.id")):
        _write(tmp_path / name, {"main.tf": _variant_text(rule_id, expr), "variables.tf": 'variable "v" {}\n',
                                 "other.tf": 'resource "aws_s3_bucket" "other" {}\n'})
        said += _said(tfgen, name)
    assert VARIANTS[rule_id]
    bad = [text for text in said if _NOT_PLAIN.search(text)]
    assert bad == []


def test_text_report_reason_is_the_rules_own_in_plain_words(tfgen, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copytree(example_path("TFG402", "bad").parent, tmp_path / "stack")
    out = tfgen("check", "stack").out
    assert "**" not in out
    assert "why: Shared data volumes hold application state." in out
