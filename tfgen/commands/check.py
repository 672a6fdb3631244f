"""`tfgen check`, `tfgen rules` and `tfgen explain`: the conformance checker's command line."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from pathlib import Path

_FORMATS = ("text", "json", "sarif", "junit")
_FAIL_ON = ("error", "warning", "info", "never")


def report_options(command):
    """The options every reporting command shares (check, plan): format, output, policy."""
    options = [
        click.option("--format", "fmt", type=click.Choice(_FORMATS), default="text", show_default=True, help="Report format."),
        click.option("--output", "-o", "output", type=click.Path(dir_okay=False), help="Write the report to FILE instead of stdout."),
        click.option("--fail-on", type=click.Choice(_FAIL_ON), default="error", show_default=True, help="Exit 1 when a finding is at or above this severity."),
        click.option("--skip", multiple=True, metavar="ID,...", help="Do not run these rules (repeatable, comma-separated)."),
        click.option("--only", multiple=True, metavar="ID,...", help="Run only these rules (repeatable, comma-separated)."),
        click.option("--var-file", "var_files", multiple=True, metavar="FILE", help="A .tfvars file for every root module (repeatable; after terraform.tfvars and *.auto.tfvars)."),
        click.option("--show-unknown", is_flag=True, help="List the checks that could not decide because a value is not known statically."),
        click.option("--show-suppressed", is_flag=True, help="List findings suppressed by tfgen:ignore comments or .tfgen.yaml."),
        click.option("--color/--no-color", default=None, help="Color the text report (default: only on a terminal, never with NO_COLOR)."),
        click.option("--no-cache", is_flag=True, help="Parse every file afresh, without the parse cache ($TFGEN_CACHE_DIR, default ~/.cache/tfgen)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def policy_for(places: list[str], only, skip):
    """The rules to run and the project-wide skips from the .tfgen.yaml nearest each place."""
    from pathlib import Path

    from tfgen.check.policy import Policy, find_config, load_config, parse_ids, select_rules
    from tfgen.check.rules import BY_ID

    known = list(BY_ID)
    selected = select_rules(known, parse_ids(only, "--only", known), parse_ids(skip, "--skip", known))
    skips = []
    configs_seen = set()
    for given in places:
        start = Path(given)
        config = find_config(start if start.is_dir() else start.parent)
        if config is not None and config not in configs_seen:
            configs_seen.add(config)
            skips.extend(load_config(config, known))
    return Policy(selected, skips)


def emit(report, fmt, output, fail_on, show_unknown, show_suppressed, color) -> int:
    """Write the report where asked and return the exit code --fail-on gives it."""
    from pathlib import Path

    from tfgen.report import Options, render

    if color is None:
        color = output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    text = render(report, fmt, Options(fail_on, show_unknown, show_suppressed, bool(color) and fmt == "text"))
    if output:
        write_report(Path(output), text)
    else:
        click.echo(text, nl=False, color=bool(color))
    return report.exit_code(fail_on)


def write_report(target: Path, text: str) -> None:
    """Write a report whole or not at all: into a temporary file beside `target`, renamed over
    it only when complete, so a full disk or a kill leaves no empty or partial report and an
    earlier report intact."""
    import tempfile
    from pathlib import Path

    from tfgen.errors import InputError

    shown, target = target, Path(os.path.realpath(target))  # through a symlink, as a plain write goes
    temporary = None
    try:
        if target.exists() and not target.is_file():
            # A device or a pipe (/dev/stdout, a FIFO) is written to, never replaced.
            with open(target, "wb") as stream:
                stream.write(text.encode("utf-8"))
            return
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            out.write(text.encode("utf-8"))
            out.flush()
            os.fsync(out.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # as a plain write would make it (mkstemp's is 0600)
        os.replace(temporary, target)
        temporary = None
    except OSError as err:
        raise InputError(f"--output {shown}: cannot write: {err.strerror or err}; nothing was written") from None
    finally:
        if temporary is not None:
            try:
                os.unlink(temporary)
            except OSError:
                pass


@click.command("check")
@click.argument("paths", nargs=-1)
@click.option("--plan", "plan_file", type=click.Path(dir_okay=False), help="A plan from `terraform show -json PLANFILE`: judge its changes and planned values; PATH, if given, is its configuration (for files and lines).")
@report_options
def check_command(paths, plan_file, fmt, output, fail_on, skip, only, var_files, show_unknown, show_suppressed, color, no_cache) -> int:
    """Report where Terraform for ECS departs from the guidance.

    PATH is a .tf file or a folder, searched recursively: each folder of .tf files that no other
    folder calls as a local module is checked as a root module, together with the local modules
    it calls, its terraform.tfvars / *.auto.tfvars and --var-file files. A value that cannot be
    known statically never produces a finding: it is counted as unknown.

    With --plan, the plan's planned values are checked (variables resolved) and its changes
    too: data at risk (an EFS file system, mount target or access point deleted or replaced),
    downtime and address changes (a service or load balancer replaced, a task role removed).

    \b
    Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it,
                2 the input could not be read (bad HCL or JSON, missing path, bad option).
    Suppress one block's finding with a comment inside it:
        # tfgen:ignore=TFG203,TFG208 reason
    or project-wide in .tfgen.yaml:  skip: [{id: TFG105, reason: "..."}]
    """
    from pathlib import Path

    from tfgen.check import cache

    if not paths and not plan_file:
        raise click.UsageError("give a PATH to check, or --plan PLAN_JSON")
    cache.configure(enabled=not no_cache)
    policy = policy_for(list(paths) or [str(Path(plan_file).parent)], only, skip)
    if plan_file:
        from tfgen.plan.analyze import analyze

        report = analyze(Path(plan_file), paths, policy, var_files)
    else:
        from tfgen.check.runner import run

        report = run(paths, policy, var_files)
    return emit(report, fmt, output, fail_on, show_unknown, show_suppressed, color)


@click.command("rules")
@click.option("--format", "fmt", type=click.Choice(("text", "json", "markdown")), default="text", show_default=True)
def rules_command(fmt) -> int:
    """List the rules: ID, severity and title (markdown: the table in the README)."""
    from tfgen.check.rules import RULES

    if fmt == "markdown":
        click.echo("| ID | severity | rule |\n|---|---|---|")
        for rule in RULES:
            click.echo(f"| [{rule.id}]({rule.url}) | {rule.severity} | {rule.title} |")
        return 0
    if fmt == "json":
        import json

        rows = [{"id": r.id, "severity": r.severity, "title": r.title, "url": r.url} for r in RULES]
        click.echo(json.dumps(rows, indent=2))
        return 0
    for rule in RULES:
        click.echo(f"{rule.id}  {rule.severity:<7}  {rule.title}")
    return 0


@click.command("explain")
@click.argument("rule_id")
def explain_command(rule_id) -> int:
    """Print one rule in full: guidance, why, how to fix, and its bad and good examples."""
    from tfgen.check.rules import BY_ID
    from tfgen.errors import InputError

    rule = BY_ID.get(rule_id.strip().upper())
    if rule is None:
        raise InputError(f"no rule {rule_id!r} (see `tfgen rules`)")
    parts = [
        f"{rule.id} ({rule.severity}): {rule.title}",
        "",
        "Guidance:",
        f"  {rule.guidance}",
        "",
        "Why:",
        f"  {rule.why}",
        "",
        "How to fix:",
        f"  {rule.fix}",
        "",
        f"AWS documentation: {rule.url}",
    ]
    for kind, label in (("bad", "Fires on"), ("good", "Passes")):
        example = rule.example(kind)
        if example:
            parts += ["", f"{label} ({kind} example):", "", *("    " + line if line else "" for line in example.rstrip().splitlines())]
    parts += ["", f"Suppress on one block: # tfgen:ignore={rule.id} <reason>"]
    click.echo("\n".join(parts))
    return 0
