"""`tfgen new`: gather answers (wizard, file or defaults), render the stack, write it safely."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import click


@click.command("new")
@click.argument("outdir", type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--answers",
    "answers_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="YAML or JSON answers file: no questions; keys left out take their defaults.",
)
@click.option("--set", "overrides", multiple=True, metavar="KEY.PATH=VALUE", help="Override one answer (repeatable), e.g. services[0].cpu=512.")
@click.option("--defaults", is_flag=True, help="No questions, every default: a working Fargate + ALB stack named 'app'.")
@click.option("--force", is_flag=True, help="Overwrite files in OUTDIR that differ from what tfgen renders.")
def new_command(outdir: Path, answers_file: Path | None, overrides: tuple[str, ...], defaults: bool, force: bool) -> int:
    """Render a Terraform stack for Amazon ECS into OUTDIR.

    Without --answers or --defaults, a wizard asks what the service needs, explaining each
    choice, and saves the answers as OUTDIR/.tfgen-answers.yaml for CI to replay. At the end it
    offers: write the stack, change a section, save the answers only, or quit.
    Files in OUTDIR that differ from what would be written are never overwritten without --force.
    """
    from tfgen.answers import apply_overrides, build_answers, defaults_data, load_answers_file

    if answers_file and defaults:
        raise click.UsageError("give --answers FILE or --defaults, not both")
    if answers_file:
        answers = load_answers_file(answers_file, list(overrides))
    elif defaults:
        data = defaults_data()
        apply_overrides(data, list(overrides))
        answers = build_answers(data, source="--defaults")
    else:
        if not sys.stdin.isatty():
            raise click.UsageError("the wizard needs a terminal; without one use --answers FILE or --defaults")
        from tfgen.wizard import run_wizard

        saved: list[Path] = []
        answers = run_wizard(
            list(overrides), initial=_saved_answers(outdir), save_answers=lambda a: saved.append(_save_answers_only(outdir, a))
        )
        if answers is None and saved:
            click.echo(f"saved the answers to {saved[0]}; the stack was not written")
            click.echo(f"next: tfgen new {outdir} --answers {saved[0]}   (renders the stack from them)")
            return 0
        if answers is None:
            click.echo("cancelled; nothing was written", err=True)
            return 130
    for warning in answers.warnings:
        click.echo(f"warning: {warning}", err=True)
    if answers_file:
        how = f"--answers {answers_file}" + "".join(f" --set {o}" for o in overrides)
    else:
        how = "".join(f" --set {o}" for o in overrides).strip() if defaults else ""
    return write_new_stack(outdir, answers, force, how)


def write_new_stack(outdir: Path, answers, force: bool, answers_hint: str) -> int:
    """Write the stack for `answers` into OUTDIR under its lock, and say what happened."""
    from tfgen.render.provenance import ANSWERS_FILE
    from tfgen.render.stack import render_stack, stack_files
    from tfgen.render.write import locked, read_existing, recover, write_stack

    with locked(outdir):
        note = recover(outdir)
        if note:
            click.echo(f"{outdir}: {note}", err=True)
        saved = read_existing(outdir / ANSWERS_FILE)
        saved_text = saved.decode("utf-8", "replace") if saved is not None else None
        files = stack_files(answers, saved_text)
        previous, advice = None, None
        if saved is not None:
            earlier = _answers_in(outdir)
            if earlier is not None and earlier != answers:
                advice = (
                    f"the stack in {outdir} was rendered from other answers: `{' '.join(['tfgen update', str(outdir), answers_hint]).strip()}` "
                    "merges the change into it and keeps your edits (--force overwrites them, keeping a copy "
                    "under .tfgen/backup/)"
                )
                if not (outdir / ".tfgen" / "base").is_dir():
                    previous = sorted(render_stack(earlier))  # a stack from before the merge base existed
        if advice is None:
            advice = (
                f"they were edited after tfgen wrote them: `tfgen update {outdir}` merges tfgen's changes into "
                "them and keeps your edits (--force overwrites them, keeping a copy under .tfgen/backup/)"
            )
        changed, deleted, backup = write_stack(outdir, files, force=force, previous=previous, advice=advice)
    if backup:
        click.echo(f"copied the {outdir} files --force overwrites or deletes to {outdir / backup}/", err=True)
    if changed or deleted:
        removed = f", removed {len(deleted)} no longer rendered ({', '.join(deleted)})" if deleted else ""
        click.echo(f"wrote {len(changed)} file(s) to {outdir} ({len(files) - len(changed)} already up to date){removed}")
    else:
        click.echo(f"{outdir} is already up to date ({len(files)} files)")
    click.echo(f"next, as {outdir / 'README.md'} explains:")
    for step in next_steps(outdir):
        click.echo(f"  {step}")
    return 0


def next_steps(outdir: Path) -> list[str]:
    """The stack README's deploy steps, one command a line (not chained: the plan is read before
    the apply), from the current folder: no `cd` when OUTDIR is it."""
    from tfgen.render.stack import NEXT_STEPS

    steps = [command for command, _ in NEXT_STEPS]
    if outdir.resolve() != Path.cwd().resolve():
        steps.insert(0, f"cd {shlex.quote(str(outdir))}")
    return steps


def _save_answers_only(outdir: Path, answers) -> Path:
    """The wizard's "save the answers only": OUTDIR/.tfgen-answers.yaml and nothing else, under the
    stack's lock and transaction. An answers file already there is updated in place (its comments
    kept), and a copy of it goes under .tfgen/backup/ first: the wizard started from it, so the new
    answers are what the user meant, and the old ones stay recoverable."""
    from tfgen.render.provenance import ANSWERS_FILE, answers_yaml
    from tfgen.render.write import backups, commit, locked, read_existing, recover

    with locked(outdir):
        recover(outdir)
        existing = read_existing(outdir / ANSWERS_FILE)
        text = answers_yaml(answers, existing.decode("utf-8", "replace") if existing is not None else None)
        content = text.encode("utf-8")
        folder, copies = backups(outdir, [ANSWERS_FILE]) if existing not in (None, content) else (None, {})
        commit(outdir, {ANSWERS_FILE: content} | copies)
    if folder:
        click.echo(f"kept a copy of the earlier answers under {outdir / folder}/", err=True)
    return outdir / ANSWERS_FILE


def _answers_in(outdir: Path):
    """The validated answers saved in OUTDIR, or None when there are none or they do not load."""
    from tfgen.answers import load_answers_file
    from tfgen.errors import InputError
    from tfgen.render.provenance import ANSWERS_FILE

    try:
        return load_answers_file(outdir / ANSWERS_FILE)
    except InputError:
        return None


def _saved_answers(outdir: Path) -> dict | None:
    """The answers an earlier run saved in OUTDIR, to start the wizard from; None if none or unreadable."""
    from tfgen.answers.load import VERSION_KEY, read_answers_file
    from tfgen.errors import InputError
    from tfgen.render.provenance import ANSWERS_FILE

    saved = outdir / ANSWERS_FILE
    if not saved.is_file():
        return None
    try:
        data, _ = read_answers_file(saved)
    except InputError as err:
        click.echo(f"note: ignoring {saved}: {err}", err=True)
        return None
    click.echo(f"Starting from the answers saved in {saved}; Enter keeps each one.", err=True)
    return {k: v for k, v in data.items() if k != VERSION_KEY}
