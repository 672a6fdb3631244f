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


def test_edited_tfgen_code_does_not_read_old_entries(parses, tmp_path, monkeypatch):
    """An editable install keeps its version while its loader changes: the code is in the key."""
    path = write(tmp_path, "a")
    cache.load(path)
    forget_this_process(monkeypatch)
    monkeypatch.setattr(cache, "code_digest", lambda: "an edited loader")
    cache.load(path)
    assert parses == ["a.tf", "a.tf"]


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


# --- hostile or damaged entries ----------------------------------------------------------------
# Each run below is what a new tfgen process does with the cache folder it is given; the report
# must be exactly the one `--no-cache` gives, and nothing in an entry may ever run.

from tfgen.check.rules.base import EXAMPLES_DIR  # noqa: E402


@pytest.fixture
def checked(tmp_path, monkeypatch, tfgen):
    """A tree with findings in several files; `run(*extra)` checks it with a cache folder."""
    import shutil

    tree = tmp_path / "tree"
    for rule_id in ("TFG101", "TFG402", "TFG203"):
        shutil.copytree(EXAMPLES_DIR / rule_id / "bad", tree / rule_id)
    folder = tmp_path / "cache"
    monkeypatch.setenv("TFGEN_CACHE_DIR", str(folder))

    def run(*extra: str):
        monkeypatch.setattr(cache, "_in_process", {})
        # The parse cache alone: a reused report (tfgen.check.results) would read no entry.
        shutil.rmtree(folder / "results", ignore_errors=True)
        result = tfgen("check", tree, "--format", "json", "--fail-on", "never", *extra)
        cache.configure()
        return result

    run.folder = folder
    run.entries = lambda: sorted(p for p in (folder / f"v{cache.FORMAT}").rglob("*") if p.is_file() and not p.name.startswith(".tmp-"))
    return run


def _fresh(checked):
    fresh = checked("--no-cache")
    assert fresh.code == 0, fresh.err
    return fresh.out


def test_a_planted_pickle_is_never_executed(checked, tmp_path):
    import pickle

    marker = tmp_path / "pwned"

    class Payload:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    expected = _fresh(checked)
    assert checked().out == expected
    entries = checked.entries()
    assert entries, "the first run filled the cache"
    for entry in entries:
        entry.write_bytes(pickle.dumps(Payload()))
    again = checked()
    assert not marker.exists(), "reading the cache ran code from an entry"
    assert (again.code, again.out) == (0, expected) and "Traceback" not in again.err


def _damage_each(checked, damage) -> None:
    expected = _fresh(checked)
    assert checked().out == expected
    entries = checked.entries()
    before = {e: e.read_bytes() for e in entries}
    damage(entries)
    again = checked()
    assert (again.code, again.out, again.err) == (0, expected, ""), "a damaged entry changes nothing"
    assert {e: e.read_bytes() for e in checked.entries()} == before, "and it is rewritten"


def test_a_corrupted_entry_is_a_miss(checked):
    def corrupt(entries):
        for entry in entries:
            data = bytearray(entry.read_bytes())
            middle = len(data) // 2
            data[middle : middle + 8] = b"\xff}]\x00{[\x01\""
            entry.write_bytes(bytes(data))

    _damage_each(checked, corrupt)


def test_a_truncated_entry_is_a_miss(checked):
    _damage_each(checked, lambda entries: [e.write_bytes(e.read_bytes()[: len(e.read_bytes()) // 2]) for e in entries])


def test_entries_swapped_between_keys_are_misses(checked):
    def swap(entries):
        contents = [e.read_bytes() for e in entries]
        for entry, content in zip(entries, contents[1:] + contents[:1]):
            entry.write_bytes(content)

    _damage_each(checked, swap)


def test_an_entry_with_wrong_types_is_a_miss(checked):
    def retype(entries):
        for entry in entries:
            data = json.loads(entry.read_bytes())
            block = data["data"][0]
            block[4] = str(block[4])  # a line number as a string
            if block[2]:
                block[2][0][1] = ["L", {"not": "a scalar"}]
            entry.write_text(json.dumps(data))

    _damage_each(checked, retype)


def test_every_expression_class_has_a_checked_entry_format():
    """A node class added to tfgen.check.expr must get a line in the cache's format, with its
    fields in order, or its files would never be cached."""
    import dataclasses

    from tfgen.check import expr as E

    classes = {c for c in vars(E).values() if isinstance(c, type) and dataclasses.is_dataclass(c)}
    formatted = {cls: kinds for cls, kinds in (v for v in cache._NODES.values())}
    assert classes == set(formatted)
    for cls, kinds in formatted.items():
        assert len(dataclasses.fields(cls)) == len(kinds), cls.__name__


def test_a_parse_round_trips_through_the_entry_format(tmp_path):
    path = tmp_path / "main.tf"
    path.write_text(
        'locals {\n  a = [for k, v in var.m : "${k}-%{if v}y%{else}n%{endif}" if k != "x"]\n'
        '  b = { for s in var.l : s.name => s... }\n  c = try(x.y[0].z, null) ? -1.5 : !true\n'
        '  d = aws_x.y[*].id\n  e = <<-EOT\n    %{for i in var.l}${i}%{endfor}\n  EOT\n  f = f(var.l...)\n}\n'
    )
    source = loader.load_file(path)
    data = json.loads(json.dumps(cache.encode("tf", source)))
    again = cache.decode("tf", data)
    assert again.blocks == [
        dataclasses_replace_file(b, "") for b in source.blocks
    ]


def dataclasses_replace_file(block, file):
    import dataclasses

    return dataclasses.replace(block, file=file, blocks=[dataclasses_replace_file(b, file) for b in block.blocks])


def test_a_warm_run_never_imports_the_parser_even_for_template_files(tmp_path):
    """templatefile() templates are cached like .tf files, so a warm run loads no parser (a
    cold one, tfgen's own reader: python-hcl2 and Lark only load for what it leaves to them)."""
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
