"""The wizard in a terminal: questionary prompts, with the reason for each question shown above it.

Prompts use `unsafe_ask`, so Ctrl-C raises KeyboardInterrupt (and Ctrl-D EOFError) everywhere
alike; `run_wizard` turns either into a cancelled run in one place.
"""

from __future__ import annotations

import shutil
import textwrap
from typing import Any

import questionary
import yaml
from prompt_toolkit.application import get_app
from prompt_toolkit.filters import Condition
from prompt_toolkit.key_binding import KeyBindings

_WHY = "fg:ansibrightblack italic"
_HEADING = "bold"
_PROBLEM = "fg:ansired"
_PRESET = "fg:ansigreen"


class TerminalPrompter:
    def heading(self, title: str, intro: str) -> None:
        questionary.print("")
        questionary.print(f"== {title}", style=_HEADING)
        for line in _wrap(intro, indent="") if intro else []:
            questionary.print(line)

    def subheading(self, title: str) -> None:
        questionary.print(f"-- {title}", style=_HEADING)

    def why(self, text: str) -> None:
        for line in _wrap(text, indent="  "):
            questionary.print(line, style=_WHY)

    def preset(self, key: str, value: Any) -> None:
        shown = yaml.safe_dump(value, default_flow_style=True, width=10_000).strip().removesuffix("...").strip()
        questionary.print(f"  {key} = {shown}  (preset with --set, not asked)", style=_PRESET)

    def problem(self, text: str) -> None:
        for line in _wrap(text, indent="  ! "):
            questionary.print(line, style=_PROBLEM)

    def text(self, key: str, message: str, default: str) -> str:
        """The line starts empty with the default shown in brackets: typing replaces it, Enter on an
        empty line takes it (and echoes it, so the transcript says what was answered)."""
        if not default:
            return questionary.text(message).unsafe_ask()
        bindings = KeyBindings()

        @bindings.add("enter", filter=Condition(lambda: not get_app().current_buffer.text))
        def _take_default(event: Any) -> None:
            event.current_buffer.text = default
            event.current_buffer.validate_and_handle()

        return questionary.text(message, instruction=f"[{default}]", key_bindings=bindings).unsafe_ask()

    def confirm(self, key: str, message: str, default: bool) -> bool:
        return questionary.confirm(message, default=default).unsafe_ask()

    def select(self, key: str, message: str, choices: list[tuple[str, Any]], default: Any) -> Any:
        options = [questionary.Choice(label, value=value) for label, value in choices]
        return questionary.select(message, choices=options, default=default).unsafe_ask()

    def summary(self, rows: list[tuple[str, str]]) -> None:
        questionary.print("")
        questionary.print("== What will be written", style=_HEADING)
        width = max(len(label) for label, _ in rows) + 2
        for label, value in rows:
            lines = _wrap(value, indent=" " * width)
            questionary.print(label.ljust(width) + lines[0][width:])
            for line in lines[1:]:
                questionary.print(line)


def _wrap(text: str, indent: str) -> list[str]:
    columns = max(40, min(shutil.get_terminal_size().columns, 120) - 1)
    return textwrap.wrap(text, columns, initial_indent=indent, subsequent_indent=" " * len(indent)) or [indent]
