"""`tfgen check`, `tfgen rules` and `tfgen explain`: the conformance checker's command line."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from tfgen.check.policy import FAIL_ON

# The reporters' names, spelled here so that --help does not import them (tfgen.report.FORMATS is
# the registry; a test keeps the two equal).
_FORMATS = ("text", "json", "sarif", "junit", "github", "markdown")


def report_options(command):
    """The options every reporting command shares (check, plan): format, output, policy."""
    options = [
        click.option("--format", "fmt", type=click.Choice(_FORMATS), default="text", show_default=True, help="Report format."),
        click.option("--output", "-o", "output", type=click.Path(dir_okay=False), help="Write the report to FILE instead of stdout."),
        click.option("--fail-on", type=click.Choice(FAIL_ON), default="error", show_default=True, help="Exit 1 when a finding is at or above this severity."),
        click.option("--skip", multiple=True, metavar="ID,...", help="Do not run these rules (repeatable, comma-separated)."),
        click.option("--only", multiple=True, metavar="ID,...", help="Run only these rules (repeatable, comma-separated)."),
        click.option("--var-file", "var_files", multiple=True, metavar="FILE", help="A .tfvars file for every root module (repeatable; after terraform.tfvars and *.auto.tfvars)."),
        click.option("--show-unknown", is_flag=True, help="List the checks that could not decide because a value is not known statically."),
        click.option("--show-suppressed", is_flag=True, help="List findings suppressed by tfgen:ignore comments or .tfgen.yaml."),
        click.option("--color/--no-color", default=None, help="Color the text report (default: only on a terminal, never with NO_COLOR)."),
        click.option("--no-cache", is_flag=True, help="Check afresh: no earlier report is reused from the cache folder ($TFGEN_CACHE_DIR, default ~/.cache/tfgen), and none is kept."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def policy_for(places: list[str], only, skip):
    """The rules to run and the project-wide skips from the .tfgen.yaml nearest each place."""

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
    from tfgen.report import Options, render

    if color is None:
        color = output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    text = render(report, fmt, Options(fail_on, show_unknown, show_suppressed, bool(color) and fmt == "text"))
    if output:
        write_report(Path(output), text)
    else:
        click.echo(text, nl=False, color=bool(color))
    if report.internal_errors:
        click.echo(
            f"tfgen: {len(report.internal_errors)} internal error(s) in rules "
            f"({', '.join(sorted({e.rule_id for e in report.internal_errors}))}): the report is incomplete; exit code 2",
            err=True,
        )
    return report.exit_code(fail_on)


def write_report(target: Path, text: str, option: str = "--output") -> None:
    """Write a report whole or not at all: into a temporary file beside `target`, renamed over
    it only when complete, so a full disk or a kill leaves no empty or partial report and an
    earlier report intact. `option` names the file in errors as the user gave it."""
    import tempfile

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
        raise InputError(f"{option} {shown}: cannot write: {err.strerror or err}; nothing was written") from None
    finally:
        if temporary is not None:
            try:
                os.unlink(temporary)
            except OSError:
                pass


@click.command("check")
@click.argument("paths", nargs=-1)
@click.option("--plan", "plan_file", type=click.Path(dir_okay=False), help="A plan (`terraform show -json PLANFILE` output, or the saved binary plan itself): judge its changes and planned values; PATH, if given, is its configuration (for files and lines).")
@click.option("--init", "run_init", is_flag=True, help="Run `terraform init -backend=false` in each root module whose registry or git modules are not fetched yet, then check inside them.")
@click.option("--plugin-dir", type=click.Path(file_okay=False, exists=True, path_type=Path), help="With --init: install providers only from this folder (air-gapped machines).")
@click.option("--terraform", "terraform_bin", default="terraform", show_default=True, help="The terraform binary to run (--init, binary plans).")
@report_options
def check_command(paths, plan_file, run_init, plugin_dir, terraform_bin, fmt, output, fail_on, skip, only, var_files, show_unknown, show_suppressed, color, no_cache) -> int:
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
                2 the input could not be read (bad HCL or JSON, missing path, bad option)
                  or terraform failed (--init, a binary plan).
    Suppress one block's finding with a comment inside it:
        # tfgen:ignore=TFG203,TFG208 reason
    or project-wide in .tfgen.yaml:  skip: [{id: TFG105, reason: "..."}]
    """
    from tfgen.check import cache
    from tfgen.check.runner import display_path

    if not paths and not plan_file:
        raise click.UsageError("give a PATH to check, or --plan PLAN_JSON")
    cache.configure(enabled=not no_cache)
    policy = policy_for(list(paths) or [str(Path(plan_file).parent)], only, skip)
    if plan_file:
        from tfgen.plan.analyze import analyze, analyze_document

        if _is_binary_plan(Path(plan_file)):
            document = _show_binary_plan(Path(plan_file), paths, terraform_bin)
            report = analyze_document(document, display_path(plan_file) or plan_file, paths, policy, var_files)
        else:
            report = analyze(Path(plan_file), paths, policy, var_files)
    else:
        from tfgen.check.runner import run

        report = run(paths, policy, var_files, init=_initializer(plugin_dir, terraform_bin) if run_init else None)
    return emit(report, fmt, output, fail_on, show_unknown, show_suppressed, color)


def _is_binary_plan(path: Path) -> bool:
    """A saved plan (`terraform plan -out`) is a zip archive, not JSON."""
    try:
        with path.open("rb") as handle:
            return handle.read(4) == b"PK\x03\x04"
    except OSError:
        return False  # the JSON reader reports it, with the file's name


def _show_binary_plan(plan: Path, paths, terraform_bin) -> dict:
    """`terraform show -json` of a binary plan, run in its configuration folder (the first PATH
    given as a folder, else the plan's own folder), where its providers are installed."""
    from tfgen.errors import TerraformError
    from tfgen.terraform import Terraform
    from tfgen.terraform.progress import progress

    folders = [Path(p) for p in paths if Path(p).is_dir()]
    workdir = folders[0] if folders else plan.resolve().parent
    advice = (
        f"{plan} is a binary plan; tfgen reads it through `terraform show -json` run in its configuration "
        f"folder ({workdir}, after `terraform init`). Give that folder as PATH, or run "
        f"`terraform show -json {plan.name} > plan.json` there and pass --plan plan.json"
    )
    try:
        with progress(f"terraform show -json {plan}"):
            return Terraform(workdir, binary=terraform_bin).show_json(str(plan.resolve()))
    except TerraformError as err:
        raise TerraformError(f"{err}\n{advice}") from None
    except ValueError:
        raise TerraformError(f"`terraform show -json` did not print JSON\n{advice}") from None


def _initializer(plugin_dir, terraform_bin):
    """`terraform init -backend=false` in a root module, with a progress line on stderr."""
    from tfgen.terraform import Terraform
    from tfgen.terraform.progress import progress

    def init(root) -> None:
        with progress(f"terraform init -backend=false in {root.label}"):
            Terraform(root.directory, binary=terraform_bin).init(plugin_dir=plugin_dir.resolve() if plugin_dir else None, backend=False)

    return init


@click.command("rules")
@click.option("--format", "fmt", type=click.Choice(("text", "json", "markdown")), default="text", show_default=True)
def rules_command(fmt) -> int:
    """List the rules: ID, severity and title (markdown: the table in the README)."""
    from tfgen.check.rules import RULES

    if fmt == "markdown":
        click.echo("| ID | severity | rule | guidance |\n|---|---|---|---|")
        for rule in RULES:
            section = rule.guidance_section
            click.echo(f"| [{rule.id}]({rule.url}) | {rule.severity} | {rule.title} | [{section.title}]({section.anchor}) |")
        return 0
    if fmt == "json":
        import json

        rows = [{"id": r.id, "severity": r.severity, "title": r.title, "url": r.url, "guidance": r.guidance} for r in RULES]
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
    section = rule.guidance_section
    heading = f"{section.principle}: {section.title}" if section.principle else section.title
    parts = [
        f"{rule.id} ({rule.severity}): {rule.title}",
        "",
        f"Guidance ({section.anchor}): {heading}",
        "",
        *(f"  {line}" if line else "" for line in section.plain().splitlines()),
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
