"""Helpers for tests that render stacks and run terraform on them."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Iterator

from tfgen.plan.reader import module_resources
from tfgen.terraform.offline import OVERRIDE_NAME, PROVIDER_NAME, override_files

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"


def write_offline_override(root: Path) -> None:
    """Make a copied root module plan without an AWS account, as `tfgen plan --offline` does
    (the same files; left in place, as the copy is the test's own)."""
    for name, text in override_files(root).items():
        (root / name).write_text(text)


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
        if path.name in {".terraform.lock.hcl", "terraform.tfstate", "tfplan", OVERRIDE_NAME, PROVIDER_NAME}:
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
