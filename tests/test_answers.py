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
    two = [{"name": "a", "image": "x"}, {"name": "b", "image": "x"}]
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
