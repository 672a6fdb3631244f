"""The answers model: defaults, every validation, and the guidance given with each refusal."""

from __future__ import annotations

import pytest

from tfgen import fargate
from tfgen.answers import apply_overrides, build_answers
from tfgen.errors import AnswersError, InputError


def problems(data: dict) -> list[str]:
    with pytest.raises(AnswersError) as err:
        build_answers(data)
    return err.value.problems


def one_service(**fields) -> dict:
    return {"name": "shop", "services": [{"name": "web", "image": "nginx:1", **fields}]}


def test_defaults_make_a_fargate_alb_stack_across_two_azs():
    a = build_answers({"name": "shop", "region": "eu-west-1"})
    assert a.launch_type == "fargate" and a.load_balancer.type == "alb"
    assert a.network.azs == ["eu-west-1a", "eu-west-1b"]
    assert [(s.name, s.cpu, s.memory) for s in a.services] == [("web", 256, 512)]
    assert a.environment == "dev" and a.state.backend == "local"


def test_name_is_required():
    assert problems({}) == ["name: required"]


# --- Fargate sizes: every CPU's lower and upper bound, and the values just past them ---------

BOUNDARIES = [
    (256, 512, 2048, [256, 3072, 1536]),
    (512, 1024, 4096, [512, 5120, 1536]),
    (1024, 2048, 8192, [1024, 9216, 2560]),
    (2048, 4096, 16384, [3072, 17408, 4608]),
    (4096, 8192, 30720, [7168, 31744, 8704]),
    (8192, 16384, 61440, [12288, 65536, 18432]),
    (16384, 32768, 122880, [24576, 131072, 36864]),
]


@pytest.mark.parametrize("cpu, low, high, invalid", BOUNDARIES)
def test_fargate_bounds_accept_each_end(cpu, low, high, invalid):
    for memory in (low, high):
        build_answers(one_service(cpu=cpu, memory=memory))


@pytest.mark.parametrize("cpu, low, high, invalid", BOUNDARIES)
def test_fargate_rejects_below_above_and_off_step(cpu, low, high, invalid):
    for memory in invalid:
        (problem,) = problems(one_service(cpu=cpu, memory=memory))
        assert problem.startswith("services[0].memory:")
        assert fargate.describe_allowed(cpu) in problem, "the refusal says which memory sizes that CPU allows"


def test_fargate_table_matches_the_documented_sizes():
    assert fargate.VALID_MEMORY[256] == (512, 1024, 2048)
    assert fargate.VALID_MEMORY[8192][:2] == (16384, 20480)  # 4 GiB steps
    assert fargate.VALID_MEMORY[16384][:2] == (32768, 40960)  # 8 GiB steps
    assert len(fargate.VALID_MEMORY[4096]) == 23


def test_unknown_fargate_cpu_lists_the_valid_cpus():
    (problem,) = problems(one_service(cpu=300, memory=1024))
    assert problem.startswith("services[0].cpu:") and "256, 512, 1024, 2048, 4096, 8192, 16384" in problem


def test_ec2_accepts_sizes_fargate_would_refuse():
    data = one_service(cpu=300, memory=700)
    data |= {"launch_type": "ec2", "ec2": {"ami_id": "ami-0123456789abcdef0"}}
    assert build_answers(data).services[0].memory == 700


# --- Refusals that rest on the guidance -------------------------------------------------------


def test_classic_load_balancer_is_refused_with_the_reason():
    (problem,) = problems({"name": "shop", "load_balancer": {"type": "classic"}})
    assert problem.startswith("load_balancer.type:")
    assert "not supported with Fargate" in problem and "alb" in problem and "nlb" in problem


def test_one_availability_zone_is_refused():
    (problem,) = problems({"name": "shop", "network": {"azs": ["us-east-1a"]}})
    assert problem.startswith("network.azs:") and "at least two" in problem and "multi-AZ" in problem


def test_existing_vpc_needs_two_private_subnets():
    data = {"name": "shop", "network": {"create_vpc": False, "vpc_id": "vpc-0123456789abcdef0",
                                        "private_subnet_ids": ["subnet-0123456789abcdef0"]},
            "load_balancer": {"type": "none"}, "services": [{"name": "w", "image": "x", "expose": False}]}
    (problem,) = problems(data)
    assert problem.startswith("network.private_subnet_ids:") and "multi-AZ" in problem


def test_privatelink_without_nlb_is_refused():
    (problem,) = problems({"name": "shop", "load_balancer": {"type": "alb", "privatelink": True}})
    assert problem.startswith("load_balancer.privatelink:") and "Network Load Balancer" in problem


def test_efs_mount_without_efs_is_refused():
    (problem,) = problems(one_service(efs_mount="/data"))
    assert problem.startswith("services[0].efs_mount:") and "efs.enabled" in problem and "EFS" in problem


def test_aws_credentials_in_the_environment_are_refused():
    (problem,) = problems(one_service(environment={"AWS_SECRET_ACCESS_KEY": "x"}))
    assert problem.startswith("services[0].environment.AWS_SECRET_ACCESS_KEY:") and "task role" in problem


def test_every_problem_is_listed_at_once_with_key_paths():
    data = {
        "name": "Bad Name",
        "load_balancer": {"type": "classic"},
        "network": {"azs": ["us-east-1a"]},
        "services": [
            {"name": "web", "image": "nginx", "cpu": 1024, "memory": 1000},
            {"name": "web", "image": "nginx", "efs_mount": "/data"},
        ],
    }
    keys = {p.split(":", 1)[0] for p in problems(data)}
    assert keys == {"name", "load_balancer.type", "network.azs", "services[0].memory",
                    "services[1].name", "services[1].efs_mount"}


def test_unknown_keys_are_errors_with_a_suggestion():
    (problem,) = problems({"name": "shop", "load_balancer": {"tpye": "nlb"}})
    assert problem == "load_balancer.tpye: unknown key (did you mean 'type'?)"


def test_alb_services_need_distinct_paths_and_nlb_services_distinct_ports():
    two = [{"name": "a", "image": "x", "path_pattern": "/x/*"}, {"name": "b", "image": "x", "path_pattern": "/x/*"}]
    (problem,) = problems({"name": "shop", "services": two})
    assert problem.startswith("services[1].path_pattern:")
    (problem,) = problems({"name": "shop", "load_balancer": {"type": "nlb"}, "services": two})
    assert problem.startswith("services[1].port:")


def test_expose_without_a_load_balancer_is_refused_only_when_asked_for():
    worker = {"name": "shop", "load_balancer": {"type": "none"}, "services": [{"name": "w", "image": "x"}]}
    assert build_answers(worker).exposed_services == []
    worker["services"][0]["expose"] = True
    (problem,) = problems(worker)
    assert problem.startswith("services[0].expose:")


def test_s3_backend_needs_bucket_and_key():
    assert problems({"name": "shop", "state": {"backend": "s3"}}) == [
        "state.bucket: required when backend is s3",
        "state.key: required when backend is s3",
    ]


@pytest.mark.parametrize(
    "field, value",
    [
        ("name", 'x"\n}'),
        ("image", 'nginx" }\nresource "x" "y" {'),
        ("path_pattern", "/${var.x}"),
        ("health_check_path", '/"'),
    ],
)
def test_names_that_could_inject_hcl_are_refused(field, value):
    data = {"name": value} if field == "name" else one_service(**{field: value})
    assert any("is not valid" in p for p in problems(data))


def test_numbers_in_environment_become_text():
    a = build_answers(one_service(environment={"PORT": 8080}))
    assert a.services[0].environment == {"PORT": "8080"}


# --- --set overrides ------------------------------------------------------------------------


def test_set_overrides_keys_lists_and_types():
    data = {"name": "shop"}
    apply_overrides(data, ["load_balancer.type=nlb", "services[0].cpu=512", "services[0].memory=1024",
                           "network.azs=[us-east-1a, us-east-1c]", "efs.enabled=true"])
    assert data["load_balancer"] == {"type": "nlb"}
    assert data["services"][0]["cpu"] == 512 and data["services"][0]["image"], "the default service keeps its image"
    assert data["network"]["azs"] == ["us-east-1a", "us-east-1c"]
    assert data["efs"]["enabled"] is True


@pytest.mark.parametrize("bad", ["novalue", "a..b=1", "services[x]=1", "services[5].cpu=1"])
def test_malformed_set_is_an_input_error(bad):
    with pytest.raises(InputError):
        apply_overrides({"name": "shop", "services": []}, [bad])


def test_field_problem_handles_fields_without_constraints():
    from tfgen.answers.model import Answers, LoadBalancer, Network, field_problem

    assert field_problem(Network, "create_vpc", True) is None
    assert field_problem(Network, "vpc_id", None) is None
    assert "VPC id" in field_problem(Network, "vpc_id", "vpc-x")
    assert field_problem(LoadBalancer, "certificate_arn", None) is None
    assert field_problem(Answers, "launch_type", "lambda") is not None


def test_ec2_min_above_max_is_named():
    data = {"name": "shop", "launch_type": "ec2", "ec2": {"min_size": 5, "max_size": 3, "desired_capacity": 4}}
    assert problems(data) == ["ec2.min_size: must not exceed max_size (3), got 5"]


# --- What Terraform or AWS would reject only at plan or apply (issue 13 item 8) ----------------


@pytest.mark.parametrize(
    "data, path, words",
    [
        ({"name": "shop", "environment": "dev-"}, "environment", "not ending with a hyphen"),
        ({"name": "shop-"}, "name", "not ending with a hyphen"),
        (one_service(name="web-"), "services[0].name", "not ending with a hyphen"),
        ({"name": "internal-x"}, "name", "start with 'internal-'"),
        ({"name": "internal"}, "name", "start with 'internal-'"),
        (one_service(desired_count=2**63), "services[0].desired_count", "at most 5000"),
        (one_service(desired_count=2**63 + 1), "services[0].desired_count", "at most 5000"),
        (one_service(desired_count=5001), "services[0].desired_count", "at most 5000"),
        (one_service(autoscaling={"min": 1, "max": 2**40}), "services[0].autoscaling.max", "at most 5000"),
        ({"name": "shop", "launch_type": "ec2", "ec2": {"max_size": 2**31}}, "ec2.max_size", "at most 5000"),
        (one_service(port=2**63), "services[0].port", "at most 65535"),
        (one_service(health_check_path="/" + "a" * 1024), "services[0].health_check_path", "1,024"),
        (one_service(path_pattern="/" + "a" * 128), "services[0].path_pattern", "128"),
        ({"name": "shop", "tags": {"%": "x"}}, "tags.%", "AWS's tag characters"),
        ({"name": "shop", "tags": {"k" * 129: "x"}}, "tags." + "k" * 129, "1-128"),
        ({"name": "shop", "tags": {"team": "a&b"}}, "tags.team", "AWS's tag characters"),
        ({"name": "shop", "tags": {"team": "x" * 257}}, "tags.team", "at most 256"),
        ({"name": "shop", "tags": {"team": "a\u0085b"}}, "tags.team", "AWS's tag characters"),
        ({"name": "shop", "tags": {f"k{i}": "v" for i in range(47)}}, "tags", "at most 46"),
        (one_service(image="x" * 256), "services[0].image", "255"),
        ({"name": "ecsdemo", "launch_type": "ec2"}, "name", "capacity provider"),
        (one_service(permissions={"s3_buckets": [{"name": "a..b"}]}), "services[0].permissions.s3_buckets[0].name", "two dots"),
        (one_service(permissions={"s3_buckets": [{"name": "192.168.1.1"}]}), "services[0].permissions.s3_buckets[0].name", "IP address"),
        ({"name": "shop", "state": {"backend": "s3", "bucket": "abc", "key": "k" * 1025}}, "state.key", "1,024"),
    ],
)
def test_values_aws_rejects_are_refused_with_key_path_and_limit(data, path, words):
    found = problems(data)
    mine = [p for p in found if p.startswith(f"{path}: ")]
    assert mine, found
    assert any(words in p for p in mine), mine


def test_aws_tag_characters_in_any_script_are_accepted():
    a = build_answers({"name": "shop", "tags": {"équipe": "données/2024 @ zürich", "cost-center": "4711", "a:b": "c=d+e"}})
    assert a.tags["équipe"] == "données/2024 @ zürich"


def test_limits_are_refused_in_plain_words_not_pydantic_text():
    found = problems(one_service(desired_count=2**63, port="eighty"))
    assert "services[0].desired_count: must be at most 5000, got 9223372036854775808" in found
    assert "services[0].port: must be a whole number, got 'eighty'" in found
    assert not any("Input should" in p for p in found)


# --- Combinations AWS rejects (issue 12) -------------------------------------------------------


def ec2_stack(instance_type: str = "t3.small", **service) -> dict:
    data = one_service(**service)
    return data | {"launch_type": "ec2", "ec2": {"instance_type": instance_type, "ami_id": "ami-0123456789abcdef0"}}


def test_an_ec2_task_that_cannot_fit_one_instance_is_refused_naming_its_size():
    found = problems(ec2_stack(cpu=8192, memory=16384))
    assert found == [
        "services[0].cpu: a task of 8192 CPU units cannot fit one t3.small (2 vCPU = 2048 CPU units, 2 GiB of which "
        "1792 MiB for tasks); choose a larger ec2.instance_type or a smaller task; a task never spans instances",
        "services[0].memory: a task of 16384 MiB cannot fit one t3.small (2 vCPU = 2048 CPU units, 2 GiB of which "
        "1792 MiB for tasks); choose a larger ec2.instance_type or a smaller task; a task never spans instances",
    ]


def test_an_ec2_task_that_fits_only_on_paper_is_refused():
    from tfgen.instances import size_of

    room = size_of("t3.small").task_memory_mib
    build_answers(ec2_stack(cpu=2048, memory=room))
    (problem,) = problems(ec2_stack(cpu=2048, memory=room + 1))
    assert problem.startswith("services[0].memory:") and "1792 MiB for tasks" in problem


def test_an_unknown_instance_type_is_not_fit_checked():
    assert build_answers(ec2_stack("x9.huge", cpu=16384, memory=122880)).ec2.instance_type == "x9.huge"


def test_a_fleet_too_small_for_every_desired_task_is_a_warning_not_a_refusal():
    data = ec2_stack("t3.medium", cpu=1024, memory=2048, desired_count=6)
    data["ec2"] |= {"max_size": 2, "desired_capacity": 2, "min_size": 1}
    a = build_answers(data)
    (warning,) = a.warnings
    assert warning.startswith("ec2.max_size: 2 instances of t3.medium") and "6 tasks" in warning and "about 6" in warning  # one 2 GiB task per 3840 MiB
    data["services"][0]["desired_count"] = 2
    assert build_answers(data).warnings == []


def test_the_capacity_warning_counts_every_service_and_names_the_line(tmp_path):
    from tfgen.answers import load_answers_file

    answers = tmp_path / "a.yaml"
    answers.write_text(
        "name: shop\nlaunch_type: ec2\nec2:\n  instance_type: t3.medium\n  max_size: 1\n  desired_capacity: 1\n"
        "services:\n  - {name: a, image: x, cpu: 1024, memory: 1024, desired_count: 1}\n"
        "  - {name: b, image: x, cpu: 1024, memory: 1024, desired_count: 1, path_pattern: /b/*}\n"
        "  - {name: c, image: x, cpu: 1024, memory: 1024, desired_count: 1, path_pattern: /c/*}\n"
    )
    (warning,) = load_answers_file(answers).warnings
    assert "3 tasks" in warning and warning.endswith(f"({answers} line 5)")


def test_a_certificate_from_another_region_is_refused():
    data = {"name": "shop", "region": "eu-west-1",
            "load_balancer": {"certificate_arn": "arn:aws:acm:us-east-1:123456789012:certificate/abc-123"}}
    (problem,) = problems(data)
    assert problem.startswith("load_balancer.certificate_arn: the certificate is in us-east-1 but the load balancer in eu-west-1")
    assert "regional" in problem
    data["region"] = "us-east-1"
    build_answers(data)


def existing_vpc(public: list[str], private: list[str], **lb) -> dict:
    return {"name": "shop", "network": {"create_vpc": False, "vpc_id": "vpc-0123456789abcdef0",
                                        "public_subnet_ids": public, "private_subnet_ids": private},
            "load_balancer": lb}


SUBNETS = [f"subnet-0123456789abcdef{i}" for i in range(4)]


def test_one_subnet_both_public_and_private_is_refused():
    (problem,) = problems(existing_vpc([SUBNETS[0], SUBNETS[1]], [SUBNETS[1], SUBNETS[2]]))
    assert problem.startswith(f"network.public_subnet_ids[1]: {SUBNETS[1]} is also in private_subnet_ids")


@pytest.mark.parametrize("lb", [{"type": "alb"}, {"type": "nlb"}])
def test_a_load_balancer_needs_two_subnets(lb):
    (problem,) = problems(existing_vpc([SUBNETS[0]], SUBNETS[1:3], **lb))
    assert problem.startswith("network.public_subnet_ids:") and "at least two" in problem
    internal = existing_vpc([], [SUBNETS[1]], **lb, internal=True)
    assert any(p.startswith("network.private_subnet_ids:") and "at least two" in p for p in problems(internal))


def test_two_services_without_path_pattern_get_what_the_wizard_proposes():
    from tfgen.answers.model import default_path_pattern

    a = build_answers({"name": "shop", "services": [{"name": "web", "image": "x"}, {"name": "api", "image": "x"},
                                                   {"name": "admin", "image": "x"}]})
    assert [s.path_pattern for s in a.services] == ["/*", "/api/*", "/admin/*"]
    assert [default_path_pattern(i, s.name) for i, s in enumerate(a.services)] == ["/*", "/api/*", "/admin/*"]
    explicit = build_answers({"name": "shop", "services": [{"name": "web", "image": "x", "path_pattern": "/web/*"},
                                                          {"name": "api", "image": "x", "path_pattern": "/*"}]})
    assert [s.path_pattern for s in explicit.services] == ["/web/*", "/*"]


def test_the_wizard_proposes_the_same_path_pattern():
    from tfgen.wizard import questions

    (ask,) = [n for n in questions.SERVICE if getattr(n, "key", None) == "path_pattern"]
    ctx = type("Ctx", (), {"index": 1, "here": lambda self, key: "api"})()
    assert ask.default(ctx) == "/api/*"


def test_cross_field_problems_are_listed_beside_field_errors_even_when_a_required_key_is_bad():
    data = ec2_stack(cpu=8192, memory=512, autoscaling={"min": 1, "max": "lots"})
    data["region"] = "eu-west-1"
    data["load_balancer"] = {"certificate_arn": "arn:aws:acm:us-east-1:123456789012:certificate/abc"}
    keys = {p.split(": ", 1)[0] for p in problems(data)}
    assert keys == {"services[0].autoscaling.max", "services[0].cpu", "load_balancer.certificate_arn"}
