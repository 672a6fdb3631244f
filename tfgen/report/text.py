"""Human-readable report: findings grouped by file, then a summary line."""

from __future__ import annotations

import re
from itertools import groupby

from tfgen.check.rules import BY_ID
from tfgen.check.rules.base import SEVERITY_RANK
from tfgen.check.runner import Finding, Report
from tfgen.report import context, not_read_line

_COLORS = {"error": "31", "warning": "33", "info": "36", "dim": "2", "bold": "1"}


def _paint(text: str, style: str, on: bool) -> str:
    return f"\033[{_COLORS[style]}m{text}\033[0m" if on else text


def plain(text: str) -> str:
    """Text without markdown emphasis: a terminal shows `**` as two stars."""
    return re.sub(r"\*\*(.+?)\*\*|__(.+?)__", lambda m: m.group(1) or m.group(2), text)


def _sort_key(finding: Finding) -> tuple:
    return (finding.file or "", finding.line or 0, finding.rule_id, finding.address)


def severity_first(finding: Finding) -> tuple:
    """Errors first, then by place: the order for readers who stop at the top (PRs, annotations)."""
    return (-SEVERITY_RANK[finding.severity], *_sort_key(finding))


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 or word == 'info' else 's'}"


def _finding_lines(finding: Finding, color: bool, detail: bool) -> list[str]:
    rule = BY_ID[finding.rule_id]
    where = f"{finding.line or '?':>5}"
    reached = context(finding)
    lines = [
        f"{where}  {_paint(f'{finding.severity:<7}', finding.severity, color)}  {_paint(finding.rule_id, 'bold', color)}  {finding.address}"
        + (f"  ({reached})" if reached else ""),
        f"         {finding.message}",
    ]
    if finding.suppressed:
        lines.append(_paint(f"         suppressed ({finding.suppressed})", "dim", color))
    elif detail:
        lines.append(_paint(f"         why: {plain(rule.why)}", "dim", color))
        lines.append(_paint(f"         fix: {plain(rule.fix)}", "dim", color))
    return lines


def _grouped(findings: list[Finding], color: bool, detail: bool) -> list[str]:
    out: list[str] = []
    for file, group in groupby(sorted(findings, key=_sort_key), key=lambda f: f.file or "(no file)"):
        out.append(_paint(file, "bold", color))
        for finding in group:
            out.extend(_finding_lines(finding, color, detail))
        out.append("")
    return out


# A plan report leads with what the reviewer must not miss, in this order.
_PLAN_SECTIONS = (
    ("Data at risk", ("TFG501", "TFG502")),
    ("Downtime and address changes", ("TFG503", "TFG504")),
)


def _plan_sections(report: Report, color: bool) -> tuple[list[str], list[Finding]]:
    """The change sections and table, and the findings left for the conformance part."""
    lines: list[str] = []
    shown: set[Finding] = set()
    for title, rule_ids in _PLAN_SECTIONS:
        found = [f for f in report.active if f.rule_id in rule_ids]
        lines.append(_paint(f"{title}: {len(found) or 'none'}", "bold", color))
        for rule_id in rule_ids:
            mine = sorted((f for f in found if f.rule_id == rule_id), key=lambda f: f.address)
            if not mine:
                continue
            rule = BY_ID[rule_id]
            lines.append(f"  {_paint(f'{rule.severity:<7}', rule.severity, color)}  {_paint(rule_id, 'bold', color)}  {rule.title}")
            for finding in mine:
                where = f"{finding.file}:{finding.line}" if finding.file else "no file: give the configuration folder to locate it"
                reached = context(finding)
                lines.append(f"    {finding.address}  ({where}{'; ' + reached if reached else ''})")
                lines.append(f"      {finding.message}")
            lines.append(_paint(f"    fix: {plain(rule.fix)}", "dim", color))
        shown.update(found)
        lines.append("")
    lines.extend(_change_table(report.plan, color))
    lines.append(_paint("Conformance with the guidance (planned values)", "bold", color))
    lines.append("")
    return lines, [f for f in report.active if f not in shown]


CHANGE_KINDS = ("create", "update", "replace", "delete")


def change_totals(plan) -> str:
    return ", ".join(f"{plan.counts[k]} to {k}" for k in CHANGE_KINDS)


def _change_table(plan, color: bool) -> list[str]:
    kinds = CHANGE_KINDS
    lines = [_paint(f"Changes: {change_totals(plan)}", "bold", color)]
    if plan.by_type:
        width = max(len(t) for t in plan.by_type)
        lines.append("  " + "resource type".ljust(width) + "".join(f"{k:>9}" for k in kinds))
        for rtype, row in plan.by_type.items():
            cells = "".join(f"{(row[k] or '-'):>9}" for k in kinds)
            lines.append("  " + rtype.ljust(width) + cells)
    lines.append("")
    return lines


def render(report: Report, options) -> str:
    color = options.color
    lines: list[str] = []
    findings = report.active
    if report.plan is not None:
        lines, findings = _plan_sections(report, color)
    lines += _grouped(findings, color, detail=True)
    if options.show_suppressed and report.suppressed:
        lines.append(_paint("Suppressed findings:", "bold", color))
        lines.append("")
        lines.extend(_grouped(report.suppressed, color, detail=False))
    if options.show_unknown and report.unknowns:
        lines.append(_paint("Not decided (a value is not known statically):", "bold", color))
        for item in sorted(report.unknowns, key=lambda u: (u.file or "", u.line or 0, u.rule_id)):
            location = f"{item.file}:{item.line}" if item.file else "(no file)"
            lines.append(f"  {item.rule_id}  {location}  {item.address}: {item.reason}")
        lines.append("")
    if report.internal_errors:
        lines.append(_paint("Internal errors (a defect in tfgen, not in your code; the check is incomplete):", "error", color))
        for error in report.internal_errors:
            location = f"{error.file}:{error.line}" if error.file else "(no file)"
            lines.append(f"  {error.rule_id}  {location}  {error.address or '(no resource)'}: {error.message}")
        lines.append("")
    blind = not_read_line(report.modules_not_read)
    if blind:
        lines.append(_paint(blind, "warning", color))
    lines.append(summary_line(report, options, color))
    return "\n".join(lines) + "\n"


def summary_line(report: Report, options, color: bool = False) -> str:
    """The one line every report ends with: counts by severity, suppressed, unknown, scope."""
    summary = report.summary()
    counts = ", ".join(
        _paint(_plural(summary[s], s), s, color and summary[s] > 0) for s in ("error", "warning", "info")
    )
    return (
        f"{counts}; {summary['suppressed']} suppressed, {summary['unknown']} unknown; "
        f"{_plural(summary['files'], 'file')}, {_plural(summary['resources'], 'resource')} "
        f"in {_plural(len(report.roots), 'root module')}"
        + ("" if options.show_unknown or not summary["unknown"] else " (--show-unknown lists what was not decided)")
        + (f"; {_plural(len(report.internal_errors), 'internal error')}" if report.internal_errors else "")
    )
