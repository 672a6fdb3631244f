"""Analyse a plan: the change rules (5xx) on its actions, the conformance rules (1xx-4xx) on its
planned values, and a summary of what changes, for the reporters to lead with.

Given the configuration folder too, each planned resource is matched to its block there: the
finding gets the file and line, the block's `tfgen:ignore` comments apply, and values the plan
leaves unknown until apply are filled from what the HCL evaluator knows (a target group ARN
that a module output passes along still leads to its target group).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from tfgen.check.model import Computed, Model, PartialJson, PartialString, Resource, Unknown
from tfgen.check.policy import Policy
from tfgen.check.rules import BY_ID
from tfgen.check.runner import Report, check_model, discover, display_path, evaluate
from tfgen.plan.reader import Plan, check_format, load_plan_file, read_plan

KINDS = ("create", "update", "replace", "delete")
_INSTANCE_KEY = re.compile(r"\[[^\]]*\]")


@dataclass
class PlanSummary:
    """Counts of changes by kind, overall and per resource type (the JSON `changes` object)."""

    counts: dict[str, int] = field(default_factory=lambda: {k: 0 for k in KINDS})
    by_type: dict[str, dict[str, int]] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {**self.counts, "by_type": self.by_type}


def summarize(plan: Plan) -> PlanSummary:
    summary = PlanSummary()
    for change in plan.changes:
        if change.mode != "managed" or change.kind not in KINDS:
            continue
        summary.counts[change.kind] += 1
        row = summary.by_type.setdefault(change.type, {k: 0 for k in KINDS})
        row[change.kind] += 1
    summary.by_type = dict(sorted(summary.by_type.items()))
    return summary


def analyze(plan_file: Path, config_paths: Iterable[str], policy: Policy, var_files: Iterable[str] = ()) -> Report:
    """Read `plan_file` and run every selected rule on it (conformance and change rules)."""
    label = display_path(plan_file) or str(plan_file)
    return analyze_document(load_plan_file(plan_file), label, config_paths, policy, var_files)


def analyze_document(
    document: dict[str, Any], label: str, config_paths: Iterable[str], policy: Policy, var_files: Iterable[str] = ()
) -> Report:
    """`analyze` for a plan already parsed (`tfgen plan` has it from `terraform show -json`)."""
    check_format(document, label)
    plan = read_plan(document, label=label)
    rules = tuple(BY_ID[i] for i in policy.rule_ids)
    report = Report(rules=rules)
    files_read: list[str] = []
    if config_paths:
        attach_configuration(plan.model, _configuration(config_paths, var_files, files_read))
    report.roots.append(plan.model.root)
    report.resources = len(plan.model.managed())
    report.files = len(set(files_read))
    check_model(plan.model, rules, policy, report)
    report.plan = summarize(plan)
    return report


def _configuration(paths: Iterable[str], var_files: Iterable[str], files_read: list[str]) -> list[Model]:
    return [evaluate(root, var_files, files_read) for root in discover(paths)]


def attach_configuration(planned: Model, configurations: list[Model]) -> None:
    """Give planned resources their block's file, line and ignores, and fill unknown values
    from the configuration where it knows more."""
    by_address: dict[str, Resource] = {}
    by_shape: dict[str, Resource] = {}
    for model in configurations:
        for resource in model.resources:
            by_address.setdefault(resource.address, resource)
            by_shape.setdefault(_INSTANCE_KEY.sub("", resource.address), resource)
    for resource in [*planned.resources, *planned.deleted]:
        source = by_address.get(resource.address) or by_shape.get(_INSTANCE_KEY.sub("", resource.address))
        if source is None:
            continue
        resource.file, resource.line = source.file, source.line
        resource.position, resource.origin, resource.via = source.position, source.origin, source.via
        resource.ignores = {**source.ignores, **resource.ignores}
        resource.prevent_destroy = resource.prevent_destroy or source.prevent_destroy
        if source.address != resource.address:
            continue  # another instance of the same block: its values may differ
        # Only what the plan has: an attribute the plan leaves null is null, whatever HCL guessed.
        for name, value in list(resource.attributes.items()):
            if name in source.attributes:
                resource.attributes[name] = _fill(value, source.attributes[name], resource.address)
            elif isinstance(value, Computed) and value.address == resource.address:
                # Unknown only because the provider computes it (a security group's inline
                # `ingress` when rules are separate resources): the block does not set it, so it
                # is absent, as rules read it on HCL.
                del resource.attributes[name]


def _fill(planned: Any, configured: Any, address: str) -> Any:
    """The planned value, with its unknown parts replaced by what the configuration knows."""
    if isinstance(planned, Unknown):
        # "Known after apply" (of the resource itself) says less than a reference to another
        # resource, a partly known string or the structure inside a jsonencode().
        vague = type(planned) is Unknown or (isinstance(planned, Computed) and planned.address == address)
        if configured is None:
            # The configuration sets it to null: the provider fills it in after apply (an ECS
            # service's launch_type beside a capacity provider strategy). Rules read it as left
            # out, as they do on the configuration.
            return None if vague else planned
        if not isinstance(configured, Unknown):
            return configured
        if isinstance(configured, (PartialJson, PartialString)):
            # The configuration knows its structure (a policy document whose JSON the plan defers
            # to apply): more than a reference, which leads to a value unknown in the plan too.
            return configured
        return configured if vague and type(configured) is not Unknown else planned
    if isinstance(planned, dict) and isinstance(configured, dict):
        return {k: _fill(planned.get(k), configured.get(k), address) if k in configured else v for k, v in planned.items()}
    if isinstance(planned, list) and isinstance(configured, list) and len(planned) == len(configured):
        return [_fill(p, c, address) for p, c in zip(planned, configured)]
    return planned
