"""Property-based checks of the checker against hostile input, shared by the quick test run
(tests/hardening/test_properties.py, a few examples each) and the long fuzz run
(tests/fuzz/fuzz_check.py, as many as asked).

Each property takes what a strategy drew and asserts tfgen's contract: exit 0, 1 or 2 only; 2 with
a message naming the input; never a traceback; within a time limit, under a memory limit (the
command-line properties run tfgen in a subprocess with RLIMIT_AS, see conftest.run_tfgen).
"""

from __future__ import annotations

import copy
import json
import uuid
from pathlib import Path
from typing import Any

import yaml
from hypothesis import assume
from hypothesis import strategies as st

from .conftest import REPO, assert_contract, run_tfgen

DATA = Path(__file__).parent / "data"
EXAMPLES = REPO / "tfgen" / "check" / "rules" / "examples"
# Seeds for mutation: hand-written module-style files and a rendered stack's root module.
SEED_FILES = sorted(EXAMPLES.glob("TFG*/bad/main.tf"))[::3] + [
    REPO / "examples" / "fargate-https-efs" / "main.tf",
    REPO / "examples" / "fargate-worker-s3-state" / "terraform.tfvars",
    REPO / "tests" / "check" / "fixtures" / "community" / "main.tf",
]
PLAN = json.loads((DATA / "efs_replaced.plan.json").read_text())

# Pieces that broke the loader or the evaluator once, or are close to something that did.
HOSTILE_SNIPPETS = [
    "${", "%{", "$${", "%%{", "}", "{", "\\", '"', "\\U", "\\UFFFFFFFF", "\\u12", "<<EOT\n", "\nEOT\n",
    "%{ if }", "%{ else }", "%{ endif }", "%{ for x in [] }", "${ 1 + }", "1e400", "9" * 400, "[" * 300,
    "count = 100000000", 'source = "./${var.x}"', "[for i in range(10000) : [for j in range(10000) : j]]",
    'regex("(a+)+$", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaa!")', 'file("/dev/zero")', "pow(10, 100000000)",
    'format("%.999999999f", 1)', "setproduct(range(10000), range(10000))", "\ufeff", "\x00", "\u2028",
    "#", "//", "/*", "*/", "...", "[*]", ".*", "=>", "?", ":", "\n", "null", "true", "-", "!",
]

free_text = st.text(
    alphabet=st.one_of(st.sampled_from(list('${}%~\\"\n\t\r aZ09-_#/*<EOT')), st.characters(blacklist_categories=("Cs",))),
    max_size=40,
)


@st.composite
def mutated_text(draw: Any) -> tuple[str, bytes]:
    """(file name, bytes): a seed file with a few edits (deletions, hostile insertions, raw bytes)."""
    seed = draw(st.sampled_from(SEED_FILES))
    data = bytearray(seed.read_bytes())
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["insert", "delete", "replace", "bytes"]))
        if kind in ("delete", "replace"):
            del data[at : at + draw(st.integers(1, 40))]
        if kind in ("insert", "replace"):
            data[at:at] = draw(st.sampled_from(HOSTILE_SNIPPETS)).encode("utf-8")
        if kind == "bytes":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
    return seed.name, bytes(data)


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path to a value inside a JSON document (capped, for speed)."""
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, prefix + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value[:5]):
            found += _paths(item, prefix + (index,))
    return found


PLAN_PATHS = [p for p in _paths(PLAN) if p][:4000]
wrong_values = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=False), st.text(max_size=10),
    st.just([]), st.just({}), st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=3), st.none(), max_size=2),
    st.integers(1, 400).map(lambda n: json.loads("[" * n + "]" * n)),
)


@st.composite
def mutated_plan(draw: Any) -> str:
    """A plan's JSON text with values replaced by ones of another type, keys dropped, or cut short."""
    document = copy.deepcopy(PLAN)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(PLAN_PATHS))
        parent = document
        try:
            for step in path[:-1]:
                parent = parent[step]
            if draw(st.booleans()) and isinstance(parent, dict):
                parent.pop(path[-1], None)
            else:
                parent[path[-1]] = draw(wrong_values)
        except (KeyError, IndexError, TypeError):
            continue
    text = json.dumps(document)
    if draw(st.integers(0, 9)) == 0:
        text = text[: draw(st.integers(0, len(text)))]
    if draw(st.integers(0, 4)) == 0:
        # A value JSON reads but no plan holds, in place of one of the document's numbers or nulls.
        hostile = draw(st.sampled_from(["9" * 5000, "1e400", "-1e400", "NaN", "Infinity", "[" * 3000 + "]" * 3000, '"\\ud800"']))
        text = text.replace("null", hostile, 1) if draw(st.booleans()) else text.replace("false", hostile, 1)
    return text


def _call_of(names: list[str]) -> Any:
    return lambda args: st.tuples(st.sampled_from(names), st.lists(args, min_size=1, max_size=3)).map(lambda c: f"{c[0]}({', '.join(c[1])})")


def _expressions() -> Any:
    """HCL expressions built from Terraform's functions, operators, for-expressions and
    templates over small and huge values: what no budget may let run away."""
    from tfgen.check.functions import FUNCTIONS

    leaves = st.one_of(
        st.integers(-3, 100).map(str), st.sampled_from(["100000", "1e300", "-1", "0.5", "true", "null", "local.l0", "local.l1", "var.v", "count.index"]),
        st.sampled_from(['"a"', '"${1}"', '"%{ for i in range(3) }x%{ endfor }"', '"/(a+)+$/"', '"%.9999f"', '"\\u00e9"', '"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!"']),
        st.sampled_from(["range(10000)", "range(99999)", "[]", "{}", '{ a = 1, b = "x" }', "[1, [2, [3]]]"]),
    )

    def extend(inner: Any) -> Any:
        return st.one_of(
            _call_of(sorted(FUNCTIONS) + ["try", "can", "file", "templatefile", "fileexists"])(inner),
            st.tuples(inner, st.sampled_from(["+", "*", "-", "/", "%", "==", "<", "&&", "||"]), inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
            st.tuples(inner, inner).map(lambda t: f"[for x in {t[0]} : {t[1]}]"),
            st.tuples(inner, inner).map(lambda t: f'{{ for k, v in {t[0]} : "${{k}}" => {t[1]} }}'),
            st.tuples(inner, inner).map(lambda t: f'"${{{t[0]}}}-%{{ for i in {t[1]} }}${{i}}%{{ endfor }}"'),
            st.tuples(inner, inner, inner).map(lambda t: f"({t[0]} ? {t[1]} : {t[2]})"),
            st.tuples(inner, inner).map(lambda t: f"{t[0]}[{t[1]}]"),
            st.lists(inner, max_size=3).map(lambda items: "[" + ", ".join(items) + "]"),
        )

    return st.recursive(leaves, extend, max_leaves=12)


@st.composite
def expression_module(draw: Any) -> str:
    """A root module whose locals, count and attributes are random expressions."""
    expressions = _expressions()
    lines = ['variable "v" {\n  default = [1, "a"]\n}\nlocals {']
    for index in range(draw(st.integers(1, 6))):
        lines.append(f"  l{index} = {draw(expressions)}")
    lines.append("}")
    lines.append(f'resource "aws_ecs_task_definition" "t" {{\n  count  = {draw(expressions)}\n  family = {draw(expressions)}\n  cpu    = {draw(expressions)}\n}}')
    return "\n".join(lines) + "\n"


def check_expression_module(tmp_path: Path, text: str) -> None:
    folder = tmp_path / f"case-{uuid.uuid4().hex[:12]}"
    folder.mkdir()
    (folder / "main.tf").write_text(text)
    outcome = run_tfgen("check", folder.name, "--no-cache", "--show-unknown", timeout=60, cwd=tmp_path)
    assert_contract(outcome, folder.name)


def check_reads_rendered_free_text(tmp_path: Path, environment_value: str) -> None:
    """A stack tfgen renders from answers holding `environment_value` is read by `tfgen check`
    (exit 0 or 1, never 2) and the value read back is exactly the text. (Tag values take only
    AWS's tag characters, which the answers enforce, so free text reaches a stack through
    environment values.)"""
    from tfgen.answers.load import build_answers
    from tfgen.check import cache
    from tfgen.check.evaluator import ModuleInstance, Run, Scope, evaluate
    from tfgen.check.policy import Policy
    from tfgen.check.rules import BY_ID
    from tfgen.check.runner import run
    from tfgen.errors import AnswersError
    from tfgen.render.stack import render_stack

    data = yaml.safe_load((REPO / "examples" / "fargate-worker-s3-state" / "answers.yaml").read_text())
    data["services"][0]["environment"]["FREE_TEXT"] = environment_value
    try:
        answers = build_answers(data)
    except AnswersError:
        assume(False)  # text the answers refuse never reaches a stack
    # One folder for every example, files rewritten only when they change: the modules (the
    # same each time) stay parsed in this process's memo, and each example costs little.
    folder = tmp_path / "stack"
    for name, content in render_stack(answers).items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.is_file() or path.read_bytes() != content:
            path.write_bytes(content)
    cache.configure(enabled=False)
    try:
        run([str(folder)], Policy(tuple(BY_ID)))  # raises InputError (exit 2) if it cannot read it
        tfvars = cache.load_tfvars(folder / "terraform.tfvars")
    finally:
        cache.configure()
    scope = Scope(ModuleInstance(Run(folder, []), folder, [], "", "", {}, {}))
    services = evaluate(tfvars["services"], scope)
    assert services["worker"]["environment"]["FREE_TEXT"] == environment_value


def check_mutated_hcl(tmp_path: Path, case: tuple[str, bytes]) -> None:
    name, content = case
    folder = tmp_path / f"case-{uuid.uuid4().hex[:12]}"
    folder.mkdir()
    (folder / name).write_bytes(content)
    if name.endswith(".tfvars"):
        (folder / "main.tf").write_text('variable "services" {}\nvariable "tags" {}\n')
    outcome = run_tfgen("check", folder.name, "--no-cache", timeout=60, cwd=tmp_path)
    assert_contract(outcome, folder.name)


def check_mutated_plan(tmp_path: Path, text: str) -> None:
    path = tmp_path / f"plan-{uuid.uuid4().hex[:12]}.json"
    path.write_text(text)
    outcome = run_tfgen("check", "--plan", path.name, "--format", "json", timeout=60, cwd=tmp_path)
    assert_contract(outcome, path.name)


def check_rules_on_wrong_types(choices: list[tuple[int, str, Any]]) -> None:
    """Rules on a model whose attribute values have the wrong type: a report, or an InputError
    naming the root module (exit 2); nothing else escapes, in any report format."""
    from tfgen.check import cache
    from tfgen.check.model import Computed, Unknown
    from tfgen.check.policy import Policy
    from tfgen.check.rules import BY_ID
    from tfgen.check.runner import Report, check_model, discover, evaluate
    from tfgen.errors import InputError
    from tfgen.report import Options, render

    cache.configure(enabled=False)
    try:
        model = evaluate(discover([str(EXAMPLES / "TFG201" / "bad")])[0], [], [])
        models = [model] + [evaluate(r, [], []) for r in discover([str(EXAMPLES / s / "bad") for s in ("TFG303", "TFG401", "TFG207")])]
    finally:
        cache.configure()
    resources = [r for m in models for r in m.resources]
    for index, attribute, value in choices:
        resource = resources[index % len(resources)]
        names = sorted(resource.attributes) or ["x"]
        name = attribute if attribute in resource.attributes else names[hash(attribute) % len(names)]
        resource.attributes[name] = {"unknown": Unknown("u"), "computed": Computed("c", address="aws_x.y", attribute="arn")}.get(value, value) if isinstance(value, str) else value
    rules = tuple(BY_ID.values())
    for model in models:
        report = Report(rules=rules)
        try:
            check_model(model, rules, Policy(tuple(BY_ID)), report)
        except InputError as err:
            assert model.root in str(err)
            continue
        for fmt in ("text", "json", "sarif", "junit"):
            assert render(report, fmt, Options("error", True, True, False))


wrong_typed_choices = st.lists(
    st.tuples(st.integers(0, 1000), st.sampled_from(["family", "cpu", "network_mode", "role", "arn", "encrypted", "ingress", "statement", "x"]),
              st.one_of(wrong_values, st.sampled_from(["unknown", "computed"]))),
    min_size=1, max_size=6,
)
