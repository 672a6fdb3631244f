"""Every example is real Terraform: fmt-clean, and init, validate and an offline plan succeed.

The plan JSON is then read for what the guidance demands (ip targets, transit encryption,
a distinct task role per service, no wildcard actions), so the proof is in what AWS would get.
"""

from __future__ import annotations

import json

import pytest

from stacks import EXAMPLE_NAMES, EXAMPLES, copy_stack, of_type, planned_resources
from tfgen.check.rules.roles import UNSCOPABLE_ACTIONS  # actions AWS grants only on Resource "*"

pytestmark = pytest.mark.terraform


@pytest.fixture(scope="session")
def example_plans(offline_terraform, tmp_path_factory) -> dict[str, dict]:
    """example name -> plan JSON, each planned once per session through the provider mirror."""
    plans = {}
    for name in EXAMPLE_NAMES:
        root = copy_stack(EXAMPLES / name, tmp_path_factory.mktemp("ex") / name)
        tf = offline_terraform(root)
        tf.fmt_check()
        tf.init()
        tf.validate()
        tf.plan("tfplan", "-refresh=false")
        plans[name] = tf.show_json("tfplan")
    return plans


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_example_plans_only_creates(example_plans, name):
    plan = example_plans[name]
    actions = {tuple(rc["change"]["actions"]) for rc in plan["resource_changes"]}
    assert actions <= {("create",), ("read",)}, actions
    assert len(plan["resource_changes"]) > 10


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_target_groups_use_ip_targets(example_plans, name):
    for tg in of_type(example_plans[name], "aws_lb_target_group"):
        assert tg["values"]["target_type"] == "ip", tg["address"]


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_task_definitions_are_awsvpc_with_distinct_task_roles(example_plans, name):
    plan = example_plans[name]
    task_defs = of_type(plan, "aws_ecs_task_definition")
    assert task_defs
    for td in task_defs:
        assert td["values"]["network_mode"] == "awsvpc"
    # Role ARNs are unknown until apply: compare the roles the configuration references.
    task_roles = _references(plan, "aws_ecs_task_definition", "task_role_arn")
    exec_roles = _references(plan, "aws_ecs_task_definition", "execution_role_arn")
    assert task_roles and exec_roles
    assert set(task_roles).isdisjoint(exec_roles)
    roles = of_type(plan, "aws_iam_role")
    task_role_instances = [r for r in roles if r["name"] == "task"]
    assert len(task_role_instances) == len(task_defs), "one task role per task definition"
    assert len({r["values"]["name"] for r in task_role_instances}) == len(task_defs)


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_no_wildcard_actions_and_trust_to_the_right_principals(example_plans, name):
    plan = example_plans[name]
    ecs_roles = 0
    for role in of_type(plan, "aws_iam_role"):
        expected = "ec2.amazonaws.com" if "ec2_capacity" in role["address"] else None
        if role["name"] in ("task", "execution"):
            expected = "ecs-tasks.amazonaws.com"
        if expected:
            ecs_roles += 1
            trust = json.loads(role["values"]["assume_role_policy"])
            principals = {s["Principal"]["Service"] for s in trust["Statement"]}
            assert principals == {expected}, role["address"]
    assert ecs_roles >= 2
    for policy in of_type(plan, "aws_iam_role_policy") + of_type(plan, "aws_iam_policy"):
        document = policy["values"].get("policy")
        if not isinstance(document, str):
            continue  # computed at apply time (references an ARN); its statements are checked in the module tests
        for statement in json.loads(document)["Statement"]:
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            assert not any(a == "*" or a.endswith(":*") for a in actions), policy["address"]
            if statement["Effect"] == "Allow" and not all(a in UNSCOPABLE_ACTIONS for a in actions):
                assert statement.get("Resource") != "*", policy["address"]


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_tasks_get_no_public_ip(example_plans, name):
    for svc in of_type(example_plans[name], "aws_ecs_service"):
        (net,) = svc["values"]["network_configuration"]
        assert net["assign_public_ip"] is False


def test_efs_volumes_encrypt_in_transit_and_use_access_points(example_plans):
    seen = 0
    for name in ("fargate-https-efs", "ec2-nlb-efs-existing-vpc"):
        plan = example_plans[name]
        for fs in of_type(plan, "aws_efs_file_system"):
            assert fs["values"]["encrypted"] is True
        for td in of_type(plan, "aws_ecs_task_definition"):
            for volume in td["values"].get("volume", []):
                for efs in volume.get("efs_volume_configuration", []):
                    seen += 1
                    assert efs["transit_encryption"] == "ENABLED"
                    assert efs["authorization_config"][0]["iam"] == "ENABLED"
        assert len(of_type(plan, "aws_efs_mount_target")) >= 2
    assert seen == 3  # web + api in one stack, broker in the other


def test_fargate_services_run_platform_latest(example_plans):
    for name in ("fargate-alb-defaults", "fargate-https-efs", "fargate-nlb-privatelink", "fargate-worker-s3-state"):
        for svc in of_type(example_plans[name], "aws_ecs_service"):
            assert svc["values"]["launch_type"] == "FARGATE"
            assert svc["values"]["platform_version"] == "LATEST"


def test_ec2_stacks_have_imdsv2_and_an_instance_profile(example_plans):
    for name in ("ec2-alb", "ec2-nlb-efs-existing-vpc"):
        plan = example_plans[name]
        (lt,) = of_type(plan, "aws_launch_template")
        assert lt["values"]["metadata_options"][0]["http_tokens"] == "required"
        assert lt["values"]["image_id"].startswith("ami-")
        assert of_type(plan, "aws_iam_instance_profile")
        (cp,) = of_type(plan, "aws_ecs_capacity_provider")
        assert cp["values"]["auto_scaling_group_provider"][0]["managed_scaling"][0]["status"] == "ENABLED"
        for svc in of_type(plan, "aws_ecs_service"):
            assert svc["values"]["capacity_provider_strategy"], "EC2 services run on the capacity provider"


def test_privatelink_sits_in_front_of_the_nlb(example_plans):
    plan = example_plans["fargate-nlb-privatelink"]
    (endpoint_service,) = of_type(plan, "aws_vpc_endpoint_service")
    assert endpoint_service["values"]["acceptance_required"] is True
    (lb,) = of_type(plan, "aws_lb")
    assert lb["values"]["load_balancer_type"] == "network" and lb["values"]["internal"] is True
    (td,) = of_type(plan, "aws_ecs_task_definition")
    assert (td["values"]["cpu"], td["values"]["memory"]) == ("16384", "122880")


def test_https_alb_redirects_port_80(example_plans):
    plan = example_plans["fargate-https-efs"]
    listeners = {l["values"]["port"]: l["values"] for l in of_type(plan, "aws_lb_listener")}
    assert listeners[443]["protocol"] == "HTTPS" and listeners[443]["ssl_policy"].startswith("ELBSecurityPolicy-TLS13")
    assert listeners[80]["default_action"][0]["type"] == "redirect"
    (alb,) = of_type(plan, "aws_lb")
    assert alb["values"]["drop_invalid_header_fields"] is True


def test_default_security_group_is_closed(example_plans):
    for name in EXAMPLE_NAMES:
        for sg in of_type(example_plans[name], "aws_default_security_group"):
            assert sg["values"].get("ingress") in ([], None) and sg["values"].get("egress") in ([], None)


def test_every_security_group_and_rule_is_described(example_plans):
    for name in EXAMPLE_NAMES:
        for r in planned_resources(example_plans[name]):
            if r["type"] in ("aws_security_group", "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"):
                assert r["values"].get("description"), r["address"]


def _references(plan: dict, rtype: str, attribute: str) -> list[str]:
    """What `attribute` of each `rtype` in the configuration refers to, across modules."""
    found = []
    stack = [plan["configuration"]["root_module"]]
    while stack:
        module = stack.pop()
        for res in module.get("resources", []):
            if res["type"] == rtype:
                refs = res["expressions"].get(attribute, {}).get("references", [])
                found.extend(r for r in refs if not r.endswith(".arn"))
        stack.extend(call["module"] for call in module.get("module_calls", {}).values())
    return found


def test_task_role_policy_grants_exactly_the_listed_buckets(example_plans):
    plan = example_plans["fargate-worker-s3-state"]
    (policy,) = [p for p in of_type(plan, "aws_iam_role_policy") if p["name"] == "task"]
    statements = json.loads(policy["values"]["policy"])["Statement"]
    granted = {(a, r) for s in statements for a in _as_list(s["Action"]) for r in _as_list(s["Resource"])}
    assert ("s3:GetObject", "arn:aws:s3:::acme-etl-input/*") in granted
    assert ("s3:PutObject", "arn:aws:s3:::acme-etl-output/*") in granted
    assert ("s3:PutObject", "arn:aws:s3:::acme-etl-input/*") not in granted, "read access must not write"
    assert all(not a.endswith("*") for a, _ in granted)


def test_free_text_reaches_aws_literally(example_plans):
    """Environment values and tags with quotes, backslashes, newlines, ${ and %{ arrive unchanged."""
    import yaml

    answers = yaml.safe_load((EXAMPLES / "fargate-worker-s3-state" / "answers.yaml").read_text())
    plan = example_plans["fargate-worker-s3-state"]
    (td,) = of_type(plan, "aws_ecs_task_definition")
    (container,) = json.loads(td["values"]["container_definitions"])
    environment = {e["name"]: e["value"] for e in container["environment"]}
    assert environment == answers["services"][0]["environment"]
    assert "${name}" in environment["GREETING"] and "\n\t" in environment["GREETING"]
    (cluster,) = of_type(plan, "aws_ecs_cluster")
    assert cluster["values"]["tags_all"]["note"] == answers["tags"]["note"]
    assert cluster["values"]["tags_all"]["owner"] == "data team"


def _as_list(value):
    return value if isinstance(value, list) else [value]


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_plan_check_decides_what_the_configuration_check_decides(example_plans, name):
    """Planned values known only after apply fall back to the configuration where it fixes them
    (an EC2 service's launch_type left null beside a capacity provider): the plan's check finds
    and leaves undecided the same things as the configuration's."""
    from tfgen.commands.check import policy_for
    from tfgen.check.runner import run
    from tfgen.plan.analyze import analyze_document

    folder = str(EXAMPLES / name)
    policy = policy_for([folder], (), ())
    configured = run([folder], policy)
    planned = analyze_document(json.loads(json.dumps(example_plans[name])), "plan", [folder], policy)
    decided = lambda report: (  # noqa: E731
        sorted((f.rule_id, f.address, f.file, f.line) for f in report.findings),
        sorted((u.rule_id, u.address) for u in report.unknowns),
    )
    assert decided(planned) == decided(configured)


# --- fargate-sidecar-spot: Fargate Spot, ECS Exec, sidecars, secrets by SSM name ----------------


def _containers(plan: dict) -> dict[str, dict]:
    (td,) = of_type(plan, "aws_ecs_task_definition")
    return {c["name"]: c for c in json.loads(td["values"]["container_definitions"])}


def test_spot_share_becomes_a_capacity_provider_strategy_with_an_on_demand_base(example_plans):
    (svc,) = of_type(example_plans["fargate-sidecar-spot"], "aws_ecs_service")
    strategy = {s["capacity_provider"]: (s["base"], s["weight"]) for s in svc["values"]["capacity_provider_strategy"]}
    # answers: base 2, share 75 -> FARGATE_SPOT 75 : FARGATE 25, reduced to 3 : 1
    assert strategy == {"FARGATE": (2, 1), "FARGATE_SPOT": (0, 3)}
    assert not svc["values"].get("launch_type"), "a capacity provider strategy replaces the launch type"
    (associations,) = of_type(example_plans["fargate-sidecar-spot"], "aws_ecs_cluster_capacity_providers")
    assert set(associations["values"]["capacity_providers"]) >= {"FARGATE", "FARGATE_SPOT"}


def test_exec_sets_the_flag_grants_the_session_channels_and_logs_encrypted(example_plans):
    plan = example_plans["fargate-sidecar-spot"]
    (svc,) = of_type(plan, "aws_ecs_service")
    assert svc["values"]["enable_execute_command"] is True
    (exec_policy,) = [p for p in of_type(plan, "aws_iam_role_policy") if p["name"] == "exec"]
    statements = json.loads(exec_policy["values"]["policy"])["Statement"]
    granted = {(a, s["Resource"]) for s in statements for a in _as_list(s["Action"])}
    assert granted == {
        ("ssmmessages:CreateControlChannel", "*"),
        ("ssmmessages:CreateDataChannel", "*"),
        ("ssmmessages:OpenControlChannel", "*"),
        ("ssmmessages:OpenDataChannel", "*"),
        ("logs:DescribeLogGroups", "*"),
    }
    # The log group's and the key's ARNs are known only after apply: the configuration names them.
    assert [p for p in of_type(plan, "aws_iam_role_policy") if p["name"] == "exec_logging"]
    assert {"var.exec.log_group_arn", "var.exec.kms_key_arn"} <= _references_in(
        _module_resource(plan, "module.service", "aws_iam_policy_document", "exec_logging")
    )
    (cluster,) = of_type(plan, "aws_ecs_cluster")
    (config,) = cluster["values"]["configuration"][0]["execute_command_configuration"]
    assert config["logging"] == "OVERRIDE"
    (log,) = config["log_configuration"]
    assert log["cloud_watch_encryption_enabled"] is True and log["cloud_watch_log_group_name"] == "/ecs/shop-prod/exec"
    (change,) = [rc for rc in plan["resource_changes"] if rc["address"] == "module.cluster.aws_ecs_cluster.this"]
    assert change["change"]["after_unknown"]["configuration"][0]["execute_command_configuration"][0]["kms_key_id"] is True
    (exec_log,) = [g for g in of_type(plan, "aws_cloudwatch_log_group") if g["values"]["name"] == "/ecs/shop-prod/exec"]
    assert "aws_kms_key.exec[0].arn" in _references_in(_module_resource(plan, "module.cluster", "aws_cloudwatch_log_group", "exec"))
    (key,) = of_type(plan, "aws_kms_key")
    assert key["values"]["enable_key_rotation"] is True


def test_sidecar_containers_carry_command_entrypoint_start_order_ports_and_mounts(example_plans):
    containers = _containers(example_plans["fargate-sidecar-spot"])
    assert set(containers) == {"app", "proxy"}
    app, proxy = containers["app"], containers["proxy"]
    assert app["entryPoint"] == ["/usr/bin/tini", "--"]
    assert app["command"] == ["gunicorn", "--bind", "0.0.0.0:8080", "--workers", "4", "shop.wsgi"]
    assert app["dependsOn"] == [{"containerName": "proxy", "condition": "HEALTHY"}]
    assert app["essential"] is True and proxy["essential"] is True
    assert [m["containerPort"] for m in app["portMappings"]] == [8080]
    assert [m["containerPort"] for m in proxy["portMappings"]] == [80]
    assert proxy["healthCheck"]["command"] == ["CMD-SHELL", "curl -fs http://localhost/ || exit 1"]
    assert (proxy["cpu"], proxy["memory"]) == (128, 256)
    assert app["mountPoints"] == [{"sourceVolume": "efs", "containerPath": "/srv/media", "readOnly": False}]
    assert proxy["mountPoints"] == [{"sourceVolume": "efs", "containerPath": "/usr/share/nginx/html/media", "readOnly": True}]
    assert proxy["logConfiguration"]["options"]["awslogs-stream-prefix"] == "proxy"
    assert proxy["logConfiguration"]["options"]["awslogs-group"] == app["logConfiguration"]["options"]["awslogs-group"]
    assert "command" not in proxy and "dependsOn" not in proxy
    (td,) = of_type(example_plans["fargate-sidecar-spot"], "aws_ecs_task_definition")
    assert td["values"]["runtime_platform"] == [{"cpu_architecture": "ARM64", "operating_system_family": "LINUX"}]


def test_stacks_without_the_new_keys_get_none_of_them(example_plans):
    for name in ("fargate-alb-defaults", "fargate-https-efs"):
        plan = example_plans[name]
        for td in of_type(plan, "aws_ecs_task_definition"):
            for container in json.loads(td["values"]["container_definitions"]):
                assert not {"command", "entryPoint", "dependsOn", "healthCheck"} & set(container), name
        for svc in of_type(plan, "aws_ecs_service"):
            assert svc["values"]["enable_execute_command"] is False and svc["values"]["launch_type"] == "FARGATE"
        assert not of_type(plan, "aws_kms_key")
        (cluster,) = of_type(plan, "aws_ecs_cluster")
        assert not cluster["values"].get("configuration")


def test_execution_role_reads_exactly_the_secrets_of_every_container(example_plans):
    import yaml

    answers = yaml.safe_load((EXAMPLES / "fargate-sidecar-spot" / "answers.yaml").read_text())["services"][0]
    plan = example_plans["fargate-sidecar-spot"]
    (policy,) = [p for p in of_type(plan, "aws_iam_role_policy") if p["name"] == "execution_secrets"]
    statements = json.loads(policy["values"]["policy"])["Statement"]
    granted = {(a, r) for s in statements for a in _as_list(s["Action"]) for r in _as_list(s["Resource"])}
    assert granted == {
        ("secretsmanager:GetSecretValue", answers["secrets"]["DB_PASSWORD"]),
        ("ssm:GetParameters", answers["secrets"]["SIGNING_KEY"]),
        ("ssm:GetParameters", "arn:aws:ssm:eu-west-1:*:parameter/shop/prod/api-token"),
        ("ssm:GetParameters", "arn:aws:ssm:eu-west-1:*:parameter/shop-prod-proxy-basic-auth"),
    }
    (by_name,) = [s for s in statements if ":*:parameter/" in json.dumps(s["Resource"])]
    assert by_name["Condition"] == {"StringEquals": {"aws:ResourceAccount": "${aws:PrincipalAccount}"}}
    assert not any(a.startswith("kms:") for a, _ in granted), "no customer managed key to decrypt with"
    containers = _containers(plan)
    assert {s["name"]: s["valueFrom"] for s in containers["app"]["secrets"]} == answers["secrets"]
    assert containers["proxy"]["secrets"] == [{"name": "BASIC_AUTH", "valueFrom": "shop-prod-proxy-basic-auth"}]


def test_the_load_balancer_targets_the_sidecar(example_plans):
    plan = example_plans["fargate-sidecar-spot"]
    (svc,) = of_type(plan, "aws_ecs_service")
    (lb,) = svc["values"]["load_balancer"]
    assert (lb["container_name"], lb["container_port"]) == ("proxy", 80)
    (tg,) = of_type(plan, "aws_lb_target_group")
    assert tg["values"]["port"] == 80
    (ingress,) = [r for r in of_type(plan, "aws_vpc_security_group_ingress_rule") if r["name"] == "from_load_balancer"]
    assert (ingress["values"]["from_port"], ingress["values"]["to_port"]) == (80, 80)


def _module_resource(plan: dict, module: str, rtype: str, name: str) -> dict:
    """The configuration of `rtype.name` in a module called from the root (`module.NAME`)."""
    node = plan["configuration"]["root_module"]["module_calls"][module.removeprefix("module.")]["module"]
    (res,) = [r for r in node["resources"] if (r["type"], r["name"]) == (rtype, name)]
    return res


def _references_in(resource: dict) -> set[str]:
    """Every reference in a resource's configured expressions, nested blocks included."""
    found: set[str] = set()
    stack: list = [resource["expressions"]]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            found.update(node.get("references", []))
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


# --- the service kinds (issue 10 §1) ----------------------------------------------------------


def _in(plan: dict, rtype: str, module: str) -> list[dict]:
    """Resources of `rtype` under the module call instance `module` (e.g. 'module.queue["mailer"]')."""
    return [r for r in of_type(plan, rtype) if r["address"].startswith(module + ".")]


def _answers(name: str):
    from tfgen.answers import load_answers_file

    return load_answers_file(EXAMPLES / name / "answers.yaml")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("fargate-backend-service-connect", {("application", False), ("application", True)}),
        ("fargate-worker-queue", {("application", False)}),
        ("fargate-scheduled-job", set()),
        ("fargate-mixed-kinds", {("application", False), ("network", False)}),
    ],
)
def test_load_balancers_follow_the_kinds(example_plans, name, expected):
    lbs = of_type(example_plans[name], "aws_lb")
    assert {(lb["values"]["load_balancer_type"], lb["values"]["internal"]) for lb in lbs} == expected
    assert len(lbs) == len(expected)


@pytest.mark.parametrize("name", ["fargate-backend-service-connect", "fargate-mixed-kinds"])
def test_every_service_joins_service_connect_and_servers_answer_by_name(example_plans, name):
    plan = example_plans[name]
    a = _answers(name)
    (namespace,) = of_type(plan, "aws_service_discovery_http_namespace")
    assert namespace["values"]["name"] == a.prefix
    services = {svc["address"].split('"')[1]: svc["values"] for svc in of_type(plan, "aws_ecs_service")}
    assert set(services) == {s.name for s in a.services if not s.is_job}
    for s in a.services:
        if s.is_job:
            continue
        (sc,) = services[s.name]["service_connect_configuration"]
        assert sc["enabled"] is True
        if s.connect:
            (server,) = sc["service"]
            assert (server["port_name"], server["discovery_name"]) == (s.name, s.name)
            assert [(c["dns_name"], c["port"]) for c in server["client_alias"]] == [(s.name, s.port)]
            # The port name points at the container's port mapping.
            (td,) = _in(plan, "aws_ecs_task_definition", f'module.service["{s.name}"]')
            (container,) = json.loads(td["values"]["container_definitions"])
            assert container["portMappings"][0]["name"] == s.name
        else:
            assert sc["service"] == []


@pytest.mark.parametrize("name", ["fargate-backend-service-connect", "fargate-mixed-kinds"])
def test_a_server_admits_exactly_the_other_services_on_its_port(example_plans, name):
    plan = example_plans[name]
    a = _answers(name)
    clients = {s.name for s in a.services if not s.is_job}
    servers = {s.name: s.port for s in a.services if s.connect}
    ingress = _in(plan, "aws_vpc_security_group_ingress_rule", "module.service_connect")
    egress = _in(plan, "aws_vpc_security_group_egress_rule", "module.service_connect")
    expected = {f"{c}/{srv}" for c in clients for srv in servers if c != srv}
    assert {r["index"] for r in ingress} == expected and {r["index"] for r in egress} == expected
    for rule in ingress + egress:
        server = rule["index"].split("/")[1]
        assert rule["values"]["from_port"] == rule["values"]["to_port"] == servers[server]
    # A backend without internal_path takes traffic from nothing else: no load balancer rule.
    for s in a.services:
        if s.kind == "backend" and not s.internal_path:
            assert not _in(plan, "aws_vpc_security_group_ingress_rule", f'module.service["{s.name}"]')


def test_worker_queue_is_encrypted_redriven_and_outlasts_the_processing_time(example_plans):
    plan = example_plans["fargate-worker-queue"]
    (worker,) = [s for s in _answers("fargate-worker-queue").services if s.queue]
    queues = {q["name"]: q["values"] for q in _in(plan, "aws_sqs_queue", f'module.queue["{worker.name}"]')}
    assert set(queues) == {"this", "dlq"}
    assert all(q["sqs_managed_sse_enabled"] is True for q in queues.values())
    assert queues["this"]["visibility_timeout_seconds"] > worker.queue.processing_time_seconds
    assert queues["this"]["message_retention_seconds"] == worker.queue.retention_seconds
    assert queues["dlq"]["message_retention_seconds"] == 1209600
    (change,) = [rc for rc in plan["resource_changes"] if rc["address"] == f'module.queue["{worker.name}"].aws_sqs_queue.this']
    assert change["change"]["after_unknown"].get("redrive_policy") or "maxReceiveCount" in change["change"]["after"]["redrive_policy"]
    (sub,) = of_type(plan, "aws_sns_topic_subscription")
    assert sub["values"]["protocol"] == "sqs"
    assert json.loads(sub["values"]["filter_policy"]) == worker.queue.subscribe[0].filter_policy
    # Scaling on the backlog, not on CPU.
    (policy,) = of_type(plan, "aws_appautoscaling_policy")
    tracking = policy["values"]["target_tracking_scaling_policy_configuration"][0]
    assert tracking["target_value"] == worker.autoscaling.backlog_per_task
    assert {m["id"] for m in tracking["customized_metric_specification"][0]["metrics"]} == {"visible", "tasks", "backlog_per_task"}
    (topic,) = of_type(plan, "aws_sns_topic")
    assert topic["values"]["name"] == "orders-prod-api-events" and topic["values"]["kms_master_key_id"] == "alias/aws/sns"


def test_job_is_a_schedule_and_a_task_definition_without_a_service(example_plans):
    plan = example_plans["fargate-scheduled-job"]
    (job,) = _answers("fargate-scheduled-job").services
    assert not of_type(plan, "aws_ecs_service")
    (td,) = of_type(plan, "aws_ecs_task_definition")
    (container,) = json.loads(td["values"]["container_definitions"])
    assert container["portMappings"] == []
    (schedule,) = of_type(plan, "aws_scheduler_schedule")
    values = schedule["values"]
    assert (values["schedule_expression"], values["schedule_expression_timezone"]) == (job.schedule, job.timezone)
    (target,) = values["target"]
    assert target["retry_policy"] == [{"maximum_retry_attempts": job.retries, "maximum_event_age_in_seconds": job.max_age_seconds}]
    assert target["dead_letter_config"] and target["ecs_parameters"][0]["launch_type"] == "FARGATE"
    assert values["flexible_time_window"] == [{"mode": "OFF", "maximum_window_in_minutes": None}]


@pytest.fixture(scope="session")
def mixed_kinds_applied(example_plans, offline_terraform, tmp_path_factory) -> dict:
    """The mixed-kinds example planned against a state made from its first plan, so that the
    policies built from ARNs AWS assigns (queues, topics, roles) are known: one extra plan or two."""
    from plans import plan_as_if_applied, provider_resource_schemas

    root = copy_stack(EXAMPLES / "fargate-mixed-kinds", tmp_path_factory.mktemp("ex") / "mixed")
    tf = offline_terraform(root)
    tf.init()
    return plan_as_if_applied(tf, example_plans["fargate-mixed-kinds"], provider_resource_schemas(tf))


def _role_policy(plan: dict, module: str, name: str) -> dict[str, dict]:
    (policy,) = [p for p in _in(plan, "aws_iam_role_policy", module) if p["name"] == name]
    return {s["Sid"]: s for s in json.loads(policy["values"]["policy"])["Statement"]}


def _arn(plan: dict, module: str, rtype: str, name: str = "this") -> str:
    (found,) = [r for r in _in(plan, rtype, module) if r["name"] == name]
    return found["values"]["arn"]


def test_worker_task_role_may_consume_its_own_queue_only(mixed_kinds_applied):
    plan = mixed_kinds_applied
    statements = _role_policy(plan, 'module.service["mailer"]', "task")
    consume = statements["ConsumeWorkQueue"]
    assert consume["Resource"] == _arn(plan, 'module.queue["mailer"]', "aws_sqs_queue")
    assert sorted(consume["Action"]) == ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"]
    assert set(statements) == {"ConsumeWorkQueue"}
    # No other task role reaches a queue.
    for svc in ("web", "ingest", "catalog", "cleanup"):
        for p in _in(plan, "aws_iam_role_policy", f'module.service["{svc}"]'):
            assert "sqs:" not in p["values"]["policy"], p["address"]


def test_publisher_alone_may_publish_to_its_topic(mixed_kinds_applied):
    plan = mixed_kinds_applied
    topic_arn = _arn(plan, 'module.topics["web"]', "aws_sns_topic")
    web_role = _arn(plan, 'module.service["web"]', "aws_iam_role", "task")
    publish = _role_policy(plan, 'module.service["web"]', "task")["PublishToOwnTopics"]
    assert (publish["Action"], publish["Resource"]) == ("sns:Publish", topic_arn)
    (topic_policy,) = of_type(plan, "aws_sns_topic_policy")
    allow = {s["Sid"]: s for s in json.loads(topic_policy["values"]["policy"])["Statement"]}["AllowThisTaskRoleToPublish"]
    assert allow["Principal"] == {"AWS": web_role} and allow["Resource"] == topic_arn
    # The queue admits exactly that topic.
    (queue_policy,) = [p for p in _in(plan, "aws_sqs_queue_policy", 'module.queue["mailer"]') if p["index"] == "this"]
    admit = {s["Sid"]: s for s in json.loads(queue_policy["values"]["policy"])["Statement"]}["AllowOwnTopicsToSend"]
    assert admit["Condition"]["ArnEquals"]["aws:SourceArn"] == topic_arn


def test_scheduler_role_passes_exactly_the_jobs_two_roles(mixed_kinds_applied):
    plan = mixed_kinds_applied
    statements = _role_policy(plan, 'module.job["cleanup"]', "this")
    passed = _as_list(statements["PassJobRolesToEcsTasks"]["Resource"])
    task_role = _arn(plan, 'module.service["cleanup"]', "aws_iam_role", "task")
    execution_role = _arn(plan, 'module.service["cleanup"]', "aws_iam_role", "execution")
    assert sorted(passed) == sorted([task_role, execution_role])
    run = statements["RunJobTaskDefinitionOnCluster"]
    assert run["Action"] == "ecs:RunTask" and run["Resource"].endswith(":task-definition/mixed-dev-cleanup:*")


def test_a_stack_rendered_before_jobs_existed_keeps_its_ecs_service(example_plans, offline_terraform, tmp_path_factory):
    """The service resource gained a count (a job has none); the module's `moved` block carries
    the service of an existing stack over instead of replacing it (its tasks would stop)."""
    from plans import provider_resource_schemas, state_from_plan

    name = "fargate-alb-defaults"
    root = copy_stack(EXAMPLES / name, tmp_path_factory.mktemp("ex") / name)
    tf = offline_terraform(root)
    tf.init()
    state = state_from_plan(example_plans[name], provider_resource_schemas(tf))
    services = [r for r in state["resources"] if r["type"] == "aws_ecs_service"]
    assert services
    for resource in services:  # as the module wrote it before: no index
        del resource["each"]
        for instance in resource["instances"]:
            del instance["index_key"]
    (root / "terraform.tfstate").write_text(json.dumps(state))
    tf.plan("tfplan-upgrade", "-refresh=false", "-lock=false")
    plan = tf.show_json("tfplan-upgrade")
    changes = [rc for rc in plan["resource_changes"] if rc["type"] == "aws_ecs_service"]
    assert len(changes) == len(services)
    for rc in changes:
        assert rc["address"].endswith("aws_ecs_service.this[0]")
        assert rc["previous_address"] == rc["address"].removesuffix("[0]")
        assert "delete" not in rc["change"]["actions"] and "create" not in rc["change"]["actions"], rc["change"]["actions"]
