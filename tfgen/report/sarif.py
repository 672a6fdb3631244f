"""`--format sarif`: SARIF 2.1.0 as GitHub code scanning accepts it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from tfgen import __version__
from tfgen.check.rules import RULES
from tfgen.check.runner import Finding, ModuleNotRead, Report
from tfgen.report import context

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
# GitHub ranks security results by this score (0-10).
_SECURITY_SEVERITY = {"error": "7.0", "warning": "4.0", "info": "1.0"}


def _rule(rule) -> dict:
    guidance = rule.guidance_section
    help_text = (
        f"Guidance ({guidance.anchor}): {guidance.title}\n\n{guidance.plain()}\n\n"
        f"Why: {rule.why}\n\nHow to fix: {rule.fix}\n\nAWS documentation: {rule.url}"
    )
    help_markdown = (
        f"**{rule.title}**\n\n**Guidance: {guidance.title}**\n\n{guidance.body}\n\n**Why:** {rule.why}\n\n"
        f"**How to fix:** {rule.fix}\n\n[AWS documentation]({rule.url})"
    )
    return {
        "id": rule.id,
        "name": rule.id,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.why},
        "help": {"text": help_text, "markdown": help_markdown},
        "helpUri": rule.url,
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {
            "tags": ["terraform", "aws", "ecs"],
            "precision": "high",
            "security-severity": _SECURITY_SEVERITY[rule.severity],
        },
    }


def _physical(file: str | None, line: int | None) -> dict:
    location: dict = {"physicalLocation": {"artifactLocation": {"uri": file or "", "uriBaseId": "%SRCROOT%"}}}
    if line:
        location["physicalLocation"]["region"] = {"startLine": line}
    return location


def _notification(module: ModuleNotRead) -> dict:
    call = module.call
    location = _physical(call.file, call.line)
    location["logicalLocations"] = [{"fullyQualifiedName": call.address, "kind": "module"}]
    source = f" ({call.source})" if call.source else ""
    return {
        "level": "warning",
        "message": {"text": f"{call.address}{source} not read, no rule could look inside it: {call.reason}; run `terraform init` or use `--init`"},
        "locations": [location],
        "descriptor": {"id": "module-not-read"},
    }


def _result(finding: Finding, index: dict[str, int]) -> dict:
    location = _physical(finding.file, finding.line)
    location["logicalLocations"] = [{"fullyQualifiedName": finding.address, "kind": "resource"}]
    fingerprint = hashlib.sha256(f"{finding.rule_id}|{finding.address}|{finding.file}".encode()).hexdigest()
    result = {
        "ruleId": finding.rule_id,
        "ruleIndex": index[finding.rule_id],
        "level": LEVELS[finding.severity],
        "message": {"text": f"{finding.message} ({finding.address}{'; ' + context(finding) if context(finding) else ''})"},
        "locations": [location],
        "partialFingerprints": {"tfgenFinding/v1": fingerprint},
    }
    if finding.via is not None:
        related = _physical(finding.via.file, finding.via.line)
        related.update(id=1, message={"text": f"the module call {finding.via.address} that brings this block in"})
        result["relatedLocations"] = [related]
    if finding.suppressed:
        kind = "inSource" if finding.suppressed.startswith("inline") else "external"
        result["suppressions"] = [{"kind": kind, "justification": finding.suppressed}]
    return result


def _invocation(report: Report, index: dict[str, int]) -> dict:
    """The run itself: a notification per module call not read (every rule blind inside it), and
    unsuccessful, with one notification per rule that failed on some input."""
    notifications = [_notification(m) for m in report.modules_not_read]
    for error in report.internal_errors:
        notification: dict = {
            "level": "error",
            "message": {"text": f"internal error in rule {error.rule_id}" + (f" on {error.address}" if error.address else "") + f": {error.message}"},
            "associatedRule": {"id": error.rule_id, "index": index[error.rule_id]},
        }
        if error.file:
            location: dict = {"physicalLocation": {"artifactLocation": {"uri": error.file, "uriBaseId": "%SRCROOT%"}}}
            if error.line:
                location["physicalLocation"]["region"] = {"startLine": error.line}
            notification["locations"] = [location]
        notifications.append(notification)
    invocation: dict = {"executionSuccessful": not report.internal_errors}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return invocation


def render(report: Report, options) -> str:
    index = {rule.id: i for i, rule in enumerate(RULES)}
    findings = report.active + (report.suppressed if options.show_suppressed else [])
    document = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "tfgen",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/Welcome.html",
                        "rules": [_rule(rule) for rule in RULES],
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().as_uri() + "/"}},
                "results": [_result(f, index) for f in findings],
                "invocations": [_invocation(report, index)],
                "columnKind": "unicodeCodePoints",
            }
        ],
    }
    return json.dumps(document, indent=2) + "\n"
