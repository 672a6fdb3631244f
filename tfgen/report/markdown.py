"""`--format markdown`: a summary for a pull request comment or a job summary ($GITHUB_STEP_SUMMARY).

Findings by severity, then one table row per finding (rule, severity, place, message). On a plan,
the same order as the text report: data at risk, downtime, changes by resource type, then the
conformance findings. Cells are escaped so a message never breaks the table or renders as markup.
"""

from __future__ import annotations

import re

from tfgen.check.rules import BY_ID
from tfgen.check.runner import Finding, Report
from tfgen.report import not_read_line
from tfgen.report.text import _PLAN_SECTIONS, CHANGE_KINDS, change_totals, severity_first, summary_line

# A pull request comment holds at most 65,536 characters and a row takes up to ~400: past this
# many rows the table points to the full report instead of being refused or cut off by GitHub.
MAX_ROWS = 100

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#!&])")


def cell(text: str) -> str:
    """Text safe inside a table cell: markdown punctuation escaped, lines joined with <br>."""
    escaped = _SPECIAL.sub(r"\\\1", text)
    return "<br>".join(escaped.replace("\r", "").split("\n"))


def _place(finding: Finding) -> str:
    where = f"{finding.file}:{finding.line}" if finding.file and finding.line else finding.file or "(no file)"
    return f"{cell(where)}<br>{cell(finding.address)}"


def _table(findings: list[Finding], extra: str | None = None) -> list[str]:
    """One row per finding; `extra` names a last column (the suppression reason)."""
    header = "| rule | severity | place | message |" + (f" {extra} |" if extra else "")
    lines = [header, "|---|---|---|---|" + ("---|" if extra else "")]
    ordered = sorted(findings, key=severity_first)
    for finding in ordered[:MAX_ROWS]:
        rule = BY_ID[finding.rule_id]
        row = f"| [{finding.rule_id}]({rule.url} \"{cell(rule.title)}\") | {finding.severity} | {_place(finding)} | {cell(finding.message)} |"
        if extra:
            row += f" {cell(finding.suppressed or '')} |"
        lines.append(row)
    if len(ordered) > MAX_ROWS:
        lines += ["", f"... and {len(ordered) - MAX_ROWS} more: see the full report (`--format text` or `json`)."]
    return lines + [""]


def _severity_table(report: Report) -> list[str]:
    summary = report.summary()
    rows = [f"| {name} | {summary[name]} |" for name in ("error", "warning", "info", "suppressed", "unknown")]
    return ["| findings | count |", "|---|---:|", *rows, ""]


def _plan_part(report: Report) -> tuple[list[str], list[Finding]]:
    lines: list[str] = []
    shown: set[Finding] = set()
    for title, rule_ids in _PLAN_SECTIONS:
        found = [f for f in report.active if f.rule_id in rule_ids]
        lines += [f"### {title}: {len(found) or 'none'}", ""]
        if found:
            lines += _table(found)
        shown.update(found)
    plan = report.plan
    lines += [f"### Changes: {change_totals(plan)}", ""]
    if plan.by_type:
        lines += ["| resource type | " + " | ".join(CHANGE_KINDS) + " |", "|---|" + "---:|" * len(CHANGE_KINDS)]
        for rtype, row in plan.by_type.items():
            lines.append(f"| {cell(rtype)} | " + " | ".join(str(row[k] or "-") for k in CHANGE_KINDS) + " |")
        lines.append("")
    lines += ["### Conformance with the guidance (planned values)", ""]
    return lines, [f for f in report.active if f not in shown]


def _details(summary: str, body: list[str]) -> list[str]:
    return ["<details>", f"<summary>{summary}</summary>", "", *body, "</details>", ""]


def render(report: Report, options) -> str:
    title = "tfgen plan" if report.plan is not None else "tfgen check"
    lines = [f"## {title}", "", cell(summary_line(report, options)), ""]
    lines += _severity_table(report)
    findings = report.active
    if report.plan is not None:
        plan_lines, findings = _plan_part(report)
        lines += plan_lines
    lines += _table(findings) if findings else ["No findings.", ""]
    blind = not_read_line(report.modules_not_read)
    if blind:
        lines += [f"**Not checked:** {cell(blind)}", ""]
    if report.internal_errors:
        rows = ["| rule | place | error |", "|---|---|---|"]
        for error in report.internal_errors:
            where = f"{error.file}:{error.line}" if error.file and error.line else error.file or "(no file)"
            rows.append(f"| {error.rule_id} | {cell(where)}<br>{cell(error.address or '(no resource)')} | {cell(error.message)} |")
        lines += ["**Internal errors** (a defect in tfgen, not in your code; the check is incomplete):", "", *rows, ""]
    if options.show_suppressed and report.suppressed:
        lines += _details(f"Suppressed findings ({len(report.suppressed)})", _table(report.suppressed, extra="reason"))
    if options.show_unknown and report.unknowns:
        rows = ["| rule | place | not decided because |", "|---|---|---|"]
        for item in sorted(report.unknowns, key=lambda u: (u.file or "", u.line or 0, u.rule_id, u.address)):
            where = f"{item.file}:{item.line}" if item.file and item.line else item.file or "(no file)"
            rows.append(f"| {item.rule_id} | {cell(where)}<br>{cell(item.address)} | {cell(item.reason)} |")
        lines += _details(f"Not decided: a value is not known statically ({len(report.unknowns)})", [*rows, ""])
    return "\n".join(lines).rstrip("\n") + "\n"
