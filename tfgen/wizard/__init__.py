"""The interactive wizard behind `tfgen new OUTDIR`: questions in the guidance's order of thought.

`questions.py` holds the questions as data; `flow.py` walks them over the raw answers dict (the
same dict an answers file holds) and validates with the answers model; `terminal.py` puts them
to a person with questionary; `summary.py` is the recap before writing.
"""

from __future__ import annotations

from tfgen.answers.model import Answers


def run_wizard(overrides: list[str], prompter=None, initial: dict | None = None) -> Answers | None:
    """Ask for the answers; `overrides` (`--set key.path=value`) are preset and not asked, and
    `initial` (an earlier run's saved answers) provides the defaults.

    Returns the validated answers, or None when the person cancels (Ctrl-C, Ctrl-D, or no to
    "Write the stack?").
    """
    from tfgen.wizard.flow import start

    return start(overrides, prompter, initial)
