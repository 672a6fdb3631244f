"""A check's report is reused only while nothing it depends on has changed.

Each test checks a small tree twice or more and counts the full checks (`runner._run`): a second
check of an unchanged tree must not run one, and after any change to what the check read (or to
the question) it must, and its report must equal a check with the cache off.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from tfgen.check import cache, inputs, results, runner

GOOD_TG = 'target_type = "ip"\n'


def _tree(top: Path) -> Path:
    """A stack calling a module outside the checked folder; the module reads a file with file()."""
    module = top / "modules" / "tg"
    module.mkdir(parents=True)
    (module / "main.tf").write_text(
        'variable "target_type" {}\n'
        'resource "aws_lb_target_group" "api" {\n'
        '  name        = trimspace(file("${path.module}/name.txt"))\n'
        "  port        = 8080\n"
        '  protocol    = "HTTP"\n'
        '  vpc_id      = "vpc-0123456789abcdef0"\n'
        "  target_type = var.target_type\n"
        "}\n"
        'output "arn" {\n  value = aws_lb_target_group.api.arn\n}\n'
    )
    (module / "name.txt").write_text("api\n")
    stack = top / "stack"
    stack.mkdir()
    (stack / "main.tf").write_text(
        'variable "target_type" {}\n'
        'module "tg" {\n  source      = "../modules/tg"\n  target_type = var.target_type\n}\n'
        'resource "aws_ecs_service" "api" {\n'
        '  name            = "api"\n'
        '  cluster         = "app"\n'
        '  task_definition = "api:3"\n'
        '  launch_type     = "FARGATE"\n'
        "  load_balancer {\n"
        "    target_group_arn = module.tg.arn\n"
        '    container_name   = "api"\n'
        "    container_port   = 8080\n"
        "  }\n"
        "  network_configuration {\n"
        '    subnets = ["subnet-aaaa1111"]\n'
        "  }\n"
        "}\n"
    )
    (stack / "terraform.tfvars").write_text(GOOD_TG)
    return stack


@pytest.fixture
def counted(monkeypatch):
    """The number of full checks run so far (a reused report runs none)."""
    calls = []
    full = runner._run

    def counting(*args, **kwargs):
        calls.append(args)
        return full(*args, **kwargs)

    monkeypatch.setattr(runner, "_run", counting)
    return calls


@pytest.fixture
def check(tfgen, monkeypatch, tmp_path):
    monkeypatch.setenv("TFGEN_CACHE_DIR", str(tmp_path / "cache"))

    def run(*args, fresh: bool = False):
        with monkeypatch.context() as patch:
            patch.setattr(cache, "_in_process", {})  # as a new process starts
            result = tfgen("check", *args, "--format", "json", "--fail-on", "never", *(["--no-cache"] if fresh else []))
        cache.configure()
        assert result.code == 0, result.err
        return result.out

    return run


def _rules_found(out: str) -> list[str]:
    return sorted(f["rule_id"] for f in json.loads(out)["findings"])


def test_an_unchanged_tree_is_not_checked_again(check, counted, tmp_path):
    stack = _tree(tmp_path)
    first = check(stack)
    assert len(counted) == 1
    assert "TFG303" not in _rules_found(first)
    again = check(stack)
    assert len(counted) == 1, "the second check reused the first one's report"
    assert again == first
    assert list((tmp_path / "cache" / "results").rglob("*")), "an entry was written"


def test_every_report_format_is_the_same_from_a_reused_report(tfgen, monkeypatch, tmp_path, counted):
    stack = _tree(tmp_path)
    (stack / "terraform.tfvars").write_text('target_type = "instance"\n')
    monkeypatch.setenv("TFGEN_CACHE_DIR", str(tmp_path / "cache"))
    for fmt in ("text", "json", "sarif", "junit", "github", "markdown"):
        command = ("check", stack, "--format", fmt, "--show-unknown", "--show-suppressed")
        fresh = tfgen(*command, "--no-cache")
        cache.configure()
        filled, reused = tfgen(*command), tfgen(*command)
        assert fresh.code == filled.code == reused.code == 1, fresh.err
        assert fresh.out == filled.out == reused.out, fmt
    assert len(counted) == 6 + 1, "a check without the cache per format, and one that filled it for all"


def _same_size_edit(path: Path, old: str, new: str) -> None:
    """Change the file's bytes but not its size nor its modification time."""
    assert len(old) == len(new)
    before = path.stat()
    path.write_text(path.read_text().replace(old, new, 1))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_mtime_ns == before.st_mtime_ns and path.stat().st_size == before.st_size


def _symlinked_module(top: Path) -> tuple[Path, Path]:
    """Point the stack at a symlink to the module, then the link at another copy."""
    other = top / "modules" / "tg2"
    other.mkdir()
    for name in ("main.tf", "name.txt"):
        (other / name).write_text((top / "modules" / "tg" / name).read_text().replace("var.target_type", '"instance"'))
    link = top / "modules" / "current"
    link.symlink_to(top / "modules" / "tg")
    return link, other


# Each change: what to do to the tree (top, stack) and the rules expected after it (None: any).
CHANGES = {
    "a file's bytes, same size and time": (lambda top, stack: _same_size_edit(stack / "terraform.tfvars", '"ip"', '"zz"'), None),
    "terraform.tfvars": (lambda top, stack: (stack / "terraform.tfvars").write_text('target_type = "instance"\n'), ["TFG303"]),
    "a new .auto.tfvars": (lambda top, stack: (stack / "x.auto.tfvars").write_text('target_type = "instance"\n'), ["TFG303"]),
    "a new .tf file": (lambda top, stack: (stack / "extra.tf").write_text('resource "aws_ecs_cluster" "c" {\n  name = "c"\n}\n'), None),
    "a new root module": (lambda top, stack: (stack / "other").mkdir() or (stack / "other" / "main.tf").write_text('resource "aws_ecs_cluster" "c" {\n  name = "c"\n}\n'), None),
    "the called module outside the tree": (
        lambda top, stack: (top / "modules" / "tg" / "main.tf").write_text((top / "modules" / "tg" / "main.tf").read_text().replace("var.target_type", '"instance"')),
        ["TFG303"],
    ),
    "the file read by file()": (lambda top, stack: (top / "modules" / "tg" / "name.txt").write_text("a-much-longer-name-than-before\n"), None),
    "the module folder removed": (lambda top, stack: [p.unlink() for p in (top / "modules" / "tg").iterdir()] and (top / "modules" / "tg").rmdir(), None),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_change_to_what_the_check_read_means_a_full_check(change, check, counted, tmp_path):
    stack = _tree(tmp_path)
    first = check(stack)
    edit, expected = CHANGES[change]
    edit(tmp_path, stack)
    after = check(stack)
    assert len(counted) == 2, f"{change}: checked again"
    assert after == check(stack, fresh=True), "the same report as a check without the cache"
    if expected is not None:
        assert "TFG303" not in _rules_found(first)
        assert "TFG303" in _rules_found(after)
    assert check(stack) == after and len(counted) == 3, "and that report is reused in turn"


def test_a_retargeted_symlink_means_a_full_check(check, counted, tmp_path):
    stack = _tree(tmp_path)
    link, other = _symlinked_module(tmp_path)
    (stack / "main.tf").write_text((stack / "main.tf").read_text().replace("../modules/tg", "../modules/current"))
    assert "TFG303" not in _rules_found(check(stack))
    link.unlink()
    link.symlink_to(other)
    assert "TFG303" in _rules_found(check(stack))
    assert len(counted) == 2


def test_fetched_modules_and_their_manifest_are_inputs(check, counted, tmp_path):
    stack = tmp_path / "stack"
    fetched = stack / ".terraform" / "modules" / "tg"
    fetched.mkdir(parents=True)
    (fetched / "main.tf").write_text('resource "aws_lb_target_group" "api" {\n  port        = 80\n  target_type = "ip"\n}\n')
    manifest = stack / ".terraform" / "modules" / "modules.json"
    entries = [{"Key": "", "Source": "", "Dir": "."}, {"Key": "tg", "Source": "example/tg/aws", "Dir": ".terraform/modules/tg"}]
    manifest.write_text(json.dumps({"Modules": entries}))
    (stack / "main.tf").write_text('module "tg" {\n  source = "example/tg/aws"\n}\n')
    first = json.loads(check(stack))
    assert first["summary"]["resources"] == 1
    (fetched / "more.tf").write_text('resource "aws_ecs_cluster" "c" {\n  name = "c"\n}\n')
    assert json.loads(check(stack))["summary"]["resources"] == 2
    manifest.write_text(json.dumps({"Modules": entries[:1]}))
    assert json.loads(check(stack))["modules_not_read"], "the call is no longer fetched"
    assert len(counted) == 3


def test_the_question_is_part_of_the_key(check, counted, tmp_path, monkeypatch):
    stack = _tree(tmp_path)
    (stack / "terraform.tfvars").write_text('target_type = "instance"\n')
    check(stack)
    assert "TFG303" not in _rules_found(check(stack, "--skip", "TFG303"))
    extra = tmp_path / "extra.tfvars"
    extra.write_text(GOOD_TG)
    assert "TFG303" not in _rules_found(check(stack, "--var-file", extra))
    extra.write_text('target_type = "instance"\n')
    assert "TFG303" in _rules_found(check(stack, "--var-file", extra)), "the --var-file's bytes"
    (stack / ".tfgen.yaml").write_text("skip:\n  - id: TFG303\n    reason: kept on purpose\n")
    assert json.loads(check(stack))["summary"]["suppressed"] == 1
    monkeypatch.chdir(stack)
    shown = json.loads(check("."))
    assert all(not f["file"].startswith("stack/") for f in shown["findings"]), "paths shown from the new folder"
    monkeypatch.setattr(cache, "code_digest", lambda: "another tfgen")
    check(".")
    assert len(counted) == 7, "each question, and tfgen's code, made its own check"


def test_no_cache_neither_reads_nor_writes_reports(check, counted, tmp_path):
    stack = _tree(tmp_path)
    check(stack, fresh=True)
    check(stack, fresh=True)
    assert len(counted) == 2
    assert not (tmp_path / "cache" / "results").exists()


@pytest.mark.parametrize("damage", ["garbage", "another key", "a wrong type", "an unknown rule", "a bad severity", "an unknown observation"])
def test_a_damaged_entry_is_a_miss(damage, check, counted, tmp_path):
    stack = _tree(tmp_path)
    (stack / "terraform.tfvars").write_text('target_type = "instance"\n')
    first = check(stack)
    (entry,) = [p for p in (tmp_path / "cache" / "results").rglob("*") if p.is_file()]
    data = json.loads(entry.read_text())
    finding = data["report"]["findings"][0]
    if damage == "garbage":
        entry.write_bytes(b"\x00not json")
    else:
        if damage == "another key":
            data["key"] = "0" * 64
        elif damage == "a wrong type":
            finding[4] = "12"
        elif damage == "an unknown rule":
            finding[0] = "TFG999"
        elif damage == "a bad severity":
            finding[1] = "fatal"
        else:
            data["inputs"][0][0] = "os.system"
        entry.write_text(json.dumps(data))
    assert check(stack) == first
    assert len(counted) == 2


def test_a_check_with_an_internal_error_is_not_kept(tfgen, monkeypatch, tmp_path, counted):
    import dataclasses

    from tfgen.check import rules as registry
    from tfgen.check.rules.base import Judge

    stack = _tree(tmp_path)
    monkeypatch.setenv("TFGEN_CACHE_DIR", str(tmp_path / "cache"))

    def broken(model, subject):
        raise ValueError("a defect")

    with monkeypatch.context() as patch:
        rule = registry.BY_ID["TFG303"]
        patch.setitem(registry.BY_ID, "TFG303", dataclasses.replace(rule, check=Judge(rule.check.subjects, broken)))
        assert tfgen("check", stack).code == 2
    assert not (tmp_path / "cache" / "results").exists()
    assert tfgen("check", stack).code == 0
    assert len(counted) == 2


def test_an_unwritable_cache_folder_never_fails_a_check(check, counted, tmp_path):
    stack = _tree(tmp_path)
    (tmp_path / "cache").write_text("a file where the folder should be")
    assert check(stack) == check(stack, fresh=True)


def test_reads_in_worker_processes_are_inputs_too(check, counted, tmp_path, monkeypatch):
    """Root modules judged in forked workers: a module only they read is still an input."""
    monkeypatch.setattr(cache, "worker_count", lambda: 2)
    stack = _tree(tmp_path)
    for n in range(runner.PARALLEL_MIN_ROOTS):
        copy = stack / f"copy{n}"
        copy.mkdir()
        (copy / "main.tf").write_text((stack / "main.tf").read_text().replace("../modules/tg", "../../modules/tg"))
        (copy / "terraform.tfvars").write_text(GOOD_TG)
    (stack / "main.tf").unlink()
    (stack / "terraform.tfvars").unlink()
    assert "TFG303" not in _rules_found(check(stack))
    module = tmp_path / "modules" / "tg" / "main.tf"
    module.write_text(module.read_text().replace("var.target_type", '"instance"'))
    assert _rules_found(check(stack)).count("TFG303") == 1, "one finding in the shared module, every root listed"
    assert len(counted) == 2


def test_a_recording_whose_answers_differ_vouches_for_nothing(tmp_path):
    path = tmp_path / "a.tf"
    path.write_text("a")
    with inputs.recording() as record:
        cache.file_bytes(path)
        path.write_text("b")
        cache.file_bytes(path)
    assert not record.consistent
    report = runner.Report(rules=())
    results.keep("0" * 64, record, report)
    assert results.reuse("0" * 64) is None


def test_the_cache_folder_keeps_the_most_recently_used_reports(check, counted, tmp_path, monkeypatch):
    """One report per question and tfgen build: the least recently used go beyond the limit,
    and a report just reused is among the last to go."""
    monkeypatch.setattr(results, "MAX_ENTRIES", 2)
    stacks = []
    for n in range(4):
        stack = tmp_path / f"s{n}"
        stack.mkdir()
        (stack / "main.tf").write_text(f'resource "aws_ecs_cluster" "c{n}" {{\n  name = "c{n}"\n}}\n')
        stacks.append(stack)
    folder = tmp_path / "cache" / "results"

    def entries():
        return sorted(p for p in folder.rglob("*") if p.is_file())

    check(stacks[0])
    check(stacks[1])
    old = time.time() - 100
    for n, path in enumerate(entries()):
        os.utime(path, (old + n, old + n))
    check(stacks[0])  # reused: now the most recent
    assert len(counted) == 2
    check(stacks[2])
    assert len(entries()) == 2, "the limit holds"
    check(stacks[0])
    assert len(counted) == 3, "the reused report was kept"
    check(stacks[1])
    assert len(counted) == 4, "the least recently used was the one pruned"
    (folder / "v1" / "zz").mkdir(parents=True, exist_ok=True)
    stale = folder / "v1" / "zz" / ".tmp-left-by-a-killed-run"
    stale.write_text("half")
    os.utime(stale, (old - 7200, old - 7200))
    check(stacks[3])  # a new question: a full check, whose report is kept and the folder pruned
    assert not stale.exists()
