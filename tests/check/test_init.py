"""`tfgen check --init`: modules not fetched yet are fetched with `terraform init -backend=false`,
offline (a `git::file://` repository and an absolute local path stand in for registry modules),
then checked inside."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tfgen.terraform import mirror_cli_config

from .test_cli import write

UNENCRYPTED_EFS = 'resource "aws_efs_file_system" "data" {\n  creation_token = "data"\n}\n'


@pytest.fixture
def cli_config(provider_mirror, plugin_cache, tmp_path, monkeypatch):
    """The user's own Terraform CLI configuration: providers from the local mirror only."""
    config = tmp_path / "user.tfrc"
    plugin_cache.mkdir(parents=True, exist_ok=True)
    config.write_text(mirror_cli_config(provider_mirror, plugin_cache))
    monkeypatch.setenv("TF_CLI_CONFIG_FILE", str(config))
    return config


def git_module(folder: Path, files: dict[str, str]) -> str:
    """A tiny git repository holding a module; its `git::file://` source."""
    write(folder, files)
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "module"]):
        subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True)
    return f"git::file://{folder}"


def test_init_fetches_git_and_path_modules_then_checks_inside(tfgen, tmp_path, monkeypatch, cli_config):
    monkeypatch.chdir(tmp_path)
    source = git_module(tmp_path / "repos" / "efs", {"main.tf": UNENCRYPTED_EFS})
    write(tmp_path / "vendor" / "storage", {"main.tf": UNENCRYPTED_EFS.replace('"data"', '"media"')})
    write(tmp_path / "infra", {
        "main.tf": f'module "shared" {{\n  source = "{source}"\n}}\n\nmodule "media" {{\n  source = "{tmp_path}/vendor/storage"\n}}\n'
    })

    before = tfgen("check", "infra", "--format", "json", "--only", "TFG402").json()
    assert before["findings"] == [] and len(before["modules_not_read"]) == 2

    result = tfgen("check", "infra", "--init", "--format", "json", "--only", "TFG402")
    assert "terraform init -backend=false in infra" in result.err
    document = result.json()
    assert document["modules_not_read"] == []
    got = {(f["address"], f["via"]["address"], f["via"]["line"]) for f in document["findings"]}
    assert got == {
        ("module.shared.aws_efs_file_system.data", "module.shared", 1),
        ("module.media.aws_efs_file_system.media", "module.media", 5),
    }
    assert result.code == 1
    # No state was touched: -backend=false.
    assert not (tmp_path / "infra" / ".terraform" / "terraform.tfstate").exists()

    # Fetched once: a second --init run finds .terraform/modules and does not init again.
    again = tfgen("check", "infra", "--init", "--only", "TFG402")
    assert "terraform init" not in again.err and again.code == 1


def test_init_honours_plugin_dir(tfgen, tmp_path, monkeypatch, provider_mirror):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TF_CLI_CONFIG_FILE", str(tmp_path / "absent.tfrc"))  # nothing but --plugin-dir
    source = git_module(tmp_path / "repos" / "efs", {"main.tf": UNENCRYPTED_EFS})
    write(tmp_path / "infra", {"main.tf": f'module "shared" {{\n  source = "{source}"\n}}\n'})
    result = tfgen("check", "infra", "--init", "--plugin-dir", provider_mirror, "--format", "json", "--only", "TFG402")
    assert result.code == 1, result.err
    assert [f["address"] for f in result.json()["findings"]] == ["module.shared.aws_efs_file_system.data"]


def test_init_without_terraform_exits_2_with_the_words_tfgen_plan_uses(tfgen, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, {"main.tf": 'module "alb" {\n  source = "terraform-aws-modules/alb/aws"\n}\n'})
    check = tfgen("check", ".", "--init", "--terraform", "no-such-terraform")
    plan = tfgen("plan", ".", "--terraform", "no-such-terraform")
    assert check.code == plan.code == 2
    words = "no-such-terraform: not found on PATH; install Terraform >= 1.10"
    assert words in check.err and words in plan.err
    assert "Traceback" not in check.err + plan.err


def test_init_is_not_run_when_nothing_needs_fetching(tfgen, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, {"main.tf": 'module "local" {\n  source = "./modules/efs"\n}\n', "modules/efs/main.tf": UNENCRYPTED_EFS})
    result = tfgen("check", ".", "--init", "--terraform", "no-such-terraform", "--only", "TFG402")
    assert result.code == 1 and "terraform init" not in result.err


def test_check_reads_a_saved_binary_plan_through_terraform_show(tfgen, tmp_path, monkeypatch, offline_terraform):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "infra", {"main.tf": 'provider "aws" {\n  region = "eu-west-1"\n}\n\n' + UNENCRYPTED_EFS})
    tf = offline_terraform(tmp_path / "infra")
    tf.init()
    tf.plan("tfplan", "-refresh=false")
    monkeypatch.setenv("TF_CLI_CONFIG_FILE", tf.env["TF_CLI_CONFIG_FILE"])

    result = tfgen("check", "--plan", "infra/tfplan", "infra", "--format", "json", "--only", "TFG402")
    assert result.code == 1, result.err
    assert [(f["address"], f["line"]) for f in result.json()["findings"]] == [("aws_efs_file_system.data", 5)]
    # Without PATH, terraform runs in the plan's own folder.
    alone = tfgen("check", "--plan", "infra/tfplan", "--format", "json")
    assert alone.code in (0, 1) and alone.json()["changes"]["create"] == 1, alone.err

    missing = tfgen("check", "--plan", "infra/tfplan", "infra", "--terraform", "no-such-terraform")
    assert missing.code == 2
    assert "binary plan" in missing.err and "terraform show -json tfplan > plan.json" in missing.err
    assert "UnicodeDecodeError" not in missing.err and "utf-8" not in missing.err.lower()

    # A folder never initialised: terraform fails; its error and the advice are shown, exit 2.
    (tmp_path / "elsewhere").mkdir()
    uninitialised = tfgen("check", "--plan", "infra/tfplan", "elsewhere")
    assert uninitialised.code == 2 and "binary plan" in uninitialised.err and "Traceback" not in uninitialised.err


ECS_MODULE = {
    "main.tf": """\
variable "services" {
  type = map(object({ network_mode = optional(string, "awsvpc") }))
}

module "service" {
  source   = "./modules/service"
  for_each = var.services

  name         = each.key
  network_mode = each.value.network_mode
}

module "storage" {
  source = "./modules/storage"
}
""",
    "modules/service/main.tf": """\
variable "name" {}
variable "network_mode" {}

resource "aws_ecs_task_definition" "this" {
  family                   = var.name
  requires_compatibilities = ["FARGATE"]
  network_mode             = var.network_mode
  cpu                      = 256
  memory                   = 512
  container_definitions    = "[]"
}
""",
    "modules/storage/main.tf": UNENCRYPTED_EFS,
}


def test_module_heavy_root_through_git_and_init(tfgen, tmp_path, monkeypatch, cli_config):
    """A stand-in for a registry module with submodules (as terraform-aws-modules/ecs is), reached
    through git::file:// twice (the whole module, and one submodule by //subdir), with tfvars."""
    monkeypatch.chdir(tmp_path)
    source = git_module(tmp_path / "repos" / "ecs", ECS_MODULE)
    write(tmp_path / "live", {
        "main.tf": f'variable "services" {{}}\n\nmodule "ecs" {{\n  source   = "{source}?ref=main"\n  services = var.services\n}}\n\n'
        f'module "media" {{\n  source = "{source}//modules/storage?ref=main"\n}}\n',
        "terraform.tfvars": 'services = {\n  web    = {}\n  worker = { network_mode = "bridge" }\n}\n',
    })
    blind = tfgen("check", "live", "--format", "json").json()
    assert [m["address"] for m in blind["modules_not_read"]] == ["module.ecs", "module.media"]

    result = tfgen("check", "live", "--init", "--format", "json", "--only", "TFG101,TFG402")
    assert result.code == 1, result.err
    document = result.json()
    assert document["modules_not_read"] == []
    got = sorted((f["rule_id"], f["address"], f["file"].split("/.terraform/modules/")[1], f["line"], f["via"]["address"], f["via"]["line"]) for f in document["findings"])
    assert got == [
        ("TFG101", 'module.ecs.module.service["worker"].aws_ecs_task_definition.this', "ecs/modules/service/main.tf", 7, "module.ecs", 3),
        ("TFG402", "module.ecs.module.storage.aws_efs_file_system.data", "ecs/modules/storage/main.tf", 1, "module.ecs", 3),
        ("TFG402", "module.media.aws_efs_file_system.data", "media/modules/storage/main.tf", 1, "module.media", 8),
    ]


def test_init_failure_exits_2_with_terraforms_error(tfgen, tmp_path, monkeypatch, cli_config):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, {"main.tf": f'module "gone" {{\n  source = "git::file://{tmp_path}/no-such-repo"\n}}\n'})
    result = tfgen("check", ".", "--init")
    assert result.code == 2 and "Traceback" not in result.err
    failure = result.err[result.err.index("tfgen: terraform init"):]
    assert failure.splitlines()[1].startswith("Error: "), failure
