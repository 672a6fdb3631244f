"""The per-service keys of issue 10 in a rendered stack: present only when used, and planned
offline to what AWS would get (the Fargate Spot weights at their edges, ECS Exec per service, a
sidecar without a port, the service's own container named as the target)."""

from __future__ import annotations

import json
import re

import pytest

from plans import MAX_SETTLE_ROUNDS, provider_resource_schemas, settle_state, state_from_plan
from stacks import of_type
from tfgen.answers import build_answers
from tfgen.render.stack import render_stack

# Arguments, attributes and values the new keys add to the root module.
NEW_KEYS = re.compile(
    r"^\s*(spot|exec|command|entrypoint|sidecars|depends_on|target|lb_targets|exec_logging|container_depends_on)\s*=", re.M
)

ANSWERS = {
    "name": "shop",
    "region": "eu-west-1",
    "services": [
        {
            "name": "web",
            "image": "nginx:1",
            "spot": {"base": 0, "share": 100},
            "target": "web",
            "depends_on": [{"container": "init", "condition": "SUCCESS"}],
            "sidecars": [
                {"name": "init", "image": "busybox:1", "essential": False},
                {"name": "agent", "image": "agent:1", "essential": True, "depends_on": [{"container": "web", "condition": "START"}]},
            ],
        },
        {"name": "api", "image": "api:1", "port": 8080, "path_pattern": "/api/*", "spot": {"base": 1, "share": 40}, "exec": True},
    ],
}


def test_a_stack_without_the_new_keys_mentions_none_of_them():
    files = render_stack(build_answers({"name": "shop", "services": [{"name": "web", "image": "nginx:1", "secrets": {"A": "/shop/a"}}]}))
    root = files["main.tf"].decode() + files["variables.tf"].decode() + files["terraform.tfvars"].decode()
    assert not NEW_KEYS.findall(root)
    assert NEW_KEYS.findall(render_stack(build_answers(ANSWERS))["main.tf"].decode())


def test_each_group_of_keys_reaches_the_stack_only_when_used():
    spot_only = render_stack(build_answers({"name": "shop", "services": [{"name": "web", "image": "x", "spot": {}}]}))
    tfvars = spot_only["terraform.tfvars"].decode()
    assert "spot = {" in tfvars.replace("  ", " ") and "sidecars" not in tfvars and "exec" not in tfvars
    main = spot_only["main.tf"].decode()
    assert "spot                          = each.value.spot" in main and "exec_logging" not in main and "lb_targets" not in main
    exec_only = render_stack(build_answers({"name": "shop", "services": [{"name": "web", "image": "x", "exec": True}]}))
    main = exec_only["main.tf"].decode()
    assert "exec_logging = true" in main and "spot" not in main and "sidecars" not in main


def test_the_stack_readme_describes_capacity_exec_and_containers_on_one_line_each():
    answers = build_answers({**ANSWERS, "services": [{**ANSWERS["services"][0], "command": ["sh", "-c", "echo `id`\nrm -rf /"]},
                                                    ANSWERS["services"][1]]})
    readme = render_stack(answers)["README.md"].decode()
    (web,) = [line for line in readme.splitlines() if line.startswith("- **web**: 0 tasks on FARGATE")]
    assert "100% of the rest on Fargate Spot" in web and "sidecar `agent` (`agent:1`, essential)" in web
    assert "`web` starts once `init` is SUCCESS" in web and "`agent` starts once `web` is START" in web
    assert 'command `["sh", "-c", "echo \\u0060id\\u0060\\nrm -rf /"]`' in web
    assert "the load balancer sends traffic" not in web  # its own container, as without target
    (api,) = [line for line in readme.splitlines() if line.startswith("- **api**: 1 task on FARGATE")]
    assert "40% of the rest" in api and "ECS Exec on (sessions encrypted and logged to `/ecs/shop-dev/exec`)" in api


@pytest.mark.terraform
def test_spot_weights_at_their_edges_exec_per_service_and_a_portless_sidecar(offline_terraform, tmp_path):
    root = tmp_path / "stack"
    for rel, content in render_stack(build_answers(ANSWERS)).items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(content)
    tf = offline_terraform(root)
    tf.init()
    tf.validate()
    tf.plan("tfplan", "-refresh=false")
    plan = tf.show_json("tfplan")

    services = {s["values"]["name"]: s["values"] for s in of_type(plan, "aws_ecs_service")}
    strategy = {
        name: {s["capacity_provider"]: (s["base"], s["weight"]) for s in svc["capacity_provider_strategy"]}
        for name, svc in services.items()
    }
    # share 100: every task beyond base on Spot, FARGATE's weight 0; share 40: 60 : 40 reduced to 3 : 2
    assert strategy["shop-dev-web"] == {"FARGATE": (0, 0), "FARGATE_SPOT": (0, 1)}
    assert strategy["shop-dev-api"] == {"FARGATE": (1, 3), "FARGATE_SPOT": (0, 2)}
    assert services["shop-dev-api"]["enable_execute_command"] is True
    assert services["shop-dev-web"]["enable_execute_command"] is False
    exec_policies = [p["address"] for p in of_type(plan, "aws_iam_role_policy") if p["name"] in ("exec", "exec_logging")]
    assert sorted(exec_policies) == ['module.service["api"].aws_iam_role_policy.exec[0]', 'module.service["api"].aws_iam_role_policy.exec_logging[0]']

    assert services["shop-dev-web"]["load_balancer"][0]["container_name"] == "web"
    assert services["shop-dev-web"]["load_balancer"][0]["container_port"] == 80
    tasks = {td["values"]["family"]: json.loads(td["values"]["container_definitions"]) for td in of_type(plan, "aws_ecs_task_definition")}
    web = {c["name"]: c for c in tasks["shop-dev-web"]}
    assert web["web"]["dependsOn"] == [{"containerName": "init", "condition": "SUCCESS"}]
    assert web["init"]["essential"] is False and web["init"]["portMappings"] == []
    assert web["agent"]["dependsOn"] == [{"containerName": "web", "condition": "START"}] and "memory" not in web["agent"]
    assert [c["name"] for c in tasks["shop-dev-api"]] == ["api"]

    state = _exec_documents_once_the_arns_exist(tf, plan)

    # Once running, a new Spot share updates the service in place instead of replacing it.
    tfvars = root / "terraform.tfvars"
    text, replaced = re.subn(r"(share\s*=\s*)40\b", r"\g<1>50", tfvars.read_text())
    assert replaced == 1
    tfvars.write_text(text)
    (tf.workdir / "terraform.tfstate").write_text(json.dumps(state))
    tf.plan("tfplan-share", "-refresh=false", "-lock=false")
    (change,) = [rc["change"] for rc in tf.show_json("tfplan-share")["resource_changes"] if rc["address"] == 'module.service["api"].aws_ecs_service.this[0]']
    assert change["actions"] == ["update"]
    assert {s["capacity_provider"]: s["weight"] for s in change["after"]["capacity_provider_strategy"]} == {"FARGATE": 1, "FARGATE_SPOT": 1}


def _exec_documents_once_the_arns_exist(tf, plan: dict) -> dict:
    """Planned again against a state made from the first plan (tests/plans.py), where the log
    group's and the key's ARNs exist: the task role may write to exactly the exec log group and
    decrypt with exactly the cluster's key, and the key admits CloudWatch Logs for that group only.
    Returns the state as if applied."""
    state = state_from_plan(plan, provider_resource_schemas(tf))
    for _ in range(MAX_SETTLE_ROUNDS + 1):
        (tf.workdir / "terraform.tfstate").write_text(json.dumps(state))
        tf.plan("tfplan-applied", "-refresh=false", "-lock=false")
        applied = tf.show_json("tfplan-applied")
        documents = {r["address"]: r["values"].get("policy") for r in of_type(applied, "aws_iam_role_policy") + of_type(applied, "aws_kms_key_policy")}
        if all(isinstance(d, str) for d in documents.values()):
            break
        state = settle_state(state, applied)
    else:
        raise AssertionError(f"policies still unknown: {[a for a, d in documents.items() if d is None]}")
    (log_group,) = [g["values"] for g in of_type(applied, "aws_cloudwatch_log_group") if g["values"]["name"] == "/ecs/shop-dev/exec"]
    (key,) = [k["values"] for k in of_type(applied, "aws_kms_key")]
    assert log_group["kms_key_id"] == key["arn"]
    logging = json.loads(documents['module.service["api"].aws_iam_role_policy.exec_logging[0]'])["Statement"]
    granted = {(a, r) for s in logging for a in _as_list(s["Action"]) for r in _as_list(s["Resource"])}
    assert granted == {
        ("logs:CreateLogStream", f"{log_group['arn']}:*"),
        ("logs:DescribeLogStreams", f"{log_group['arn']}:*"),
        ("logs:PutLogEvents", f"{log_group['arn']}:*"),
        ("kms:Decrypt", key["arn"]),
    }
    key_policy = {s["Sid"]: s for s in json.loads(documents["module.cluster.aws_kms_key_policy.exec[0]"])["Statement"]}
    account, region = key["arn"].split(":")[4], key["arn"].split(":")[3]
    assert key_policy["AccountAdministersTheKeyThroughIam"]["Principal"] == {"AWS": f"arn:aws:iam::{account}:root"}
    logs = key_policy["CloudWatchLogsEncryptsTheExecLogGroup"]
    assert logs["Principal"] == {"Service": f"logs.{region}.amazonaws.com"}
    assert logs["Condition"] == {"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": log_group["arn"]}}
    return settle_state(state, applied)


def _as_list(value):
    return value if isinstance(value, list) else [value]


@pytest.mark.terraform
def test_secrets_known_only_after_apply_still_plan_with_sidecars(offline_terraform, tmp_path):
    """The execution role's policy is counted by secret names, known at plan time, so secrets
    whose ARNs are known only after apply (a secret created beside the service) still plan."""
    import shutil

    from stacks import REPO, write_offline_override

    shutil.copytree(REPO / "modules" / "service", tmp_path / "modules" / "service")
    root = tmp_path / "root"
    root.mkdir()
    (root / "main.tf").write_text(
        """
provider "aws" {
  region = "eu-west-1"
}

resource "aws_secretsmanager_secret" "db" {
  name = "db"
}

module "service" {
  source = "../modules/service"

  name           = "shop-dev-app"
  container_name = "app"
  region         = "eu-west-1"
  cluster_arn    = "arn:aws:ecs:eu-west-1:111122223333:cluster/shop-dev"
  image          = "app:1"
  container_port = 8080
  cpu            = 256
  memory         = 512
  vpc_id         = "vpc-0123456789abcdef0"
  subnet_ids     = ["subnet-0123456789abcdef0"]
  secrets        = { DB = aws_secretsmanager_secret.db.arn }
  sidecars = [{
    name    = "agent"
    image   = "agent:1"
    secrets = { DB_AGENT = aws_secretsmanager_secret.db.arn, TOKEN = "/shop/token" }
  }]
}
"""
    )
    write_offline_override(root)
    tf = offline_terraform(root)
    tf.init()
    tf.plan("tfplan", "-refresh=false")
    plan = tf.show_json("tfplan")
    assert [p["address"] for p in of_type(plan, "aws_iam_role_policy") if p["name"] == "execution_secrets"] == [
        "module.service.aws_iam_role_policy.execution_secrets[0]"
    ]
