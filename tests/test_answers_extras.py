"""Per-service keys of issue 10 in the answers model: spot, exec, command/entrypoint, secrets by SSM
parameter name, sidecars, target and depends_on. Each refusal names its key path and the reason."""

from __future__ import annotations

import pytest

from tfgen.answers import build_answers
from tfgen.errors import AnswersError


def problems(data: dict) -> list[str]:
    with pytest.raises(AnswersError) as err:
        build_answers(data)
    return err.value.problems


def stack(launch_type: str = "fargate", **service) -> dict:
    data = {"name": "shop", "launch_type": launch_type, "services": [{"name": "app", "image": "nginx:1", **service}]}
    if launch_type == "ec2":
        data["ec2"] = {"instance_type": "m7g.large"}
    return data


PROXY = {"name": "proxy", "image": "nginx:1", "port": 8081, "health_check_command": ["CMD-SHELL", "curl -f localhost:8081"]}


def test_the_new_keys_default_to_todays_stack():
    (s,) = build_answers(stack()).services
    assert (s.spot, s.exec, s.command, s.entrypoint, s.sidecars, s.target, s.depends_on) == (None, False, None, None, [], None, [])


def test_spot_defaults_to_one_on_demand_task_and_half_the_rest_on_spot():
    (s,) = build_answers(stack(spot={})).services
    assert (s.spot.base, s.spot.share) == (1, 50)


@pytest.mark.parametrize("share", [0, 101])
def test_spot_share_is_a_percentage_of_at_least_one(share):
    (problem,) = problems(stack(spot={"share": share}))
    assert problem.startswith("services[0].spot.share:")


def test_spot_on_ec2_is_refused_with_the_reason():
    (problem,) = problems(stack("ec2", spot={"base": 1, "share": 50}))
    assert problem.startswith("services[0].spot:")
    assert "Fargate capacity provider" in problem and "Spot instances in the Auto Scaling group" in problem


def test_exec_is_allowed_on_either_launch_type():
    assert build_answers(stack("ec2", exec=True)).services[0].exec is True


@pytest.mark.parametrize("value", ["/shop/prod/db", "DB_PASSWORD", "shop.prod-db_1", "/a/b/c",
                                   "arn:aws:ssm:eu-west-1:123456789012:parameter/shop/db",
                                   "arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/db-AbCdEf"])
def test_secrets_take_arns_and_ssm_parameter_names(value):
    assert build_answers(stack(secrets={"X": value})).services[0].secrets == {"X": value}


@pytest.mark.parametrize("value", ["shop/prod/db", "/shop//db", "/shop/db/", "db password", "/" + "/".join("abcdefghijklmnop"),
                                   "/" + "a" * 1011])
def test_secrets_refuse_what_ssm_would_not_name(value):
    (problem,) = problems(stack(secrets={"X": value}))
    assert problem.startswith("services[0].secrets.X:") and "SSM parameter name" in problem


def test_command_and_entrypoint_are_lists_of_at_least_one_word():
    (s,) = build_answers(stack(command=["serve", "--port", 8080], entrypoint=["/tini", "--"])).services
    assert s.command == ["serve", "--port", "8080"] and s.entrypoint == ["/tini", "--"]
    (problem,) = problems(stack(command=[]))
    assert problem.startswith("services[0].command:")


def test_container_names_are_unique_in_the_task():
    found = problems(stack(sidecars=[{"name": "app", "image": "x"}, {"name": "log", "image": "x"}, {"name": "log", "image": "y"}]))
    assert found == [
        "services[0].sidecars[0].name: container name 'app' is already used in this task (services[0])",
        "services[0].sidecars[2].name: container name 'log' is already used in this task (services[0].sidecars[1])",
    ]


def test_container_ports_are_distinct_in_the_task():
    (problem,) = problems(stack(port=8080, sidecars=[{"name": "proxy", "image": "x", "port": 8080}]))
    assert problem.startswith("services[0].sidecars[0].port:") and "'app'" in problem and "share one network" in problem


def test_target_must_name_a_container_with_a_port():
    (problem,) = problems(stack(target="proxy"))
    assert problem.startswith("services[0].target:") and "names no container" in problem
    (problem,) = problems(stack(target="agent", sidecars=[{"name": "agent", "image": "x"}]))
    assert problem.startswith("services[0].target:") and "no port" in problem


def test_target_needs_a_load_balancer():
    data = stack(target="proxy", expose=False, sidecars=[PROXY])
    data["load_balancer"] = {"type": "none"}
    (problem,) = problems(data)
    assert problem.startswith("services[0].target:") and "not behind a load balancer" in problem


def test_target_may_name_the_service_itself_or_a_sidecar():
    assert build_answers(stack(target="app")).services[0].target == "app"
    assert build_answers(stack(target="proxy", sidecars=[PROXY])).services[0].target == "proxy"


def test_depends_on_must_name_a_container_of_the_task():
    (problem,) = problems(stack(depends_on=[{"container": "db", "condition": "START"}]))
    assert problem.startswith("services[0].depends_on[0].container:") and "names no container" in problem
    (problem,) = problems(stack(sidecars=[{"name": "a", "image": "x", "depends_on": [{"container": "a", "condition": "START"}]}]))
    assert problem.startswith("services[0].sidecars[0].depends_on[0].container:") and "itself" in problem


def test_depends_on_condition_is_one_ecs_knows():
    (problem,) = problems(stack(sidecars=[PROXY], depends_on=[{"container": "proxy", "condition": "READY"}]))
    assert problem.startswith("services[0].depends_on[0].condition:")


def test_healthy_needs_a_health_check_on_the_container_waited_for():
    (problem,) = problems(stack(sidecars=[{"name": "proxy", "image": "x"}], depends_on=[{"container": "proxy", "condition": "HEALTHY"}]))
    assert problem.startswith("services[0].depends_on[0].condition:") and "health check on 'proxy'" in problem
    # the service's own container has no health check of its own
    (problem,) = problems(stack(sidecars=[{**PROXY, "depends_on": [{"container": "app", "condition": "HEALTHY"}]}]))
    assert problem.startswith("services[0].sidecars[0].depends_on[0].condition:") and "'app'" in problem
    assert build_answers(stack(sidecars=[PROXY], depends_on=[{"container": "proxy", "condition": "HEALTHY"}]))


@pytest.mark.parametrize("condition", ["COMPLETE", "SUCCESS"])
def test_complete_and_success_are_refused_on_an_essential_container(condition):
    essential = {"name": "init", "image": "x", "essential": True}
    (problem,) = problems(stack(sidecars=[essential], depends_on=[{"container": "init", "condition": condition}]))
    assert problem.startswith("services[0].depends_on[0].condition:") and "essential" in problem
    assert build_answers(stack(sidecars=[{**essential, "essential": False}], depends_on=[{"container": "init", "condition": condition}]))


def test_containers_waiting_for_each_other_in_a_circle_are_refused():
    sidecars = [
        {"name": "a", "image": "x", "depends_on": [{"container": "b", "condition": "START"}]},
        {"name": "b", "image": "x", "depends_on": [{"container": "a", "condition": "START"}]},
    ]
    (problem,) = problems(stack(sidecars=sidecars))
    assert problem == "services[0].sidecars[0].depends_on: the containers wait for each other in a circle: a -> b -> a"


@pytest.mark.parametrize("command", [["curl", "-f", "localhost"], ["CMD"], ["CMD-SHELL"]])
def test_a_health_check_starts_with_cmd_or_cmd_shell_and_a_command(command):
    (problem,) = problems(stack(sidecars=[{"name": "p", "image": "x", "health_check_command": command}]))
    assert problem.startswith("services[0].sidecars[0].health_check_command:") and "CMD-SHELL" in problem


def test_sidecars_fit_in_the_task():
    found = problems(stack(cpu=256, memory=512, sidecars=[{"name": "a", "image": "x", "cpu": 200, "memory": 300},
                                                          {"name": "b", "image": "x", "cpu": 100, "memory": 212}]))
    assert [p.split(":", 1)[0] for p in found] == ["services[0].sidecars", "services[0].sidecars"]
    assert "300 CPU units, more than the task's 256" in found[0] and "512 MiB" in found[1]


def test_sidecar_mounts_need_the_tasks_efs_volume_and_respect_read_only():
    data = stack(efs_mount="/data", efs_read_only=True, sidecars=[{"name": "p", "image": "x", "efs_mount": "/media"}])
    data["efs"] = {"enabled": True}
    (problem,) = problems(data)
    assert problem.startswith("services[0].sidecars[0].efs_read_only:") and "read-only" in problem
    data = stack(sidecars=[{"name": "p", "image": "x", "efs_mount": "/media"}])
    (problem,) = problems(data)
    assert problem.startswith("services[0].sidecars[0].efs_mount:") and "efs_mount" in problem
    (problem,) = problems(stack(sidecars=[{"name": "p", "image": "x", "efs_read_only": True}]))
    assert problem.startswith("services[0].sidecars[0].efs_read_only:")


def test_sidecar_environment_and_secrets_follow_the_services_rules():
    found = problems(stack(sidecars=[{"name": "p", "image": "x", "environment": {"AWS_ACCESS_KEY_ID": "a", "X": "1"},
                                      "secrets": {"X": "/shop/x"}}]))
    assert sorted(p.split(":", 1)[0] for p in found) == ["services[0].sidecars[0].environment.AWS_ACCESS_KEY_ID",
                                                          "services[0].sidecars[0].secrets.X"]


def test_a_sidecar_with_an_unknown_key_is_refused_with_its_path():
    (problem,) = problems(stack(sidecars=[{"name": "p", "image": "x", "ports": [80]}]))
    assert problem.startswith("services[0].sidecars[0].ports: unknown key")


def test_refusals_in_a_file_name_the_line(tmp_path):
    from tfgen.answers import load_answers_file

    path = tmp_path / "answers.yaml"
    path.write_text("name: shop\nlaunch_type: ec2\nec2: {instance_type: m7g.large}\nservices:\n"
                    "  - name: app\n    image: x\n    spot: {share: 50}\n")
    with pytest.raises(AnswersError) as err:
        load_answers_file(path)
    (problem,) = err.value.problems
    assert problem.startswith("services[0].spot") and "line 7" in problem and "Fargate capacity provider" in problem, problem


# --- services[].variables: environment variables from stack input variables -----------------------


def test_variables_map_environment_names_to_terraform_variables():
    (s,) = build_answers(stack(variables={"RELEASE": "release_tag", "TOKEN_NAME": "release_tag"})).services
    assert s.variables == {"RELEASE": "release_tag", "TOKEN_NAME": "release_tag"}
    assert build_answers(stack()).services[0].variables == {}


@pytest.mark.parametrize(
    ("variables", "key", "reason"),
    [
        ({"RELEASE": "Release"}, "services[0].variables.RELEASE", "a Terraform variable name"),
        ({"RELEASE": "1tag"}, "services[0].variables.RELEASE", "a Terraform variable name"),
        ({"RELEASE": "a" * 65}, "services[0].variables.RELEASE", "a Terraform variable name"),
        ({"REGION": "region"}, "services[0].variables.REGION", "the stack already declares a variable of that name"),
        ({"SVC": "services"}, "services[0].variables.SVC", "the stack already declares a variable of that name"),
        ({"N": "count"}, "services[0].variables.N", "Terraform reserves that name"),
        ({"1BAD": "tag"}, "services[0].variables.1BAD", "letters, digits and underscores"),
        ({"AWS_SECRET_ACCESS_KEY": "key"}, "services[0].variables.AWS_SECRET_ACCESS_KEY", "AWS credentials are refused"),
    ],
)
def test_variables_refusals_name_the_key(variables, key, reason):
    found = problems(stack(variables=variables))
    assert any(p.startswith(key) and reason in p for p in found), found


@pytest.mark.parametrize("other", ["environment", "secrets"])
def test_a_variable_name_also_in_environment_or_secrets_is_refused(other):
    value = {"environment": "v1", "secrets": "/shop/release"}[other]
    found = problems(stack(variables={"RELEASE": "release_tag"}, **{other: {"RELEASE": value}}))
    assert any(p.startswith("services[0].variables.RELEASE") and f"is also set in {other}" in p for p in found), found
