"""Rule scope from the misses on real-world Terraform: shapes the rules used to pass over in
silence, each found where it is known and left undecided (never guessed) where it is not."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tfgen.check.runner import discover, evaluate

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parents[2]


def _findings(result, rule_id=None):
    document = result.json()
    assert "internal_errors" not in document
    return sorted((f["rule_id"], f["address"], f["line"]) for f in document["findings"] if rule_id in (None, f["rule_id"]))


def _check(tfgen, folder, *extra):
    return tfgen("check", folder, "--format", "json", "--fail-on", "warning", "--show-unknown", *extra)


# --- real-world shapes, through the command line ------------------------------------------------


def test_bridge_mode_stack_with_an_open_instance_security_group(tfgen):
    result = _check(tfgen, FIXTURES / "bridge-ec2-open-instances")
    assert result.code == 1
    assert _findings(result) == [
        ("TFG105", "aws_ecs_service.app", 70),
        ("TFG306", "aws_security_group_rule.app_from_anywhere", 25)  # the cidr_blocks line,
    ]
    (finding,) = [f for f in result.json()["findings"] if f["rule_id"] == "TFG306"]
    assert "port 80" in finding["message"] and "container instances (bridge network mode)" in finding["message"]
    assert result.json()["summary"]["unknown"] == 0


def test_listener_rules_only_http_listener_on_a_load_balancer_out_of_sight(tfgen):
    result = _check(tfgen, FIXTURES / "listener-rules-http")
    assert result.code == 1
    assert _findings(result) == [("TFG305", "aws_lb_listener.http[0]", 27)]  # its default_action
    assert "aws_lb_listener_rule.web" in result.json()["findings"][0]["message"]


def test_legacy_roles_list_of_an_instance_profile(tfgen):
    result = _check(tfgen, FIXTURES / "legacy-instance-profile")
    assert result.code == 1
    assert _findings(result) == [("TFG202", "aws_iam_role.ecs_instance", 4)]
    assert result.json()["summary"]["unknown"] == 0


# --- TFG305 -----------------------------------------------------------------------------------


def test_generated_stacks_ignore_tfg305_where_they_serve_plain_http(tfgen, monkeypatch):
    """Stacks without a certificate serve HTTP through listener rules: their ignore comment
    now matches a finding and is counted as suppressed; stacks with one redirect instead."""
    monkeypatch.chdir(REPO)
    result = tfgen("check", "examples", "--format", "json", "--fail-on", "warning", "--show-suppressed")
    assert result.code == 0
    # A stack with a public and an internal ALB has the finding twice in the one module file.
    suppressed = sorted({f["file"] for f in result.json()["suppressed"] if f["rule_id"] == "TFG305"})
    expected = []
    for answers in sorted(REPO.glob("examples/*/answers.yaml")):
        alb = answers.parent / "modules" / "alb" / "main.tf"
        data = yaml.safe_load(answers.read_text()) or {}
        certificate = (data.get("load_balancer") or {}).get("certificate_arn")
        if alb.is_file() and not certificate:
            expected.append(alb.relative_to(REPO).as_posix())
    assert expected and suppressed == expected
    assert result.json()["summary"]["suppressed"] >= len(expected)


def _write(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "main.tf").write_text(text)
    return folder


_LISTENER = """
resource "aws_lb_listener" "http" {{
  load_balancer_arn = {lb}
  port              = 80
  protocol          = {protocol}

  default_action {{
    type             = "forward"
    target_group_arn = "arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/web/0123456789abcdef"
  }}
}}
"""


@pytest.mark.parametrize(
    ("lb", "protocol", "expected"),
    [
        ('"arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/web/1"', '"HTTP"', "finding"),
        ("var.lb_arn", '"HTTP"', "finding"),  # the protocol alone says ALB
        ("var.lb_arn", "var.protocol", "unknown"),
        ('"arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/net/nlb/1"', '"TCP"', "quiet"),
    ],
)
def test_an_http_listener_is_on_an_alb_even_when_the_load_balancer_is_unknown(tfgen, tmp_path, lb, protocol, expected):
    folder = _write(tmp_path / "root", 'variable "lb_arn" {}\nvariable "protocol" {}\n' + _LISTENER.format(lb=lb, protocol=protocol))
    result = _check(tfgen, folder, "--only", "TFG305")
    found = _findings(result, "TFG305")
    # the line is the default_action block the rule judges (the resource starts at line 4)
    assert found == ([("TFG305", "aws_lb_listener.http", 10)] if expected == "finding" else [])
    assert (result.json()["summary"]["unknown"] > 0) == (expected == "unknown")


def test_a_listener_rule_on_an_unknown_listener_leaves_the_http_listener_undecided(tfgen, tmp_path):
    text = (FIXTURES / "listener-rules-http" / "main.tf").read_text().replace(
        'listener_arn = "${join("", aws_lb_listener.http.*.arn)}"', "listener_arn = var.listener_arn"
    )
    folder = _write(tmp_path / "root", 'variable "listener_arn" {}\n' + text)
    result = _check(tfgen, folder, "--only", "TFG305")
    assert _findings(result, "TFG305") == []
    assert [u["address"] for u in result.json()["unknown"]] == ["aws_lb_listener_rule.web"]


# --- TFG301 / TFG302 ----------------------------------------------------------------------------

_CLASSIC_SERVICE = """
variable "elb" {{}}

resource "aws_ecs_service" "web" {{
  name            = "web"
  cluster         = "app"
  task_definition = "web:7"
  launch_type     = "FARGATE"

  load_balancer {{
    elb_name       = {name}
    container_name = "web"
    container_port = 8080
  }}

  network_configuration {{
    subnets = ["subnet-aaaa1111"]
  }}
}}
"""


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ('"legacy-classic"', {"TFG301", "TFG302"}),  # no aws_elb in sight: the service is the place
        ("var.elb", set()),  # a variable without a value might be null: undecided, not guessed
    ],
)
def test_elb_name_out_of_sight_is_a_classic_load_balancer(tfgen, tmp_path, name, expected):
    folder = _write(tmp_path / "root", _CLASSIC_SERVICE.format(name=name))
    result = _check(tfgen, folder, "--only", "TFG301,TFG302")
    assert {f[0] for f in _findings(result)} == expected
    assert all(address == "aws_ecs_service.web" for _, address, _ in _findings(result))
    assert (result.json()["summary"]["unknown"] > 0) == (not expected)


# --- TFG208 -----------------------------------------------------------------------------------

_TASK_ROLE = """
resource "aws_iam_role" "task" {
  name               = "task"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }] })
}

resource "aws_ecs_task_definition" "app" {
  family                = "app"
  task_role_arn         = aws_iam_role.task.arn
  container_definitions = jsonencode([{ name = "app", image = "example/app:1", essential = true }])
}
"""


@pytest.mark.parametrize(
    ("attachment", "message"),
    [
        ('policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"', "ReadOnlyAccess, which grants read access to every resource"),
        ('policy_arn = "arn:aws:iam::aws:policy/PowerUserAccess"', "PowerUserAccess"),
        ('policy_arn = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"', "AmazonS3ReadOnlyAccess, which grants reading every S3 bucket"),
        ('policy_arn = "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess"', "AmazonDynamoDBFullAccess"),
        ("policy_arn = data.aws_iam_policy.broad.arn", "AmazonS3FullAccess"),
    ],
)
def test_broad_aws_managed_policies_on_a_task_role(tfgen, tmp_path, attachment, message):
    text = _TASK_ROLE + f"""
data "aws_iam_policy" "broad" {{
  name = "AmazonS3FullAccess"
}}

resource "aws_iam_role_policy_attachment" "broad" {{
  role = aws_iam_role.task.name
  {attachment}
}}
"""
    result = _check(tfgen, _write(tmp_path / "root", text), "--only", "TFG208")
    (finding,) = result.json()["findings"]
    assert finding["address"] == "aws_iam_role.task" and message in finding["message"]


def test_narrow_managed_policy_and_unknown_arn_are_not_findings(tfgen, tmp_path):
    text = _TASK_ROLE + """
variable "policy" {}

resource "aws_iam_role_policy_attachment" "logs" {
  role       = aws_iam_role.task.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonElasticFileSystemClientReadOnlyAccess"
}

resource "aws_iam_role_policy_attachment" "unknown" {
  role       = aws_iam_role.task.name
  policy_arn = var.policy
}
"""
    result = _check(tfgen, _write(tmp_path / "root", text), "--only", "TFG208")
    assert result.json()["findings"] == []


def test_service_wildcard_from_a_policy_document_data_source(tfgen, tmp_path):
    text = _TASK_ROLE + """
data "aws_iam_policy_document" "task" {
  statement {
    actions   = ["dynamodb:*"]
    resources = ["arn:aws:dynamodb:eu-west-1:111122223333:table/orders"]
  }
}

resource "aws_iam_role_policy" "task" {
  role   = aws_iam_role.task.id
  policy = data.aws_iam_policy_document.task.json
}
"""
    result = _check(tfgen, _write(tmp_path / "root", text), "--only", "TFG208")
    (finding,) = result.json()["findings"]
    assert finding["address"] == "aws_iam_role_policy.task" and "dynamodb:*" in finding["message"]


# --- TFG106 -----------------------------------------------------------------------------------

_TFG106 = (Path(__file__).resolve().parents[2] / "tfgen" / "check" / "rules" / "examples" / "TFG106" / "good" / "main.tf").read_text()


@pytest.mark.parametrize(
    ("task_size", "expected"),
    [
        # No task-level size: placement adds up the containers (memoryReservation, else memory).
        ("", "quiet"),
        ('cpu = 4096\n  memory = 1024', "finding"),  # 4 vCPU on a 2 vCPU instance
        ('memory = 4096', "finding"),  # 4 GiB on a 4 GiB instance: the OS and agent keep some
        ('memory = 3840', "quiet"),
    ],
)
def test_tfg106_task_level_size_or_the_containers_sum(tfgen, tmp_path, task_size, expected):
    text = _TFG106.replace("cpu                      = 1024\n", "").replace("memory                   = 2048\n", "")
    containers = (
        'container_definitions    = jsonencode([{ name = "a", image = "x", essential = true, memory = 4096, memoryReservation = 1024 },'
        ' { name = "b", image = "y", essential = true, memory = 1024, cpu = 512 }])'
    )
    text = text.replace(
        'container_definitions    = jsonencode([{ name = "report", image = "example/report:1.0", essential = true }])',
        f"{task_size}\n  {containers}",
    )
    result = _check(tfgen, _write(tmp_path / "root", text), "--only", "TFG106")
    assert _findings(result) == ([("TFG106", "aws_ecs_task_definition.report", 33)] if expected == "finding" else [])
    assert result.json()["summary"]["unknown"] == 0


def test_tfg106_containers_that_together_outgrow_the_instance(tfgen, tmp_path):
    text = _TFG106.replace("cpu                      = 1024\n", "").replace("memory                   = 2048\n", "").replace(
        'container_definitions    = jsonencode([{ name = "report", image = "example/report:1.0", essential = true }])',
        'container_definitions    = jsonencode([{ name = "a", image = "x", memory = 2048 }, { name = "b", image = "y", memory = 2048 }])',
    )
    result = _check(tfgen, _write(tmp_path / "root", text), "--only", "TFG106")
    (finding,) = result.json()["findings"]
    assert "4096 MiB" in finding["message"] and "t3.medium (2 vCPU = 2048 CPU units, 4 GiB of which 3840 MiB for tasks)" in finding["message"]


@pytest.mark.parametrize(("types", "expected"), [(["t3.medium", "m5.xlarge"], "quiet"), (["t3.medium", "t3.large"], "finding"), (["t3.medium", "x9.huge"], "unknown")])
def test_tfg106_mixed_instance_types(tfgen, tmp_path, types, expected):
    overrides = "".join(f'\n      override {{\n        instance_type = "{t}"\n      }}' for t in types)
    text = _TFG106.replace("cpu                      = 1024", "cpu                      = 4096").replace(
        "memory                   = 2048", "memory                   = 8192"
    ).replace(
        '  launch_template {\n    id      = aws_launch_template.ecs.id\n    version = "$Latest"\n  }',
        "  mixed_instances_policy {\n    launch_template {\n      launch_template_specification {\n"
        "        launch_template_id = aws_launch_template.ecs.id\n      }" + overrides + "\n    }\n  }",
    )
    result = _check(tfgen, _write(tmp_path / "root", text), "--only", "TFG106")
    assert bool(_findings(result)) == (expected == "finding")
    assert (result.json()["summary"]["unknown"] > 0) == (expected == "unknown")


# --- evaluator: the idioms of older code --------------------------------------------------------


def _values(tmp_path, locals_text: str) -> dict:
    folder = _write(
        tmp_path / "eval",
        """
resource "aws_lb" "one" {
  count = 1
  name  = "one"
}

resource "aws_lb" "two" {
  count = 2
  name  = "two-${count.index}"
}

data "template_file" "user_data" {
  template = "echo ECS_CLUSTER=$${cluster} >> /etc/ecs/ecs.config; port $${port}"
  vars = {
    cluster = "app"
    port    = 8080
  }
}

locals {
"""
        + locals_text
        + """
}

resource "aws_ecs_cluster" "probe" {
  name = "probe"
  tags = local.probe
}
""",
    )
    (root,) = discover([str(folder)])
    model = evaluate(root, [], [])
    return model.get("aws_ecs_cluster.probe").get("tags")


def test_join_of_a_splat_with_one_instance_names_that_instance(tmp_path):
    from tfgen.check.model import Computed, PartialString

    tags = _values(tmp_path, 'probe = { one = join("", aws_lb.one.*.arn), two = join(",", aws_lb.two[*].arn), known = join("-", aws_lb.two.*.name) }')
    assert isinstance(tags["one"], Computed) and (tags["one"].address, tags["one"].attribute) == ("aws_lb.one[0]", "arn")
    assert isinstance(tags["two"], PartialString) and tags["two"].pattern == "*,*"
    assert tags["known"] == "two-0-two-1"


def test_element_of_a_legacy_splat(tmp_path):
    tags = _values(tmp_path, 'probe = { id = element(aws_lb.two.*.id, 1), name = element(aws_lb.two.*.name, 0) }')
    assert (tags["id"].address, tags["id"].attribute) == ("aws_lb.two[1]", "id")
    assert tags["name"] == "two-0"


def test_template_file_renders(tmp_path):
    tags = _values(tmp_path, "probe = { rendered = data.template_file.user_data.rendered }")
    assert tags["rendered"] == "echo ECS_CLUSTER=app >> /etc/ecs/ecs.config; port 8080"


def test_string_functions_convert_numbers_as_terraform_does(tmp_path):
    tags = _values(
        tmp_path,
        'probe = { replace = replace(80, "8", "9"), upper = upper(true), substr = substr(12345, 1, 2), split = join("|", split("0", 8080)), prefix = startswith(8080, "80") }',
    )
    assert tags == {"replace": "90", "upper": "TRUE", "substr": "23", "split": "8|8|", "prefix": True}
