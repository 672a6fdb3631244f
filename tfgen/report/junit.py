"""`--format junit`: one test case per rule per root module; findings at or above --fail-on fail it."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import PurePosixPath

from tfgen.check.rules import CONFIG_RULES, RULES
from tfgen.check.rules.base import SEVERITY_RANK
from tfgen.check.runner import Finding, InternalError, Report
from tfgen.report import context, not_read_line


def _line(finding: Finding) -> str:
    where = f"{finding.file}:{finding.line}" if finding.file else "(no file)"
    reached = context(finding)
    return f"{where}: {finding.severity}: {finding.address}{f' ({reached})' if reached else ''}: {finding.message}"


def _classname(root: str) -> str:
    """`tfgen.infra.prod` for the root module `infra/prod`, `tfgen` for `.`: dots separate
    packages in JUnit viewers, so the folder's own dots (`.`, `..`, `v1.2`) become underscores."""
    parts = [p.replace(".", "_") for p in PurePosixPath(root.replace("\\", "/")).parts if p not in (".", "/")]
    return ".".join(["tfgen", *parts])


def _error_line(error: InternalError) -> str:
    where = f"{error.file}:{error.line}" if error.file else "(no file)"
    return f"{where}: {error.address or '(no resource)'}: {error.message}"


def render(report: Report, options) -> str:
    ran = {rule.id for rule in report.rules}
    threshold = SEVERITY_RANK.get(options.fail_on, 99)
    suites = ET.Element("testsuites", name="tfgen check")
    total = failed = errored = skipped_total = 0
    for root in report.roots:
        suite = ET.SubElement(suites, "testsuite", name=root)
        tests = failures = errors = skipped = 0
        # The change rules (5xx) belong to plan runs only.
        for rule in RULES if report.plan is not None else CONFIG_RULES:
            tests += 1
            case = ET.SubElement(suite, "testcase", classname=_classname(root), name=f"{rule.id} {rule.title}")
            if rule.id not in ran:
                skipped += 1
                ET.SubElement(case, "skipped", message="not selected (--skip/--only)")
                continue
            # A finding shared by several roots is reported once, in the first root's suite.
            broken = [e for e in report.internal_errors if e.root == root and e.rule_id == rule.id]
            if broken:
                errors += 1
                error = ET.SubElement(case, "error", type="internal", message=f"{len(broken)} internal error(s): the rule failed, its findings are incomplete")
                error.text = "\n".join(_error_line(e) for e in broken) + "\n"
            found = [f for f in report.active if f.root == root and f.rule_id == rule.id]
            failing = [f for f in found if SEVERITY_RANK[f.severity] >= threshold]
            if failing and not broken:
                failures += 1
                failure = ET.SubElement(
                    case, "failure", type=rule.severity, message=f"{len(failing)} finding(s): {rule.title}"
                )
                failure.text = "\n".join(_line(f) for f in failing) + f"\nfix: {rule.fix}\n"
            rest = [f for f in found if broken or f not in failing]  # a test case holds an error or a failure
            if rest:
                ET.SubElement(case, "system-out").text = "\n".join(_line(f) for f in rest) + "\n"
        blind = [m for m in report.modules_not_read if root in m.roots]
        if blind:
            # No rule saw inside these: said beside the results, as the other formats do.
            ET.SubElement(suite, "system-err").text = not_read_line(blind) + "\n"
        suite.set("tests", str(tests))
        suite.set("failures", str(failures))
        suite.set("errors", str(errors))
        suite.set("skipped", str(skipped))
        total, failed, errored, skipped_total = total + tests, failed + failures, errored + errors, skipped_total + skipped
    suites.set("tests", str(total))
    suites.set("failures", str(failed))
    suites.set("errors", str(errored))
    suites.set("skipped", str(skipped_total))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
