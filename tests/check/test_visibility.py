"""No silent blindness, and reports people act on: modules not read, findings inside fetched
modules named by the user's call, one finding per place across root modules."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema

from tfgen.check.rules import CONFIG_RULES

from .test_cli import write

SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"

UNENCRYPTED_EFS = 'resource "aws_efs_file_system" "data" {\n  creation_token = "data"\n}\n'

REGISTRY_CALLS = """\
module "alb" {
  source  = "terraform-aws-modules/alb/aws"
  version = "~> 9.0"
}

module "ecs" {
  source = "git::https://example.com/ecs.git?ref=v1"
}
"""


def test_module_calls_not_read_are_reported_in_every_format(tfgen, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "infra", {"main.tf": REGISTRY_CALLS})

    text = tfgen("check", "infra").out
    assert (
        "2 module calls not read: module.alb (terraform-aws-modules/alb/aws) at infra/main.tf:1, "
        "module.ecs (git::https://example.com/ecs.git?ref=v1) at infra/main.tf:6; "
        "run `terraform init` or use `--init`"
    ) in text

    document = tfgen("check", "infra", "--format", "json", "--show-unknown").json()
    assert [(m["address"], m["source"], m["file"], m["line"]) for m in document["modules_not_read"]] == [
        ("module.alb", "terraform-aws-modules/alb/aws", "infra/main.tf", 1),
        ("module.ecs", "git::https://example.com/ecs.git?ref=v1", "infra/main.tf", 6),
    ]
    # Every rule was blind inside each call: one counted unknown per rule, at the call.
    assert document["summary"]["unknown"] == 2 * len(CONFIG_RULES)
    at_alb = {u["rule_id"] for u in document["unknown"] if (u["file"], u["line"], u["address"]) == ("infra/main.tf", 1, "module.alb")}
    assert at_alb == {rule.id for rule in CONFIG_RULES}

    sarif = json.loads(tfgen("check", "infra", "--format", "sarif").out)
    jsonschema.Draft4Validator(json.loads(SCHEMA.read_text())).validate(sarif)
    notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert [n["locations"][0]["physicalLocation"]["region"]["startLine"] for n in notes] == [1, 6]
    assert "module.alb (terraform-aws-modules/alb/aws) not read" in notes[0]["message"]["text"]

    junit = ET.fromstring(tfgen("check", "infra", "--format", "junit").out)
    assert "2 module calls not read: module.alb" in junit.find("testsuite/system-err").text


def test_skipped_rules_are_not_counted_blind(tfgen, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, {"main.tf": REGISTRY_CALLS})
    document = tfgen("check", ".", "--format", "json", "--only", "TFG401,TFG402").json()
    assert document["summary"]["unknown"] == 4


def _fetched_layout(root: Path) -> None:
    """A root whose registry module `terraform init` has placed under .terraform/modules/."""
    write(root, {
        "main.tf": 'locals {\n  name = "shop"\n}\n\nmodule "storage" {\n  source  = "example/efs/aws"\n  version = "1.0.0"\n}\n',
        ".terraform/modules/modules.json": json.dumps({"Modules": [
            {"Key": "", "Source": "", "Dir": "."},
            {"Key": "storage", "Source": "registry.terraform.io/example/efs/aws", "Version": "1.0.0", "Dir": ".terraform/modules/storage"},
            {"Key": "storage.inner", "Source": "./inner", "Dir": ".terraform/modules/storage/inner"},
        ]}),
        ".terraform/modules/storage/main.tf": 'module "inner" {\n  source = "./inner"\n}\n',
        ".terraform/modules/storage/inner/main.tf": UNENCRYPTED_EFS,
    })


def test_findings_inside_fetched_modules_name_the_users_module_call(tfgen, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _fetched_layout(tmp_path / "infra")
    document = tfgen("check", "infra", "--format", "json", "--only", "TFG402").json()
    (finding,) = document["findings"]
    assert finding["file"] == "infra/.terraform/modules/storage/inner/main.tf"
    assert finding["via"] == {"address": "module.storage", "source": "example/efs/aws", "file": "infra/main.tf", "line": 5}
    assert document["modules_not_read"] == []

    text = tfgen("check", "infra", "--only", "TFG402").out
    assert "module.storage.module.inner.aws_efs_file_system.data  (via module.storage at infra/main.tf:5)" in text

    junit = ET.fromstring(tfgen("check", "infra", "--only", "TFG402", "--format", "junit").out)
    assert "via module.storage at infra/main.tf:5" in junit.find(".//failure").text

    sarif = json.loads(tfgen("check", "infra", "--only", "TFG402", "--format", "sarif").out)
    jsonschema.Draft4Validator(json.loads(SCHEMA.read_text())).validate(sarif)
    (result,) = sarif["runs"][0]["results"]
    assert result["relatedLocations"][0]["physicalLocation"]["region"]["startLine"] == 5
    assert "via module.storage at infra/main.tf:5" in result["message"]["text"]


def test_local_module_findings_have_no_via(tfgen, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, {"main.tf": 'module "storage" {\n  source = "./modules/efs"\n}\n', "modules/efs/main.tf": UNENCRYPTED_EFS})
    (finding,) = tfgen("check", ".", "--format", "json", "--only", "TFG402").json()["findings"]
    assert finding["via"] is None and finding["file"] == "modules/efs/main.tf"


def _three_roots(top: Path) -> None:
    files = {"modules/storage/main.tf": UNENCRYPTED_EFS}
    for env in ("dev", "staging", "prod"):
        files[f"envs/{env}/main.tf"] = 'module "storage" {\n  source = "../../modules/storage"\n}\n'
    write(top, files)


def test_a_module_used_by_three_roots_reports_each_finding_once(tfgen, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _three_roots(tmp_path)
    document = tfgen("check", ".", "--format", "json", "--only", "TFG402").json()
    (finding,) = document["findings"]
    assert finding["roots"] == ["envs/dev", "envs/prod", "envs/staging"]
    assert document["summary"]["error"] == 1

    text = tfgen("check", ".", "--only", "TFG402").out
    assert "in 3 roots: envs/dev, envs/prod, envs/staging" in text
    assert text.count("TFG402") == 1

    sarif = json.loads(tfgen("check", ".", "--only", "TFG402", "--format", "sarif").out)
    assert len(sarif["runs"][0]["results"]) == 1
    junit = ET.fromstring(tfgen("check", ".", "--only", "TFG402", "--format", "junit").out)
    assert len(junit.findall(".//failure")) == 1 and junit.get("failures") == "1"


TRANSIT = """\
variable "transit" {
  type = string
}

resource "aws_ecs_task_definition" "cms" {
  family                   = "cms"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024
  container_definitions    = "[]"

  volume {
    name = "cache"
  }

  volume {
    name = "uploads"
    efs_volume_configuration {
      file_system_id     = "fs-0123456789abcdef0"
      transit_encryption = var.transit
    }
  }
}
"""


def test_the_line_is_the_judged_attribute_and_names_the_tfvars_line(tfgen, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, {"main.tf": TRANSIT, "terraform.tfvars": "# the stack's settings\n\ntransit = \"DISABLED\"\n"})
    document = tfgen("check", ".", "--format", "json", "--only", "TFG401").json()
    (finding,) = document["findings"]
    assert finding["line"] == 21  # transit_encryption, in the second volume block
    assert finding["set_at"] == {"file": "terraform.tfvars", "line": 3}
    text = tfgen("check", ".", "--only", "TFG401").out
    assert "   21  error    TFG401  aws_ecs_task_definition.cms  (set at terraform.tfvars:3)" in text


def test_a_value_passed_through_a_module_input_names_the_tfvars_line(tfgen, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, {
        "main.tf": 'variable "enc" {}\n\nmodule "storage" {\n  source    = "./modules/efs"\n  encrypted = var.enc\n}\n',
        "prod.tfvars": 'region = "eu-west-1"\nenc    = false\n',
        "modules/efs/main.tf": 'variable "encrypted" {}\n\nresource "aws_efs_file_system" "this" {\n  creation_token = "x"\n  encrypted      = var.encrypted\n}\n',
    })
    (finding,) = tfgen("check", ".", "--format", "json", "--only", "TFG402", "--var-file", "prod.tfvars").json()["findings"]
    assert (finding["file"], finding["line"], finding["set_at"]) == ("modules/efs/main.tf", 5, {"file": "prod.tfvars", "line": 2})


def test_a_left_out_attribute_points_at_the_nearest_block(tfgen, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, {"main.tf": TRANSIT.replace("      transit_encryption = var.transit\n", "")})
    (finding,) = tfgen("check", ".", "--format", "json", "--only", "TFG401").json()["findings"]
    # efs_volume_configuration of the second volume? The rule names no index: the first volume
    # block that has the path's enclosing block.
    assert finding["line"] in (13, 19)
    assert finding["set_at"] is None


def test_module_calls_not_read_show_in_the_github_and_markdown_reports(tfgen, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "infra", {"main.tf": REGISTRY_CALLS})
    github = tfgen("check", "infra", "--format", "github").out.splitlines()
    warnings = [line for line in github if line.startswith("::warning file=infra/main.tf,line=1,title=tfgen%3A module call not read%3A module.alb::")]
    assert len(warnings) == 1 and "tfgen check --init" in warnings[0]
    assert any(line.startswith("::warning file=infra/main.tf,line=6,") for line in github)
    markdown = tfgen("check", "infra", "--format", "markdown").out
    assert "**Not checked:** 2 module calls not read: module.alb (terraform-aws-modules/alb/aws) at infra/main.tf:1" in markdown
