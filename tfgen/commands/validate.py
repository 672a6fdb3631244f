"""`tfgen validate-answers FILE...`: check answers files without rendering anything (the pre-commit hook)."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("validate-answers")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
def validate_answers_command(files) -> int:
    """Validate answers files (YAML or JSON) against the answers model; write nothing.

    Every file is checked, and every problem is listed by file, key path and line.

    \b
    Exit codes: 0 every file is valid, 2 a file is invalid or cannot be read.
    """
    from tfgen.answers.load import load_answers_file
    from tfgen.errors import TfgenError

    invalid = 0
    for path in files:
        try:
            load_answers_file(path)
        except TfgenError as err:
            invalid += 1
            click.echo(f"tfgen: {err}", err=True)
    valid = len(files) - invalid
    click.echo(f"{valid} of {len(files)} answers file{'' if len(files) == 1 else 's'} valid", err=bool(invalid))
    return 2 if invalid else 0
