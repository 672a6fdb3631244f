"""The `tfgen` command line: the group, its sub-commands, and the one place errors become exit codes."""

from __future__ import annotations

import gc
import os
import sys
import traceback

import click

from tfgen import __version__
from tfgen.commands.check import check_command, explain_command, rules_command
from tfgen.commands.import_ import import_group
from tfgen.commands.new import new_command
from tfgen.commands.plan import plan_command
from tfgen.commands.validate import validate_answers_command
from tfgen.commands.schema import schema_command
from tfgen.commands.update import update_command
from tfgen.errors import TfgenError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tfgen")
def cli() -> None:
    """Generate and check Terraform for Amazon ECS.

    \b
    tfgen new OUTDIR        render a stack (wizard, --answers FILE or --defaults)
    tfgen update [DIR]      change its answers or upgrade it, keeping your edits
    tfgen check PATH...     report where Terraform departs from the ECS guidance
    tfgen plan DIR          terraform plan in DIR, then what the change does
    tfgen rules             list the rules
    tfgen explain ID        print one rule in full
    tfgen validate-answers  check answers files without rendering
    tfgen schema            the JSON Schema of the answers file (docs/answers.md: --format markdown)
    tfgen import copilot DIR  answers from an AWS Copilot workspace, and a report of every field
    """


cli.add_command(new_command)
cli.add_command(update_command)
cli.add_command(check_command)
cli.add_command(plan_command)
cli.add_command(rules_command)
cli.add_command(explain_command)
cli.add_command(validate_answers_command)
cli.add_command(schema_command)
cli.add_command(import_group)


def main() -> None:
    """Run the command line and exit with its code (as tests call it, in-process)."""
    sys.exit(_run())


def run() -> None:
    """The installed `tfgen` script and `python -m tfgen`: `main`, made quick to finish.

    A check builds a large graph of small objects and creates no reference cycles worth
    collecting before it exits, so the cyclic garbage collector only costs time (half of a warm
    run), and so does tearing the graph down at interpreter exit: the process flushes its output
    and leaves at once instead.
    """
    gc.disable()
    code = _run()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass  # a closed pipe (`tfgen check . | head`) has nothing left to receive
    os._exit(code)


def _run() -> int:
    """Run the group; tfgen's own errors become their exit codes here, in one place."""
    try:
        # Commands return their exit code; click hands it back here in non-standalone mode.
        code = cli.main(standalone_mode=False)
    except TfgenError as err:
        click.echo(f"tfgen: {err}", err=True)
        return err.exit_code
    except click.exceptions.Abort:
        click.echo("aborted; nothing was written", err=True)
        return 130
    except click.ClickException as err:
        err.show()
        return 2 if isinstance(err, click.UsageError) else err.exit_code
    except Exception as err:  # a defect in tfgen itself: no traceback, and never exit 1 (which means findings)
        if os.environ.get("TFGEN_DEBUG"):
            traceback.print_exc()
        click.echo(
            f"tfgen: internal error ({type(err).__name__}: {err}). This is a bug in tfgen; run again with "
            "TFGEN_DEBUG=1 for the details and report them.",
            err=True,
        )
        return 2
    return code if isinstance(code, int) else 0
