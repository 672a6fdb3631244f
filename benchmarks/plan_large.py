"""How long `tfgen check --plan` takes on a large plan, against the time to load its JSON.

Builds a plan JSON (format 1.2, the shape `terraform show -json` writes) of SERVICES module
instances, each an ECS service with its task definition, roles, policies, security group and
rules, log group, target group and EFS access point: about 12 resources a service. Some services
are replaced and some roles deleted, so the change rules have work too. Then times, each the
median of --runs runs:

  load     json.load of the file (the floor: any reader must at least parse it)
  analyze  tfgen.plan.analyze.analyze on the file: read into the model, every rule, summary

and prints both with their ratio, plus the peak memory of one analysis.

    python benchmarks/plan_large.py                 # 400 services, about 5,000 resources
    python benchmarks/plan_large.py --services 1000
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tfgen.check.policy import Policy  # noqa: E402
from tfgen.check.rules import BY_ID  # noqa: E402
from tfgen.plan.analyze import analyze  # noqa: E402

ACCOUNT = "123456789012"
REGION = "eu-west-1"


def _arn(service: str, rest: str) -> str:
    return f"arn:aws:{service}:{REGION}:{ACCOUNT}:{rest}"


def _service_resources(i: int) -> list[tuple[str, str, dict[str, Any], dict[str, Any]]]:
    """(type, name, values, after_unknown) for the resources of service i."""
    name = f"svc-{i:04d}"
    role_policy = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": [f"arn:aws:s3:::bucket-{i}/*"]},
                {"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:Query"], "Resource": [_arn("dynamodb", f"table/t{i}")]},
                {"Effect": "Allow", "Action": ["elasticfilesystem:ClientMount"], "Resource": [_arn("elasticfilesystem", "file-system/fs-0123456789abcdef0")]},
            ],
        }
    )
    trust = json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "ecs-tasks.amazonaws.com"}}]}
    )
    container = json.dumps(
        [
            {
                "name": name,
                "image": "public.ecr.aws/nginx/nginx:1.27",
                "essential": True,
                "portMappings": [{"containerPort": 8080, "hostPort": 8080, "protocol": "tcp"}],
                "environment": [{"name": f"VAR_{k}", "value": f"value {k}"} for k in range(8)],
                "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": f"/ecs/{name}", "awslogs-region": REGION}},
            }
        ]
    )
    return [
        ("aws_iam_role", "task", {"name": f"{name}-task", "assume_role_policy": trust, "arn": _arn("iam", f"role/{name}-task")}, {}),
        ("aws_iam_role", "execution", {"name": f"{name}-execution", "assume_role_policy": trust, "arn": _arn("iam", f"role/{name}-exec")}, {}),
        ("aws_iam_role_policy", "task", {"name": "task", "role": f"{name}-task", "policy": role_policy}, {}),
        ("aws_iam_role_policy_attachment", "execution", {"role": f"{name}-execution", "policy_arn": "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"}, {}),
        ("aws_cloudwatch_log_group", "this", {"name": f"/ecs/{name}", "retention_in_days": 365}, {"arn": True}),
        (
            "aws_ecs_task_definition",
            "this",
            {
                "family": name,
                "network_mode": "awsvpc",
                "requires_compatibilities": ["FARGATE"],
                "cpu": "512",
                "memory": "1024",
                "task_role_arn": _arn("iam", f"role/{name}-task"),
                "execution_role_arn": _arn("iam", f"role/{name}-exec"),
                "container_definitions": container,
                "volume": [
                    {
                        "name": "efs",
                        "efs_volume_configuration": [
                            {"file_system_id": "fs-0123456789abcdef0", "transit_encryption": "ENABLED", "authorization_config": [{"access_point_id": f"fsap-{i:017x}", "iam": "ENABLED"}]}
                        ],
                    }
                ],
            },
            {"arn": True, "revision": True},
        ),
        (
            "aws_ecs_service",
            "this",
            {
                "name": name,
                "launch_type": "FARGATE",
                "platform_version": "LATEST",
                "desired_count": 2,
                "cluster": _arn("ecs", "cluster/big"),
                "network_configuration": [{"subnets": ["subnet-0a", "subnet-0b"], "assign_public_ip": False, "security_groups": [f"sg-{i:017x}"]}],
                "deployment_circuit_breaker": [{"enable": True, "rollback": True}],
            },
            {"id": True, "task_definition": True},
        ),
        ("aws_security_group", "this", {"name": f"{name}-tasks", "description": f"tasks of {name}", "vpc_id": "vpc-0123456789abcdef0", "id": f"sg-{i:017x}"}, {"arn": True}),
        ("aws_vpc_security_group_ingress_rule", "from_lb", {"description": "from the LB", "from_port": 8080, "to_port": 8080, "ip_protocol": "tcp", "security_group_id": f"sg-{i:017x}"}, {"id": True}),
        ("aws_vpc_security_group_egress_rule", "https", {"description": "HTTPS out", "from_port": 443, "to_port": 443, "ip_protocol": "tcp", "cidr_ipv4": "0.0.0.0/0"}, {"id": True}),
        ("aws_lb_target_group", "this", {"name": f"tg-{i:04d}", "port": 8080, "protocol": "HTTP", "target_type": "ip", "vpc_id": "vpc-0123456789abcdef0"}, {"arn": True}),
        ("aws_efs_access_point", "this", {"file_system_id": "fs-0123456789abcdef0", "root_directory": [{"path": f"/{name}"}]}, {"arn": True, "id": True}),
    ]


def build_plan(services: int) -> dict[str, Any]:
    child_modules, changes, prior_modules = [], [], []
    for i in range(services):
        module = f'module.service["svc-{i:04d}"]'
        resources, prior = [], []
        for rtype, name, values, unknown in _service_resources(i):
            address = f"{module}.{rtype}.{name}"
            actions = ["no-op"]
            if rtype == "aws_ecs_service" and i % 50 == 0:
                actions = ["delete", "create"]
            elif rtype == "aws_cloudwatch_log_group" and i % 7 == 0:
                actions = ["update"]
            raw = {"address": address, "mode": "managed", "type": rtype, "name": name, "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0, "values": values}
            resources.append(raw)
            prior.append(raw)
            changes.append(
                {
                    "address": address,
                    "module_address": module,
                    "mode": "managed",
                    "type": rtype,
                    "name": name,
                    "provider_name": "registry.terraform.io/hashicorp/aws",
                    "change": {"actions": actions, "before": values, "after": values, "after_unknown": unknown if actions != ["no-op"] else {}, "replace_paths": [["name"]] if actions == ["delete", "create"] else []},
                }
            )
        child_modules.append({"address": module, "resources": resources})
        prior_modules.append({"address": module, "resources": prior})
    return {
        "format_version": "1.2",
        "terraform_version": "1.11.4",
        "planned_values": {"root_module": {"child_modules": child_modules}},
        "resource_changes": changes,
        "prior_state": {"format_version": "1.0", "values": {"root_module": {"child_modules": prior_modules}}},
        "configuration": {"root_module": {}},
    }


def _median_seconds(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--services", type=int, default=400, help="module instances (about 12 resources each)")
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement; the median is printed")
    args = parser.parse_args()

    document = build_plan(args.services)
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "plan.json"
        path.write_text(json.dumps(document))
        size_mib = path.stat().st_size / 2**20
        policy = Policy(tuple(BY_ID))

        def load() -> None:
            with path.open() as handle:
                json.load(handle)

        report = analyze(path, [], policy)  # warm-up, and the figures below
        load_s = _median_seconds(load, args.runs)
        analyze_s = _median_seconds(lambda: analyze(path, [], policy), args.runs)
        tracemalloc.start()
        analyze(path, [], policy)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()

    print(f"plan: {report.resources} resources in {args.services} modules, {size_mib:.1f} MiB of JSON")
    print(f"changes: {report.plan.counts}; findings: {report.summary()['error']} errors, {report.summary()['warning']} warnings")
    print(f"json.load       {load_s * 1000:8.1f} ms   (median of {args.runs})")
    print(f"tfgen analysis  {analyze_s * 1000:8.1f} ms   (includes its own json.load)")
    print(f"ratio           {analyze_s / load_s:8.1f} x")
    print(f"peak memory     {peak:8.1f} MiB during one analysis (tracemalloc)")


if __name__ == "__main__":
    main()
