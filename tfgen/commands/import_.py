"""`tfgen import copilot WORKSPACE`: an answers file from an AWS Copilot workspace, and a report
of every manifest field (mapped, approximated, unsupported or ignored)."""

from __future__ import annotations

from pathlib import Path

import click


@click.group("import")
def import_group() -> None:
    """Write a tfgen answers file from another tool's description of the app."""


@import_group.command("copilot")
@click.argument("workspace", type=click.Path(path_type=Path, file_okay=False))
@click.option("--env", "env", metavar="NAME", help="The Copilot environment to import (its manifest and the services' overrides for it); needed when the workspace has several.")
@click.option("-o", "--output", "output", type=click.Path(path_type=Path, dir_okay=False), default=Path("tfgen-answers.yaml"), show_default=True, help="The answers file to write.")
@click.option("--force", is_flag=True, help="Overwrite the answers file if it exists.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="The report's format (on standard output).")
def copilot_command(workspace: Path, env: str | None, output: Path, force: bool, fmt: str) -> int:
    """Import an AWS Copilot workspace (copilot/.workspace, copilot/<service>/manifest.yml,
    copilot/environments/<env>/manifest.yml) into a tfgen answers file.

    Every value taken from a manifest carries a comment naming its file and line; values the
    manifests leave out take Copilot's documented defaults. The report lists every manifest
    field as mapped, approximated (how), unsupported (why, and what to do instead) or ignored
    (keys Copilot itself ignores). The answers are validated before anything is written, and an
    existing answers file is never overwritten without --force.

    \b
    Exit codes: 0 written; 1 the answers file exists and differs (nothing written; --force);
    2 an unreadable or invalid manifest (file and line named), answers the model refuses, or a
    bad option (nothing written).
    """
    from tfgen.commands.check import write_report
    from tfgen.errors import ClobberError
    from tfgen.importers.copilot.answers import answers_text
    from tfgen.importers.copilot.mapping import import_workspace
    from tfgen.importers.copilot.report import as_json, as_text
    from tfgen.render.write import read_existing

    imported = import_workspace(workspace, env, str(output))
    text = answers_text(imported.data, imported.origins, output)
    existing = read_existing(output)
    if existing is not None and existing != text.encode("utf-8") and not force:
        raise ClobberError([str(output)], "use --force to overwrite it")
    if existing != text.encode("utf-8"):
        write_report(output, text, "-o")
    click.echo(as_json(imported.report) if fmt == "json" else as_text(imported.report), nl=False)
    return 0
