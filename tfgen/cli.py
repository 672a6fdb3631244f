"""The `tfgen` command line: the group, its sub-commands, and the one place errors become exit codes."""

from __future__ import annotations

import sys

import click

from tfgen import __version__
from tfgen.commands.check import check_command, explain_command, rules_command
from tfgen.commands.new import new_command
from tfgen.commands.plan import plan_command
from tfgen.errors import TfgenError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tfgen")
def cli() -> None:
    """Generate and check Terraform for Amazon ECS.

    \b
    tfgen new OUTDIR        render a stack (wizard, --answers FILE or --defaults)
    tfgen check PATH...     report where Terraform departs from the ECS guidance
    tfgen rules             list the rules; tfgen explain ID prints one in full
    """


cli.add_command(new_command)
cli.add_command(check_command)
cli.add_command(plan_command)
cli.add_command(rules_command)
cli.add_command(explain_command)


def main() -> None:
    """Entry point: run the group, turning tfgen's own errors into their exit codes."""
    try:
        # Commands return their exit code; click hands it back here in non-standalone mode.
        code = cli.main(standalone_mode=False)
    except TfgenError as err:
        click.echo(f"tfgen: {err}", err=True)
        sys.exit(err.exit_code)
    except click.exceptions.Abort:
        click.echo("aborted; nothing was written", err=True)
        sys.exit(130)
    except click.ClickException as err:
        err.show()
        sys.exit(2 if isinstance(err, click.UsageError) else err.exit_code)
    sys.exit(code if isinstance(code, int) else 0)
