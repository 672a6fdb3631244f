"""Planning without an AWS account: for previews in CI where no credentials exist (forks, a
first try) and for the tests.

A temporary `*_override.tf` file beside the root module gives Terraform a local backend (state
in a scratch folder, so the user's own backend is overridden only there), placeholder
credentials and the AWS provider's settings that skip every call made only to check them.
Terraform's working data (`TF_DATA_DIR`) goes to the scratch folder too, so the user's
`.terraform/` keeps its backend. The file is removed when the block ends, also on an error,
Ctrl-C or SIGTERM; it never stays among the user's files.
"""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from tfgen.errors import InputError

OVERRIDE_NAME = "zz_tfgen_offline_override.tf"
# When the root module has no `provider "aws"` block of its own, an override has nothing to
# override: the placeholder configuration is then a plain file of its own.
PROVIDER_NAME = "zz_tfgen_offline_provider.tf"

# Placeholders AWS documents as examples: they can never reach an account.
_SETTINGS = """\
  access_key                  = "AKIAIOSFODNN7EXAMPLE"
  secret_key                  = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
"""


def _aws_provider_aliases(directory: Path) -> list[str | None]:
    """The aliases of the root module's `provider "aws"` blocks (None for the default one)."""
    from tfgen.check import cache
    from tfgen.check import expr as E

    aliases: list[str | None] = []
    for source in cache.load_many(cache.tf_files(directory)):
        for block in source.blocks:
            if block.type == "provider" and block.labels[:1] == ("aws",):
                alias = block.attr("alias")
                name = alias.value if isinstance(alias, E.Literal) else None
                if isinstance(alias, E.Template) and len(alias.parts) == 1 and isinstance(alias.parts[0], str):
                    name = alias.parts[0]
                aliases.append(name)
    return aliases


def override_files(directory: Path, state: Path | None = None) -> dict[str, str]:
    """File name -> text of what makes `directory` plan offline (see the module docstring)."""
    path = f' {{\n    path = "{state.as_posix()}"\n  }}' if state is not None else " {}"
    override = f'terraform {{\n  backend "local"{path}\n}}\n'
    aliases = _aws_provider_aliases(directory)
    for alias in aliases:
        named = f'  alias = "{alias}"\n\n' if alias else ""
        override += f'\nprovider "aws" {{\n{named}{_SETTINGS}}}\n'
    files = {OVERRIDE_NAME: override}
    if None not in aliases:
        files[PROVIDER_NAME] = f'provider "aws" {{\n  region = "us-east-1"\n\n{_SETTINGS}}}\n'
    return files


@contextmanager
def offline_override(directory: Path, scratch: Path) -> Iterator[dict[str, str]]:
    """Write the offline files into `directory` for the block's duration; yields the environment
    terraform needs with them (its working data under `scratch`)."""
    files = override_files(directory, scratch / "terraform.tfstate")
    for name in files:
        if (directory / name).exists():
            raise InputError(f"{directory / name} already exists: tfgen writes and removes this file itself; delete it and retry")
    restore = _terminate_as_interrupt()
    written: list[Path] = []
    try:
        for name, text in files.items():
            path = directory / name
            path.write_text(text, encoding="utf-8")
            written.append(path)
        yield {"TF_DATA_DIR": str(scratch / ".terraform")}
    finally:
        for path in written:
            path.unlink(missing_ok=True)
        restore()


def _terminate_as_interrupt():
    """While the files exist, SIGTERM (a cancelled CI job) unwinds like Ctrl-C, so they are removed."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    return lambda: signal.signal(signal.SIGTERM, previous)
