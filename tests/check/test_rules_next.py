"""The rules for the resources of issues 10 and 11 (schedules, CI deploy roles, queues, topics,
ECR, ECS Exec): the shapes their examples do not show, the building-block modules they must see
(and pass), and the same findings on a plan as on the configuration."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO, example_path
from tfgen.check.rules import BY_ID
from tfgen.check.runner import discover, evaluate

NEW_RULES = ["TFG210", "TFG211", "TFG212", "TFG601", "TFG602", "TFG603", "TFG604", "TFG605", "TFG606", "TFG607", "TFG701", "TFG702", "TFG703"]
ROLE = """resource "aws_iam_role" "{name}" {{
  name = "{name}"
  assume_role_policy = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{{ Effect = "Allow", Action = "sts:AssumeRole", Principal = {{ Service = "{service}" }} }}]
  }})
}}
"""


def _findings(tfgen, folder, *rules):
    document = tfgen("check", folder, "--format", "json", "--fail-on", "never", "--show-unknown", "--only", ",".join(rules)).json()
    assert "internal_errors" not in document
    return [(f["rule_id"], f["severity"], f["address"], f["message"]) for f in document["findings"]], document["summary"]["unknown"]


def _write(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "main.tf").write_text(text)
    return folder


# --- the building blocks: seen, and passing -------------------------------------------------------

SEEN_IN_FIXTURES = {
    "deploy_role": {"TFG210", "TFG211", "TFG212"},
    "scheduled_job": {"TFG210", "TFG212", "TFG605"},
    "queue": {"TFG601", "TFG602", "TFG603", "TFG604", "TFG606", "TFG607"},
    "ecr": {"TFG701", "TFG702"},
}


@pytest.mark.parametrize("fixture", sorted(SEEN_IN_FIXTURES))
def test_the_rules_judge_the_module_fixtures_and_they_pass(tfgen, fixture):
    """Not a vacuous pass: each rule has subjects in the module's fixture, and finds nothing."""
    folder = REPO / "tests" / "module_fixtures" / fixture
    (root,) = discover([str(folder)])
    model = evaluate(root, [], [])
    judged = {rule_id for rule_id in NEW_RULES if list(BY_ID[rule_id].check.subjects(model))}
    assert SEEN_IN_FIXTURES[fixture] <= judged
    findings, unknown = _findings(tfgen, folder, *NEW_RULES)
    assert findings == [] and unknown == 0


# --- TFG207 sees the task definitions jobs run ----------------------------------------------------


def test_a_job_sharing_a_services_task_role_is_tfg207(tfgen, tmp_path):
    """Issue 10: each job's task definition gets its own task role, like every family."""
    job = example_path("TFG605", "good").read_text()
    service = """
resource "aws_ecs_task_definition" "web" {
  family                   = "web"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  task_role_arn            = aws_iam_role.task.arn
  container_definitions    = jsonencode([{ name = "web", image = "example/web:1.0", essential = true }])
}
"""
    findings, _ = _findings(tfgen, _write(tmp_path / "shared", job + service), "TFG207")
    assert sorted(address for _, _, address, _ in findings) == ["aws_ecs_task_definition.report", "aws_ecs_task_definition.web"]
    own = service.replace("aws_iam_role.task.arn", "aws_iam_role.web.arn") + ROLE.format(name="web", service="ecs-tasks.amazonaws.com")
    assert _findings(tfgen, _write(tmp_path / "own", job + own), "TFG207")[0] == []


# --- TFG210: what a schedule or deploy role may pass ----------------------------------------------


def test_the_ecs_events_managed_policy_on_an_eventbridge_target_passes_any_role(tfgen, tmp_path):
    text = example_path("TFG605", "good").read_text() + ROLE.format(name="events", service="events.amazonaws.com") + """
resource "aws_iam_role_policy_attachment" "events" {
  role       = aws_iam_role.events.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceEventsRole"
}

resource "aws_cloudwatch_event_rule" "nightly" {
  name                = "nightly"
  schedule_expression = "cron(0 3 * * ? *)"
}

resource "aws_cloudwatch_event_target" "nightly" {
  rule     = aws_cloudwatch_event_rule.nightly.name
  arn      = aws_ecs_cluster.jobs.arn
  role_arn = aws_iam_role.events.arn

  ecs_target {
    task_definition_arn = aws_ecs_task_definition.report.arn
    launch_type         = "FARGATE"
  }
}
"""
    findings, _ = _findings(tfgen, _write(tmp_path / "events", text), "TFG210", "TFG605")
    assert [(rule, severity, address) for rule, severity, address, _ in findings] == [
        ("TFG210", "error", "aws_iam_role.events"),
        ("TFG605", "warning", "aws_cloudwatch_event_target.nightly"),
    ]
    assert "AmazonEC2ContainerServiceEventsRole" in findings[0][3]


def test_a_role_name_pattern_is_a_warning_naming_the_pattern(tfgen, tmp_path):
    text = example_path("TFG210", "bad").read_text().replace(
        'Action = "iam:PassRole", Resource = "*"', 'Action = "iam:PassRole", Resource = "arn:aws:iam::111122223333:role/report-*"'
    )
    (finding,) = _findings(tfgen, _write(tmp_path / "pattern", text), "TFG210")[0]
    assert finding[1] == "warning" and "role/report-*" in finding[3]
    text = text.replace("arn:aws:iam::111122223333:role/report-*", "arn:aws:iam::111122223333:role/*")
    (finding,) = _findings(tfgen, _write(tmp_path / "every", text), "TFG210")[0]
    assert finding[1] == "error" and "any role of" in finding[3]


# --- TFG211: the OIDC subject ---------------------------------------------------------------------


def test_a_trust_with_only_the_audience_lets_any_repository_in(tfgen, tmp_path):
    text = example_path("TFG211", "bad").read_text().replace(
        '        StringLike   = { "token.actions.githubusercontent.com:sub" = "repo:acme/*" }\n', ""
    )
    (finding,) = _findings(tfgen, _write(tmp_path / "aud-only", text), "TFG211")[0]
    assert finding[1] == "error" and "has no condition on token.actions.githubusercontent.com:sub" in finding[3]


def test_gitlab_trust_through_a_provider_arn_made_elsewhere(tfgen, tmp_path):
    def trust(subject: str) -> str:
        return """resource "aws_iam_role" "deploy" {
  name = "shop-deploy"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = "arn:aws:iam::111122223333:oidc-provider/gitlab.com" }
      Condition = { StringLike = { "gitlab.com:sub" = "%s" } }
    }]
  })
}
""" % subject

    wide, _ = _findings(tfgen, _write(tmp_path / "wide", trust("project_path:acme/*:ref_type:branch:ref:main")), "TFG211")
    assert [address for _, _, address, _ in wide] == ["aws_iam_role.deploy"]
    narrow, unknown = _findings(tfgen, _write(tmp_path / "narrow", trust("project_path:acme/platform/shop:ref_type:branch:ref:*")), "TFG211")
    assert narrow == [] and unknown == 0


def test_a_role_trusting_another_oidc_provider_is_not_a_ci_role(tfgen, tmp_path):
    text = example_path("TFG211", "bad").read_text().replace("https://token.actions.githubusercontent.com", "https://oidc.example.com").replace(
        "token.actions.githubusercontent.com:", "oidc.example.com:"
    )
    assert _findings(tfgen, _write(tmp_path / "other", text), "TFG211", "TFG210", "TFG212") == ([], 0)


# --- TFG212: a deploy role that can do anything ---------------------------------------------------


def test_a_deploy_role_allowed_every_action_is_an_error(tfgen, tmp_path):
    text = example_path("TFG212", "bad").read_text().replace('Action = "ecr:*"', 'Action = "*"')
    (finding,) = _findings(tfgen, _write(tmp_path / "admin", text), "TFG212")[0]
    assert finding[1] == "error" and "allows *" in finding[3]


def test_pass_role_on_any_role_is_tfg210s_finding_not_also_tfg212s(tfgen):
    findings, _ = _findings(tfgen, example_path("TFG210", "bad").parent, "TFG210", "TFG212")
    assert [rule for rule, *_ in findings] == ["TFG210"]


# --- TFG703: the DEFAULT logging needs an awslogs container -----------------------------------------


def test_exec_with_default_logging_depends_on_the_task_definitions_log_driver(tfgen, tmp_path):
    bad = example_path("TFG703", "bad").read_text()
    no_config = bad.replace('\n  configuration {\n    execute_command_configuration {\n      logging = "NONE"\n    }\n  }\n', "")
    assert no_config != bad
    (finding,) = _findings(tfgen, _write(tmp_path / "default", no_config), "TFG703")[0]
    assert "no execute_command_configuration" in finding[3] and "awslogs" in finding[3]
    awslogs = no_config.replace(
        'essential = true }',
        'essential = true, logConfiguration = { logDriver = "awslogs", options = { awslogs-group = "/ecs/web", awslogs-region = "eu-west-1", awslogs-stream-prefix = "web" } } }',
    )
    assert awslogs != no_config
    assert _findings(tfgen, _write(tmp_path / "awslogs", awslogs), "TFG703") == ([], 0)


# --- TFG701: a registry scanning rule covers the repositories ---------------------------------------


def test_a_registry_scanning_rule_stands_for_scan_on_push(tfgen, tmp_path):
    text = example_path("TFG701", "bad").read_text() + """
resource "aws_ecr_registry_scanning_configuration" "this" {
  scan_type = "ENHANCED"

  rule {
    scan_frequency = "CONTINUOUS_SCAN"
    repository_filter {
      filter      = "shop/*"
      filter_type = "WILDCARD"
    }
  }
}
"""
    assert _findings(tfgen, _write(tmp_path / "registry", text), "TFG701") == ([], 0)
    other = text.replace('filter      = "shop/*"', 'filter      = "tools/*"')
    assert len(_findings(tfgen, _write(tmp_path / "other", other), "TFG701")[0]) == 1


# --- the same findings on a plan --------------------------------------------------------------------


def test_tfgen_plan_finds_what_tfgen_check_finds(provider_mirror, tmp_path, monkeypatch):
    """Every new rule's bad and good example as modules of one root, planned offline by real
    Terraform: the plan's findings are exactly the bad examples' marked blocks."""
    monkeypatch.setenv("TF_PLUGIN_CACHE_DIR", str(tmp_path / "plugins"))
    (tmp_path / "plugins").mkdir()
    root = tmp_path / "root"
    calls = []
    for rule_id in NEW_RULES:
        for kind in ("bad", "good"):
            name = f"{rule_id.lower()}_{kind}"
            shutil.copytree(example_path(rule_id, kind).parent, root / "m" / name)
            calls.append(f'module "{name}" {{\n  source = "./m/{name}"\n}}\n')
    (root / "main.tf").write_text("\n".join(calls))
    expected = sorted((f["rule_id"], f["address"], f["line"]) for f in _config_findings(root))
    assert {rule for rule, _, _ in expected} == set(NEW_RULES) and all("_bad." in address for _, address, _ in expected)
    result = subprocess.run(
        [sys.executable, "-m", "tfgen", "plan", str(root), "--offline", "--plugin-dir", str(provider_mirror), "--format", "json",
         "--fail-on", "never", "--only", ",".join(NEW_RULES)],
        capture_output=True, text=True, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert sorted((f["rule_id"], f["address"], f["line"]) for f in document["findings"]) == expected
    assert document["summary"]["unknown"] == 0


def _config_findings(root: Path) -> list[dict]:
    result = subprocess.run(
        [sys.executable, "-m", "tfgen", "check", str(root), "--format", "json", "--fail-on", "never", "--only", ",".join(NEW_RULES)],
        capture_output=True, text=True, cwd=root.parent,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["findings"]


def test_an_argument_of_a_type_terraform_rejects_ends_the_check_with_exit_2(tfgen, tmp_path):
    text = example_path("TFG702", "bad").read_text().replace('image_tag_mutability = "MUTABLE"', 'image_tag_mutability = ["MUTABLE"]')
    result = tfgen("check", _write(tmp_path / "typed", text))
    assert result.code == 2 and "image_tag_mutability must be a string" in result.err and "main.tf:4" in result.err


def test_a_subject_condition_that_admits_tokens_without_the_claim_names_no_repository(tfgen, tmp_path):
    text = example_path("TFG211", "good").read_text().replace(
        '          "token.actions.githubusercontent.com:sub" = "repo:acme/shop:ref:refs/heads/main"\n', ""
    ).replace(
        '        StringEquals = {', '        StringLikeIfExists = { "token.actions.githubusercontent.com:sub" = "repo:acme/shop:*" }\n        StringEquals = {'
    )
    (finding,) = _findings(tfgen, _write(tmp_path / "if-exists", text), "TFG211")[0]
    assert "has no condition on token.actions.githubusercontent.com:sub" in finding[3]


def test_an_unknown_condition_leaves_the_policy_undecided(tfgen, tmp_path):
    text = example_path("TFG604", "bad").read_text().replace(
        'Resource = aws_sqs_queue.orders.arn }]', 'Resource = aws_sqs_queue.orders.arn, Condition = var.condition }]'
    ) + 'variable "condition" {}\n'
    assert _findings(tfgen, _write(tmp_path / "condition", text), "TFG604") == ([], 1)


def test_a_fifo_queue_restarts_retention_in_its_dead_letter_queue(tfgen, tmp_path):
    text = example_path("TFG606", "bad").read_text().replace('name = "orders"', 'name       = "orders.fifo"\n  fifo_queue = true').replace(
        'name                      = "orders-dlq"', 'name                      = "orders-dlq.fifo"\n  fifo_queue                = true'
    )
    assert text.count("fifo_queue") == 2
    assert _findings(tfgen, _write(tmp_path / "fifo", text), "TFG606") == ([], 0)


def test_equal_retention_is_fine_only_at_the_maximum(tfgen, tmp_path):
    bad = example_path("TFG606", "bad").read_text()
    same = bad.replace("message_retention_seconds = 86400", "message_retention_seconds = 345600")
    assert len(_findings(tfgen, _write(tmp_path / "same", same), "TFG606")[0]) == 1
    longest = bad.replace("message_retention_seconds = 86400", "message_retention_seconds = 1209600").replace(
        'name = "orders"', 'name                      = "orders"\n  message_retention_seconds = 1209600'
    )
    assert _findings(tfgen, _write(tmp_path / "longest", longest), "TFG606") == ([], 0)


def test_a_worker_role_receiving_from_every_queue_is_tfg208s_not_a_queue_rules(tfgen, tmp_path):
    """Least privilege of a worker's task role stays TFG208's decision; the queue rules judge the
    queues a policy names, and "*" names none of them."""
    text = example_path("TFG602", "bad").read_text().replace("Resource = aws_sqs_queue.orders.arn", 'Resource = "*"')
    findings, _ = _findings(tfgen, _write(tmp_path / "star", text), "TFG208", *[r for r in NEW_RULES if r.startswith("TFG6")])
    assert [(rule, address) for rule, _, address, _ in findings] == [("TFG208", "aws_iam_role_policy.consume")]
