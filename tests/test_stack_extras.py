"""The per-service keys of issue 10 in a rendered stack: present only when used, and planned
offline to what AWS would get (the Fargate Spot weights at their edges, ECS Exec per service, a
sidecar without a port, the service's own container named as the target)."""

from __future__ import annotations

import json
import re

import pytest

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
