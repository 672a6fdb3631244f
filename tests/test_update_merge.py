"""What `tfgen update` decides for one file, from base (last render), ours (disk) and theirs (new render)."""

from __future__ import annotations

import pytest

from tfgen.update.markers import marker_lines, unresolved_conflict
from tfgen.update.merge import decide, merge

B = b"a\nb\nc\n"


@pytest.mark.parametrize(
    "base, ours, theirs, action, after",
    [
        (B, B, b"a\nB\nc\n", "update", b"a\nB\nc\n"),  # unedited: the new render
        (B, b"a\nb\nc\nmine\n", B, "unchanged", b"a\nb\nc\nmine\n"),  # tfgen changed nothing: yours
        (B, b"x\nb\nc\n", b"a\nb\nC\n", "merge", b"x\nb\nC\n"),  # both, apart: merged
        (B, b"a\nB\nc\n", b"a\nB\nc\n", "unchanged", b"a\nB\nc\n"),  # the same change on both sides
        (None, None, B, "create", B),  # new in this render
        (B, B, None, "delete", None),  # dropped by the render, never edited
        (B, b"a\nmine\n", None, "keep-edited", b"a\nmine\n"),  # dropped, but edited: kept
        (B, None, b"a\nB\nc\n", "keep-deleted", None),  # deleted by the user: stays deleted
        (B, None, None, "unchanged", None),
    ],
)
def test_decide(base, ours, theirs, action, after):
    change = decide("f.tf", base, ours, theirs)
    assert (change.action, change.after) == (action, after)
    assert change.writes == (after is not None and after != ours)
    assert change.deletes == (after is None and ours is not None)


def test_overlapping_edits_get_git_style_markers_with_their_line():
    change = decide("f.tf", B, b"a\nmine\nc\n", b"a\ntfgen\nc\n")
    assert change.action == "conflict" and change.conflicts == [2]
    assert change.after == b"a\n<<<<<<< yours\nmine\n=======\ntfgen\n>>>>>>> tfgen\nc\n"
    assert marker_lines(change.after.decode()) == [2, 6]


def test_a_last_line_without_newline_does_not_swallow_a_marker():
    merged, conflicts = merge(b"a\nb", b"a\nmine", b"a\ntfgen")
    assert merged.splitlines() == [b"a", b"<<<<<<< yours", b"mine", b"=======", b"tfgen", b">>>>>>> tfgen"]
    assert conflicts == [2]


def test_a_file_without_a_base_that_differs_is_a_conflict_not_an_overwrite():
    change = decide("f.tf", None, b"mine\n", b"tfgen\n")
    assert change.action == "conflict"


def test_unresolved_conflict_names_file_and_line_and_ignores_heredoc_lookalikes():
    assert unresolved_conflict('x = <<EOT\n=======\nEOT\n', "f.tf") is None
    message = unresolved_conflict("a\n>>>>>>> tfgen\n", "f.tf")
    assert message.startswith("f.tf:2: unresolved merge conflict")
