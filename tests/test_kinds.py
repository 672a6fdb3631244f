"""Service kinds (issue 10 §1) in the answers model and the rendered stack, without Terraform.

The refusals of keys a kind does not take, each with its key path; the kind derived for answers
files written before kinds existed (and those files rendering exactly as before); the saved
answers of a stack of kinds replaying to the same stack; what each kind puts into the stack.
The plans of the kinds' examples are asserted on in test_examples_terraform.py.
"""

from __future__ import annotations

import copy
import json

import pytest
import yaml

from stacks import EXAMPLES, of_type
from tfgen.answers import build_answers, load_answers_file
from tfgen.errors import AnswersError, TerraformError
from tfgen.render.provenance import ANSWERS_FILE, answers_yaml
from tfgen.render.stack import load_balancers, modules_used, render_stack, root_variables, uses_kinds

IMAGE = "nginx:1"
KIND_EXAMPLES = ["fargate-backend-service-connect", "fargate-worker-queue", "fargate-scheduled-job", "fargate-mixed-kinds"]
OLD_EXAMPLES = ["ec2-alb", "ec2-nlb-efs-existing-vpc", "fargate-alb-defaults", "fargate-https-efs", "fargate-nlb-privatelink", "fargate-worker-s3-state"]


def stack(*services: dict, **top) -> dict:
    return {"name": "shop", **top, "services": [{"image": IMAGE, **s} for s in services]}


def problems(data: dict) -> list[str]:
    with pytest.raises(AnswersError) as err:
        build_answers(data)
    return err.value.problems


WEB = {"name": "web"}
PUBLISHER = {"name": "web", "publish": [{"name": "orders"}]}
JOB = {"name": "nightly", "kind": "job", "schedule": "rate(1 day)"}
WORKER = {"name": "w", "kind": "worker"}


# --- the kind derived from older answers ------------------------------------------------------


@pytest.mark.parametrize(
    ("service", "top", "kind"),
    [
        ({}, {}, "web"),
        ({"expose": False}, {}, "worker"),
        ({}, {"load_balancer": {"type": "none"}}, "worker"),
        ({}, {"load_balancer": {"type": "nlb"}}, "nlb"),
        ({"expose": False}, {"load_balancer": {"type": "nlb"}}, "worker"),
    ],
)
def test_kind_left_out_is_derived_from_expose_and_the_load_balancer_type(service, top, kind):
    data = stack({"name": "a", **service}, {"name": "b"}, **top) if kind == "worker" and "expose" in service else stack({"name": "a", **service}, **top)
    a = build_answers(data)
    assert a.services[0].kind == kind
    # Derived, not given: the refusals of explicit kinds do not see it.
    assert "kind" not in a.services[0].model_fields_set
    assert a.services[0].connect is False


def test_connect_defaults_to_true_for_a_backend_only():
    a = build_answers(stack(WEB, {"name": "api", "kind": "backend"}, {"name": "w", "kind": "worker", "connect": True}))
    assert [s.connect for s in a.services] == [False, True, True]
    assert [s.name for s in a.connect_servers] == ["api", "w"]


@pytest.mark.parametrize("name", OLD_EXAMPLES)
def test_older_answers_render_the_same_stack_with_the_derived_kind_given(name):
    """Writing the derived kind out changes nothing: the older stacks stay exactly as they were
    (the committed examples, which a test keeps equal to the generator's output)."""
    data = yaml.safe_load((EXAMPLES / name / "answers.yaml").read_text())
    before = build_answers(data)
    assert not uses_kinds(before)
    explicit = copy.deepcopy(data)
    explicit.setdefault("services", [{"name": s.name, "image": s.image} for s in before.services])
    for raw, s in zip(explicit["services"], before.services):
        raw["kind"] = s.kind
    after = build_answers(explicit)
    rendered = {k: v for k, v in render_stack(after).items() if k != ANSWERS_FILE}
    assert rendered == {k: v for k, v in render_stack(before).items() if k != ANSWERS_FILE}


@pytest.mark.parametrize("name", KIND_EXAMPLES + OLD_EXAMPLES)
def test_saved_answers_replay_to_the_same_answers_and_stack(name, tmp_path):
    a = load_answers_file(EXAMPLES / name / "answers.yaml")
    saved = tmp_path / ANSWERS_FILE
    saved.write_text(answers_yaml(a))
    again = load_answers_file(saved)
    assert [s.kind for s in again.services] == [s.kind for s in a.services]
    assert answers_yaml(again) == answers_yaml(a)
    assert render_stack(again) == render_stack(a)


def test_saved_answers_leave_out_what_a_kind_refuses():
    a = build_answers(stack(WEB, {"name": "api", "kind": "backend"}, JOB))
    saved = yaml.safe_load(answers_yaml(a))["services"]
    assert {"port", "path_pattern", "health_check_path", "desired_count"}.isdisjoint(saved[2])
    assert "path_pattern" not in saved[1] and "port" in saved[1]
    assert saved[0]["path_pattern"] == "/*"


# --- refusals, each with its key path ---------------------------------------------------------

REFUSALS = [
    # a job takes no traffic and has no service
    ({**JOB, "port": 8080}, "services[0].port", "a job takes no traffic"),
    ({**JOB, "path_pattern": "/x/*"}, "services[0].path_pattern", "no load balancer"),
    ({**JOB, "health_check_path": "/health"}, "services[0].health_check_path", "no load balancer"),
    ({**JOB, "desired_count": 1}, "services[0].desired_count", "one task per scheduled run"),
    ({**JOB, "autoscaling": {"min": 1, "max": 2}}, "services[0].autoscaling", "no service to scale"),
    ({**JOB, "connect": True}, "services[0].connect", "cannot be a Service Connect server"),
    ({**JOB, "internal_path": "/x/*"}, "services[0].internal_path", "only a backend"),
    ({**JOB, "expose": True}, "services[0].expose", "drop expose"),
    ({"name": "nightly", "kind": "job"}, "services[0].schedule", "a job needs a schedule"),
    # a backend is not on the public ALB
    ({"name": "api", "kind": "backend", "path_pattern": "/api/*"}, "services[0].path_pattern", "internal_path"),
    ({"name": "api", "kind": "backend", "expose": True}, "services[0].expose", "drop expose"),
    # keys of one kind on another
    ({"name": "w", "internal_path": "/x/*"}, "services[0].internal_path", "this service is a web"),
    ({"name": "w", "queue": {}}, "services[0].queue", "only a worker consumes a queue"),
    ({"name": "w", "kind": "backend", "queue": {}}, "services[0].queue", "only a worker"),
    ({"name": "w", "schedule": "rate(1 day)"}, "services[0].schedule", "only a job runs on a schedule"),
    ({"name": "w", "kind": "worker", "retries": 3}, "services[0].retries", "only a job"),
    ({"name": "w", "kind": "worker", "timezone": "Europe/Paris"}, "services[0].timezone", "only a job"),
    ({"name": "w", "kind": "worker", "max_age_seconds": 600}, "services[0].max_age_seconds", "only a job"),
    # web and nlb take traffic
    ({"name": "w", "kind": "web", "expose": False}, "services[0].expose", "contradicts"),
    ({"name": "w", "kind": "nlb", "expose": False}, "services[0].expose", "contradicts"),
    ({"name": "w", "kind": "worker", "expose": True}, "services[0].expose", "drop expose"),
    # scaling on a queue needs one
    ({"name": "w", "kind": "worker", "autoscaling": {"min": 1, "max": 3, "backlog_per_task": 10}, "desired_count": 1},
     "services[0].autoscaling.backlog_per_task", "has none"),
    ({"name": "w", "autoscaling": {"min": 1, "max": 3, "backlog_per_task": 10}}, "services[0].autoscaling.backlog_per_task", "has none"),
]


@pytest.mark.parametrize(("service", "key", "reason"), REFUSALS, ids=[f"{k}:{r}" for _, k, r in REFUSALS])
def test_keys_a_kind_does_not_take_are_refused_with_their_key_path(service, key, reason):
    found = problems(stack(service))
    assert any(p.startswith(f"{key}: ") and reason in p for p in found), found


def test_refusals_name_the_line_of_the_answers_file(tmp_path):
    path = tmp_path / "answers.yaml"
    path.write_text("name: shop\nservices:\n  - name: nightly\n    image: nginx:1\n    kind: job\n    schedule: rate(1 day)\n    port: 8080\n")
    with pytest.raises(AnswersError) as err:
        load_answers_file(path)
    assert any("services[0].port" in p and "line 7" in p for p in err.value.problems), err.value.problems


@pytest.mark.parametrize(
    ("top", "services", "key", "reason"),
    [
        ({"load_balancer": {"type": "none"}}, [{"name": "w", "kind": "web"}], "services[0].kind", "drop load_balancer.type"),
        ({"load_balancer": {"type": "none"}}, [{"name": "w", "kind": "nlb"}], "services[0].kind", "drop load_balancer.type"),
        ({"load_balancer": {"privatelink": True}}, [WEB, {"name": "api", "kind": "backend"}], "load_balancer.privatelink", "nlb"),
        ({"load_balancer": {"certificate_arn": "arn:aws:acm:us-east-1:123456789012:certificate/abc"}},
         [WORKER, JOB], "load_balancer.certificate_arn", "no load balancer to put it on"),
        ({}, [{"name": "a", "kind": "backend", "internal_path": "/x/*"}, {"name": "b", "kind": "backend", "internal_path": "/x/*"}],
         "services[1].internal_path", "already routed to service 'a' on the internal ALB"),
        ({}, [{"name": "a", "kind": "nlb", "port": 9000}, {"name": "b", "kind": "nlb", "port": 9000}], "services[1].port", "NLB listener"),
        ({}, [{"name": "a", "path_pattern": "/x/*"}, {"name": "b", "kind": "web", "path_pattern": "/x/*"}], "services[1].path_pattern", "already routed"),
    ],
)
def test_load_balancers_follow_the_kinds(top, services, key, reason):
    found = problems(stack(*services, **top))
    assert any(p.startswith(f"{key}: ") and reason in p for p in found), found


def test_with_kinds_the_load_balancer_type_is_not_needed():
    # Only workers and jobs: no load balancer, without the older "use type: none" refusal.
    a = build_answers(stack(WORKER, JOB))
    assert load_balancers(a) == [] and "alb" not in modules_used(a)
    # Without kinds the older refusal stays.
    assert any("no service has expose: true" in p for p in problems(stack({"name": "w", "expose": False})))


@pytest.mark.parametrize(
    ("subscribe", "key", "reason"),
    [
        ([{"service": "nobody", "topic": "orders"}], "services[1].queue.subscribe[0].service", "no service of the stack is named 'nobody'"),
        ([{"service": "web", "topic": "refunds"}], "services[1].queue.subscribe[0].topic", "publishes no topic 'refunds' (its publish lists: orders)"),
        ([{"service": "web", "topic": "orders"}, {"service": "web", "topic": "orders"}], "services[1].queue.subscribe[1]", "already subscribes"),
        ([{"service": "web", "topic": "orders", "filter_policy": {"type": "created"}}], "services[1].queue.subscribe[0].filter_policy", "list of allowed values"),
        ([{"service": "web", "topic": "orders", "filter_policy": {}}], "services[1].queue.subscribe[0].filter_policy", "empty filter policy"),
    ],
)
def test_a_subscription_names_a_topic_another_service_publishes(subscribe, key, reason):
    found = problems(stack(PUBLISHER, {**WORKER, "queue": {"subscribe": subscribe}}))
    assert any(p.startswith(f"{key}: ") and reason in p for p in found), found


def test_a_topic_is_published_once_per_service():
    found = problems(stack({"name": "web", "publish": [{"name": "orders"}, {"name": "orders"}]}))
    assert any(p.startswith("services[0].publish[1].name: ") for p in found), found


@pytest.mark.parametrize(
    "expression",
    ["rate(1 minute)", "rate(5 minutes)", "rate(12 hours)", "cron(0 3 * * ? *)", "cron(0/15 8-17 ? * MON-FRI *)",
     "cron(0 12 L * ? 2027)", "cron(0 12 ? * 6#3 *)", "cron(30 9 15W * ? *)", "cron(0 0 1,15 JAN,JUL ? *)"],
)
def test_valid_schedules_are_taken(expression):
    assert build_answers(stack({**JOB, "schedule": expression})).services[0].schedule == expression


@pytest.mark.parametrize(
    ("expression", "reason"),
    [
        ("rate(1 minutes)", "singular for 1"),
        ("rate(0 minutes)", "rate(N unit)"),
        ("rate(5 weeks)", "rate(N unit)"),
        ("cron(0 3 * * * *)", "? in exactly one"),
        ("cron(0 3 * *)", "cron(minutes hours"),
        ("cron(61 3 * * ? *)", "minutes field '61'"),
        ("cron(0 24 * * ? *)", "hours field '24'"),
        ("cron(0 3 32 * ? *)", "day-of-month field '32'"),
        ("cron(0 3 ? FOO * *)", "month field 'FOO'"),
        ("cron(0 3 ? * 8 *)", "day-of-week field '8'"),
        ("cron(0 3 * * ? 1969)", "year field '1969'"),
        ("cron(0/0 3 * * ? *)", "minutes field '0/0'"),
        ("at(2027-01-01T00:00:00)", "rate(N unit)"),
    ],
)
def test_invalid_schedules_are_refused_with_the_reason(expression, reason):
    found = problems(stack({**JOB, "schedule": expression}))
    assert any(p.startswith("services[0].schedule: ") and reason in p for p in found), found


def test_timezone_is_an_iana_name():
    assert build_answers(stack({**JOB, "timezone": "America/Argentina/Buenos_Aires"})).services[0].timezone.endswith("Aires")
    found = problems(stack({**JOB, "timezone": "Mars/Olympus"}))
    assert any(p.startswith("services[0].timezone: ") and "IANA" in p for p in found), found


@pytest.mark.parametrize(
    ("field", "value"),
    [("retries", 186), ("retries", -1), ("max_age_seconds", 59), ("max_age_seconds", 86401)],
)
def test_job_retry_limits_are_eventbridge_schedulers(field, value):
    assert any(p.startswith(f"services[0].{field}: ") for p in problems(stack({**JOB, field: value})))


@pytest.mark.parametrize(
    ("field", "value"),
    [("processing_time_seconds", 0), ("processing_time_seconds", 43200), ("max_receive_count", 1001), ("retention_seconds", 59), ("retention_seconds", 1209601)],
)
def test_queue_limits_are_sqs(field, value):
    found = problems(stack({**WORKER, "queue": {field: value}}))
    assert any(p.startswith(f"services[0].queue.{field}: ") for p in found), found


# --- what each kind puts into the stack -------------------------------------------------------


def test_modules_follow_the_kinds():
    a = build_answers(stack(PUBLISHER, {"name": "api", "kind": "backend", "internal_path": "/api/*"}, JOB,
                            {**WORKER, "desired_count": 1, "autoscaling": {"min": 1, "max": 3, "backlog_per_task": 20},
                             "queue": {"subscribe": [{"service": "web", "topic": "orders"}]}}))
    assert modules_used(a) == ["network", "cluster", "alb", "service", "topics", "service_connect", "queue", "queue_scaling", "scheduled_job"]
    assert [lb.module for lb in load_balancers(a)] == ["alb", "internal_alb"]
    values = root_variables(a)["services"]
    # A job has no port and no service; a worker scaling on its backlog leaves CPU scaling off.
    assert values["nightly"]["port"] is None and values["nightly"]["job"]["schedule"] == "rate(1 day)"
    assert values["w"]["autoscaling"] is None
    assert values["w"]["queue"]["scaling"] == {"min": 1, "max": 3, "backlog_per_task": 20}
    assert values["api"]["internal_path"] == "/api/*" and values["api"]["connect"] is True
    assert values["web"]["publish"] == ["orders"]


def test_web_and_nlb_services_get_both_load_balancers():
    a = build_answers(stack(WEB, {"name": "tcp", "kind": "nlb", "port": 9000}))
    assert [lb.module for lb in load_balancers(a)] == ["alb", "nlb"]
    main = render_stack(a)["main.tf"].decode()
    assert 'module "alb"' in main and 'module "nlb"' in main
    assert 'if service.kind == "web"' in main and 'if service.kind == "nlb"' in main
    outputs = render_stack(a)["outputs.tf"].decode()
    assert 'output "nlb_dns_name"' in outputs


def test_filter_policy_reaches_terraform_as_json_text():
    a = build_answers(stack(PUBLISHER, {**WORKER, "queue": {"subscribe": [
        {"service": "web", "topic": "orders", "filter_policy": {"type": ["created"], "total": [{"numeric": [">", 100]}]}}]}}))
    (sub,) = root_variables(a)["services"]["w"]["queue"]["subscribe"]
    assert sub["filter_policy"] == '{"total": [{"numeric": [">", 100]}], "type": ["created"]}'


def test_the_mixed_stack_readme_shows_load_balancers_service_connect_and_queue_wiring():
    readme = (EXAMPLES / "fargate-mixed-kinds" / "README.md").read_text()
    diagram = readme.split("```mermaid", 1)[1].split("```", 1)[0]
    for edge in ['alb["Application Load Balancer"]', 'nlb["Network Load Balancer"]', 'sc -->|"http://catalog:8080"| svc_3',
                 "svc_1 -->|publish| topic_1_1", "topic_1_1 -->", "queue_4[[", '-.->|"after 5 receives"| dlq_4',
                 'schedule_5(["EventBridge Scheduler<br/>rate(1 day)"]) -->|RunTask| svc_5']:
        assert edge in diagram, edge
    # Jobs have no service, so they never join Service Connect.
    assert "svc_5 -.->|client| sc" not in diagram


def test_the_readme_example_of_kinds_is_valid_answers():
    from stacks import REPO

    section = (REPO / "README.md").read_text().split("### Kinds of service", 1)[1]
    data = yaml.safe_load(section.split("```yaml", 1)[1].split("```", 1)[0])
    a = build_answers(data)
    assert [s.kind for s in a.services] == ["web", "backend", "worker", "job"]
    assert "queue" in modules_used(a) and "scheduled_job" in modules_used(a)


def test_a_job_counts_as_one_task_when_sizing_an_ec2_fleet():
    ec2 = {"launch_type": "ec2", "ec2": {"instance_type": "t3.medium", "min_size": 1, "max_size": 1, "desired_capacity": 1}}
    jobs = [{**JOB, "name": f"j{i}", "cpu": 1024, "memory": 1024} for i in range(2)]
    assert build_answers(stack(*jobs, **ec2)).warnings == []
    services = [{"name": f"s{i}", "kind": "worker", "cpu": 1024, "memory": 1024} for i in range(2)]
    assert build_answers(stack(*services, **ec2)).warnings  # two of each would not fit one t3.medium


def test_update_says_what_a_change_of_kind_does_to_running_infrastructure():
    from tfgen.update.impact import impact

    old = build_answers(stack(WEB, {"name": "report", "kind": "worker"}, {"name": "api", "kind": "backend", "internal_path": "/api/*"}))
    new = build_answers(stack({"name": "web", "kind": "worker"}, {**JOB, "name": "report"}, {"name": "api", "kind": "backend"}))
    said = impact(old, new)
    assert any(line.startswith("service 'report' kind worker -> job: ECS service 'report' is deleted") for line in said), said
    assert any("needs the ALB any more: it is deleted (TFG503)" in line for line in said), said
    assert any("needs the internal ALB any more" in line for line in said), said
    assert impact(old, old) == []


def test_a_backend_nothing_can_call_is_a_warning():
    (warning,) = build_answers(stack(WEB, {"name": "api", "kind": "backend", "connect": False})).warnings
    assert warning.startswith("services[1].connect: ") and "nothing can call it" in warning
    assert build_answers(stack(WEB, {"name": "api", "kind": "backend", "connect": False, "internal_path": "/api/*"})).warnings == []


# --- services[].variables: environment variables from stack input variables -----------------------


def test_input_variables_are_declared_once_and_merged_into_their_services_only():
    a = build_answers(stack(
        {"name": "web", "variables": {"RELEASE": "release_tag", "API_HOST": "api_host"}},
        {"name": "w", "kind": "worker", "queue": {"processing_time_seconds": 30}, "variables": {"BUILD": "release_tag"}},
        {"name": "plain", "kind": "backend", "environment": {"LOG_LEVEL": "info"}},
    ))
    files = {k: v.decode() for k, v in render_stack(a).items()}
    variables, main, tfvars = files["variables.tf"], files["main.tf"], files["terraform.tfvars"]
    assert variables.count('variable "release_tag" {') == 1 and variables.count('variable "api_host" {') == 1
    assert "RELEASE of web, BUILD of w" in variables and "length(var.release_tag) > 0" in variables
    assert "default" not in variables.split('variable "release_tag" {')[1].split("\n}\n")[0]
    locals_block = main.split("variable_environment = {")[1].split("\n  }\n")[0]
    assert '"web" = {' in locals_block and '"w" = {' in locals_block and '"plain"' not in locals_block
    assert "RELEASE  = var.release_tag" in locals_block and "API_HOST = var.api_host" in locals_block
    assert "BUILD = var.release_tag" in locals_block
    # The queue URL, the literal environment and the variables all reach the container.
    assert "each.value.environment, try(local.variable_environment[each.key], {}))" in main
    assert '# release_tag = "..."  # set me: environment variable RELEASE of web, BUILD of w' in tfvars
    assert "`release_tag`, `api_host`" in files["README.md"]
    # Values are the deployer's: terraform.tfvars holds none, and no service's map carries them.
    assert "RELEASE" not in str(root_variables(a)["services"])


@pytest.mark.parametrize("name", KIND_EXAMPLES + OLD_EXAMPLES)
def test_examples_render_the_same_with_no_variables_given(name):
    data = yaml.safe_load((EXAMPLES / name / "answers.yaml").read_text())
    explicit = copy.deepcopy(data)
    for raw in explicit.get("services", []):
        raw["variables"] = {}
    rendered = render_stack(build_answers(explicit))
    assert rendered == render_stack(build_answers(data))
    assert not any(b"variable_environment" in v or b"services[].variables" in v for v in rendered.values())


@pytest.mark.terraform
def test_input_variable_reaches_the_container_and_an_empty_value_fails_at_plan(offline_terraform, tmp_path):
    """A stack without queue workers (the other `environment =` variant): the value passed at plan
    is in the container's environment; an empty value stops the plan with the variable's message."""
    a = build_answers(stack({"name": "web", "environment": {"LOG_LEVEL": "info"}, "variables": {"RELEASE": "release_tag"}}))
    for path, content in render_stack(a).items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(content)
    tf = offline_terraform(tmp_path)
    tf.fmt_check()
    tf.init()
    tf.validate()
    with pytest.raises(TerraformError) as err:
        tf.plan("empty", "-refresh=false", "-var", "release_tag=")
    assert "release_tag: set it in terraform.tfvars or with TF_VAR_release_tag" in str(err.value)
    tf.plan("tfplan", "-refresh=false", "-var", "release_tag=v7")
    plan = tf.show_json("tfplan")
    (td,) = [r["values"] for r in of_type(plan, "aws_ecs_task_definition")]
    (container,) = json.loads(td["container_definitions"])
    assert {e["name"]: e["value"] for e in container["environment"]} == {"LOG_LEVEL": "info", "RELEASE": "v7"}
