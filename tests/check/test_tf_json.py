"""Terraform's JSON syntax (`.tf.json`, `.tfvars.json`) is read like `.tf`, with line numbers."""

from __future__ import annotations

import json

import pytest

from tfgen.check import expr as E
from tfgen.check.loader import load_file, parse_json_source, parse_source
from tfgen.errors import InputError

from .test_cli import write

# A Fargate service stack in JSON syntax: variables, locals, a local module, templates, a
# `dynamic` block, a `//` comment carrying a tfgen:ignore, and the findings' lines.
STACK = """\
{
  "//": "A JSON-syntax stack, as CDK for Terraform writes them.",
  "variable": {
    "transit": {"type": "string", "default": "DISABLED"},
    "volumes": {"type": "list(string)", "default": ["uploads"]}
  },
  "locals": {"family": "cms-${var.transit}"},
  "resource": {
    "aws_ecs_task_definition": {
      "cms": {
        "family": "${local.family}",
        "requires_compatibilities": ["FARGATE"],
        "network_mode": "awsvpc",
        "cpu": 512,
        "memory": 1024,
        "container_definitions": "${jsonencode([{ name = \\"cms\\", image = \\"example/cms:3.1\\", essential = true }])}",
        "dynamic": {
          "volume": {
            "for_each": "${var.volumes}",
            "content": {
              "name": "${volume.value}",
              "efs_volume_configuration": {
                "file_system_id": "fs-0123456789abcdef0",
                "transit_encryption": "${var.transit}"
              }
            }
          }
        }
      }
    },
    "aws_efs_file_system": {
      "scratch": {
        "//": "tfgen:ignore=TFG402,TFG407 scratch space, rebuilt nightly",
        "creation_token": "scratch"
      }
    }
  },
  "module": {
    "storage": {"source": "./modules/efs", "encrypted": false}
  }
}
"""

MODULE = {
    "variable": {"encrypted": {"type": "bool"}},
    "resource": {"aws_efs_file_system": {"this": {"encrypted": "${var.encrypted}", "lifecycle": {"prevent_destroy": True}}}},
}


def test_a_json_only_stack_is_checked_with_lines(tfgen, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "stack", {"main.tf.json": STACK, "modules/efs/main.tf.json": json.dumps(MODULE, indent=2)})
    result = tfgen("check", "stack", "--format", "json", "--fail-on", "never", "--only", "TFG401,TFG402,TFG407")
    assert result.code == 0, result.err
    document = result.json()
    got = {(f["rule_id"], f["file"], f["address"]) for f in document["findings"]}
    assert got == {
        ("TFG401", "stack/main.tf.json", "aws_ecs_task_definition.cms"),
        ("TFG402", "stack/modules/efs/main.tf.json", "module.storage.aws_efs_file_system.this"),
    }
    lines = {f["rule_id"]: f["line"] for f in document["findings"]}
    assert lines["TFG402"] == 10  # the "encrypted" key in the module
    assert lines["TFG401"] == 24  # "transit_encryption" inside the dynamic block's content
    assert document["summary"]["suppressed"] == 2  # the "//" ignore on aws_efs_file_system.scratch
    assert document["summary"]["files"] == 2


def test_mixed_tf_and_tf_json_root_and_tfvars_json(tfgen, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, {
        "variables.tf": 'variable "encrypted" {\n  type = bool\n}\n',
        "main.tf.json": '{"resource": {"aws_efs_file_system": {"data": {"encrypted": "${var.encrypted}"}}}}\n',
        "terraform.tfvars.json": '{\n  "encrypted": false\n}\n',
    })
    document = tfgen("check", ".", "--format", "json", "--only", "TFG402").json()
    assert [(f["file"], f["line"], f["address"], f["set_at"]) for f in document["findings"]] == [
        ("main.tf.json", 1, "aws_efs_file_system.data", {"file": "terraform.tfvars.json", "line": 2})
    ]
    write(tmp_path, {"terraform.tfvars.json": '{\n  "encrypted": true\n}\n'})
    assert tfgen("check", ".", "--format", "json", "--only", "TFG402").json()["findings"] == []


def test_a_single_tf_json_file_can_be_given(tfgen, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, {"efs.tf.json": '{"resource": {"aws_efs_file_system": {"data": {}}}}'})
    assert tfgen("check", "efs.tf.json", "--only", "TFG402").code == 1


def test_json_and_hcl_give_the_same_blocks(tmp_path):
    hcl = parse_source(
        'resource "aws_lb_listener" "http" {\n  port = 80\n  protocol = "HTTP"\n  default_action {\n    type = "forward"\n  }\n'
        '  tags = { Name = "web" }\n}\n',
        tmp_path / "a.tf",
    )
    jsn = parse_json_source(
        '{"resource": {"aws_lb_listener": {"http": {\n"port": 80,\n"protocol": "HTTP",\n"default_action": {"type": "forward"},\n'
        '"tags": {"Name": "web"}}}}}',
        tmp_path / "a.tf.json",
    )
    (a,), (b,) = hcl.blocks, jsn.blocks
    assert (a.type, a.labels) == (b.type, b.labels) == ("resource", ("aws_lb_listener", "http"))
    assert set(a.attributes) == set(b.attributes) == {"port", "protocol", "tags"}
    assert [x.type for x in a.blocks] == [x.type for x in b.blocks] == ["default_action"]
    assert b.attributes["protocol"].line == 3 and b.blocks[0].line == 4


def test_template_strings_become_expressions(tmp_path):
    (block,) = parse_json_source('{"locals": {"a": "${var.x}", "b": "plain", "c": "pre-${var.x}", "d": "$${not}"}}', tmp_path / "l.tf.json").blocks
    assert isinstance(block.attr("a"), E.Template) and isinstance(block.attr("a").parts[0], E.GetAttr)
    assert block.attr("b") == E.Literal("plain")
    assert block.attr("c").parts[0] == "pre-"
    assert block.attr("d") == E.Template(("${not}",))


@pytest.mark.parametrize(
    "text, where",
    [
        ('{\n  "resource": {\n    "x": 1,\n  }\n}', ":4:"),
        ('{"resource": ', ":1:"),
        ("[1, 2]", ":1:"),
        ('{\n"locals": {"a": "${var.}"}\n}', ":2"),
    ],
)
def test_json_syntax_errors_name_the_line(tmp_path, text, where):
    path = tmp_path / "bad.tf.json"
    path.write_text(text)
    with pytest.raises(InputError) as caught:
        load_file(path)
    assert f"bad.tf.json{where}" in str(caught.value)


def test_lists_of_objects_stand_for_repeated_objects(tmp_path):
    text = '{"resource": [\n  {"aws_efs_file_system": {"a": {}}},\n  {"aws_efs_file_system": {"b": {"encrypted": true}}}\n]}'
    blocks = parse_json_source(text, tmp_path / "x.tf.json").blocks
    assert [(b.labels, b.line, list(b.attributes)) for b in blocks] == [
        (("aws_efs_file_system", "a"), 2, []),
        (("aws_efs_file_system", "b"), 3, ["encrypted"]),
    ]
