"""Run terraform in a folder, online or through a local provider mirror (air-gapped machines).

A mirror is a folder laid out as `HOSTNAME/NAMESPACE/TYPE/VERSION/OS_ARCH/` (what
`terraform providers mirror` writes, unpacked). Terraform is pointed at it with a CLI
configuration holding a `filesystem_mirror` block, passed through `TF_CLI_CONFIG_FILE`, so the
user's own configuration and `.terraformrc` stay untouched.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tfgen.errors import TerraformError

# Where provider mirrors are commonly laid down, besides an explicit path.
_MIRROR_CANDIDATES = (
    "/opt/tf-plugins",
    "~/.terraform.d/plugins",
    "~/.local/share/terraform/plugins",
    "/usr/local/share/terraform/plugins",
    "/usr/share/terraform/plugins",
)


def find_provider_mirror(provider: str = "registry.terraform.io/hashicorp/aws") -> Path | None:
    """A mirror folder holding `provider`: $TFGEN_PROVIDER_MIRROR, else a well-known location."""
    explicit = os.environ.get("TFGEN_PROVIDER_MIRROR")
    candidates = [explicit] if explicit else list(_MIRROR_CANDIDATES)
    for candidate in candidates:
        root = Path(candidate).expanduser()
        if any((root / provider).glob("*/*/terraform-provider-*")):
            return root
    return None


def mirror_cli_config(mirror: Path, plugin_cache: Path | None = None) -> str:
    """A Terraform CLI configuration installing providers from `mirror` only, nothing from the network."""
    lines = [
        "provider_installation {",
        "  filesystem_mirror {",
        f'    path = "{mirror}"',
        '    include = ["*/*/*"]',
        "  }",
        "}",
    ]
    if plugin_cache:
        lines.append(f'plugin_cache_dir = "{plugin_cache}"')
    return "\n".join(lines) + "\n"


# Enough of a failed run's output to see where it stopped, without the whole plan.
TAIL_LINES = 8
MAX_ERROR_LINES = 60
_DIAGNOSTIC = re.compile(r"^[│╷╵ ]*(Error|Warning): ")


def failure_summary(stdout: str, stderr: str) -> str:
    """Terraform's errors first (its `Error:` diagnostics, as it printed them), then the last
    lines of what it printed before failing."""
    output = (stderr + "\n" + stdout).splitlines()
    errors: list[str] = []
    inside = False
    for line in output:
        match = _DIAGNOSTIC.match(line)
        if match:
            inside = match.group(1) == "Error"
        if inside:
            errors.append(line)
    errors = errors[:MAX_ERROR_LINES]
    tail = [line for line in stdout.rstrip().splitlines()[-TAIL_LINES:]]
    if not errors:
        return "\n".join((stderr.rstrip().splitlines() + tail)[-(MAX_ERROR_LINES):]) + "\n"
    parts = ["\n".join(errors).rstrip()]
    if tail and not set(tail) <= set(errors):
        parts.append(f"(last {len(tail)} lines of terraform's output:)\n" + "\n".join(tail))
    return "\n\n".join(parts) + "\n"


@dataclass
class Terraform:
    """terraform in one working folder. `env` is added to the process environment."""

    workdir: Path
    binary: str = "terraform"
    env: dict[str, str] = field(default_factory=dict)

    @classmethod
    def offline(cls, workdir: Path, mirror: Path, scratch: Path, plugin_cache: Path | None = None) -> Terraform:
        """terraform that installs providers from `mirror`; its CLI config is written under `scratch`."""
        scratch.mkdir(parents=True, exist_ok=True)
        config = scratch / "tfgen-mirror.tfrc"
        if plugin_cache:
            plugin_cache.mkdir(parents=True, exist_ok=True)
        config.write_text(mirror_cli_config(mirror, plugin_cache))
        return cls(workdir, env={"TF_CLI_CONFIG_FILE": str(config)})

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        binary = shutil.which(self.binary)
        if not binary:
            raise TerraformError(f"{self.binary}: not found on PATH; install Terraform >= 1.10")
        env = {**os.environ, "TF_IN_AUTOMATION": "1", "TF_INPUT": "0", "CHECKPOINT_DISABLE": "1", **self.env}
        proc = subprocess.run(
            [binary, *args], cwd=self.workdir, env=env, capture_output=True, text=True, check=False
        )
        if check and proc.returncode != 0:
            raise TerraformError(f"terraform {' '.join(args)} failed in {self.workdir}:\n{failure_summary(proc.stdout, proc.stderr)}")
        return proc

    def init(self, plugin_dir: Path | None = None, backend: bool = True) -> None:
        """`terraform init`; with `plugin_dir`, providers come from that folder only (air-gapped);
        without `backend`, no state is touched (modules and providers only)."""
        extra = [f"-plugin-dir={plugin_dir}"] if plugin_dir else []
        if not backend:
            extra.append("-backend=false")
        self.run("init", "-input=false", "-no-color", *extra)

    def validate(self) -> None:
        self.run("validate", "-no-color")

    def fmt_check(self) -> None:
        self.run("fmt", "-check", "-recursive", "-diff", "-no-color")

    def plan(self, out: str = "tfplan", *extra: str) -> None:
        self.run("plan", "-input=false", "-no-color", f"-out={out}", *extra)

    def show_json(self, plan_file: str = "tfplan") -> dict[str, Any]:
        return json.loads(self.run("show", "-json", plan_file).stdout)
