"""Evaluation budgets: each of these once ran past 60 s or took gigabytes. Now each finishes
at once with the value unknown and the budget as the reason (issue 13 item 6). Timing is left
to the subprocess test at the end, which runs them all under a memory limit and a time limit."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tfgen.check import cache
from tfgen.check.model import Unknown
from tfgen.check.runner import discover, evaluate

HOSTILE = {
    "nested_for": ("[for i in range(10000) : [for j in range(10000) : i * j]]", "steps"),
    "setproduct": ("setproduct(range(10000), range(10000))", "setproduct() makes more than"),
    "pow": ("pow(10, 100000000)", "bits"),
    "format": ('format("%.999999999f", 1)', "beyond 9999"),
    "dev_zero": ('file("/dev/zero")', "outside the checked module tree"),
    "range": ("range(100000000)", "range() makes more than"),
    "join": ('join("", [for i in range(1000) : format("%.4000f", i)])', "join() makes a string longer"),
    "replace": ('replace(format("%.9999f", 0), "", format("%.9999f", 0))', "replace() makes a string longer"),
    "squaring": ("local.big * local.big * local.big * local.big * local.big", "bits"),
    "template_for": ('"%{ for i in range(999) }${format("%.9999f", i)}%{ endfor }"', "characters"),
    "yaml_bomb": ('yamldecode("a: &a [x,x,x,x,x,x,x,x,x]\\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\\ng: [*f,*f,*f,*f,*f,*f,*f,*f,*f]")', "yamldecode() would make more than"),
    "deep_json": ('jsondecode("' + "[" * 900 + "]" * 900 + '")', "nested more than 100 levels"),
    "distinct": ("length(distinct([for i in range(90000) : i]))", None),  # fine: linear, known
}


def model_of(folder: Path):
    cache.configure(enabled=False)
    try:
        (root,) = [r for r in discover([str(folder)]) if r.directory.resolve() == folder.resolve()]
        return evaluate(root, [], [])
    finally:
        cache.configure()


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_expression_is_unknown_with_its_budget(tmp_path, name):
    expression, reason = HOSTILE[name]
    (tmp_path / "main.tf").write_text(
        f'locals {{\n  big = pow(2, 1000)\n}}\nresource "aws_ecs_task_definition" "t" {{\n  family = "x"\n  value = {expression}\n}}\n'
    )
    started = time.monotonic()
    value = model_of(tmp_path).get("aws_ecs_task_definition.t").attributes["value"]
    assert time.monotonic() - started < 30
    if reason is None:
        assert value == 90000
    else:
        assert isinstance(value, Unknown) and reason in value.reason, value


def test_a_huge_count_is_an_unknown_number_of_instances(tmp_path):
    (tmp_path / "main.tf").write_text('resource "aws_efs_file_system" "f" {\n  count = 100000000\n}\n')
    model = model_of(tmp_path)
    (resource,) = model.resources
    assert not resource.instances_known


def test_modules_calling_each_other_stop_at_a_budget(tmp_path):
    (tmp_path / "main.tf").write_text('module "a" {\n  source = "./a"\n}\n')
    for name, other in (("a", "b"), ("b", "a")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "main.tf").write_text(
            f'module "{other}" {{\n  count  = 2\n  source = "../{other}"\n}}\nresource "aws_efs_file_system" "f" {{}}\n'
        )
    started = time.monotonic()
    model = model_of(tmp_path)
    assert time.monotonic() - started < 60
    assert 0 < len(model.resources) <= 20_000
    assert any("budget" in call.reason or "nested more than" in call.reason for call in model.unknown_modules.values())


def test_file_reads_only_regular_files_inside_the_tree(tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("s3cr3t")
    root = tmp_path / "root"
    root.mkdir()
    (root / "inside.txt").write_text("fine")
    os.symlink(outside, root / "link.txt")
    (root / "big.txt").write_bytes(b"x" * (2 << 20))
    (root / "main.tf").write_text(
        'resource "aws_efs_file_system" "f" {\n  a = file("inside.txt")\n  b = file("link.txt")\n'
        f'  c = file("{outside}")\n  d = file("big.txt")\n  e = file("/dev/zero")\n}}\n'
    )
    values = model_of(root).get("aws_efs_file_system.f").attributes
    assert values["a"] == "fine"
    for name in "bce":
        assert isinstance(values[name], Unknown) and "outside the checked module tree" in values[name].reason
    assert isinstance(values["d"], Unknown) and "budget" in values["d"].reason


def test_regex_runs_on_re2_with_terraform_results(tmp_path):
    (tmp_path / "main.tf").write_text(
        'resource "aws_efs_file_system" "f" {\n'
        '  slow   = regex("(a+)+$", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!")\n'
        '  named  = regex("(?P<env>[a-z]+)-(?P<n>\\\\d+)", "prod-12")\n'
        '  groups = regex("([a-z]+)-(\\\\d+)", "prod-12")\n'
        '  all    = regexall("\\\\d", "a1b2")\n'
        '  swap   = replace("prod-12", "/([a-z]+)-(\\\\d+)/", "$2-$${1}-$$")\n'
        '  plain  = replace("a.b", ".", "$1")\n'
        '  bad    = regex("(a)\\\\1", "aa")\n'
        "}\n"
    )
    started = time.monotonic()
    values = model_of(tmp_path).get("aws_efs_file_system.f").attributes
    assert time.monotonic() - started < 10
    assert isinstance(values["slow"], Unknown) and "no match" in values["slow"].reason
    assert values["named"] == {"env": "prod", "n": "12"}
    assert values["groups"] == ["prod", "12"]
    assert values["all"] == ["1", "2"]
    assert values["swap"] == "12-prod-$"
    assert values["plain"] == "a$1b"
    assert isinstance(values["bad"], Unknown) and "invalid regular expression" in values["bad"].reason


def test_the_cli_finishes_each_within_seconds_under_a_memory_limit(tmp_path, tfgen_process):
    lines = [f"  {name} = {expression}" for name, (expression, _) in HOSTILE.items()]
    (tmp_path / "main.tf").write_text(
        'locals {\n  big = pow(2, 1000)\n}\nresource "aws_ecs_task_definition" "t" {\n  count = 100000000\n  family = "x"\n'
        + "\n".join(lines) + "\n}\n"
    )
    started = time.monotonic()
    outcome = tfgen_process("check", tmp_path, "--no-cache", timeout=60)
    assert outcome.code in (0, 1) and "Traceback" not in outcome.err, outcome.err[-2000:]
    assert time.monotonic() - started < 60
