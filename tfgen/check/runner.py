"""Finding the root modules under the given paths and running the rules on each.

A directory is searched recursively (skipping `.terraform/` and hidden folders). Every folder
of `.tf` files that no other folder calls as a local module is a root module; it is evaluated
with the modules it calls, its tfvars and the --var-file files, and every selected rule runs
on the resulting model.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterable

from tfgen.check import expr as E
from tfgen.check.evaluator import evaluate_root, registry_modules
from tfgen.check import cache, inputs
from tfgen.check.model import Model, ModuleCall, Place, Resource
from tfgen.check.policy import Policy
from tfgen.check.rules import BY_ID
from tfgen.check.rules.base import SEVERITY_RANK, Fail, Rule, Undecided
from tfgen.check.arguments import refuse_wrong_types
from tfgen.check.source import SourceFile, is_config_file
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
    # Every root module the finding was reached from (a shared module's folder: several).
    roots: tuple[str, ...] = ()
    # For a block inside a fetched module: the user's module call that brings it in.
    via: ModuleCall | None = None
    # Where the judged value was set, when a tfvars or --var-file line set it.
    set_at: Place | None = None


@dataclass(frozen=True)
class UnknownResult:
    rule_id: str
    address: str
    file: str | None
    line: int | None
    reason: str
    root: str
    roots: tuple[str, ...] = ()


@dataclass(frozen=True)
class ModuleNotRead:
    """A module call whose module was not on disk: every rule is blind inside it."""

    call: ModuleCall  # its file relative to the current directory
    roots: tuple[str, ...]


@dataclass(frozen=True)
class InternalError:
    """A rule that failed on some input: a defect of tfgen, never a finding about the user's code."""

    rule_id: str
    address: str | None  # the resource being judged, None when the rule failed before reaching one
    file: str | None
    line: int | None
    message: str  # the exception's type and text
    root: str


@dataclass
class Report:
    rules: tuple[Rule, ...]
    roots: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # suppressed ones included
    unknowns: list[UnknownResult] = field(default_factory=list)
    internal_errors: list[InternalError] = field(default_factory=list)
    modules_not_read: list[ModuleNotRead] = field(default_factory=list)
    files: int = 0
    resources: int = 0
    # Set for `--plan` runs: what the plan changes (tfgen.plan.summary.PlanSummary).
    plan: Any = None

    def __post_init__(self) -> None:
        # Where each place's entry sits in its list: a module folder that several root modules
        # use yields each finding once, with every root listed.
        self._places: dict[tuple, int] = {}

    def add(self, kind: str, key: tuple, item: Finding | UnknownResult | ModuleNotRead, root: str) -> None:
        """Add a finding, an unknown or a module not read, or add `root` to the same one already there."""
        items = self._items(kind)
        index = self._places.get((kind, *key))
        if index is None:
            self._places[(kind, *key)] = len(items)
            items.append(item if item.roots == (root,) else replace(item, roots=(root,)))
        elif root not in items[index].roots:
            items[index] = replace(items[index], roots=(*items[index].roots, root))

    def _items(self, kind: str) -> list:
        return {"finding": self.findings, "unknown": self.unknowns, "module": self.modules_not_read}[kind]

    def merge(self, part: "Report") -> None:
        """Add one root module's share (a Report of that root alone) to this report."""
        for (kind, *key), index in part._places.items():
            self.add(kind, tuple(key), part._items(kind)[index], part.roots[0])
        self.internal_errors.extend(part.internal_errors)
        self.roots.extend(part.roots)
        self.resources += part.resources

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
        if self.internal_errors:
            return 2  # the check itself failed: whatever it found is not the whole answer
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
    return _display(os.getcwd(), str(path))


@functools.lru_cache(maxsize=4096)
def _display(cwd: str, path: str) -> str:
    # Findings repeat the same few files: relpath is worth computing once per file.
    try:
        relative = os.path.relpath(os.path.join(cwd, path), cwd)
    except ValueError:
        relative = path
    return Path(relative).as_posix()


def _unreadable(err: OSError) -> None:
    raise InputError(f"{err.filename}: cannot read the folder: {err.strerror or err}")


@inputs.observed
def _tf_folders(top: Path) -> list[Path]:
    found = []
    for folder, subfolders, files in os.walk(top, onerror=_unreadable):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith(".") and d != ".terraform")
        if any(is_config_file(name) for name in files):
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


def no_terraform(given: str | Path, detail: str) -> InputError:
    """The one wording, for `tfgen check` and `tfgen plan` alike, of a folder without Terraform."""
    return InputError(f"{given}: no .tf or .tf.json files found ({detail})")


def discover(paths: Iterable[str]) -> list[RootModule]:
    """Root modules under `paths` (files or folders), each with its own files parsed."""
    roots: list[RootModule] = []
    for given in paths:
        path = Path(given)
        found = inputs.kind(path)
        if found is None:
            raise InputError(f"{given}: no such file or directory")
        if found == "file":
            if not is_config_file(path.name):
                raise InputError(f"{given}: not a .tf or .tf.json file, nor a directory")
            roots.append(RootModule(path.parent, [cache.load(path)], display_path(path) or given))
            continue
        folders = _tf_folders(path)
        if not folders:
            raise no_terraform(given, "hidden folders and .terraform/ are skipped")
        # All files at once, the modules `terraform init` fetched into each root included: what
        # is not cached yet is parsed in parallel, and each distinct content once.
        files_of = {folder: cache.tf_files(folder) for folder in folders}
        cache.preload([*(f for files in files_of.values() for f in files), *_fetched_files(folders)],
                      [f for folder in folders for f in _tfvars_files(folder)])
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


def _fetched_files(folders: Iterable[Path]) -> list[Path]:
    """The configuration files of the modules `terraform init` laid out under each folder's
    `.terraform/modules/`, as its manifest lists them. Only a head start for the evaluator,
    which reads them again where a root calls them: a manifest or folder it cannot read is left
    for the evaluator to report."""
    found: list[Path] = []
    for folder in folders:
        if not (folder / ".terraform" / "modules" / "modules.json").is_file():
            continue
        try:
            for directory in registry_modules(folder).values():
                if directory.is_dir():
                    found.extend(cache.tf_files(directory))
        except InputError:
            continue
    return found


@inputs.observed
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
    origins: dict[str, Path] = {}
    for path in [*_tfvars_files(root.directory), *(Path(v) for v in var_files)]:
        values = cache.load_tfvars(path)
        overrides.update(values)
        origins.update(dict.fromkeys(values, path))
    return evaluate_root(root.directory, root.files, overrides, root.label, files_read, origins)


def judged_place(resource: Resource, paths: Iterable[str]) -> tuple[int | None, Place | None]:
    """The line of the first attribute in `paths` the resource's block has (or of the nearest
    enclosing nested block), and where its value was set; else the block's first line."""
    for path in paths:
        candidate = path
        while candidate and resource.position is not None:
            line = resource.position(candidate)
            if line is not None:
                origin = resource.origin(candidate) if resource.origin is not None and candidate == path else None
                return line, origin
            candidate = candidate.rpartition(".")[0]
    return resource.line, None


def check_model(model: Model, rules: Iterable[Rule], policy: Policy, report: Report) -> None:
    """Run `rules` on one model, adding its findings, unknowns and internal errors to `report`.

    Each rule judges each of its subjects on its own: an Undecided from one judgement is the
    counted unknown for that rule and resource, and any other exception is an internal error
    for that rule and resource; neither stops the other judgements or rules. A module call
    whose module was not read counts one unknown per rule at the call: every rule is blind inside it.
    """
    rules = tuple(rules)
    model.forget()
    for call in model.unknown_modules.values():
        shown = replace(call, file=display_path(call.file))
        report.add("module", (call.address, shown.file, call.line), ModuleNotRead(shown, ()), model.root)
        for rule in rules:
            unknown = UnknownResult(rule.id, call.address, shown.file, call.line, f"module not read: {call.reason}", model.root)
            report.add("unknown", (rule.id, call.address, shown.file, call.line), unknown, model.root)

    def fail(rule: Rule, hit: Fail) -> None:
        resource = hit.resource
        if not resource.instances_known:
            # count/for_each not known: the resource may not exist at all.
            undecided(rule, resource, f"{hit.message} (if it exists: its count/for_each is not known)")
            return
        file = display_path(resource.file)
        via = replace(resource.via, file=display_path(resource.via.file)) if resource.via else None
        line, origin = judged_place(resource, (hit.attribute,) if hit.attribute else rule.attributes)
        finding = Finding(
            rule_id=rule.id,
            severity=hit.severity or rule.severity,
            message=hit.message,
            file=file,
            line=line,
            address=resource.address,
            root=model.root,
            suppressed=policy.suppression(rule.id, resource.file, model.root, resource.ignores),
            via=via,
            set_at=replace(origin, file=display_path(origin.file)) if origin else None,
            roots=(model.root,),
        )
        report.add("finding", (rule.id, resource.address, file, finding.line, hit.message), finding, model.root)

    def undecided(rule: Rule, resource: Resource, reason: str) -> None:
        file = display_path(resource.file)
        unknown = UnknownResult(rule.id, resource.address, file, resource.line, reason, model.root, (model.root,))
        report.add("unknown", (rule.id, resource.address, file, resource.line), unknown, model.root)

    def internal(rule: Rule, resource: Resource | None, error: Exception) -> None:
        report.internal_errors.append(
            InternalError(
                rule_id=rule.id,
                address=resource.address if resource is not None else None,
                file=display_path(resource.file) if resource is not None else None,
                line=resource.line if resource is not None else None,
                message=f"{type(error).__name__}: {error}",
                root=model.root,
            )
        )

    for rule in rules:
        try:
            subjects = list(rule.check.subjects(model))
        except Exception as error:  # noqa: BLE001 - a defect of one rule must not stop the others
            internal(rule, None, error)
            continue
        for subject in subjects:
            try:
                for hit in rule.check.judge(model, subject):
                    fail(rule, hit)
            except Undecided as unknown:
                undecided(rule, unknown.resource or subject, unknown.reason)
            except Exception as error:  # noqa: BLE001
                internal(rule, subject, error)


def _fetchable(model: Model) -> bool:
    """True when `terraform init` would bring in a module that could not be read."""
    return any(call.source and _local_source(E.Literal(call.source)) is None for call in model.unknown_modules.values())


# Below this many root modules, starting worker processes costs more than judging them here.
PARALLEL_MIN_ROOTS = 8


def run(
    paths: Iterable[str],
    policy: Policy,
    var_files: Iterable[str] = (),
    init: Callable[[RootModule], None] | None = None,
) -> Report:
    """Check every root module under `paths`. With `init`, a root that calls modules not yet
    fetched (and has no `.terraform/modules/`) is handed to it first, then read again.

    With the cache on and no `init`, the report of an earlier check with the same question is
    reused when nothing it read has changed (`tfgen.check.results`)."""
    paths, var_files = list(paths), list(var_files)
    # The change rules (5xx) need a plan's actions; on HCL alone they have nothing to judge.
    rules = tuple(BY_ID[i] for i in policy.rule_ids if not BY_ID[i].plan_only)
    if init is not None or not cache.enabled():
        return _run(paths, policy, var_files, rules, init)
    from tfgen.check import results

    entry = results.key(paths, policy, var_files)
    report = results.reuse(entry)
    if report is not None:
        report.rules = rules
        return report
    with inputs.recording() as record:
        report = _run(paths, policy, var_files, rules, init)
    results.keep(entry, record, report)
    return report


def _run(
    paths: list[str], policy: Policy, var_files: list[str], rules: tuple[Rule, ...], init: Callable[[RootModule], None] | None
) -> Report:
    for var_file in var_files:
        if inputs.kind(Path(var_file)) != "file":
            raise InputError(f"--var-file {var_file}: no such file")
    report = Report(rules=rules)
    roots = discover(paths)
    files_read: set[str] = set()
    # Each root's share is merged in the roots' order, wherever it was judged: the report is
    # the same as one built root after root.
    for part, read in _judge_all(roots, rules, policy, var_files) if init is None else (
        judge_root(root, rules, policy, var_files, init) for root in roots
    ):
        report.merge(part)
        files_read.update(os.path.abspath(f) for f in read)
    report.files = len(files_read)
    return report


def judge_root(
    root: RootModule, rules: tuple[Rule, ...], policy: Policy, var_files: list[str], init: Callable[[RootModule], None] | None = None
) -> tuple[Report, list[str]]:
    """One root module's share of the report, and the files it read."""
    files_read: list[str] = []
    model = evaluate(root, var_files, files_read)
    if init is not None and _fetchable(model) and not (root.directory / ".terraform" / "modules").is_dir():
        init(root)
        model = evaluate(root, var_files, files_read)
    refuse_wrong_types(model)
    part = Report(rules=())
    part.roots.append(root.label)
    part.resources = len(model.managed())
    check_model(model, rules, policy, part)
    return part, files_read


# What the worker processes judge: set before they are forked, so that each inherits the
# roots and every file already parsed (cache._in_process) instead of receiving them.
_job: tuple[list[RootModule], tuple[Rule, ...], Policy, list[str]] | None = None


def _judge_at(index: int) -> tuple[Report, list[str], list[list[Any]]]:
    """One root's share, judged in a worker, with what it read when the check records that."""
    assert _job is not None
    roots, rules, policy, var_files = _job
    if not inputs.recording_active():
        return (*judge_root(roots[index], rules, policy, var_files), [])
    with inputs.recording() as record:
        part, read = judge_root(roots[index], rules, policy, var_files)
    return part, read, record.entries()


def _judge_all(roots: list[RootModule], rules: tuple[Rule, ...], policy: Policy, var_files: list[str]) -> Iterable[tuple[Report, list[str]]]:
    """Each root's share, in the roots' order: judged in forked worker processes when there
    are enough roots and processors (only a fork inherits what was parsed), else here. An
    error in a root is raised when its turn comes, as when judging root after root."""
    global _job
    here = (judge_root(root, rules, policy, var_files) for root in roots)
    if len(roots) < PARALLEL_MIN_ROOTS or cache.worker_count() < 2:
        return here
    import multiprocessing  # only now: importing it takes a while
    from concurrent.futures import ProcessPoolExecutor

    if "fork" not in multiprocessing.get_all_start_methods():
        return here

    _job = (roots, rules, policy, var_files)
    try:
        with ProcessPoolExecutor(max_workers=cache.worker_count(), mp_context=multiprocessing.get_context("fork")) as pool:
            shares = list(pool.map(_judge_at, range(len(roots))))
    finally:
        _job = None
    for _, _, observations in shares:
        inputs.absorb(observations)
    return [(part, read) for part, read, _ in shares]
