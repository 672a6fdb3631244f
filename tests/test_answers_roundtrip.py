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


def test_rewriting_a_list_of_items_without_names_keeps_the_file_readable():
    """Lists whose items have no `name` (a worker's subscriptions, a container's depends_on) were
    matched as if every item were named None: rewriting such a file crashed with KeyError."""

    def stack(topics: list[str]):
        return build_answers(
            {
                "name": "shop",
                "services": [
                    {"name": "web", "image": DEFAULT_IMAGE, "publish": [{"name": t} for t in topics]},
                    {"name": "jobs", "image": DEFAULT_IMAGE, "kind": "worker",
                     "queue": {"subscribe": [{"service": "web", "topic": t} for t in topics]}},
                ]
            }
        )

    old = "# my comment\n" + answers_yaml(stack(["orders"]))
    answers = stack(["orders", "refunds"])
    text = answers_yaml(answers, existing=old)
    assert answers_data(read_back(text)) == answers_data(answers)
    assert "# my comment" in text
