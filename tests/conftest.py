"""Shared fixtures: the repository's paths, and terraform run offline through a provider mirror.

Under CI=true a missing terraform binary or provider mirror fails the run with a clear message;
elsewhere the terraform tests are skipped with that message.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from stacks import write_offline_override
from tfgen.terraform import Terraform, find_provider_mirror


def pytest_configure(config: pytest.Config) -> None:
    """Keep the tests' cache folder (kept reports) out of the user's: one fresh folder per test session
    (subprocesses inherit it through the environment)."""
    if "TFGEN_CACHE_DIR" not in os.environ:
        import tempfile

        os.environ["TFGEN_CACHE_DIR"] = tempfile.mkdtemp(prefix="tfgen-test-cache-")


# The plan-scenario fixtures (scenario_plan, scenario_planner) live with their planner.
pytest_plugins = ("plans",)


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: the terraform tests are required, not skipped)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def provider_mirror() -> Path:
    if not shutil.which("terraform"):
        _unavailable("terraform is not on PATH")
    mirror = find_provider_mirror()
    if mirror is None:
        _unavailable(
            "no local mirror of registry.terraform.io/hashicorp/aws found "
            "(set TFGEN_PROVIDER_MIRROR to a folder laid out as registry.terraform.io/hashicorp/aws/VERSION/OS_ARCH/)"
        )
    return mirror


@pytest.fixture(scope="session")
def plugin_cache() -> Path:
    return Path(os.environ.get("TF_PLUGIN_CACHE_DIR") or Path.home() / ".cache" / "tfgen-tests" / "plugin-cache")


@pytest.fixture(scope="session")
def offline_terraform(provider_mirror: Path, plugin_cache: Path, tmp_path_factory: pytest.TempPathFactory):
    """A factory: offline_terraform(dir) -> Terraform for that root module, with the override in place."""
    scratch = tmp_path_factory.mktemp("tfcli")

    def make(root: Path) -> Terraform:
        write_offline_override(root)
        return Terraform.offline(root, provider_mirror, scratch, plugin_cache)

    return make
