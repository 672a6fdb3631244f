"""Rules never break on values of unexpected types: every attribute of every rule example, in
nested blocks too, is replaced by values of other types (and by an unknown), and every rule runs
on the result without an internal error. Through the command line, the same kind of input
never gives a traceback or an exit code other than 0, 1 or 2."""

from __future__ import annotations

import copy
import dataclasses
import re
from typing import Any, Iterator

import pytest

from .conftest import example_path
from tfgen.check.model import Model, Unknown
from tfgen.check.policy import Policy
from tfgen.check.rules import CONFIG_RULES
from tfgen.check.runner import Report, check_model, discover, evaluate

MUTANTS: tuple[Any, ...] = (
    "x",
    "",
    ["a", 1],
    [],
    {"k": "v"},
    {},
    42,
    -1.5,
    True,
    None,
    Unknown("mutated"),
    [Unknown("mutated item")],
    {"k": Unknown("mutated value")},
    [{"k": "v"}],
)

Path_ = tuple[Any, ...]


def _places(value: Any, path: Path_ = ()) -> Iterator[Path_]:
    """Paths to every value inside an attribute (dict keys, list indexes), the attribute first."""
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _places(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _places(item, (*path, index))


def _replaced(value: Any, path: Path_, new: Any) -> Any:
    if not path:
        return new
    out = copy.copy(value)
    out[path[0]] = _replaced(value[path[0]], path[1:], new)
    return out


def _models(rule_id: str, kind: str) -> list[Model]:
    folder = example_path(rule_id, kind).parent
    return [evaluate(root, [], []) for root in discover([str(folder)])]


def _mutations(model: Model) -> Iterator[tuple[str, Model]]:
    for position, resource in enumerate(model.resources):
        for name, value in resource.attributes.items():
            for path in _places(value):
                for new in MUTANTS:
                    attributes = {**resource.attributes, name: _replaced(value, path, new)}
                    mutant = dataclasses.replace(resource, attributes=attributes)
                    resources = [*model.resources[:position], mutant, *model.resources[position + 1 :]]
                    where = f"{resource.address}.{name}{''.join(f'[{p!r}]' for p in path)} = {new!r}"
                    yield where, Model(root=model.root, resources=resources, files=model.files)


EXAMPLES = [(rule.id, kind) for rule in CONFIG_RULES for kind in ("good", "bad")]


@pytest.mark.parametrize(("rule_id", "kind"), EXAMPLES)
def test_every_rule_survives_every_mutation_of_the_example(rule_id, kind):
    policy = Policy(tuple(rule.id for rule in CONFIG_RULES))
    failures = []
    for model in _models(rule_id, kind):
        for where, mutant in _mutations(model):
            report = Report(rules=CONFIG_RULES)
            check_model(mutant, CONFIG_RULES, policy, report)
            failures += [f"{where}: {e.rule_id} on {e.address}: {e.message}" for e in report.internal_errors]
    assert failures == [], "\n".join(failures[:20])


_ASSIGNMENT = re.compile(r'^(\s*)([A-Za-z_][A-Za-z0-9_]*)(\s*=\s*)("[^"]*"|[0-9.]+|true|false|null)\s*$')
_CLI_VALUES = ('["a", 1]', "true", "var.nothing")


def _cli_mutants(text: str) -> Iterator[str]:
    """The example with one single-line literal attribute replaced by another type at a time."""
    lines = text.splitlines()
    for number, line in enumerate(lines):
        match = _ASSIGNMENT.match(line)
        if match:
            for value in _CLI_VALUES:
                yield "\n".join([*lines[:number], f"{match.group(1)}{match.group(2)}{match.group(3)}{value}", *lines[number + 1 :]]) + "\n"


@pytest.mark.parametrize("rule_id", ["TFG103", "TFG106", "TFG202", "TFG305", "TFG306", "TFG405", "TFG210", "TFG211", "TFG604", "TFG605", "TFG703"])
def test_mutated_examples_through_the_command_line(tfgen, tmp_path, monkeypatch, rule_id):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "variables.tf").write_text('variable "nothing" {}\n')
    # The bad examples: every literal the rule's judgement hinges on is in them.
    for kind in ("bad",):
        for text in _cli_mutants(example_path(rule_id, kind).read_text()):
            (tmp_path / "main.tf").write_text(text)
            result = tfgen("check", ".", "--format", "json", "--show-unknown")
            assert result.code in (0, 1, 2), text
            assert "Traceback" not in result.out + result.err, text
            assert result.code == 2 or "internal_errors" not in result.json(), text
