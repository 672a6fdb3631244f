"""Finding the root modules under the given paths and running the rules on each.

A directory is searched recursively (skipping `.terraform/` and hidden folders). Every folder
of `.tf` files that no other folder calls as a local module is a root module; it is evaluated
with the modules it calls, its tfvars and the --var-file files, and every selected rule runs
on the resulting model.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from tfgen.check import expr as E
from tfgen.check.evaluator import evaluate_root
from tfgen.check import cache
from tfgen.check.model import Model, Resource
from tfgen.check.policy import Policy
from tfgen.check.rules import BY_ID
from tfgen.check.rules.base import SEVERITY_RANK, Fail, Rule, Undecided
from tfgen.check.source import SourceFile
from tfgen.errors import InputError


@dataclass(frozen=True)
class Finding:
    rule_id: str
    severity: str
    message: str
    file: str | None  # relative to the current directory, with forward slashes
    line: int | None
    address: str
    root: str
    suppressed: str | None = None  # the reason, when suppressed


@dataclass(frozen=True)
class UnknownResult:
    rule_id: str
    address: str
    file: str | None
    line: int | None
    reason: str
    root: str


@dataclass
class Report:
    rules: tuple[Rule, ...]
    roots: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # suppressed ones included
    unknowns: list[UnknownResult] = field(default_factory=list)
    files: int = 0
    resources: int = 0
    # Set for `--plan` runs: what the plan changes (tfgen.plan.summary.PlanSummary).
    plan: Any = None

    @property
    def active(self) -> list[Finding]:
        return [f for f in self.findings if f.suppressed is None]

    @property
    def suppressed(self) -> list[Finding]:
        return [f for f in self.findings if f.suppressed is not None]

    def summary(self) -> dict[str, int]:
        counts = {"error": 0, "warning": 0, "info": 0}
        for finding in self.active:
            counts[finding.severity] += 1
        return {
            **counts,
            "suppressed": len(self.suppressed),
            "unknown": len(self.unknowns),
            "files": self.files,
            "resources": self.resources,
        }

    def exit_code(self, fail_on: str) -> int:
        if fail_on == "never":
            return 0
        threshold = SEVERITY_RANK[fail_on]
        return 1 if any(SEVERITY_RANK[f.severity] >= threshold for f in self.active) else 0


@dataclass
class RootModule:
    directory: Path
    files: list[SourceFile]
    label: str  # how the root is shown: its folder (or file) relative to the current directory


def display_path(path: str | Path | None) -> str | None:
    if path is None:
        return None
    try:
        relative = os.path.relpath(os.path.abspath(path))
    except ValueError:
        relative = str(path)
    return Path(relative).as_posix()


def _unreadable(err: OSError) -> None:
    raise InputError(f"{err.filename}: cannot read the folder: {err.strerror or err}")


def _tf_folders(top: Path) -> list[Path]:
    found = []
    for folder, subfolders, files in os.walk(top, onerror=_unreadable):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith(".") and d != ".terraform")
        if any(name.endswith(".tf") for name in files):
            found.append(Path(folder))
    return found


def _local_source(expr: E.Expr | None) -> str | None:
    if isinstance(expr, E.Literal) and isinstance(expr.value, str):
        text = expr.value
    elif isinstance(expr, E.Template) and len(expr.parts) == 1 and isinstance(expr.parts[0], str):
        text = expr.parts[0]
    else:
        return None
    return text if text.startswith("./") or text.startswith("../") else None


def discover(paths: Iterable[str]) -> list[RootModule]:
    """Root modules under `paths` (files or folders), each with its own files parsed."""
    roots: list[RootModule] = []
    for given in paths:
        path = Path(given)
        if not path.exists():
            raise InputError(f"{given}: no such file or directory")
        if path.is_file():
            if not path.name.endswith(".tf"):
                raise InputError(f"{given}: not a .tf file or a directory")
            roots.append(RootModule(path.parent, [cache.load(path)], display_path(path) or given))
            continue
        folders = _tf_folders(path)
        if not folders:
            raise InputError(f"{given}: no .tf files found (hidden folders and .terraform/ are skipped)")
        # All files at once: what is not cached yet can be parsed in parallel.
        files_of = {folder: cache.tf_files(folder) for folder in folders}
        loaded = iter(cache.load_many(f for files in files_of.values() for f in files))
        parsed = {folder.resolve(): (folder, [next(loaded) for _ in files]) for folder, files in files_of.items()}
        called: set[Path] = set()
        for folder, files in parsed.values():
            for source in files:
                for block in source.blocks:
                    if block.type == "module":
                        local = _local_source(block.attr("source"))
                        if local is not None:
                            called.add((folder / local).resolve())
        for resolved, (folder, files) in parsed.items():
            if resolved not in called:
                roots.append(RootModule(folder, files, display_path(folder) or str(folder)))
    return roots


def _tfvars_files(directory: Path) -> list[Path]:
    out = []
    for name in ("terraform.tfvars", "terraform.tfvars.json"):
        if (directory / name).is_file():
            out.append(directory / name)
    try:
        names = os.listdir(directory)
    except OSError as err:
        _unreadable(err)
    out += sorted(directory / n for n in names if (n.endswith(".auto.tfvars") or n.endswith(".auto.tfvars.json")) and (directory / n).is_file())
    return out


def evaluate(root: RootModule, var_files: Iterable[str], files_read: list[str]) -> Model:
    overrides: dict[str, E.Expr] = {}
    for path in [*_tfvars_files(root.directory), *(Path(v) for v in var_files)]:
        overrides.update(cache.load_tfvars(path))
    return evaluate_root(root.directory, root.files, overrides, root.label, files_read)


def check_model(model: Model, rules: Iterable[Rule], policy: Policy, report: Report) -> None:
    """Run `rules` on one model, adding its findings and unknowns to `report`."""
    seen: set[tuple[str, str, str]] = set()
    for rule in rules:
        for hit in _hits(rule, model):
            resource: Resource = hit.resource
            file = display_path(resource.file)
            if isinstance(hit, Fail) and not resource.instances_known:
                # count/for_each not known: the resource may not exist at all.
                hit = Undecided(resource, f"{hit.message} (if it exists: its count/for_each is not known)")
            if isinstance(hit, Fail):
                key = (rule.id, resource.address, hit.message)
                if key in seen:
                    continue
                seen.add(key)
                report.findings.append(
                    Finding(
                        rule_id=rule.id,
                        severity=hit.severity or rule.severity,
                        message=hit.message,
                        file=file,
                        line=resource.line,
                        address=resource.address,
                        root=model.root,
                        suppressed=policy.suppression(rule.id, resource.file, model.root, resource.ignores),
                    )
                )
            elif isinstance(hit, Undecided):
                key = (rule.id, resource.address, "?")
                if key in seen:
                    continue
                seen.add(key)
                report.unknowns.append(UnknownResult(rule.id, resource.address, file, resource.line, hit.reason, model.root))


def _hits(rule: Rule, model: Model) -> list[Any]:
    """A rule's hits. A rule that meets a value of a type Terraform itself would reject (a list
    where a string goes: `family = ["x"]`) ends the check with exit 2 naming the root module,
    never a traceback and never a silent pass."""
    try:
        return list(rule.check(model))
    except (TypeError, ValueError, AttributeError, KeyError, IndexError, ZeroDivisionError, OverflowError, RecursionError) as err:
        # What Python raises when a value is not of the type the rule reads (the rule framework's
        # own signals, such as an undecided check, are not among these and pass through).
        raise InputError(
            f"{model.root}: {rule.id} cannot judge a value of an unexpected type ({type(err).__name__}: {err}); "
            "`terraform validate` shows which argument"
        ) from None


def run(paths: Iterable[str], policy: Policy, var_files: Iterable[str] = ()) -> Report:
    var_files = list(var_files)
    for var_file in var_files:
        if not Path(var_file).is_file():
            raise InputError(f"--var-file {var_file}: no such file")
    # The change rules (5xx) need a plan's actions; on HCL alone they have nothing to judge.
    rules = tuple(BY_ID[i] for i in policy.rule_ids if not BY_ID[i].plan_only)
    report = Report(rules=rules)
    files_read: list[str] = []
    for root in discover(paths):
        model = evaluate(root, var_files, files_read)
        report.roots.append(root.label)
        report.resources += len(model.managed())
        check_model(model, rules, policy, report)
    report.files = len({os.path.abspath(f) for f in files_read})
    return report
