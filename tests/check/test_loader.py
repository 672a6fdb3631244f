"""The HCL loader: positions, labels without quotes, expressions, templates, errors."""

from __future__ import annotations

import re
from importlib.metadata import version

import pytest

from tfgen.check import expr as E
from tfgen.check.loader import SUPPORTED_HCL2, load_file, load_tfvars, parse_template
from tfgen.errors import InputError

SOURCE = '''\
# a comment
variable "env" {
  default = "prod"
}

resource "aws_ecs_task_definition" "this" {
  family = "web-${var.env}"
  cpu    = 256

  volume {
    name = "data"
  }
  # tfgen:ignore=TFG203,TFG208 the task makes no AWS calls
}
'''


def test_python_hcl2_version_is_in_the_tested_range():
    low, high = re.findall(r"[\d.]+", SUPPORTED_HCL2)
    as_tuple = lambda v: tuple(int(p) for p in v.split("."))  # noqa: E731
    assert as_tuple(low) <= as_tuple(version("python-hcl2")) < as_tuple(high)


def test_blocks_carry_file_and_lines(tmp_path):
    path = tmp_path / "main.tf"
    path.write_text(SOURCE)
    loaded = load_file(path)
    variable, task = loaded.blocks
    assert (variable.type, variable.labels, variable.line, variable.end_line) == ("variable", ("env",), 2, 4)
    assert (task.type, task.labels, task.line, task.end_line) == ("resource", ("aws_ecs_task_definition", "this"), 6, 14)
    assert task.file == str(path)
    assert task.attributes["cpu"].line == 8
    assert task.attributes["cpu"].expr == E.Literal(256)
    nested = task.blocks[0]
    assert (nested.type, nested.line, nested.end_line) == ("volume", 10, 12)


def test_strings_are_unquoted_and_templates_parsed(tmp_path):
    path = tmp_path / "main.tf"
    path.write_text(SOURCE)
    task = load_file(path).blocks[1]
    assert task.blocks[0].attributes["name"].expr == E.Template(("data",))
    family = task.attributes["family"].expr
    assert family == E.Template(("web-", E.GetAttr(E.Variable("var"), "env")))


def test_inline_ignores_are_read_from_the_block(tmp_path):
    path = tmp_path / "main.tf"
    path.write_text(SOURCE)
    task = load_file(path).blocks[1]
    assert task.ignores == {"TFG203": "the task makes no AWS calls", "TFG208": "the task makes no AWS calls"}
    assert load_file(path).blocks[0].ignores == {}


def test_expressions_of_every_kind(tmp_path):
    path = tmp_path / "main.tf"
    path.write_text(
        'locals {\n'
        '  a = var.l[*].id\n'
        '  b = { for k, v in var.m : v.name => k... if v.ok }\n'
        '  c = !var.b && (1 + 2) * 3 >= 4 || 5 != 6\n'
        '  d = var.x ? "y" : null\n'
        '  e = merge(var.a, var.b...)\n'
        '  f = aws_iam_role.task.arn\n'
        '  g = provider::aws::arn_parse("x")\n'
        '  h = { in = 1, "q" = 2, (var.k) = 3 }\n'
        '  i = "a%{ if var.x }b%{ else }c%{ endif }$${lit}"\n'
        '}\n'
    )
    attrs = {k: v.expr for k, v in load_file(path).blocks[0].attributes.items()}
    assert isinstance(attrs["a"], E.Splat)
    assert isinstance(attrs["b"], E.ForExpr) and attrs["b"].grouping and attrs["b"].cond is not None
    assert isinstance(attrs["c"], E.BinOp) and attrs["c"].op == "||"
    assert isinstance(attrs["d"], E.Conditional)
    assert isinstance(attrs["e"], E.Call) and attrs["e"].expand_last
    assert attrs["f"] == E.GetAttr(E.GetAttr(E.Variable("aws_iam_role"), "task"), "arn")
    assert attrs["g"].name == "provider::aws::arn_parse"
    keys = [k for k, _ in attrs["h"].items]
    assert keys[:2] == [E.Literal("in"), E.Template(("q",))] and isinstance(keys[2], E.GetAttr)
    template = attrs["i"]
    assert isinstance(template.parts[1], E.TemplateIf) and template.parts[2] == "${lit}"


def test_heredoc_is_a_template_with_indent_trimmed(tmp_path):
    path = tmp_path / "main.tf"
    path.write_text('locals {\n  p = <<-EOT\n    {"a": "${var.y}"}\n      indented\n  EOT\n}\n')
    heredoc = load_file(path).blocks[0].attributes["p"].expr
    assert heredoc == E.Template(('{"a": "', E.GetAttr(E.Variable("var"), "y"), '"}\n  indented\n'))


def test_template_directives_from_text():
    template = parse_template("%{ for p in ports ~}\nport ${p}\n%{ endfor ~}\ndone")
    loop = template.parts[0]
    assert isinstance(loop, E.TemplateFor) and loop.value_var == "p"
    assert template.parts[-1] == "done"


def test_unparsable_hcl_names_file_and_line(tmp_path):
    path = tmp_path / "broken.tf"
    path.write_text('resource "aws_efs_file_system" "x" {\n  encrypted = true\n  = oops\n}\n')
    with pytest.raises(InputError, match=r"broken\.tf:3:\d+: cannot parse HCL"):
        load_file(path)


def test_tfvars_hcl_and_json(tmp_path):
    (tmp_path / "a.tfvars").write_text('cpu = 512\nnames = ["a", "b"]\n')
    (tmp_path / "b.tfvars.json").write_text('{"cpu": 1024, "tags": {"a": "b"}}')
    assert load_tfvars(tmp_path / "a.tfvars")["cpu"] == E.Literal(512)
    assert isinstance(load_tfvars(tmp_path / "b.tfvars.json")["tags"], E.ObjectExpr)
    (tmp_path / "bad.tfvars").write_text('x = "unterminated\n')
    with pytest.raises(InputError, match=r"bad\.tfvars:1"):
        load_tfvars(tmp_path / "bad.tfvars")
