"""Helpers for the hardening tests: run `tfgen check` as a user would, in a subprocess with a
memory limit and a time limit, and judge the outcome by the exit-code contract."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MEMORY_LIMIT = 1024 * 1024 * 1024  # bytes of address space for one tfgen process

# Run in the child before tfgen: the memory limit, so a runaway evaluation fails instead of
# taking the machine down.
_PRELUDE = (
    "import resource, sys, runpy; "
    f"resource.setrlimit(resource.RLIMIT_AS, ({MEMORY_LIMIT}, {MEMORY_LIMIT})); "
    "sys.argv = ['tfgen'] + sys.argv[1:]; "
    "runpy.run_module('tfgen', run_name='__main__')"
)


@dataclass
class Outcome:
    code: int
    out: str
    err: str


def run_tfgen(*args: str | Path, timeout: float = 60, cwd: Path | None = None, env: dict[str, str] | None = None) -> Outcome:
    """`tfgen ARGS` in a fresh process under the memory limit; a timeout fails the test."""
    environment = {**os.environ, **(env or {})}
    # Never the user's cache, never a folder in the repository.
    environment.setdefault("TFGEN_CACHE_DIR", str((cwd or Path(tempfile.gettempdir())) / ".tfgen-test-cache"))
    done = subprocess.run(
        [sys.executable, "-c", _PRELUDE, *map(str, args)],
        capture_output=True, text=True, timeout=timeout, cwd=cwd, env=environment,
    )
    return Outcome(done.returncode, done.stdout, done.stderr)


def assert_contract(outcome: Outcome, named: str) -> None:
    """Exit 0, 1 or 2 only; never a traceback; an exit 2 names the input on stderr."""
    assert outcome.code in (0, 1, 2), (outcome.code, outcome.err[-2000:])
    assert "Traceback" not in outcome.err, outcome.err[-3000:]
    if outcome.code == 2:
        assert named in outcome.err, (named, outcome.err[-1000:])


import pytest  # noqa: E402


@pytest.fixture
def tfgen_process(tmp_path):
    def run(*args, **kwargs) -> Outcome:
        kwargs.setdefault("env", {"TFGEN_CACHE_DIR": str(tmp_path / ".cache")})
        return run_tfgen(*args, **kwargs)

    return run
