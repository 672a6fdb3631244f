"""Helpers for tests that render stacks and run terraform on them."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Iterator

from tfgen.plan.reader import module_resources

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
# Dropped beside a root module by the tests only: a local backend and fake credentials, so
# `terraform plan -refresh=false` needs no AWS account. Never part of generated code.
OFFLINE_OVERRIDE = """\
terraform {
  backend "local" {}
}

provider "aws" {
  access_key                  = "AKIAIOSFODNN7EXAMPLE"
  secret_key                  = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}
"""
OVERRIDE_NAME = "zz_test_override.tf"

EXAMPLE_NAMES = sorted(p.name for p in EXAMPLES.iterdir() if (p / "answers.yaml").is_file())

# Files in an example folder that are not rendered output.
NOT_RENDERED = {"answers.yaml"}


def committed_files(example: Path) -> dict[str, bytes]:
    """The rendered files as committed under an example folder (hidden terraform debris excluded)."""
    files = {}
    for path in sorted(example.rglob("*")):
        rel = path.relative_to(example).as_posix()
        if not path.is_file() or rel in NOT_RENDERED or rel.startswith((".terraform/", ".tfgen/backup/")) or "/.terraform/" in rel:
            continue
        if path.name in {".terraform.lock.hcl", "terraform.tfstate", "tfplan", "zz_test_override.tf"}:
            continue
        files[rel] = path.read_bytes()
    return files


def copy_stack(src: Path, dest: Path) -> Path:
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns(".terraform", ".terraform.lock.hcl", "*.tfstate*", "tfplan"))
    return dest


def planned_resources(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every resource in the plan's planned values, modules included."""
    return (resource for _, resource in module_resources(plan["planned_values"]))


def of_type(plan: dict[str, Any], rtype: str) -> list[dict[str, Any]]:
    return [r for r in planned_resources(plan) if r["type"] == rtype]
