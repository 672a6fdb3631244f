"""What sits beside the Terraform: `.tfgen.yaml`, `.terraform/modules/modules.json`, values of
the wrong type. Each is read, or refused with exit 2 naming the file; never a traceback
(issue 13 item 5)."""

from __future__ import annotations

import pytest

from tfgen.check.rules.base import EXAMPLES_DIR

GOOD = (EXAMPLES_DIR / "TFG101" / "good" / "main.tf").read_text()


@pytest.fixture
def stack(tmp_path):
    folder = tmp_path / "stack"
    folder.mkdir()
    (folder / "main.tf").write_text(GOOD)
    return folder


def test_a_tfgen_yaml_that_is_not_utf8_is_refused_by_name(stack, tfgen_process):
    (stack / ".tfgen.yaml").write_bytes(b"skip:\n  - id: TFG105\n    reason: \xff\xfe\n")
    outcome = tfgen_process("check", stack)
    assert outcome.code == 2 and f"{stack / '.tfgen.yaml'}: not UTF-8" in outcome.err and "Traceback" not in outcome.err


def test_a_date_in_tfgen_yaml_is_text_even_when_impossible(stack, tfgen_process):
    (stack / ".tfgen.yaml").write_text("skip:\n  - id: TFG105\n    reason: 2024-13-45\n")
    assert tfgen_process("check", stack).code == 0
    (stack / ".tfgen.yaml").write_text("skip:\n  - id: TFG105\n    reason: !!timestamp 2024-13-45\n")
    outcome = tfgen_process("check", stack)
    assert outcome.code == 2 and str(stack / ".tfgen.yaml") in outcome.err and "Traceback" not in outcome.err


def test_a_tfgen_yaml_reason_must_be_text(stack, tfgen_process):
    (stack / ".tfgen.yaml").write_text("skip:\n  - id: TFG105\n    reason: [a, [b]]\n")
    outcome = tfgen_process("check", stack)
    assert outcome.code == 2 and "id and reason must be text" in outcome.err


@pytest.mark.parametrize(
    "manifest",
    ["[1]", '{"Modules": null}', '{"Modules": [1]}', '{"Modules": [{"Key": 1, "Dir": 2}]}', '{"Modules": [{"Key": "m", "Dir": ["x"]}]}', "{", "[" * 50000],
)
def test_a_malformed_module_manifest_is_refused_by_name(stack, tfgen_process, manifest):
    folder = stack / ".terraform" / "modules"
    folder.mkdir(parents=True)
    (folder / "modules.json").write_text(manifest)
    outcome = tfgen_process("check", stack)
    assert outcome.code == 2 and "modules.json" in outcome.err and "run terraform init again" in outcome.err
    assert "Traceback" not in outcome.err


def test_a_value_of_a_type_terraform_rejects_is_exit_2_not_a_traceback(stack, tfgen_process):
    (stack / "main.tf").write_text(
        'resource "aws_ecs_task_definition" "t" {\n  family = ["x"]\n  task_role_arn = aws_iam_role.r.arn\n}\n'
        'resource "aws_iam_role" "r" {\n  assume_role_policy = "{}"\n}\n'
    )
    outcome = tfgen_process("check", stack)
    assert outcome.code == 2 and "Traceback" not in outcome.err, outcome.err
    assert "main.tf:2: aws_ecs_task_definition.t: family must be a string, not a list" in outcome.err, outcome.err


def test_a_deep_tfvars_json_is_exit_2_naming_it(stack, tfgen_process):
    (stack / "terraform.tfvars.json").write_text('{"a": ' + "[" * 100000 + "]" * 100000 + "}")
    outcome = tfgen_process("check", stack)
    assert outcome.code == 2 and "terraform.tfvars.json" in outcome.err and "Traceback" not in outcome.err
