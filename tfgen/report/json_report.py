"""`--format json`: the document of the spec's output contract (version 1)."""

from __future__ import annotations

import json

from tfgen.check.model import ModuleCall
from tfgen.check.runner import Finding, Report


def _call(call: ModuleCall | None) -> dict | None:
    if call is None:
        return None
    return {"address": call.address, "source": call.source, "file": call.file, "line": call.line}


def _finding(finding: Finding) -> dict:
    return {
        "rule_id": finding.rule_id,
        "severity": finding.severity,
        "message": finding.message,
        "file": finding.file,
        "line": finding.line,
        "address": finding.address,
        "roots": list(finding.roots),
        "via": _call(finding.via),
        "set_at": {"file": finding.set_at.file, "line": finding.set_at.line} if finding.set_at else None,
    }


def _order(finding: Finding) -> tuple:
    return (finding.file or "", finding.line or 0, finding.rule_id, finding.address)


def render(report: Report, options) -> str:
    document: dict = {
        "version": 1,
        "findings": [_finding(f) for f in sorted(report.active, key=_order)],
        "summary": report.summary(),
        "modules_not_read": [{**_call(m.call), "reason": m.call.reason, "roots": list(m.roots)} for m in report.modules_not_read],
    }
    if report.plan is not None:
        document["changes"] = report.plan.as_json()
    # Present only when a rule failed, so a clean run's document is exactly the contract.
    if report.internal_errors:
        document["internal_errors"] = [
            {"rule_id": e.rule_id, "address": e.address, "file": e.file, "line": e.line, "message": e.message}
            for e in report.internal_errors
        ]
    # Only on request, so the default document is exactly the contract.
    if options.show_suppressed:
        document["suppressed"] = [{**_finding(f), "reason": f.suppressed} for f in sorted(report.suppressed, key=_order)]
    if options.show_unknown:
        document["unknown"] = [
            {"rule_id": u.rule_id, "file": u.file, "line": u.line, "address": u.address, "reason": u.reason}
            for u in report.unknowns
        ]
    return json.dumps(document, indent=2) + "\n"
