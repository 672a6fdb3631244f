"""Every rule: its bad example fires exactly where marked, its good example does not, and the same
misconfiguration is found (or, when unknown, not guessed) when it arrives through a variable
default, a tfvars file, locals, a local module's input, or a value that cannot be known."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .conftest import block_line, example_path, expected_markers
from tfgen.check.rules import CONFIG_RULES as RULES  # the 5xx rules judge plans: tests/test_plan_analyzer.py
from tfgen.check.runner import display_path

RULE_IDS = [rule.id for rule in RULES]


def findings_of(result, rule_id):
    return [f for f in result.json()["findings"] if f["rule_id"] == rule_id]


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_bad_example_fires_where_marked(tfgen, rule_id):
    path = example_path(rule_id, "bad")
    expected = expected_markers(path.read_text(), rule_id)
    assert expected, f"{path} marks no block with '# <- {rule_id}'"
    result = tfgen("check", path.parent, "--format", "json", "--fail-on", "never")
    assert result.code == 0, result.err
    text = path.read_text()
    got = sorted((f["file"], block_line(text, f["line"]), f["address"]) for f in findings_of(result, rule_id))
    assert got == sorted((display_path(path), line, address) for line, address in expected)
    # The line is the judged attribute's (or the nearest enclosing block's) when the block has it.
    rule = next(r for r in RULES if r.id == rule_id)
    names = {part.split("[")[0] for attribute in rule.attributes for part in attribute.split(".")}
    for finding in findings_of(result, rule_id):
        source = text.splitlines()[finding["line"] - 1]
        assert finding["line"] == block_line(text, finding["line"]) or source.split("=")[0].split("{")[0].split()[0] in names, source
    severity = {f["severity"] for f in findings_of(result, rule_id)}
    assert severity == {next(r.severity for r in RULES if r.id == rule_id)}


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_good_example_does_not_fire(tfgen, rule_id):
    path = example_path(rule_id, "good")
    result = tfgen("check", path.parent, "--format", "json", "--fail-on", "never")
    assert result.code == 0, result.err
    assert findings_of(result, rule_id) == []
    assert result.json()["summary"]["unknown"] == 0, "a good example should leave nothing undecided"


# How to move the value each bad example hinges on into an expression: (text in the bad
# example, replacement with {expr}, the HCL value that reproduces the bad example).
VARIANTS: dict[str, tuple[str, str, str]] = {
    "TFG101": ('network_mode             = "bridge"', "network_mode = {expr}", '"bridge"'),
    "TFG102": ('memory                   = "4096"', "memory = {expr}", '"4096"'),
    "TFG103": ('launch_type     = "EC2"', "launch_type = {expr}", '"EC2"'),
    "TFG104": ('requires_compatibilities = ["EC2"]', "requires_compatibilities = {expr}", '["EC2"]'),
    "TFG105": ("desired_count   = 1", "desired_count = 1\n  launch_type = {expr}", '"EC2"'),
    "TFG106": ('instance_type = "t3.medium"', "instance_type = {expr}", '"t3.medium"'),
    "TFG201": (
        'user_data     = base64encode("#!/bin/bash\\necho ECS_CLUSTER=app >> /etc/ecs/ecs.config\\n")',
        "user_data = base64encode({expr})",
        '"#!/bin/bash\\necho ECS_CLUSTER=app >> /etc/ecs/ecs.config\\n"',
    ),
    "TFG202": ('"arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"', "{expr}", '"arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"'),
    "TFG203": ('family                   = "reports"', 'family = "reports"\n  task_role_arn = {expr}', "null"),
    "TFG204": ('Principal = { Service = "ec2.amazonaws.com" }', "Principal = { Service = {expr} }", '"ec2.amazonaws.com"'),
    "TFG205": ("role = aws_iam_role.shared.name", "role = {expr}", '"app-shared"'),
    "TFG206": ("aws_iam_role.app.arn", "{expr}", '"arn:aws:iam::111122223333:role/app"'),
    "TFG207": ('family                   = "task-b"', "family = {expr}", '"task-b"'),
    "TFG208": (
        '"Action": "s3:*"',
        '"Action": "${{expr}.action}"',
        '{ action = "s3:*", arn = "arn:aws:iam::aws:policy/ReadOnlyAccess" }',
    ),
    "TFG209": ('{ name = "AWS_ACCESS_KEY_ID", value = "AKIAIOSFODNN7EXAMPLE" },\n      { name = "AWS_SECRET_ACCESS_KEY", value = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" },', "{expr}[0],", '[{ name = "AWS_ACCESS_KEY_ID", value = "AKIAIOSFODNN7EXAMPLE" }]'),
    # Every service of the bad example runs on Fargate: an unknown launch type leaves them all undecided.
    "TFG210": (
        '{ Effect = "Allow", Action = "iam:PassRole", Resource = "*" }',
        '{ Effect = "Allow", Action = "iam:PassRole", Resource = {expr} }',
        '"*"',
    ),
    "TFG211": ('"token.actions.githubusercontent.com:sub" = "repo:acme/*"', '"token.actions.githubusercontent.com:sub" = {expr}', '"repo:acme/*"'),
    "TFG212": ('{ Effect = "Allow", Action = "ecr:*", Resource = "*" }', '{ Effect = "Allow", Action = {expr}, Resource = "*" }', '"ecr:*"'),
    "TFG301": ('launch_type     = "FARGATE"', "launch_type = {expr}", '"FARGATE"'),
    # count = 1 makes the address aws_elb.web[0]: see INDEXED.
    "TFG302": ('name    = "web-classic"', 'name = "web-classic"\n  count = {expr}', "1"),
    "TFG303": ('protocol = "HTTP"', 'protocol = "HTTP"\n  target_type = {expr}', '"instance"'),
    "TFG304": ('load_balancer_type = "application"', "load_balancer_type = {expr}", '"application"'),
    "TFG305": ("port              = 80", "port = 80\n  protocol = {expr}", '"HTTP"'),
    "TFG306": ('cidr_blocks = ["0.0.0.0/0"]', "cidr_blocks = {expr}", '["0.0.0.0/0"]'),
    "TFG307": ('protocol          = "HTTP"', "protocol = {expr}", '"HTTP"'),
    "TFG401": ('file_system_id = "fs-0123456789abcdef0"', 'file_system_id = "fs-0123456789abcdef0"\n      transit_encryption = {expr}', '"DISABLED"'),
    "TFG402": ('creation_token = "shared"', 'creation_token = "shared"\n  encrypted = {expr}', "false"),
    "TFG403": ('subnet_id      = "subnet-aaaa1111"', "subnet_id = {expr}", '"subnet-aaaa1111"'),
    "TFG404": ('platform_version = "1.3.0"', "platform_version = {expr}", '"1.3.0"'),
    "TFG405": (
        '  volume {\n    name = "uploads"\n    efs_volume_configuration {\n      file_system_id     = "fs-0123456789abcdef0"\n      transit_encryption = "ENABLED"\n    }\n  }',
        '  dynamic "volume" {\n    for_each = {expr}\n    content {\n      name = volume.value\n      efs_volume_configuration {\n        file_system_id     = "fs-0123456789abcdef0"\n        transit_encryption = "ENABLED"\n      }\n    }\n  }',
        '["uploads"]',
    ),
    "TFG406": ('cidr_blocks       = ["0.0.0.0/0"]', "cidr_blocks = {expr}", '["0.0.0.0/0"]'),
    "TFG407": ("  encrypted = true\n}", '  encrypted = true\n}\n\nresource "aws_efs_backup_policy" "shared" {\n  file_system_id = aws_efs_file_system.shared.id\n  backup_policy {\n    status = {expr}\n  }\n}', '"DISABLED"'),
    "TFG601": ("sqs_managed_sse_enabled = false", "sqs_managed_sse_enabled = {expr}", "false"),
    "TFG602": ('  name = "orders"\n}', '  name = "orders"\n  redrive_policy = {expr}\n}', "null"),
    "TFG603": ('  name = "order-events"\n}', '  name = "order-events"\n  kms_master_key_id = {expr}\n}', '""'),
    "TFG604": ('Principal = "*"', "Principal = {expr}", '"*"'),
    # An unknown for_each leaves the dead-letter blocks unknown.
    "TFG605": (
        "    role_arn = aws_iam_role.scheduler.arn\n",
        '    role_arn = aws_iam_role.scheduler.arn\n    dynamic "dead_letter_config" {\n      for_each = {expr}\n      content {\n        arn = "arn:aws:sqs:eu-west-1:111122223333:report-dlq"\n      }\n    }\n',
        "[]",
    ),
    "TFG606": ("message_retention_seconds = 86400", "message_retention_seconds = {expr}", "86400"),
    "TFG607": ("visibility_timeout_seconds = 0", "visibility_timeout_seconds = {expr}", "0"),
    "TFG701": ("scan_on_push = false", "scan_on_push = {expr}", "false"),
    "TFG702": ('image_tag_mutability = "MUTABLE"', "image_tag_mutability = {expr}", '"MUTABLE"'),
    "TFG703": ('logging = "NONE"', "logging = {expr}", '"NONE"'),
}


# Variants that add count = 1, so the marked block's address gains an index.
INDEXED = {"TFG302": "[0]"}


def test_every_rule_has_a_variant():
    assert sorted(VARIANTS) == RULE_IDS


# Bad examples with more than one shape: every anchor moves into the expression (an object).
MORE_ANCHORS: dict[str, list[tuple[str, str]]] = {
    "TFG208": [('policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"', "policy_arn = {expr}.arn")],
}


def _variant_text(rule_id: str, expr: str) -> str:
    old, new, _ = VARIANTS[rule_id]
    text = example_path(rule_id, "bad").read_text()
    for anchor, replacement in [(old, new), *MORE_ANCHORS.get(rule_id, [])]:
        assert anchor in text, f"{rule_id}: variant anchor not in the bad example"
        text = text.replace(anchor, replacement.replace("{expr}", expr))
    return text


def _write(folder: Path, files: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text)


def _expect(result, rule_id: str, main_tf: Path, prefix: str = ""):
    text = main_tf.read_text()
    expected = expected_markers(text, rule_id)
    got = sorted((f["file"], block_line(text, f["line"]), f["address"]) for f in findings_of(result, rule_id))
    suffix = INDEXED.get(rule_id, "")
    assert got == sorted((display_path(main_tf), line, prefix + address + suffix) for line, address in expected)


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_through_variable_default(tfgen, tmp_path, monkeypatch, rule_id):
    monkeypatch.chdir(tmp_path)
    value = VARIANTS[rule_id][2]
    _write(tmp_path / "root", {"main.tf": _variant_text(rule_id, "var.v"), "variables.tf": f'variable "v" {{\n  default = {value}\n}}\n'})
    result = tfgen("check", "root", "--format", "json", "--fail-on", "never")
    _expect(result, rule_id, tmp_path / "root" / "main.tf")


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_through_locals(tfgen, tmp_path, monkeypatch, rule_id):
    monkeypatch.chdir(tmp_path)
    value = VARIANTS[rule_id][2]
    _write(tmp_path / "root", {"main.tf": _variant_text(rule_id, "local.v"), "locals.tf": f"locals {{\n  v = {value}\n}}\n"})
    result = tfgen("check", "root", "--format", "json", "--fail-on", "never")
    _expect(result, rule_id, tmp_path / "root" / "main.tf")


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_through_tfvars(tfgen, tmp_path, monkeypatch, rule_id):
    monkeypatch.chdir(tmp_path)
    value = VARIANTS[rule_id][2]
    _write(
        tmp_path / "root",
        {"main.tf": _variant_text(rule_id, "var.v"), "variables.tf": 'variable "v" {}\n', "terraform.tfvars": f"v = {value}\n"},
    )
    result = tfgen("check", "root", "--format", "json", "--fail-on", "never")
    _expect(result, rule_id, tmp_path / "root" / "main.tf")


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_through_local_module_input(tfgen, tmp_path, monkeypatch, rule_id):
    monkeypatch.chdir(tmp_path)
    value = VARIANTS[rule_id][2]
    module = tmp_path / "stack" / "modules" / "unit"
    _write(module, {"main.tf": _variant_text(rule_id, "var.v"), "variables.tf": 'variable "v" {}\n'})
    _write(tmp_path / "stack", {"main.tf": f'module "unit" {{\n  source = "./modules/unit"\n  v      = {value}\n}}\n'})
    result = tfgen("check", "stack", "--format", "json", "--fail-on", "never")
    _expect(result, rule_id, module / "main.tf", prefix="module.unit.")
    # The module folder is called by the stack, so it is not checked again as a root of its own.
    assert all(f["address"].startswith("module.unit.") for f in result.json()["findings"])


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_unknown_value_stays_quiet(tfgen, tmp_path, monkeypatch, rule_id):
    monkeypatch.chdir(tmp_path)
    _write(tmp_path / "root", {"main.tf": _variant_text(rule_id, "var.v"), "variables.tf": 'variable "v" {}\n'})
    result = tfgen("check", "root", "--format", "json", "--fail-on", "never", "--show-unknown")
    assert findings_of(result, rule_id) == []
    assert result.json()["summary"]["unknown"] >= 1


def test_var_file_overrides_tfvars(tfgen, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _write(
        tmp_path / "root",
        {
            "main.tf": _variant_text("TFG101", "var.v"),
            "variables.tf": 'variable "v" {}\n',
            "terraform.tfvars": 'v = "awsvpc"\n',
            "b.auto.tfvars": 'v = "awsvpc"\n',
        },
    )
    (tmp_path / "prod.tfvars").write_text('v = "bridge"\n')
    assert findings_of(tfgen("check", "root", "--format", "json"), "TFG101") == []
    result = tfgen("check", "root", "--format", "json", "--var-file", "prod.tfvars")
    # The network_mode line, and the --var-file line that set it.
    assert [(f["line"], f["set_at"]) for f in findings_of(result, "TFG101")] == [(5, {"file": "prod.tfvars", "line": 1})]
    assert result.code == 1


def test_module_called_twice_yields_one_finding_per_call(tfgen, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    module = tmp_path / "stack" / "modules" / "fs"
    shutil.copytree(example_path("TFG402", "bad").parent, module)
    _write(tmp_path / "stack", {"main.tf": 'module "a" {\n  source = "./modules/fs"\n}\n\nmodule "b" {\n  source = "./modules/fs"\n}\n'})
    result = tfgen("check", "stack", "--format", "json", "--only", "TFG402")
    assert sorted(f["address"] for f in result.json()["findings"]) == [
        "module.a.aws_efs_file_system.shared",
        "module.b.aws_efs_file_system.shared",
    ]


def test_one_zone_file_system_is_a_warning(tfgen, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = example_path("TFG403", "bad").read_text().replace(
        "  encrypted = true\n}", '  encrypted              = true\n  availability_zone_name = "eu-west-1a"\n}', 1
    )
    _write(tmp_path / "root", {"main.tf": text})
    (finding,) = findings_of(tfgen("check", "root", "--format", "json"), "TFG403")
    assert finding["severity"] == "warning" and "One Zone" in finding["message"]


def test_fargate_size_accepts_the_vcpu_and_gb_spellings(tfgen, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = example_path("TFG102", "bad").read_text().replace('cpu                      = "256"', 'cpu = "1 vCPU"').replace('"4096"', '"2 GB"')
    _write(tmp_path / "root", {"main.tf": text})
    assert findings_of(tfgen("check", "root", "--format", "json"), "TFG102") == []


def test_tfg405_accepts_a_grant_in_the_file_system_policy(tfgen, tmp_path):
    """EFS allows a client when the identity policy or the file system policy allows it."""
    source = (Path(__file__).parent / "cases" / "tfg405_file_system_policy.tf").read_text()
    (tmp_path / "main.tf").write_text(source)
    granted = tfgen("check", tmp_path, "--format", "json", "--only", "TFG405", "--fail-on", "never").json()
    assert granted["findings"] == [] and granted["summary"]["unknown"] == 0
    (tmp_path / "main.tf").write_text(source.replace("Principal = { AWS = aws_iam_role.task.arn }", 'Principal = { AWS = "arn:aws:iam::123456789012:role/other" }'))
    other = tfgen("check", tmp_path, "--format", "json", "--only", "TFG405", "--fail-on", "never").json()
    assert [f["address"] for f in other["findings"]] == ["aws_ecs_task_definition.app"]
