"""Speed never changes what `tfgen check` reports.

Each corpus that benchmarks/check_speed.py times (benchmarks/corpus.py, plain and with
`.terraform/modules` laid out), built small, is checked four ways: with the plain reference
(every file parsed on its own, straight from the loader: no memo, no disk cache, no worker
processes, no parsing ahead, root modules one after another), with --no-cache, with an empty
cache and with the cache it filled. The JSON reports must be equal, byte for byte.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tfgen.check import cache
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
            result = tfgen(*command, *extra)
        cache.configure()
        assert result.code == 0, result.err
        return result.out

    reference = check("--no-cache", reference=True)
    report = __import__("json").loads(reference)
    assert report["summary"]["files"] > cache.PARALLEL_MIN_FILES, "enough files for the parallel paths"
    assert report["findings"], "a corpus with findings to compare"
    assert check("--no-cache") == reference
    assert not (tmp_path / "cache").exists()
    assert check() == reference, "an empty cache"
    assert any((tmp_path / "cache").rglob("*")), "the cache was filled"
    assert check() == reference, "the filled cache"
