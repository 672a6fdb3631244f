"""Per file, what `tfgen update` does: base = last render, ours = the file on disk, theirs = new render."""

from __future__ import annotations

from dataclasses import dataclass, field

import merge3

from tfgen.update.markers import END, MIDDLE, START


@dataclass
class Change:
    """What happens to one file. `before`/`after` are its bytes on disk now / after (None: absent)."""

    path: str
    action: str  # create, update, merge, conflict, delete, keep-edited, keep-deleted, unchanged
    before: bytes | None
    after: bytes | None
    conflicts: list[int] = field(default_factory=list)  # lines of the `<<<<<<< yours` markers in `after`
    note: str = ""

    @property
    def writes(self) -> bool:
        return self.after is not None and self.after != self.before

    @property
    def deletes(self) -> bool:
        return self.after is None and self.before is not None


def decide(path: str, base: bytes | None, ours: bytes | None, theirs: bytes | None) -> Change:
    """The outcome for one file the last render or the new one has."""
    if theirs is None:
        if ours is None:
            return Change(path, "unchanged", None, None)
        if ours == base:
            return Change(path, "delete", ours, None, note="no longer rendered")
        return Change(path, "keep-edited", ours, ours, note="no longer rendered, but you edited it: kept (delete it when you no longer need it)")
    if ours is None:
        if base is None:
            return Change(path, "create", None, theirs)
        note = "you deleted it: it stays deleted" + (" (the new render changed it)" if theirs != base else "")
        return Change(path, "keep-deleted", None, None, note=note)
    if ours == theirs:
        return Change(path, "unchanged", ours, ours)
    if ours == base:
        return Change(path, "update", ours, theirs)
    if theirs == base:
        return Change(path, "unchanged", ours, ours, note="your edits kept; tfgen changed nothing here")
    merged, conflicts = merge(base or b"", ours, theirs)
    if conflicts:
        return Change(path, "conflict", ours, merged, conflicts)
    return Change(path, "merge", ours, merged, note="your edits and tfgen's changes merged")


def merge(base: bytes, ours: bytes, theirs: bytes) -> tuple[bytes, list[int]]:
    """Three-way merge by lines; conflicts get git-style markers. Returns (text, marker lines)."""
    sides = [_lines(text) for text in (base, ours, theirs)]
    out: list[bytes] = []
    conflicts: list[int] = []
    for group in merge3.Merge3(*sides).merge_groups():
        if group[0] == "conflict":
            _, _, mine, new = group
            conflicts.append(len(out) + 1)
            out += [f"{START}\n".encode(), *mine, f"{MIDDLE}\n".encode(), *new, f"{END}\n".encode()]
        else:
            out += group[1]
    return b"".join(out), conflicts


def _lines(text: bytes) -> list[bytes]:
    # A last line without its newline would run into a marker line.
    if text and not text.endswith(b"\n"):
        text += b"\n"
    return text.splitlines(keepends=True)
