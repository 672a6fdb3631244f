"""Reporters: turn a check `Report` into text, JSON, SARIF 2.1.0, JUnit XML, GitHub annotations or markdown.

Each reporter is one module with `render(report, options) -> str`; FORMATS lists them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from tfgen.check.runner import Report


@dataclass(frozen=True)
class Options:
    fail_on: str = "error"
    show_unknown: bool = False
    show_suppressed: bool = False
    color: bool = False


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
