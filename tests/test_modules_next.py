"""The worker, job, Service Connect, ECR and deploy-role modules are real, least-privilege Terraform.

Each module has a small root under tests/module_fixtures/<module>/ calling it with realistic
inputs. Every root is initialised once, validated and planned offline. Policies built from ARNs
AWS assigns are unknown in a first plan, so the roots that need them are planned a second time
against a state synthesised from the first plan (tests/plans.py), where those documents are known.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from plans import plan_as_if_applied, policies, provider_resource_schemas
from stacks import REPO, planned_resources
from tfgen.check.loader import load_file
from tfgen.terraform import Terraform

pytestmark = pytest.mark.terraform

FIXTURES = REPO / "tests" / "module_fixtures"
MODULES = ["queue", "queue_scaling", "scheduled_job", "service_connect", "ecr", "deploy_role"]
# Roots whose policy documents reference ARNs only known after apply.
REPLANNED = ["queue", "scheduled_job", "deploy_role"]

ACCOUNT = "111122223333"


class Root:
    """One fixture root, initialised, with its first plan and (for REPLANNED) its second."""

    def __init__(self, tf: Terraform, plan: dict[str, Any]):
        self.tf = tf
        self.plan = plan
        self.replan: dict[str, Any] | None = None

    @property
    def known(self) -> dict[str, Any]:
        """The plan in which every policy document is known."""
        return self.replan or self.plan


@pytest.fixture(scope="session")
def roots(offline_terraform, tmp_path_factory) -> dict[str, Root]:
    """module name -> its fixture root, in a copy of the repository's modules and fixtures."""
    work = tmp_path_factory.mktemp("modules-next")
    shutil.copytree(REPO / "modules", work / "modules")
    shutil.copytree(FIXTURES, work / "tests" / "module_fixtures")
    # One fmt over every new module and fixture root.
    tfs = {name: offline_terraform(work / "tests" / "module_fixtures" / name) for name in MODULES}
    tfs[MODULES[0]].run("fmt", "-check", "-recursive", "-diff", "-no-color", str(work))

    roots = {}
    for name in MODULES:
        tf = tfs[name]
        # As in tests/plans.py: garbage collection is most of what these small plans cost.
        tf.env.setdefault("GOGC", "off")
        tf.init()
        tf.validate()
        tf.plan("tfplan", "-refresh=false")
        roots[name] = Root(tf, tf.show_json("tfplan"))

    schemas = provider_resource_schemas(tfs[REPLANNED[0]])
    for name in REPLANNED:
        roots[name].replan = plan_as_if_applied(roots[name].tf, roots[name].plan, schemas)
    return roots


def resources(plan: dict[str, Any], rtype: str, module: str | None = None) -> list[dict[str, Any]]:
    return [
        r
        for r in planned_resources(plan)
        if r["type"] == rtype and (module is None or r["address"].startswith(f"module.{module}."))
    ]


def one(plan: dict[str, Any], rtype: str, module: str | None = None) -> dict[str, Any]:
    (found,) = resources(plan, rtype, module)
    return found["values"]


def statements(document: str) -> list[dict[str, Any]]:
    return json.loads(document)["Statement"]


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def by_sid(document: str) -> dict[str, dict[str, Any]]:
    return {s["Sid"]: s for s in statements(document)}


# ---------------------------------------------------------------------------------------------
# Every module
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", MODULES)
def test_fixture_plans_only_creates(roots, name):
    plan = roots[name].plan
    actions = {tuple(rc["change"]["actions"]) for rc in plan["resource_changes"]}
    assert actions <= {("create",), ("read",)}, actions
    assert any(rc["change"]["actions"] == ["create"] for rc in plan["resource_changes"])


@pytest.mark.parametrize("name", MODULES)
def test_no_allow_statement_has_a_wildcard_action_and_every_policy_is_known(roots, name):
    documents = policies(roots[name].known)
    for address, document in documents:
        assert isinstance(document, str), f"{address}: policy still unknown after the second plan"
        for statement in statements(document):
            if statement["Effect"] != "Allow":
                continue
            for action in as_list(statement["Action"]):
                assert action != "*" and not action.endswith(":*"), (address, statement)
    if name in ("queue", "scheduled_job", "deploy_role", "ecr"):
        assert documents, "the fixture plans policies"


@pytest.mark.parametrize("name", MODULES)
def test_every_module_has_the_standard_files_and_documented_interface(name):
    folder = REPO / "modules" / name
    assert sorted(p.name for p in folder.iterdir()) == ["README.md", "main.tf", "outputs.tf", "variables.tf", "versions.tf"]
    readme = (folder / "README.md").read_text()
    for kind, required in (("variable", ("description", "type")), ("output", ("description",))):
        blocks = [b for b in load_file(folder / f"{kind}s.tf").blocks if b.type == kind]
        assert blocks
        for block in blocks:
            (label,) = block.labels
            assert all(block.attr(a) is not None for a in required), f"{name}: {kind} {label} lacks {required}"
            assert f"`{label}`" in readme, f"README of {name} does not document {kind} {label}"


def test_fixture_roots_check_clean():
    """tfgen's own checker finds nothing above info in any fixture root (and so in the modules)."""
    proc = subprocess.run(
        [sys.executable, "-m", "tfgen", "check", str(FIXTURES), "--format", "json", "--fail-on", "warning"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = json.loads(proc.stdout)
    assert [f for f in report["findings"] if f["severity"] != "info"] == []


# ---------------------------------------------------------------------------------------------
# queue
# ---------------------------------------------------------------------------------------------


def test_queue_redrives_to_an_encrypted_dlq_only_it_may_use(roots):
    plan = roots["queue"].known
    queues = {q["values"]["name"]: q["values"] for q in resources(plan, "aws_sqs_queue")}
    orders, dlq = queues["shop-prod-orders"], queues["shop-prod-orders-dlq"]
    redrive = json.loads(orders["redrive_policy"])
    assert redrive["maxReceiveCount"] == 4
    assert redrive["deadLetterTargetArn"] == dlq["arn"]
    assert orders["visibility_timeout_seconds"] == 300 and orders["receive_wait_time_seconds"] == 20
    for queue in (orders, dlq):
        assert queue["sqs_managed_sse_enabled"] is True and queue.get("kms_master_key_id") is None
    (allow,) = [
        json.loads(p["values"]["redrive_allow_policy"])
        for p in resources(plan, "aws_sqs_queue_redrive_allow_policy", "orders")
    ]
    assert allow == {"redrivePermission": "byQueue", "sourceQueueArns": [orders["arn"]]}

    audit = queues["shop-prod-audit"]
    assert audit["kms_master_key_id"].startswith("arn:aws:kms:") and not audit.get("sqs_managed_sse_enabled")
    # Derived: twice the processing time when no visibility timeout is given.
    assert audit["visibility_timeout_seconds"] == 20


def test_queue_admits_exactly_its_topics_and_topics_exactly_their_publishers(roots):
    plan = roots["queue"].known
    topics = {t["values"]["name"]: t["values"] for t in resources(plan, "aws_sns_topic", "orders")}
    assert set(topics) == {"shop-prod-orders-order-events", "shop-prod-orders-refunds"}
    assert all(t["kms_master_key_id"] == "alias/aws/sns" for t in topics.values())

    (queue_policy,) = [
        by_sid(p["values"]["policy"]) for p in resources(plan, "aws_sqs_queue_policy", "orders") if p["index"] == "this"
    ]
    send = queue_policy["AllowOwnTopicsToSend"]
    assert send["Principal"] == {"Service": "sns.amazonaws.com"} and send["Action"] == "sqs:SendMessage"
    external = f"arn:aws:sns:eu-west-1:{ACCOUNT}:shop-prod-catalog-updates"
    assert sorted(as_list(send["Condition"]["ArnEquals"]["aws:SourceArn"])) == sorted([t["arn"] for t in topics.values()] + [external])
    assert queue_policy["DenyInsecureTransport"]["Effect"] == "Deny"

    publishers = {}
    for policy in resources(plan, "aws_sns_topic_policy", "orders"):
        statement = by_sid(policy["values"]["policy"])["AllowPublishers"]
        assert statement["Action"] == "sns:Publish" and statement["Resource"] == policy["values"]["arn"]
        publishers[policy["index"]] = as_list(statement["Principal"]["AWS"])
    account_root = f"arn:aws:iam::{topics['shop-prod-orders-order-events']['arn'].split(':')[4]}:root"
    assert publishers == {
        "order-events": [account_root],
        "refunds": [f"arn:aws:iam::{ACCOUNT}:role/shop-prod-payments-task"],
    }


def test_queue_subscriptions_carry_filter_policy_and_raw_delivery(roots):
    plan = roots["queue"].known
    subs = {s["index"]: s["values"] for s in resources(plan, "aws_sns_topic_subscription", "orders")}
    assert set(subs) == {"order-events", "refunds", "catalog"}
    (queue_arn,) = [q["values"]["arn"] for q in resources(plan, "aws_sqs_queue", "orders") if q["name"] == "this"]
    assert all(s["protocol"] == "sqs" and s["endpoint"] == queue_arn for s in subs.values())
    assert subs["catalog"]["topic_arn"] == f"arn:aws:sns:eu-west-1:{ACCOUNT}:shop-prod-catalog-updates"
    assert json.loads(subs["catalog"]["filter_policy"]) == {"kind": ["price"]} and subs["catalog"]["raw_message_delivery"] is False
    assert json.loads(subs["order-events"]["filter_policy"]) == {"event": ["order.created", "order.paid"]}
    assert subs["order-events"]["filter_policy_scope"] == "MessageAttributes"
    assert subs["order-events"]["raw_message_delivery"] is True
    assert subs["refunds"].get("filter_policy") in (None, "") and subs["refunds"]["raw_message_delivery"] is False


def test_queue_consumer_policy_is_this_queue_only_plus_decrypt_with_a_cmk(roots):
    plan = roots["queue"].known
    queues = {q["values"]["name"]: q["values"]["arn"] for q in resources(plan, "aws_sqs_queue")}
    granted = {}
    for policy in resources(plan, "aws_iam_role_policy"):
        granted[policy["index"]] = {
            (a, r) for s in statements(policy["values"]["policy"]) for a in as_list(s["Action"]) for r in as_list(s["Resource"])
        }
    consume = {"sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"}
    assert granted["orders"] == {(a, queues["shop-prod-orders"]) for a in consume}
    assert granted["audit"] == {(a, queues["shop-prod-audit"]) for a in consume} | {
        ("kms:Decrypt", "arn:aws:kms:eu-west-1:111122223333:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789")
    }


def test_visibility_timeout_below_processing_time_is_refused(roots):
    tf = roots["queue"].tf
    proc = tf.run(
        "plan", "-input=false", "-no-color", "-refresh=false", "-lock=false",
        "-var", "processing_time_seconds=600", "-var", "visibility_timeout_seconds=300",
        check=False,
    )
    assert proc.returncode != 0
    assert "visibility_timeout_seconds must be a whole number of seconds above processing_time_seconds" in " ".join(proc.stderr.split())


# ---------------------------------------------------------------------------------------------
# queue_scaling
# ---------------------------------------------------------------------------------------------


def test_queue_scaling_tracks_backlog_per_running_task(roots):
    plan = roots["queue_scaling"].plan
    target = one(plan, "aws_appautoscaling_target", "orders_worker_scaling")
    assert target["resource_id"] == "service/shop-prod/shop-prod-orders-worker"
    assert (target["min_capacity"], target["max_capacity"]) == (1, 10)
    policy = one(plan, "aws_appautoscaling_policy", "orders_worker_scaling")
    assert policy["policy_type"] == "TargetTrackingScaling"
    assert not resources(plan, "aws_cloudwatch_metric_alarm", "orders_worker_scaling")
    (config,) = policy["target_tracking_scaling_policy_configuration"]
    assert config["target_value"] == 100
    (custom,) = config["customized_metric_specification"]
    metrics = {m["id"]: m for m in custom["metrics"]}
    assert metrics["backlog_per_task"]["expression"] == "visible / tasks" and metrics["backlog_per_task"]["return_data"] is True
    (visible,) = metrics["visible"]["metric_stat"][0]["metric"]
    assert (visible["namespace"], visible["metric_name"]) == ("AWS/SQS", "ApproximateNumberOfMessagesVisible")
    assert visible["dimensions"] == [{"name": "QueueName", "value": "shop-prod-orders"}]
    (tasks,) = metrics["tasks"]["metric_stat"][0]["metric"]
    assert (tasks["namespace"], tasks["metric_name"]) == ("ECS/ContainerInsights", "RunningTaskCount")
    assert {d["name"]: d["value"] for d in tasks["dimensions"]} == {"ClusterName": "shop-prod", "ServiceName": "shop-prod-orders-worker"}


def test_queue_scaling_steps_on_alarms_above_and_below_the_target(roots):
    plan = roots["queue_scaling"].plan
    assert not [p for p in resources(plan, "aws_appautoscaling_policy", "audit_worker_scaling") if p["name"] == "this"]
    policies_ = {p["index"]: p["values"] for p in resources(plan, "aws_appautoscaling_policy", "audit_worker_scaling")}
    assert set(policies_) == {"out", "in"}
    assert all(p["policy_type"] == "StepScaling" for p in policies_.values())

    def steps(key):
        (config,) = policies_[key]["step_scaling_policy_configuration"]
        assert config["adjustment_type"] == "ChangeInCapacity"
        # The provider records an open bound as "".
        return sorted(
            (s["metric_interval_lower_bound"] or None, s["metric_interval_upper_bound"] or None, s["scaling_adjustment"])
            for s in config["step_adjustment"]
        )

    assert steps("out") == [("0", "50", 1), ("150", None, 4), ("50", "150", 2)]
    assert steps("in") == [(None, "0", -1)]

    alarms = {a["index"]: a["values"] for a in resources(plan, "aws_cloudwatch_metric_alarm", "audit_worker_scaling")}
    assert {k: (a["comparison_operator"], a["threshold"], a["evaluation_periods"]) for k, a in alarms.items()} == {
        "out": ("GreaterThanThreshold", 50, 1),
        "in": ("LessThanThreshold", 50, 10),
    }
    for alarm in alarms.values():
        queries = {q["id"]: q for q in alarm["metric_query"]}
        assert queries["backlog_per_task"]["expression"] == "visible / tasks"
        assert queries["visible"]["metric"][0]["dimensions"] == {"QueueName": "shop-prod-audit"}
        assert queries["tasks"]["metric"][0]["dimensions"] == {"ClusterName": "shop-prod", "ServiceName": "shop-prod-audit-worker"}


# ---------------------------------------------------------------------------------------------
# scheduled_job
# ---------------------------------------------------------------------------------------------


def test_schedule_runs_the_task_on_the_cluster_with_retries_and_a_dlq(roots):
    plan = roots["scheduled_job"].known
    schedule = one(plan, "aws_scheduler_schedule", "nightly_report")
    assert schedule["schedule_expression"] == "cron(0 3 * * ? *)"
    assert schedule["schedule_expression_timezone"] == "Europe/Paris"
    assert schedule["flexible_time_window"] == [{"mode": "OFF", "maximum_window_in_minutes": None}]
    (target,) = schedule["target"]
    assert target["arn"] == "arn:aws:ecs:eu-west-1:111122223333:cluster/shop-prod"
    (ecs,) = target["ecs_parameters"]
    assert ecs["task_definition_arn"].endswith(":task-definition/shop-prod-nightly-report:7")
    assert ecs["launch_type"] is None
    assert {(s["capacity_provider"], s["weight"], s["base"]) for s in ecs["capacity_provider_strategy"]} == {
        ("FARGATE", 1, 1),
        ("FARGATE_SPOT", 3, 0),
    }
    (net,) = ecs["network_configuration"]
    assert net["assign_public_ip"] is False and net["security_groups"] == ["sg-0123456789abcdef0"]
    assert target["retry_policy"] == [{"maximum_retry_attempts": 2, "maximum_event_age_in_seconds": 1800}]
    dlq = one(plan, "aws_sqs_queue", "nightly_report")
    assert dlq["sqs_managed_sse_enabled"] is True
    assert target["dead_letter_config"] == [{"arn": dlq["arn"]}]

    cleanup = one(plan, "aws_scheduler_schedule", "hourly_cleanup")
    (cleanup_ecs,) = cleanup["target"][0]["ecs_parameters"]
    assert cleanup_ecs["launch_type"] == "FARGATE" and cleanup_ecs["platform_version"] == "LATEST"


def test_scheduler_role_runs_only_the_family_and_passes_exactly_the_two_roles(roots):
    plan = roots["scheduled_job"].known
    role = one(plan, "aws_iam_role", "nightly_report")
    (trust,) = statements(role["assume_role_policy"])
    assert trust["Principal"] == {"Service": "scheduler.amazonaws.com"}
    assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}}

    sids = by_sid(one(plan, "aws_iam_role_policy", "nightly_report")["policy"])
    run = sids["RunJobTaskDefinitionOnCluster"]
    assert run["Action"] == "ecs:RunTask"
    assert run["Resource"] == "arn:aws:ecs:eu-west-1:111122223333:task-definition/shop-prod-nightly-report:*"
    assert run["Condition"] == {"ArnEquals": {"ecs:cluster": "arn:aws:ecs:eu-west-1:111122223333:cluster/shop-prod"}}
    passing = sids["PassJobRolesToEcsTasks"]
    assert passing["Action"] == "iam:PassRole"
    assert sorted(as_list(passing["Resource"])) == [
        "arn:aws:iam::111122223333:role/shop-prod-nightly-report-execution",
        "arn:aws:iam::111122223333:role/shop-prod-nightly-report-task",
    ]
    assert passing["Condition"] == {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}
    tag = sids["TagJobTasksOnCreate"]
    assert tag["Resource"] == "arn:aws:ecs:eu-west-1:111122223333:task/shop-prod/*"
    assert tag["Condition"] == {"StringEquals": {"ecs:CreateAction": "RunTask"}}
    dlq = one(plan, "aws_sqs_queue", "nightly_report")
    assert sids["SendFailedInvocationsToDlq"] == {
        "Sid": "SendFailedInvocationsToDlq", "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": dlq["arn"]
    }
    assert set(sids) == {"RunJobTaskDefinitionOnCluster", "TagJobTasksOnCreate", "PassJobRolesToEcsTasks", "SendFailedInvocationsToDlq"}

    # The revision-less ARN of the other job becomes the same family wildcard.
    cleanup = by_sid(one(plan, "aws_iam_role_policy", "hourly_cleanup")["policy"])
    assert cleanup["RunJobTaskDefinitionOnCluster"]["Resource"].endswith(":task-definition/shop-prod-cleanup:*")

    dlq_policy = by_sid(one(plan, "aws_sqs_queue_policy", "nightly_report")["policy"])
    assert dlq_policy["AllowSchedulerRoleToSend"]["Principal"] == {"AWS": role["arn"]}


@pytest.mark.parametrize("expression", ["rate(1 minutes)", "rate(5 minute)", "cron(0 3 * * * *)", "cron(0 3 * *)", "every day"])
def test_bad_schedule_expression_is_refused(roots, expression):
    proc = roots["scheduled_job"].tf.run(
        "plan", "-input=false", "-no-color", "-refresh=false", "-lock=false", "-var", f"schedule_expression={expression}",
        check=False,
    )
    assert proc.returncode != 0
    assert "schedule_expression must be rate(<n> <unit>)" in " ".join(proc.stderr.split())


# ---------------------------------------------------------------------------------------------
# service_connect
# ---------------------------------------------------------------------------------------------


def test_service_connect_namespace_is_an_http_namespace(roots):
    namespace = one(roots["service_connect"].plan, "aws_service_discovery_http_namespace")
    assert namespace["name"] == "shop-prod.internal"
    assert not resources(roots["service_connect"].plan, "aws_service_discovery_private_dns_namespace")


# ---------------------------------------------------------------------------------------------
# ecr
# ---------------------------------------------------------------------------------------------


def test_ecr_repositories_are_immutable_scanned_encrypted_and_expire_images(roots):
    plan = roots["ecr"].plan
    repos = {r["values"]["name"]: r["values"] for r in resources(plan, "aws_ecr_repository")}
    assert set(repos) == {"shop/web", "shop/orders-worker", "shop/tools"}
    for repo in repos.values():
        assert repo["image_tag_mutability"] == "IMMUTABLE"
        assert repo["image_scanning_configuration"] == [{"scan_on_push": True}]
    assert repos["shop/web"]["encryption_configuration"][0]["encryption_type"] == "KMS"
    assert repos["shop/tools"]["encryption_configuration"][0]["encryption_type"] == "AES256"

    lifecycle = {p["index"]: json.loads(p["values"]["policy"]) for p in resources(plan, "aws_ecr_lifecycle_policy", "ecr")}
    assert set(lifecycle) == {"web", "worker"}
    rules = {r["selection"]["tagStatus"]: r for r in lifecycle["web"]["rules"]}
    assert rules["untagged"]["selection"] == {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 3}
    assert rules["any"]["selection"] == {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 20}
    assert rules["any"]["rulePriority"] > rules["untagged"]["rulePriority"], "ECR requires the 'any' rule last"

    (pull,) = {p["values"]["policy"] for p in resources(plan, "aws_ecr_repository_policy", "ecr")}
    (statement,) = statements(pull)
    assert statement["Principal"] == {"AWS": "arn:aws:iam::444455556666:root"}
    assert not any(a.startswith("ecr:Put") or a.endswith("Upload") for a in as_list(statement["Action"]))
    assert not resources(plan, "aws_ecr_repository_policy", "ecr_aes")


# ---------------------------------------------------------------------------------------------
# deploy_role
# ---------------------------------------------------------------------------------------------


def test_deploy_role_trust_names_the_repository_and_branch(roots):
    plan = roots["deploy_role"].known
    (provider,) = resources(plan, "aws_iam_openid_connect_provider")
    assert provider["address"].startswith("module.github.")
    assert provider["values"]["url"] == "https://token.actions.githubusercontent.com"
    assert provider["values"]["client_id_list"] == ["sts.amazonaws.com"]

    (github,) = statements(one(plan, "aws_iam_role", "github")["assume_role_policy"])
    assert github["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert github["Principal"] == {"Federated": provider["values"]["arn"]}
    assert github["Condition"] == {
        "StringEquals": {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": "repo:acme/shop:ref:refs/heads/main",
        }
    }

    (gitlab,) = statements(one(plan, "aws_iam_role", "gitlab")["assume_role_policy"])
    assert gitlab["Principal"] == {"Federated": "arn:aws:iam::111122223333:oidc-provider/gitlab.com"}
    assert gitlab["Condition"] == {
        "StringEquals": {
            "gitlab.com:aud": "https://gitlab.com",
            "gitlab.com:sub": "project_path:acme/platform/shop:ref_type:branch:ref:release/v2",
        }
    }


def test_deploy_role_may_do_exactly_the_deploy(roots):
    plan = roots["deploy_role"].known
    granted: dict[str, set[str]] = {}
    for statement in statements(one(plan, "aws_iam_role_policy", "github")["policy"]):
        assert statement["Effect"] == "Allow"
        for action in as_list(statement["Action"]):
            granted.setdefault(action, set()).update(as_list(statement["Resource"]))
        if statement["Action"] == "iam:PassRole":
            assert statement["Condition"] == {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}
    repos = {f"arn:aws:ecr:eu-west-1:{ACCOUNT}:repository/shop/web", f"arn:aws:ecr:eu-west-1:{ACCOUNT}:repository/shop/orders-worker"}
    services = {
        f"arn:aws:ecs:eu-west-1:{ACCOUNT}:service/shop-prod/shop-prod-web",
        f"arn:aws:ecs:eu-west-1:{ACCOUNT}:service/shop-prod/shop-prod-orders-worker",
    }
    push = ["BatchCheckLayerAvailability", "BatchGetImage", "CompleteLayerUpload", "DescribeImages", "GetDownloadUrlForLayer", "InitiateLayerUpload", "PutImage", "UploadLayerPart"]
    assert granted == {
        **{f"ecr:{a}": repos for a in push},
        "ecr:GetAuthorizationToken": {"*"},
        "ecs:RegisterTaskDefinition": {"*"},
        "ecs:DescribeTaskDefinition": {"*"},
        "ecs:UpdateService": services,
        "ecs:DescribeServices": services,
        "iam:PassRole": {f"arn:aws:iam::{ACCOUNT}:role/shop-prod-web-task", f"arn:aws:iam::{ACCOUNT}:role/shop-prod-web-execution"},
    }
    # Only the actions IAM cannot scope take "*".
    unscoped = {a for a, r in granted.items() if "*" in r}
    assert unscoped == {"ecr:GetAuthorizationToken", "ecs:RegisterTaskDefinition", "ecs:DescribeTaskDefinition"}
