"""The plan scenarios (tests/plan_scenarios/) plan to exactly the changes they are named for.

Each plan is made by real Terraform, offline, against a state synthesised from the scenario's
before-stack (tests/plans.py). These tests pin what the plan analyzer will be given:
which resources are deleted, replaced, updated or created, and nothing else.
"""

from __future__ import annotations

import json
import re

import pytest

from plans import changed, resource_actions

pytestmark = pytest.mark.terraform

REPLACE = ("delete", "create")
FS = "module.efs.aws_efs_file_system.this"
FS_POLICY = "module.efs.aws_efs_file_system_policy.this"
MOUNT_TARGETS = ["module.efs.aws_efs_mount_target.this[0]", "module.efs.aws_efs_mount_target.this[1]"]
ACCESS_POINTS = ['module.efs.aws_efs_access_point.this["web"]', 'module.efs.aws_efs_access_point.this["worker"]']
SVC = 'module.service["web"]'
ELB = "eu-west-1:123456789012"
ARN = re.compile(r"arn:aws:[a-z0-9-]+:(eu-west-1)?:123456789012:\S+")


def _change(plan: dict, address: str) -> dict:
    (rc,) = [rc for rc in plan["resource_changes"] if rc["address"] == address]
    return rc


def _config_resource(plan: dict, module_path: list[str], address: str) -> dict:
    module = plan["configuration"]["root_module"]
    for name in module_path:
        module = module["module_calls"][name]["module"]
    (res,) = [r for r in module["resources"] if r["address"] == address]
    return res


# ---------------------------------------------------------------------------------------------
# The synthesised state
# ---------------------------------------------------------------------------------------------


def test_states_round_trip_to_no_changes(scenario_planner):
    """The before-stack planned against the state made from it changes nothing (the planner proves it with
    `plan -detailed-exitcode` before handing a state out); how many corrections that took:"""
    # The ECS stack: every value unknown at plan time is copied from what it references or made up.
    assert scenario_planner.settle_rounds("service_replaced") == 0
    # The EFS stack: its policy document, a data source deferred until the file system exists, is
    # only read by a plan against the state; that plan's value replaces the made-up one.
    assert scenario_planner.settle_rounds("efs_replaced") == 1


def test_state_is_a_well_formed_v4_state(scenario_planner):
    state = scenario_planner.state("service_replaced")
    assert state["version"] == 4 and state["lineage"] and state["serial"] >= 1
    by_type = {(r.get("module"), r["type"], r["name"]): r for r in state["resources"]}
    service = by_type[(SVC, "aws_ecs_service", "this")]
    assert service["provider"] == 'provider["registry.terraform.io/hashicorp/aws"]'
    (obj,) = service["instances"]
    assert obj["schema_version"] == 1  # aws_ecs_service is at schema version 1 in provider 5.x
    assert "index_key" not in obj
    attrs = obj["attributes"]
    assert attrs["id"] == "arn:aws:ecs:eu-west-1:123456789012:service/shop-prod/shop-prod-web"
    assert attrs["cluster"] == "arn:aws:ecs:eu-west-1:123456789012:cluster/shop-prod"
    assert attrs["task_definition"] == "arn:aws:ecs:eu-west-1:123456789012:task-definition/shop-prod-web:1"
    (lb,) = attrs["load_balancer"]  # a dynamic block, absent from the configuration: the only target group
    assert lb["target_group_arn"].startswith(f"arn:aws:elasticloadbalancing:{ELB}:targetgroup/shop-prod-web/")
    # Dependencies are configuration addresses (no instance keys), transitive, across modules
    # (except through dynamic blocks, which the plan's configuration leaves out: here the target
    # group, referenced only in the dynamic load_balancer block).
    assert obj["dependencies"] == [
        "module.cluster.aws_ecs_cluster.this",
        "module.service.aws_cloudwatch_log_group.this",
        "module.service.aws_ecs_task_definition.this",
        "module.service.aws_iam_role.execution",
        "module.service.aws_iam_role.task",
        "module.service.aws_iam_role_policy_attachment.execution",
    ]
    for resource in state["resources"]:
        for instance in resource["instances"]:
            assert instance["attributes"]["id"], (resource["type"], resource["name"])

    efs = {(r["type"], r["name"]): r for r in scenario_planner.state("efs_replaced")["resources"]}
    assert [o["index_key"] for o in efs[("aws_efs_mount_target", "this")]["instances"]] == [0, 1]
    assert [o["index_key"] for o in efs[("aws_efs_access_point", "this")]["instances"]] == ["web", "worker"]
    assert efs[("aws_efs_mount_target", "this")]["module"] == "module.efs"
    (fs,) = efs[("aws_efs_file_system", "this")]["instances"]
    assert re.fullmatch(r"fs-[0-9a-f]{17}", fs["attributes"]["id"])
    for mt in efs[("aws_efs_mount_target", "this")]["instances"]:
        assert mt["attributes"]["file_system_id"] == fs["attributes"]["id"]
        assert mt["dependencies"] == ["module.efs.aws_efs_file_system.this"]
    (policy,) = efs[("aws_efs_file_system_policy", "this")]["instances"]
    assert json.loads(policy["attributes"]["policy"])["Statement"][0]["Resource"] == fs["attributes"]["arn"]
    assert policy["dependencies"] == ["module.efs.aws_efs_file_system.this", "module.efs.data.aws_iam_policy_document.this"]


# ---------------------------------------------------------------------------------------------
# EFS (TFG501, TFG502)
# ---------------------------------------------------------------------------------------------


def test_efs_replaced(scenario_plan):
    plan = scenario_plan("efs_replaced")
    assert changed(plan) == {FS: REPLACE, FS_POLICY: REPLACE, **{a: REPLACE for a in MOUNT_TARGETS + ACCESS_POINTS}}
    assert resource_actions(plan)["aws_cloudwatch_log_group.audit"] == ("no-op",)
    fs = _change(plan, FS)
    assert fs["action_reason"] == "replace_because_cannot_update"
    assert fs["change"]["replace_paths"] == [["performance_mode"]]
    assert fs["change"]["before"]["performance_mode"] == "generalPurpose"
    assert fs["change"]["after"]["performance_mode"] == "maxIO"
    old_id = fs["change"]["before"]["id"]
    assert re.fullmatch(r"fs-[0-9a-f]{17}", old_id)
    assert fs["change"]["before"]["arn"] == f"arn:aws:elasticfilesystem:eu-west-1:123456789012:file-system/{old_id}"
    for address in [*MOUNT_TARGETS, *ACCESS_POINTS, FS_POLICY]:
        rc = _change(plan, address)
        assert rc["change"]["replace_paths"] == [["file_system_id"]], address
        assert rc["change"]["before"]["file_system_id"] == old_id
        assert rc["change"]["after_unknown"]["file_system_id"] is True


def test_efs_removed(scenario_plan):
    plan = scenario_plan("efs_removed")
    assert changed(plan) == {a: ("delete",) for a in [FS, FS_POLICY, *MOUNT_TARGETS, *ACCESS_POINTS]}
    assert resource_actions(plan)["aws_cloudwatch_log_group.audit"] == ("no-op",)
    for address in [FS, *MOUNT_TARGETS, *ACCESS_POINTS]:
        rc = _change(plan, address)
        assert rc["action_reason"] == "delete_because_no_resource_config"
        before = rc["change"]["before"]
        assert rc["change"]["after"] is None and ARN.fullmatch(before.get("arn") or before["file_system_arn"])
    assert "efs" not in plan["configuration"]["root_module"].get("module_calls", {})


# ---------------------------------------------------------------------------------------------
# ECS service and load balancer (TFG503)
# ---------------------------------------------------------------------------------------------


def test_service_replaced(scenario_plan):
    plan = scenario_plan("service_replaced")
    address = f"{SVC}.aws_ecs_service.this"
    assert changed(plan) == {address: REPLACE}
    rc = _change(plan, address)
    assert rc["change"]["replace_paths"] == [["name"]]
    assert (rc["change"]["before"]["name"], rc["change"]["after"]["name"]) == ("shop-prod-web", "shop-prod-web-v2")
    assert rc["change"]["before"]["id"].startswith("arn:aws:ecs:eu-west-1:123456789012:service/shop-prod/")


def test_lb_replaced(scenario_plan):
    plan = scenario_plan("lb_replaced")
    assert changed(plan) == {"module.alb.aws_lb.this": REPLACE, "module.alb.aws_lb_listener.http": REPLACE}
    lb = _change(plan, "module.alb.aws_lb.this")
    assert lb["change"]["replace_paths"] == [["internal"]]
    assert (lb["change"]["before"]["internal"], lb["change"]["after"]["internal"]) == (False, True)
    assert lb["change"]["before"]["arn"].startswith(f"arn:aws:elasticloadbalancing:{ELB}:loadbalancer/app/shop-prod/")
    assert lb["change"]["before"]["dns_name"].endswith(".eu-west-1.elb.amazonaws.com")
    assert _change(plan, "module.alb.aws_lb_listener.http")["change"]["replace_paths"] == [["load_balancer_arn"]]
    actions = resource_actions(plan)
    assert actions["module.alb.aws_lb_target_group.this"] == ("no-op",)
    assert actions[f"{SVC}.aws_ecs_service.this"] == ("no-op",)


# ---------------------------------------------------------------------------------------------
# Task role (TFG504)
# ---------------------------------------------------------------------------------------------


def test_task_role_deleted(scenario_plan):
    plan = scenario_plan("task_role_deleted")
    assert changed(plan) == {
        f"{SVC}.aws_iam_role.task": ("delete",),
        f"{SVC}.aws_iam_role.app": ("create",),
        f"{SVC}.aws_ecs_task_definition.this": REPLACE,
        f"{SVC}.aws_ecs_service.this": ("update",),
    }
    role = _change(plan, f"{SVC}.aws_iam_role.task")
    assert role["action_reason"] == "delete_because_no_resource_config"
    task_def = _change(plan, f"{SVC}.aws_ecs_task_definition.this")
    # The task definition being replaced used the deleted role...
    assert task_def["change"]["before"]["task_role_arn"] == role["change"]["before"]["arn"]
    assert role["change"]["before"]["arn"] == "arn:aws:iam::123456789012:role/shop-prod-web-task"
    assert task_def["change"]["replace_paths"] == [["task_role_arn"]]
    # ...and its replacement points at the new one (unknown until apply; named in configuration).
    assert task_def["change"]["after_unknown"]["task_role_arn"] is True
    config = _config_resource(plan, ["service"], "aws_ecs_task_definition.this")
    assert config["expressions"]["task_role_arn"]["references"][0] == "aws_iam_role.app.arn"
    assert task_def["change"]["before"]["execution_role_arn"] == task_def["change"]["after"]["execution_role_arn"]


# ---------------------------------------------------------------------------------------------
# Harmless updates
# ---------------------------------------------------------------------------------------------


def test_in_place_update(scenario_plan):
    plan = scenario_plan("in_place_update")
    assert set(resource_actions(plan).values()) == {("update",), ("no-op",)}
    assert changed(plan) == {
        f"{SVC}.aws_cloudwatch_log_group.this": ("update",),
        f"{SVC}.aws_ecs_service.this": ("update",),
        "module.alb.aws_lb.this": ("update",),
        "module.alb.aws_lb_target_group.this": ("update",),
        "module.alb.aws_lb_listener.http": ("update",),
    }
    logs = _change(plan, f"{SVC}.aws_cloudwatch_log_group.this")["change"]
    assert (logs["before"]["retention_in_days"], logs["after"]["retention_in_days"]) == (30, 90)
    service = _change(plan, f"{SVC}.aws_ecs_service.this")["change"]
    assert (service["before"]["desired_count"], service["after"]["desired_count"]) == (2, 3)
    lb = _change(plan, "module.alb.aws_lb.this")["change"]
    assert lb["after"]["tags"] == {"Stack": "shop-prod", "CostCenter": "42"}
    assert lb["before"]["arn"] == lb["after"]["arn"]


# ---------------------------------------------------------------------------------------------
# Values only the plan knows
# ---------------------------------------------------------------------------------------------


def test_vars_only_bad_fargate(scenario_plan):
    plan = scenario_plan("vars_only_bad_fargate")
    assert set(resource_actions(plan).values()) == {("create",)}
    assert {k: v["value"] for k, v in plan["variables"].items() if k != "private_subnet_ids"} == {
        "cpu": "256",
        "memory": "4096",
        "network_mode": "bridge",
    }
    task_def = _change(plan, 'module.service["worker"].aws_ecs_task_definition.this')["change"]["after"]
    assert (task_def["cpu"], task_def["memory"], task_def["network_mode"]) == ("256", "4096", "bridge")
    assert task_def["requires_compatibilities"] == ["FARGATE"]
    service = _change(plan, 'module.service["worker"].aws_ecs_service.this')["change"]["after"]
    assert service["launch_type"] == "FARGATE"
    # The configuration alone cannot tell: the values come from root variables without defaults.
    root_vars = plan["configuration"]["root_module"]["variables"]
    assert "default" not in root_vars["cpu"] and "default" not in root_vars["memory"]
    assert root_vars["network_mode"]["default"] == "awsvpc"
    config = _config_resource(plan, ["service"], "aws_ecs_task_definition.this")
    assert "constant_value" not in config["expressions"]["memory"]
    assert json.loads(task_def["container_definitions"])[0]["name"] == "app"
