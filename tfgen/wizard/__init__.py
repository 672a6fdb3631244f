"""The interactive wizard behind `tfgen new OUTDIR`: questions in the guidance's order of thought.

`questions.py` holds the questions as data; `flow.py` walks them over the raw answers dict (the
same dict an answers file holds) and validates with the answers model; `terminal.py` puts them
to a person with questionary; `summary.py` is the recap before writing; `words.py` turns the
model's refusals into the questions' words.
"""

from __future__ import annotations

from tfgen.answers.model import Answers


def run_wizard(overrides: list[str], prompter=None, initial: dict | None = None, save_answers=None) -> Answers | None:
    """Ask for the answers; `overrides` (`--set key.path=value`) are preset and not asked, and
    `initial` (an earlier run's saved answers) provides the defaults.

    Returns the validated answers to write, or None when the person writes nothing (Ctrl-C,
    Ctrl-D, "Quit") or chose "Save the answers only": that choice is offered only with
    `save_answers`, which is then called with the answers.
    """
    from tfgen.wizard.flow import start

    return start(overrides, prompter, initial, save_answers)
