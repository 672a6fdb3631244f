"""The in-process memo: a file is parsed once per content in a run, names its own path, and is
read again when it changed; the cache folder holds only reports (see test_result_cache.py)."""

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
    """An empty in-process memo; returns the list of paths the parser sees."""
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


def write(folder: Path, name: str, encrypted: str = "true") -> Path:
    path = folder / f"{name}.tf"
    path.write_text(BLOCK.format(name=name, encrypted=encrypted))
    return path


def test_changed_content_is_parsed_again(parses, tmp_path):
    path = write(tmp_path, "a")
    cache.load(path)
    cache.load(path)
    assert parses == ["a.tf"], "unchanged: the memo"
    write(tmp_path, "a", encrypted="false")
    changed = cache.load(path)
    assert parses == ["a.tf", "a.tf"]
    assert changed.blocks[0].attributes["encrypted"].expr.value is False


def test_while_reads_are_recorded_an_edit_that_keeps_size_and_time_is_read(parses, tmp_path):
    """A check that keeps its report reads each file's bytes: the memo's size-and-time test
    would miss this edit, the recording must not."""
    import os

    from tfgen.check import inputs

    path = write(tmp_path, "a")
    cache.load(path)
    before = path.stat()
    path.write_text(path.read_text().replace("true", "null"))  # same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert cache.load(path).blocks[0].attributes["encrypted"].expr.value is True, "the memo trusts size and time"
    with inputs.recording() as record:
        assert cache.load(path).blocks[0].attributes["encrypted"].expr.value is None, "the new bytes were read"
    assert record.seen[("tfgen.check.cache.file_bytes", str(path))] == inputs.normalized(path.read_bytes())


def test_same_content_elsewhere_names_its_own_file(parses, tmp_path):
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    first = write(tmp_path / "one", "a")
    second = write(tmp_path / "two", "a")
    cache.load(first)
    moved = cache.load(second)
    assert parses == ["a.tf"], "same bytes: one parse"
    assert moved.path == str(second) and moved.blocks[0].file == str(second)


def test_the_code_digest_changes_with_any_file_of_the_package(tmp_path):
    import shutil

    import tfgen

    copy = tmp_path / "tfgen"
    shutil.copytree(Path(tfgen.__file__).parent, copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert cache.tree_digest(copy) == cache.code_digest()
    (copy / "__pycache__").mkdir(exist_ok=True)
    (copy / "__pycache__" / "x.pyc").write_bytes(b"bytecode")
    assert cache.tree_digest(copy) == cache.code_digest(), "bytecode is not the code"
    loader = copy / "check" / "loader.py"
    loader.write_text(loader.read_text() + "# an edit\n")
    assert cache.tree_digest(copy) != cache.code_digest()


def test_an_unreadable_file_among_many_is_named(tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "_in_process", {})
    files = [write(tmp_path, f"fs{i:03d}", encrypted="true" if i % 2 else "false") for i in range(30)]
    assert [s.path for s in cache.load_many(files)] == [str(f) for f in files]
    (tmp_path / "fs007.tf").write_text('resource "x" "y" {\n  a = \n}\n')
    (tmp_path / "fs009.tf").write_text('resource "x" "y" {\n  a = \n}\n')
    with pytest.raises(InputError, match=r"fs007\.tf:2:"):
        cache.load_many(files)


def test_concurrent_runs_share_one_cache_folder(tmp_path):
    """Two checks filling the same empty cache folder at once both succeed, and agree with a run
    without the cache and with the report the folder then holds."""
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


def test_a_reused_report_never_imports_the_parser(tmp_path):
    """A check whose report is reused parses nothing, so it loads no parser (a first check,
    tfgen's own reader: python-hcl2 and Lark only load for what it leaves to them)."""
    (tmp_path / "policy.json.tftpl").write_text('{"Statement": [%{ for a in actions }"${a}",%{ endfor }"x"]}\n')
    (tmp_path / "main.tf").write_text(
        'resource "aws_iam_role_policy" "p" {\n  policy = templatefile("policy.json.tftpl", { actions = ["s3:GetObject"] })\n}\n'
    )
    env = {**__import__("os").environ, "TFGEN_CACHE_DIR": str(tmp_path / "cache")}
    code = (
        "import sys, runpy; sys.argv = ['tfgen', 'check', sys.argv[1], '--output', sys.argv[2]]\n"
        "try:\n    runpy.run_module('tfgen.cli', run_name='x'); from tfgen.cli import _run; _run()\n"
        "finally:\n    print(sorted(m for m in ('hcl2', 'lark', 'tfgen.check.hclparse') if m in sys.modules))\n"
    )
    command = [sys.executable, "-c", code, str(tmp_path), str(tmp_path / "report.txt")]
    cold = subprocess.run(command, capture_output=True, text=True, env=env, cwd=tmp_path)
    warm = subprocess.run(command, capture_output=True, text=True, env=env, cwd=tmp_path)
    assert cold.stdout.strip() == "['tfgen.check.hclparse']", cold.stderr
    assert warm.stdout.strip() == "[]", warm.stderr
