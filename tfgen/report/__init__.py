"""Reporters: turn a check `Report` into text, JSON, SARIF 2.1.0, JUnit XML, GitHub annotations or markdown.

Each reporter is one module with `render(report, options) -> str`; FORMATS lists them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from tfgen.check.runner import Finding, ModuleNotRead, Report


@dataclass(frozen=True)
class Options:
    fail_on: str = "error"
    show_unknown: bool = False
    show_suppressed: bool = False
    color: bool = False


def at(file: str | None, line: int | None) -> str:
    """`file:line` as the reports print a place."""
    if file is None:
        return "(no file)"
    return f"{file}:{line}" if line else file


def context(finding: Finding) -> str:
    """How the user reaches a finding, in words: the tfvars line that set the value, the module
    call of theirs that brings the block in, the root modules that share it ("" when none applies)."""
    parts = []
    if finding.set_at is not None:
        parts.append(f"set at {at(finding.set_at.file, finding.set_at.line)}")
    if finding.via is not None:
        parts.append(f"via {finding.via.address} at {at(finding.via.file, finding.via.line)}")
    if len(finding.roots) > 1:
        parts.append(f"in {len(finding.roots)} roots: {', '.join(finding.roots)}")
    return "; ".join(parts)


def not_read_line(modules: list[ModuleNotRead]) -> str:
    """The summary's sentence about module calls whose insides no rule could see ("" if none)."""
    if not modules:
        return ""
    calls = ", ".join(
        f"{m.call.address}{f' ({m.call.source})' if m.call.source else ''} at {at(m.call.file, m.call.line)}" for m in modules
    )
    count = len(modules)
    return (
        f"{count} module call{'' if count == 1 else 's'} not read: {calls}; "
        "run `terraform init` or use `--init` to check inside"
    )


def _text(report: Report, options: Options) -> str:
    from tfgen.report import text

    return text.render(report, options)


def _json(report: Report, options: Options) -> str:
    from tfgen.report import json_report

    return json_report.render(report, options)


def _sarif(report: Report, options: Options) -> str:
    from tfgen.report import sarif

    return sarif.render(report, options)


def _junit(report: Report, options: Options) -> str:
    from tfgen.report import junit

    return junit.render(report, options)


def _github(report: Report, options: Options) -> str:
    from tfgen.report import github

    return github.render(report, options)


def _markdown(report: Report, options: Options) -> str:
    from tfgen.report import markdown

    return markdown.render(report, options)


FORMATS: dict[str, Callable[[Report, Options], str]] = {
    "text": _text,
    "json": _json,
    "sarif": _sarif,
    "junit": _junit,
    "github": _github,
    "markdown": _markdown,
}


def render(report: Report, fmt: str, options: Options) -> str:
    return FORMATS[fmt](report, options)
