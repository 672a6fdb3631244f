"""Helpers for the checker's tests: run the real command line in-process, read example markers."""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tfgen.check.rules.base import EXAMPLES_DIR

REPO = Path(__file__).resolve().parents[2]
MARKER = re.compile(r'^\s*(resource|data)\s+"([^"]+)"\s+"([^"]+)".*#\s*<-\s*(TFG\d{3})')


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> dict:
        return json.loads(self.out)


@pytest.fixture
def tfgen(capsys, monkeypatch):
    """Run `tfgen ARGS...` through tfgen.cli.main, as the installed script does."""
    from tfgen.cli import main

    def run(*args: str) -> Result:
        monkeypatch.setattr(sys, "argv", ["tfgen", *map(str, args)])
        capsys.readouterr()
        try:
            main()
            code = 0
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


def expected_markers(text: str, rule_id: str) -> list[tuple[int, str]]:
    """(line, address) of each block marked `# <- RULE` in an example."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        match = MARKER.match(line)
        if match and match.group(4) == rule_id:
            kind, type_, name = match.group(1, 2, 3)
            found.append((number, f"{'data.' if kind == 'data' else ''}{type_}.{name}"))
    return found


_BLOCK_START = re.compile(r'^(resource|data|module)\s+"')


def block_line(text: str, line: int) -> int:
    """The first line of the top-level block holding `line` (findings point at the attribute
    judged; markers sit on the block's first line)."""
    lines = text.splitlines()
    for number in range(min(line, len(lines)), 0, -1):
        if _BLOCK_START.match(lines[number - 1]):
            return number
    return line


def example_path(rule_id: str, kind: str) -> Path:
    return EXAMPLES_DIR / rule_id / kind / "main.tf"
