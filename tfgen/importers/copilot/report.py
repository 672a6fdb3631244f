"""The import report: one row per manifest field, as text (default) or JSON (`--format json`)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from tfgen.importers.copilot.fields import APPROXIMATED, IGNORED, MAPPED, UNSUPPORTED

STATUSES = (MAPPED, APPROXIMATED, UNSUPPORTED, IGNORED)
REPORT_VERSION = 1


@dataclass
class Row:
    scope: str  # "svc/<name>", "env/<name>" or "workspace"
    field: str  # dotted manifest path, e.g. "http.path"
    file: str | None
    line: int | None
    status: str
    note: str


@dataclass
class Report:
    workspace: str
    env: str | None
    answers: str
    rows: list[Row] = field(default_factory=list)
    next_steps: list[str] = field(default_factory=list)

    def add(self, scope: str, name: str, file: str | None, line: int | None, status: str, note: str) -> None:
        assert status in STATUSES, status
        self.rows.append(Row(scope, name, file, line, status, note))

    def counts(self) -> dict[str, int]:
        return {s: sum(1 for r in self.rows if r.status == s) for s in STATUSES}


def as_json(report: Report) -> str:
    doc = {
        "version": REPORT_VERSION,
        "workspace": report.workspace,
        "env": report.env,
        "answers": report.answers,
        "fields": [asdict(r) for r in report.rows],
    }
    return json.dumps(doc, indent=2) + "\n"


def as_text(report: Report) -> str:
    out = [f"Copilot workspace {report.workspace}" + (f", environment {report.env}" if report.env else "") + f" -> {report.answers}"]
    scopes: dict[str, list[Row]] = {}
    for row in report.rows:
        scopes.setdefault(row.scope, []).append(row)
    width = max((len(r.field) for r in report.rows), default=0)
    for scope, rows in scopes.items():
        out.append("")
        out.append(scope)
        for r in rows:
            where = f"{r.file}:{r.line}" if r.file and r.line else (r.file or "")
            out.append(f"  {r.status:<12} {r.field:<{width}}  {r.note}" + (f"  ({where})" if where else ""))
    counts = report.counts()
    out.append("")
    out.append(", ".join(f"{n} {s}" for s, n in counts.items()))
    if report.next_steps:
        out.append("next:")
        out.extend(f"  {step}" for step in report.next_steps)
    return "\n".join(out) + "\n"
