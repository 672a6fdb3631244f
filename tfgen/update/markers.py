"""Conflict markers left by `tfgen update`: found in one place, refused by update and check."""

from __future__ import annotations

import re

START = "<<<<<<< yours"
MIDDLE = "======="
END = ">>>>>>> tfgen"

# Start and end lines of any git-style conflict, not only tfgen's (a `git merge` leaves the
# same); a lone "=======" is left alone, as Markdown in a heredoc can hold one.
_MARKER = re.compile(r"^(?:<{7}|>{7})(?: |$)", re.MULTILINE)


def marker_lines(text: str) -> list[int]:
    """1-based line numbers of conflict start or end markers in `text`."""
    return [text.count("\n", 0, m.start()) + 1 for m in _MARKER.finditer(text)]


def unresolved_conflict(text: str, where: str) -> str | None:
    """A message naming `where` and the first marker's line, or None when there is none."""
    lines = marker_lines(text)
    if not lines:
        return None
    return (
        f"{where}:{lines[0]}: unresolved merge conflict (a `{text.splitlines()[lines[0] - 1][:7]}` marker line); "
        "keep what you want between the markers, delete the marker lines, and run again"
    )
