"""Speed never changes what `tfgen check` reports.

Each corpus that benchmarks/check_speed.py times (benchmarks/corpus.py, plain and with
`.terraform/modules` laid out), built small, is checked four ways: with the plain reference
(every file parsed on its own, straight from the loader: no memo, no cache, no worker
processes, no parsing ahead, root modules one after another), with --no-cache, with an empty
cache and with the cache it filled (the report reused). The JSON reports must be equal, byte for
byte.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tfgen.check import cache, runner
from tfgen.errors import InputError

REPO = Path(__file__).resolve().parents[2]


def _reference_load(paths, kind, parse, tolerant=False):
    """What cache._load returns, computed the plain way."""
    out = []
    for path in paths:
        try:
            out.append(parse(Path(path)))
        except InputError:
            if not tolerant:
                raise
            out.append(None)
    return out


@pytest.fixture(scope="module", params=["plain", "fetched-modules"])
def corpus(request, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp(f"corpus-{request.param}")
    extra = ["--fetched-modules"] if request.param == "fetched-modules" else []
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "corpus.py"), str(folder), "--size-mb", "0.4", "--no-check", *extra],
        capture_output=True, text=True, cwd=REPO,
    )
    assert done.returncode == 0, done.stderr
    return folder


def test_every_way_of_reading_gives_the_same_report(corpus, tfgen, monkeypatch, tmp_path):
    if "fetched" in corpus.name:
        assert list(corpus.glob("stacks/*/.terraform/modules/modules.json")), "the corpus lays out fetched modules"
    monkeypatch.setenv("TFGEN_CACHE_DIR", str(tmp_path / "cache"))
    command = ("check", corpus, "--format", "json", "--fail-on", "never")

    def check(*extra: str, reference: bool = False) -> str:
        with monkeypatch.context() as patch:
            patch.setattr(cache, "_in_process", {})  # each run as a new process would start
            if reference:
                patch.setattr(cache, "_load", _reference_load)
                patch.setattr(runner, "PARALLEL_MIN_ROOTS", 10**9)
            result = tfgen(*command, *extra)
        cache.configure()
        assert result.code == 0, result.err
        return result.out

    reference = check("--no-cache", reference=True)
    report = __import__("json").loads(reference)
    stacks = {p.parent for p in corpus.rglob("*.tf") if ".terraform" not in p.parts}
    assert len(stacks) > runner.PARALLEL_MIN_ROOTS, "enough root modules for the worker processes"
    assert report["findings"], "a corpus with findings to compare"
    assert check("--no-cache") == reference
    assert not (tmp_path / "cache").exists()
    assert check() == reference, "an empty cache"
    assert any((tmp_path / "cache").rglob("*")), "the cache was filled"
    assert check() == reference, "the filled cache: the report reused"


def _roots(top: Path, count: int) -> None:
    """`count` root modules, each calling a module `terraform init` fetched, with a tfvars file."""
    import json

    for n in range(count):
        root = top / f"root{n:02d}"
        fetched = root / ".terraform" / "modules" / "svc"
        fetched.mkdir(parents=True)
        (fetched / "main.tf").write_text('variable "name" {}\nresource "aws_ecs_cluster" "c" {\n  name = var.name\n}\n')
        (root / ".terraform" / "modules" / "modules.json").write_text(
            json.dumps({"Modules": [{"Key": "", "Source": "", "Dir": "."}, {"Key": "svc", "Source": "example/svc/aws", "Dir": ".terraform/modules/svc"}]})
        )
        (root / "main.tf").write_text('variable "name" {}\nmodule "svc" {\n  source = "example/svc/aws"\n  name   = var.name\n}\n')
        (root / "terraform.tfvars").write_text(f'name = "c{n}"\n')


@pytest.mark.parametrize("broken", ["terraform.tfvars", ".terraform/modules/svc/main.tf"])
def test_a_file_that_cannot_be_read_is_reported_the_same_however_roots_are_judged(broken, tfgen, tmp_path, monkeypatch):
    """Files parsed ahead (tfvars, fetched modules) and roots judged in worker processes: the
    first unreadable file in the roots' order ends the check, exit 2, as root after root."""
    from tfgen.check import runner

    _roots(tmp_path, runner.PARALLEL_MIN_ROOTS + 2)
    for n in (4, 7):
        (tmp_path / f"root{n:02d}" / broken).write_text('name = [\n' if broken.endswith("tfvars") else 'resource "x" "y" {\n  a = \n}\n')
    results = []
    for parallel in (True, False):
        with monkeypatch.context() as patch:
            patch.setattr(cache, "_in_process", {})
            if not parallel:
                patch.setattr(runner, "PARALLEL_MIN_ROOTS", 10**9)
                patch.setattr(cache, "_load", _reference_load)
            results.append(tfgen("check", tmp_path, "--no-cache"))
    assert [r.code for r in results] == [2, 2]
    assert results[0].err == results[1].err
    assert f"root04/{broken}:" in results[0].err and "root07" not in results[0].err
    assert "Traceback" not in results[0].err
