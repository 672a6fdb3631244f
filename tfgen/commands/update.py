"""`tfgen update [DIR]`: re-render a stack with changed answers or a newer tfgen, keeping the user's edits."""

from __future__ import annotations

import difflib
import json
import re
import sys
from pathlib import Path

import click


@click.command("update")
@click.argument("directory", default=".", type=click.Path(path_type=Path, file_okay=False))
@click.option("--answers", "answers_file", type=click.Path(path_type=Path, dir_okay=False), help="Replace the saved answers with this file's (no questions).")
@click.option("--set", "overrides", multiple=True, metavar="KEY.PATH=VALUE", help="Change one saved answer (repeatable), e.g. services[1].name=api.")
@click.option("--no-input", is_flag=True, help="No questions: re-render the saved answers with this tfgen (the upgrade).")
@click.option("--dry-run", is_flag=True, help="Print the diff of every file the update would change; write nothing.")
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True, help="json: a machine-readable list of the files and what happens to each.")
def update_command(directory: Path, answers_file: Path | None, overrides: tuple[str, ...], no_input: bool, dry_run: bool, fmt: str) -> int:
    """Update the stack in DIRECTORY (default: .) to new answers or this tfgen's templates.

    Each file tfgen rendered is merged three ways: the last render (kept under .tfgen/base/),
    your file, and the new render. Your edits are kept; where they overlap a change of tfgen's,
    the file gets conflict markers (<<<<<<< yours / ======= / >>>>>>> tfgen), is listed, and the
    exit code is 1. Files you added are never touched. With a terminal and no options, the
    wizard starts from the saved answers (Enter keeps each).
    """
    from tfgen.answers.load import apply_overrides, build_answers, load_answers_file, read_answers_file
    from tfgen.errors import InputError
    from tfgen.render.provenance import ANSWERS_FILE, VERSION_KEY, saved_version

    saved_path = directory / ANSWERS_FILE
    if not directory.is_dir():
        raise InputError(f"{directory}: no such folder")
    if not saved_path.is_file():
        raise InputError(f"{directory}: no {ANSWERS_FILE} here, so this is not a stack tfgen rendered (`tfgen new {directory}` renders one)")
    if sum(map(bool, (answers_file, no_input))) > 1:
        raise click.UsageError("give --answers FILE or --no-input, not both")
    data, lines = read_answers_file(saved_path)
    version = saved_version(data) or _header_version(saved_path)
    old = _last_rendered(directory) or build_answers(data, lines, str(saved_path))
    if answers_file:
        new = load_answers_file(answers_file, list(overrides))
    elif no_input or overrides:
        changed = {k: v for k, v in data.items() if k != VERSION_KEY}
        apply_overrides(changed, list(overrides))
        new = build_answers(changed, lines, str(saved_path))
    elif not sys.stdin.isatty():
        raise click.UsageError("without a terminal there is no wizard: give --no-input (re-render the saved answers), --answers FILE or --set KEY=VALUE")
    else:
        from tfgen.wizard import run_wizard

        click.echo(f"Starting from the answers saved in {saved_path}; Enter keeps each one.", err=True)
        new = run_wizard([], initial={k: v for k, v in data.items() if k != VERSION_KEY})
        if new is None:
            click.echo("cancelled; nothing was written", err=True)
            return 130
    return _update(directory, old, new, version, dry_run, fmt)


def _last_rendered(directory: Path):
    """The answers of the last render, as its merge base keeps them: the saved file may have
    been edited by hand since. None when there is no such copy, or it does not load."""
    from tfgen.answers import load_answers_file
    from tfgen.errors import InputError
    from tfgen.render.provenance import ANSWERS_FILE, BASE_DIR

    copy = directory / BASE_DIR / ANSWERS_FILE
    try:
        return load_answers_file(copy) if copy.is_file() else None
    except InputError:
        return None


def _header_version(path: Path) -> str | None:
    """The version a pre-provenance answers file names in its first comment line."""
    match = re.match(r"# tfgen (\S+) answers:", path.read_text(encoding="utf-8", errors="replace"))
    return match.group(1) if match else None


def _update(directory: Path, old, new, version: str | None, dry_run: bool, fmt: str) -> int:
    from tfgen.errors import ConflictError, InputError
    from tfgen.render.provenance import ANSWERS_FILE, BASE_DIR, base_paths
    from tfgen.render.stack import render_stack
    from tfgen.render.write import TXN_DIR, commit, locked, read_existing, recover
    from tfgen.update.impact import impact
    from tfgen.update.markers import unresolved_conflict
    from tfgen.update.merge import Change, decide

    notes: list[str] = []
    with locked(directory):
        if dry_run:
            if (directory / TXN_DIR).exists():
                raise InputError(f"{directory}: an interrupted write is pending; run `tfgen update {directory}` without --dry-run to finish or undo it first")
        else:
            note = recover(directory)
            if note:
                notes.append(note)
        recorded = base_paths(directory)
        base = _merge_base(directory, recorded, old, version, notes)
        current_answers = read_existing(directory / ANSWERS_FILE)
        theirs = render_stack(new, (current_answers or b"").decode("utf-8", "replace"))
        new_answers = theirs.pop(ANSWERS_FILE)
        paths = sorted(set(base) | set(theirs))
        ours = {rel: read_existing(directory / rel) for rel in paths}
        unresolved = [unresolved_conflict(ours[rel].decode("utf-8", "replace"), str(directory / rel)) for rel in paths if ours[rel] is not None]
        if any(unresolved):
            listed = "\n".join(f"  {m}" for m in unresolved if m)
            raise ConflictError(f"refusing to update while conflicts are unresolved; nothing was written:\n{listed}")
        changes = [decide(rel, base.get(rel), ours[rel], theirs.get(rel)) for rel in paths]
        changes.append(Change(ANSWERS_FILE, "unchanged" if new_answers == current_answers else "update", current_answers, new_answers))
        consequences = impact(old, new)
        if dry_run:
            return _report_dry_run(directory, changes, consequences, notes, fmt)
        # The new base is the new render as tfgen made it, whatever the merge wrote beside it.
        rendered = theirs | {ANSWERS_FILE: new_answers}
        writes = {c.path: c.after for c in changes if c.writes}
        writes |= {f"{BASE_DIR}/{rel}": content for rel, content in rendered.items() if read_existing(directory / BASE_DIR / rel) != content}
        deletes = [c.path for c in changes if c.deletes] + [f"{BASE_DIR}/{rel}" for rel in recorded if rel not in rendered]
        _say_before(consequences, notes, fmt)
        commit(directory, writes, deletes)
    return _report(directory, changes, consequences, notes, fmt)


def _merge_base(directory: Path, recorded: list[str], old, version: str | None, notes: list[str]) -> dict[str, bytes]:
    """What tfgen last wrote, per file: the recorded base, or for a stack from before tfgen
    kept one, the saved answers rendered again (exactly when they name this version)."""
    from tfgen import __version__
    from tfgen.render.provenance import ANSWERS_FILE, BASE_DIR
    from tfgen.render.stack import render_stack
    from tfgen.render.write import read_existing

    if recorded:
        base = {rel: read_existing(directory / BASE_DIR / rel) for rel in recorded}
        base.pop(ANSWERS_FILE, None)  # the answers file is rewritten in place, not merged
        return base
    base = render_stack(old)
    base.pop(ANSWERS_FILE)
    if version == __version__:
        notes.append(f"no merge base in {BASE_DIR}/ (rendered before tfgen kept one): re-rendered it from the saved answers with this tfgen, the version that wrote them")
    else:
        notes.append(
            f"no merge base in {BASE_DIR}/, and this stack was rendered by tfgen {version or 'of an unknown version'}, not "
            f"{__version__}: the base is approximated by rendering the saved answers with this tfgen. Your edits "
            f"and the answer changes merge as usual, but where tfgen {version or '?'}'s templates differ from "
            f"{__version__}'s, the old lines look like your edits and are kept: review the result (git diff)"
        )
    # Without a record of what was written, a file missing here may never have been written
    # (an older tfgen wrote no .gitignore): it is created, not taken as deleted.
    absent = sorted(rel for rel in base if not (directory / rel).exists())
    if absent:
        notes.append(f"{', '.join(absent)}: not in this stack, so created (if you had deleted one, delete it again: from then on it stays deleted)")
    return {rel: content for rel, content in base.items() if rel not in absent}


def _say_before(consequences: list[str], notes: list[str], fmt: str) -> None:
    if fmt != "text":
        return
    for note in notes:
        click.echo(f"note: {note}", err=True)
    if consequences:
        click.echo("What this answers change does to running infrastructure:")
        for line in consequences:
            click.echo(f"  ! {line}")


_VERBS = {
    "create": "created",
    "update": "updated",
    "merge": "merged",
    "conflict": "CONFLICT",
    "delete": "deleted",
    "keep-edited": "kept",
    "keep-deleted": "not restored",
}


def _report(directory: Path, changes, consequences: list[str], notes: list[str], fmt: str) -> int:
    conflicted = [c for c in changes if c.action == "conflict"]
    if fmt == "json":
        click.echo(json.dumps(_json(changes, consequences, notes, dry_run=False), indent=2))
    else:
        shown = [c for c in changes if c.action in _VERBS]
        for c in shown:
            where = ", ".join(f"line {n}" for n in c.conflicts)
            detail = f" ({where})" if where else (f" ({c.note})" if c.note else "")
            click.echo(f"  {_VERBS[c.action]:>12}  {c.path}{detail}")
        if not shown:
            click.echo(f"{directory} is up to date: nothing to change")
        if conflicted:
            click.echo(
                f"{len(conflicted)} file(s) have conflicts between your edits and tfgen's changes: edit each "
                "between <<<<<<< yours and >>>>>>> tfgen, delete the marker lines, then run `tfgen update` "
                "or `tfgen check` again (both refuse files that still hold markers)",
                err=True,
            )
        click.echo(f"next: tfgen plan {directory}   (what Terraform would change, destroy or replace before you apply)")
    return 1 if conflicted else 0


def _report_dry_run(directory: Path, changes, consequences: list[str], notes: list[str], fmt: str) -> int:
    conflicted = [c for c in changes if c.action == "conflict"]
    if fmt == "json":
        click.echo(json.dumps(_json(changes, consequences, notes, dry_run=True), indent=2))
        return 1 if conflicted else 0
    _say_before(consequences, notes, fmt)
    for c in changes:
        if c.writes or c.deletes:
            click.echo(_diff(c), nl=False)
        elif c.action in ("keep-edited", "keep-deleted"):
            click.echo(f"# {c.path}: {c.note}")
    click.echo(f"(dry run: nothing was written; next: tfgen update {directory} without --dry-run, then tfgen plan {directory})")
    return 1 if conflicted else 0


def _diff(c) -> str:
    before = (c.before or b"").decode("utf-8", "replace").splitlines(keepends=True)
    after = (c.after or b"").decode("utf-8", "replace").splitlines(keepends=True)
    old = f"a/{c.path}" if c.before is not None else "/dev/null"
    new = f"b/{c.path}" if c.after is not None else "/dev/null"
    lines = difflib.unified_diff(before, after, old, new)
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def _json(changes, consequences: list[str], notes: list[str], dry_run: bool) -> dict:
    files = [
        {"path": c.path, "action": c.action, "conflict_lines": c.conflicts, "note": c.note, **({"diff": _diff(c)} if dry_run else {})}
        for c in changes
        if c.action != "unchanged"
    ]
    return {"version": 1, "dry_run": dry_run, "impact": consequences, "notes": notes, "files": files,
            "conflicts": sum(1 for c in changes if c.action == "conflict")}
