"""The parse cache: a file is parsed once per content and tfgen version, safely under
concurrent runs, and never at the cost of a wrong or failed check."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tfgen.check import cache, loader
from tfgen.errors import InputError

REPO = Path(__file__).resolve().parents[2]
BLOCK = 'resource "aws_efs_file_system" "{name}" {{\n  encrypted = {encrypted}\n}}\n'


@pytest.fixture
def parses(monkeypatch, tmp_path):
    """A fresh cache folder and an empty in-process memo; returns the list of paths the parser sees."""
    seen: list[str] = []
    real = loader.load_file

    def counting(path):
        seen.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(loader, "load_file", counting)
    monkeypatch.setattr(cache, "_in_process", {})
    cache.configure(enabled=True, directory=tmp_path / "cache")
    yield seen
    cache.configure()


def forget_this_process(monkeypatch):
    """What a new tfgen process would see: the disk cache, not this process's memo."""
    monkeypatch.setattr(cache, "_in_process", {})


def write(folder: Path, name: str, encrypted: str = "true") -> Path:
    path = folder / f"{name}.tf"
    path.write_text(BLOCK.format(name=name, encrypted=encrypted))
    return path


def test_second_run_reads_the_cache_not_the_parser(parses, tmp_path, monkeypatch):
    files = [write(tmp_path, n) for n in ("a", "b")]
    first = cache.load_many(files)
    assert parses == ["a.tf", "b.tf"]
    forget_this_process(monkeypatch)
    second = cache.load_many(files)
    assert parses == ["a.tf", "b.tf"], "nothing parsed again"
    assert [b.labels for f in second for b in f.blocks] == [b.labels for f in first for b in f.blocks]
    assert second[0].blocks[0].line == 1 and second[0].path == str(files[0])


def test_changed_content_is_parsed_again(parses, tmp_path, monkeypatch):
    path = write(tmp_path, "a")
    cache.load(path)
    forget_this_process(monkeypatch)
    write(tmp_path, "a", encrypted="false")
    changed = cache.load(path)
    assert parses == ["a.tf", "a.tf"]
    assert changed.blocks[0].attributes["encrypted"].expr.value is False


def test_same_content_elsewhere_names_its_own_file(parses, tmp_path, monkeypatch):
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    first = write(tmp_path / "one", "a")
    second = write(tmp_path / "two", "a")
    cache.load(first)
    forget_this_process(monkeypatch)
    moved = cache.load(second)
    assert parses == ["a.tf"], "same bytes: one parse"
    assert moved.path == str(second) and moved.blocks[0].file == str(second)


def test_another_tfgen_version_does_not_read_old_entries(parses, tmp_path, monkeypatch):
    path = write(tmp_path, "a")
    cache.load(path)
    forget_this_process(monkeypatch)
    monkeypatch.setattr(cache, "__version__", "999.0")
    cache.load(path)
    assert parses == ["a.tf", "a.tf"]


def test_a_corrupt_entry_is_a_miss(parses, tmp_path, monkeypatch):
    path = write(tmp_path, "a")
    cache.load(path)
    for entry in (tmp_path / "cache").rglob("*"):
        if entry.is_file():
            entry.write_bytes(b"not a pickle")
    forget_this_process(monkeypatch)
    assert cache.load(path).blocks[0].labels == ("aws_efs_file_system", "a")
    assert parses == ["a.tf", "a.tf"]


def test_an_unwritable_cache_folder_never_fails_a_check(parses, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would go")
    cache.configure(enabled=True, directory=blocker)
    assert cache.load(write(tmp_path, "a")).blocks


def test_disabled_cache_writes_nothing(parses, tmp_path, monkeypatch):
    cache.configure(enabled=False, directory=tmp_path / "cache")
    path = write(tmp_path, "a")
    cache.load(path)
    forget_this_process(monkeypatch)
    cache.load(path)
    assert parses == ["a.tf", "a.tf"] and not (tmp_path / "cache").exists()


def test_many_files_parse_in_parallel_with_the_same_result(tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "_in_process", {})
    cache.configure(enabled=False)
    files = [write(tmp_path, f"fs{i:03d}", encrypted="true" if i % 2 else "false") for i in range(cache.PARALLEL_MIN_FILES + 6)]
    parallel = cache.load_many(files)
    sequential = [loader.load_file(f) for f in files]
    assert [(s.path, [(b.labels, b.line) for b in s.blocks]) for s in parallel] == [
        (s.path, [(b.labels, b.line) for b in s.blocks]) for s in sequential
    ]
    (tmp_path / "fs007.tf").write_text('resource "x" "y" {\n  a = \n}\n')
    monkeypatch.setattr(cache, "_in_process", {})
    with pytest.raises(InputError, match=r"fs007\.tf:2:"):
        cache.load_many(files)
    cache.configure()


def test_concurrent_runs_share_one_cache_folder(tmp_path):
    """Two checks filling the same empty cache at once both succeed, and agree with a run
    without the cache."""
    env = {**__import__("os").environ, "TFGEN_CACHE_DIR": str(tmp_path / "shared")}
    command = [sys.executable, "-m", "tfgen", "check", str(REPO / "examples"), "--format", "json"]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) for _ in range(2)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], [err for _, err in outputs]
    fresh = subprocess.run([*command, "--no-cache"], capture_output=True, text=True, env=env)
    warm = subprocess.run(command, capture_output=True, text=True, env=env)
    documents = [json.loads(out) for out, _ in outputs] + [json.loads(fresh.stdout), json.loads(warm.stdout)]
    assert all(d == documents[0] for d in documents)
    assert list((tmp_path / "shared").rglob(".tmp-*")) == [], "no half-written entries left behind"


def test_identical_files_in_one_run_are_parsed_once(parses, tmp_path):
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    first, second = write(tmp_path / "one", "a"), write(tmp_path / "two", "a")
    one, two = cache.load_many([first, second])
    assert parses == ["a.tf"]
    assert one is not two and one.path == str(first) and two.path == str(second)
    assert two.blocks[0].file == str(second) and one.blocks[0].file == str(first)
