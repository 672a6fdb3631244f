"""The saved answers file replays byte for byte: every string tfgen saves reads back as it was."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from tfgen.answers.load import build_answers, load_answers_file
from tfgen.answers.model import DEFAULT_IMAGE
from tfgen.render.provenance import answers_data, answers_yaml

# Any character a UTF-8 file can hold except NUL (refused in answers elsewhere).
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30)
TRICKY = ["\x85", "a\u2028b", "\u2029", " lead", "trail ", "${var.x}", "%{ if }", "'\"", "yes", "1:20", "0x1f", "~",
          "null", "#x", "- a", "a: b", "\t", "x\r\ny", "\ufeff", "", "1e3", "@x", "\x1b[31m", "é", "\x7f"]


def answers_with(values: list[str]):
    env = {f"V{i}": v for i, v in enumerate(values)}
    # Free text goes in environment values: tags only take AWS's tag characters, which the answers refuse otherwise.
    return build_answers({"name": "shop", "tags": {"note": "a b+c=d.e_f:g/h@i"}, "services": [{"name": "web", "image": DEFAULT_IMAGE, "environment": env}]})


def read_back(text: str):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ".tfgen-answers.yaml"
        path.write_bytes(text.encode("utf-8"))
        return load_answers_file(path)


@settings(max_examples=150, deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=4))
@example(TRICKY)
def test_saved_answers_read_back_as_the_same_answers(values):
    answers = answers_with(values)
    assert read_back(answers_yaml(answers)) == answers


@settings(max_examples=100, deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=3), st.lists(TEXT, min_size=1, max_size=3))
@example(["plain"], TRICKY)
@example(TRICKY, ["\x85"])
def test_an_updated_answers_file_reads_back_as_the_new_answers(before, after):
    """Rewriting an existing file (comments kept) must not change what the strings mean."""
    old = "# my comment\n" + answers_yaml(answers_with(before))
    answers = answers_with(after)
    text = answers_yaml(answers, existing=old)
    assert read_back(text) == answers
    assert "# my comment" in text


def _with_dependencies(sidecars: list[dict], depends_on: list[dict]):
    return build_answers(
        {
            "name": "shop",
            "services": [
                {"name": "app", "image": DEFAULT_IMAGE, "port": 8080, "sidecars": sidecars, "depends_on": depends_on}
            ],
        }
    )


def test_a_saved_file_with_unnamed_list_entries_is_rewritten_not_crashed_on():
    """A list whose entries have no `name` (depends_on, a queue's subscribe) beside named ones:
    rewriting the saved file once crashed with KeyError 'name' (`tfgen new --force` on an
    example with depends_on). Entries without a name are matched by position and keep comments."""
    proxy = {"name": "proxy", "image": "nginx:1.27", "port": 80, "health_check_command": ["CMD-SHELL", "true"]}
    agent = {"name": "agent", "image": "busybox:1.36"}
    before = _with_dependencies([proxy, agent], [{"container": "proxy", "condition": "HEALTHY"}])
    old = answers_yaml(before).replace("condition: HEALTHY", "condition: HEALTHY  # wait for nginx")
    after = _with_dependencies([proxy, agent], [{"container": "proxy", "condition": "HEALTHY"}, {"container": "agent", "condition": "START"}])
    text = answers_yaml(after, existing=old)
    assert read_back(text) == after
    assert "# wait for nginx" in text
