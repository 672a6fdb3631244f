"""The command line: input errors exit 2 without a traceback; policy controls; rules and explain."""

from __future__ import annotations

import pytest

from .conftest import example_path
from tfgen.check.rules import CONFIG_RULES, RULES


def write(folder, files):
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


@pytest.mark.parametrize(
    "files, args, message",
    [
        ({"main.tf": 'resource "x" "y" {\n  a = 1\n  b = = 2\n}\n'}, [], r"main.tf:3:"),
        ({}, ["missing-dir"], "missing-dir: no such file or directory"),
        ({"notes.txt": "x"}, ["notes.txt"], "not a .tf or .tf.json file"),
        ({"notes.txt": "x"}, [], r"\.: no \.tf or \.tf\.json files found"),
        ({"main.tf": ""}, ["--fail-on", "sometimes"], "sometimes"),
        ({"main.tf": ""}, ["--format", "xml"], "xml"),
        ({"main.tf": ""}, ["--skip", "TFG999"], "--skip: no rule 'TFG999'"),
        ({"main.tf": ""}, ["--only", "nope"], "--only: no rule 'NOPE'"),
        ({"main.tf": ""}, ["--var-file", "absent.tfvars"], "--var-file absent.tfvars: no such file"),
        ({"main.tf": "", "bad.tfvars": "x = [\n"}, ["--var-file", "bad.tfvars"], "bad.tfvars:"),
        ({"main.tf": "", ".tfgen.yaml": "skip:\n  - id: TFG105\n"}, [], "needs a reason"),
        ({"main.tf": "", ".tfgen.yaml": "skip: [\n"}, [], r".tfgen.yaml:\d+: cannot parse YAML"),
        ({"main.tf": "", ".tfgen.yaml": "skip:\n  - id: TFG999\n    reason: x\n"}, [], "no rule 'TFG999'"),
    ],
)
def test_input_errors_exit_2_with_location_and_no_traceback(tfgen, tmp_path, monkeypatch, files, args, message):
    import re

    monkeypatch.chdir(tmp_path)
    write(tmp_path, files)
    paths = [] if args[:1] and not args[0].startswith("-") else ["."]
    result = tfgen("check", *paths, *args)
    assert result.code == 2
    assert re.search(message, result.err), result.err
    assert "Traceback" not in result.err + result.out


def test_inline_ignore_suppresses_and_counts(tfgen, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, {"main.tf": 'resource "aws_efs_file_system" "scratch" {\n  # tfgen:ignore=TFG402,TFG407 scratch space, rebuilt nightly\n}\n'})
    result = tfgen("check", ".", "--format", "json")
    assert result.code == 0
    assert result.json()["findings"] == [] and result.json()["summary"]["suppressed"] == 2
    shown = tfgen("check", ".", "--format", "json", "--show-suppressed").json()
    assert {(s["rule_id"], s["reason"]) for s in shown["suppressed"]} == {
        ("TFG402", "inline: scratch space, rebuilt nightly"),
        ("TFG407", "inline: scratch space, rebuilt nightly"),
    }
    text = tfgen("check", ".", "--show-suppressed").out
    assert "Suppressed findings:" in text and "scratch space" in text


def test_ignore_on_a_module_call_covers_what_it_creates(tfgen, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, {
        "main.tf": 'module "fs" {\n  source = "./fs"\n  # tfgen:ignore=TFG407 backups run outside Terraform\n}\n',
        "fs/main.tf": 'resource "aws_efs_file_system" "this" {\n  encrypted = true\n}\n',
    })
    result = tfgen("check", ".", "--format", "json")
    assert result.json()["summary"]["suppressed"] == 1 and result.json()["findings"] == []


def test_tfgen_yaml_in_a_parent_folder(tfgen, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, {
        ".tfgen.yaml": "skip:\n  - id: TFG105\n    reason: GPU jobs run on EC2 on purpose\n  - id: TFG402\n    reason: legacy\n    paths: ['infra/legacy/*']\n",
        "infra/jobs/main.tf": example_path("TFG105", "bad").read_text(),
        "infra/legacy/main.tf": example_path("TFG402", "bad").read_text(),
        "infra/new/main.tf": example_path("TFG402", "bad").read_text(),
    })
    monkeypatch.chdir(tmp_path / "infra")
    result = tfgen("check", ".", "--format", "json", "--show-suppressed")
    document = result.json()
    assert [(f["rule_id"], f["file"]) for f in document["findings"]] == [("TFG402", "new/main.tf")]
    assert {(s["rule_id"], s["file"], s["reason"]) for s in document["suppressed"]} == {
        ("TFG105", "jobs/main.tf", ".tfgen.yaml: GPU jobs run on EC2 on purpose"),
        ("TFG402", "legacy/main.tf", ".tfgen.yaml: legacy"),
    }


def test_skip_and_only(tfgen):
    folder = example_path("TFG402", "bad").parent.parent.parent  # every example
    everything = {f["rule_id"] for f in tfgen("check", folder, "--format", "json").json()["findings"]}
    assert everything == {r.id for r in CONFIG_RULES}
    only = tfgen("check", folder, "--format", "json", "--only", "TFG401,tfg402", "--only", "TFG403").json()
    assert {f["rule_id"] for f in only["findings"]} == {"TFG401", "TFG402", "TFG403"}
    skipped = tfgen("check", folder, "--format", "json", "--skip", "TFG401", "--skip", "TFG402,TFG403").json()
    assert {f["rule_id"] for f in skipped["findings"]} == everything - {"TFG401", "TFG402", "TFG403"}
    assert skipped["summary"]["suppressed"] == 0


def test_single_file_path(tfgen):
    path = example_path("TFG101", "bad")
    result = tfgen("check", path, "--format", "json", "--only", "TFG101")
    assert [f["line"] for f in result.json()["findings"]] == [5]  # network_mode = "bridge"


def test_rules_lists_every_rule(tfgen):
    result = tfgen("rules")
    assert result.code == 0
    lines = result.out.splitlines()
    assert [line.split()[0] for line in lines] == [r.id for r in RULES]
    assert lines[0].startswith("TFG101  error")
    import json

    assert len(json.loads(tfgen("rules", "--format", "json").out)) == len(RULES)


def test_explain_prints_the_rule_in_full(tfgen):
    result = tfgen("explain", "tfg401")
    assert result.code == 0
    rule = next(r for r in RULES if r.id == "TFG401")
    for part in (rule.title, rule.why, rule.fix, rule.url, "Fires on (bad example)", "Passes (good example)"):
        assert part in result.out
    assert 'transit_encryption = "ENABLED"' in result.out
    missing = tfgen("explain", "TFG999")
    assert missing.code == 2 and "no rule 'TFG999'" in missing.err


def test_explain_prints_the_cited_guidance_section(tfgen):
    """The section comes from docs/guidance.md: its heading, its text and its AWS links."""
    from .conftest import REPO

    page = (REPO / "docs" / "guidance.md").read_text(encoding="utf-8")
    out = tfgen("explain", "TFG208").out
    assert "Guidance (docs/guidance.md#least-privilege): IAM roles: Least privilege" in out
    body = page.split("### Least privilege\n", 1)[1].split("\n#", 1)[0]
    first_line = body.strip().splitlines()[0]
    assert first_line in out
    assert "IAM best practices for Amazon ECS: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/security-iam-bestpractices.html" in out
    assert "[IAM best practices" not in out, "links are printed for a terminal, not as markdown"


def test_every_rule_cites_the_guidance_and_has_examples():
    from tfgen.guidance import guidance_file, sections

    from .conftest import REPO

    assert guidance_file() == REPO / "docs" / "guidance.md"
    cited = sections()
    for rule in RULES:
        assert rule.severity in ("error", "warning", "info")
        assert rule.title and rule.why and rule.fix and rule.url.startswith("https://docs.aws.amazon.com/")
        assert rule.example("bad") and rule.example("good")
        assert rule.guidance in cited, f"{rule.id} cites {rule.guidance!r}, which is no heading of docs/guidance.md"
        assert any("docs.aws.amazon.com" in url for _, url in cited[rule.guidance].links), rule.id


def test_the_repository_examples_and_modules_check_clean(tfgen, monkeypatch):
    """The stacks tfgen generates must pass its own checker: nothing above info."""
    from .conftest import REPO

    monkeypatch.chdir(REPO)
    targets = [name for name in ("examples", "modules") if any((REPO / name).rglob("*.tf"))]
    assert targets, "no examples/ or modules/ with Terraform in the repository"
    result = tfgen("check", *targets, "--format", "json", "--fail-on", "warning")
    above_info = [f for f in result.json()["findings"] if f["severity"] != "info"]
    assert above_info == [] and result.code == 0


def test_help_does_not_load_the_checker():
    import subprocess
    import sys

    code = "import sys, tfgen.cli; print(sorted(m for m in ('hcl2', 'lark', 'tfgen.check.evaluator') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_repository_examples_leave_nothing_undecided(tfgen, monkeypatch):
    """Generated stacks give the checker values it can judge: a rule left undecided on tfgen's own
    output (the scheduler role's PassRole list once went through distinct() of role ARNs known
    only after apply) would be a check the gate silently skips."""
    from .conftest import REPO

    monkeypatch.chdir(REPO)
    result = tfgen("check", "examples", "--format", "json")
    assert result.json()["summary"]["unknown"] == 0
