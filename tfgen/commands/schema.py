"""`tfgen schema`: the answers file's JSON Schema, or its reference page (docs/answers.md)."""

from __future__ import annotations

import click


@click.command("schema")
@click.option(
    "--format", "fmt", type=click.Choice(["json", "markdown"]), default="json", show_default=True,
    help="json: the JSON Schema (draft 2020-12) of the answers file; markdown: its reference, docs/answers.md.",
)
def schema_command(fmt: str) -> int:
    """Print the JSON Schema of the answers file, from the answers model.

    Point an editor at it to complete and validate keys (`# yaml-language-server: $schema=...`),
    or validate answers files in CI with any JSON Schema validator.
    """
    from tfgen.answers.schema import answers_reference, schema_json

    click.echo(schema_json() if fmt == "json" else answers_reference(), nl=False)
    return 0
