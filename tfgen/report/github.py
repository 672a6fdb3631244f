"""`--format github`: GitHub Actions workflow commands, one annotation per finding.

Printed to a job's log, `::error file=...,line=...,title=...::message` becomes an annotation on
that line of the pull request's diff. Paths are relative to the current directory, so run from
the repository root (as a workflow step does by default).
"""

from __future__ import annotations

from collections import Counter

from tfgen.check.rules import BY_ID
from tfgen.check.runner import Finding, InternalError, ModuleNotRead, Report
from tfgen.report import context
from tfgen.report.text import change_totals, severity_first, summary_line

# GitHub has three annotation levels; "info" is its "notice".
LEVELS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    """The message part, escaped as the Actions toolkit does (`%` first, so escapes stay intact)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value: the message escapes plus `:` and `,`, which separate properties."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(level: str, message: str, **properties: str | int | None) -> str:
    given = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items() if value is not None)
    return f"::{level}{' ' + given if given else ''}::{escape_data(message)}"


def _annotation(finding: Finding) -> str:
    rule = BY_ID[finding.rule_id]
    reached = context(finding)
    return command(
        LEVELS[finding.severity],
        f"{finding.message} ({finding.address}{'; ' + reached if reached else ''})\nfix: {rule.fix}",
        file=finding.file,
        line=finding.line if finding.file else None,
        title=f"{finding.rule_id} {rule.title}",
    )


def _not_read(module: ModuleNotRead) -> str:
    """A module call no rule could look inside: a warning on the call's line, so the blind spot shows."""
    call = module.call
    return command(
        "warning",
        f"no rule could look inside {call.address}{f' ({call.source})' if call.source else ''}: {call.reason}; "
        "run `terraform init` or use `tfgen check --init` to check inside",
        file=call.file,
        line=call.line if call.file else None,
        title=f"tfgen: module call not read: {call.address}",
    )


def _internal(error: InternalError) -> str:
    """A rule that failed on some input: a defect in tfgen, never a finding about the code."""
    return command(
        "error",
        f"rule {error.rule_id} failed on {error.address or 'this input'}: {error.message} "
        "(a defect in tfgen, not in your code; the check is incomplete)",
        file=error.file,
        line=error.line if error.file else None,
        title=f"tfgen internal error in {error.rule_id}",
    )


# GitHub shows at most this many annotations of each level per step and drops the rest
# silently: errors come first, and the log says when some were not shown.
SHOWN_PER_LEVEL = 10


def render(report: Report, options) -> str:
    lines = [_internal(e) for e in report.internal_errors]
    lines += [_annotation(f) for f in sorted(report.active, key=severity_first)]
    lines += [_not_read(m) for m in report.modules_not_read]
    per_level = Counter(LEVELS[f.severity] for f in report.active)
    over = [f"{count} {level}s" for level, count in per_level.items() if count > SHOWN_PER_LEVEL]
    if over:
        lines.append(
            f"tfgen: GitHub annotates the first {SHOWN_PER_LEVEL} of each level per step; "
            f"{' and '.join(over)} are all listed above and in the --format markdown or sarif report"
        )
    if report.plan is not None:
        lines.append(f"tfgen plan: {change_totals(report.plan)}")
    lines.append(f"tfgen: {summary_line(report, options)}")
    return "\n".join(lines) + "\n"
