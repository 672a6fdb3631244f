"""A plan JSON of the wrong shape is refused at the door: exit 2, "not a valid plan: <where>",
never a traceback (issue 13 item 5)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from tfgen.errors import InputError
from tfgen.plan.reader import check_format, read_plan

PLAN = json.loads((Path(__file__).parent / "data" / "efs_replaced.plan.json").read_text())


def refused(document) -> str:
    with pytest.raises(InputError) as caught:
        check_format(document, "p.json")
    return str(caught.value)


def test_the_sample_plan_is_valid_and_read():
    check_format(PLAN, "p.json")
    assert read_plan(PLAN, "p.json").changes


def mutated(change) -> dict:
    document = copy.deepcopy(PLAN)
    change(document)
    return document


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: d["resource_changes"][0].pop("address"), "resource_changes[0].address: expected this field"),
        (lambda d: d["resource_changes"][1].pop("type"), "resource_changes[1].type: expected this field"),
        (lambda d: d["resource_changes"][2].pop("name"), "resource_changes[2].name: expected this field"),
        (lambda d: d.update(resource_changes=None), "resource_changes: expected a list"),
        (lambda d: d["resource_changes"][0]["change"].update(actions="delete"), "resource_changes[0].change.actions: expected a list"),
        (lambda d: d["resource_changes"][0]["change"].update(actions=[1]), "resource_changes[0].change.actions[0]: expected a string"),
        (lambda d: d["resource_changes"][0]["change"].update(before=[1]), "resource_changes[0].change.before: expected an object"),
        (lambda d: d["resource_changes"][0].update(change=None), "resource_changes[0].change: expected an object"),
        (lambda d: d["resource_changes"][0]["change"].update(replace_paths=[5]), "resource_changes[0].change.replace_paths[0]: expected a list"),
        (lambda d: d["planned_values"]["root_module"]["child_modules"][0]["resources"][0].update(values=7), "planned_values.root_module.child_modules[0].resources[0].values: expected an object"),
        (lambda d: d["planned_values"]["root_module"].update(child_modules={}), "planned_values.root_module.child_modules: expected a list"),
        (lambda d: d["planned_values"]["root_module"]["child_modules"][0]["resources"][0].update(index=True), "index: expected an integer or a string"),
        (lambda d: d.update(prior_state=[]), "prior_state: expected an object"),
        (lambda d: d["configuration"]["root_module"].update(module_calls=[]), "configuration.root_module.module_calls: expected an object"),
        (lambda d: d["resource_changes"][0]["change"].update(after_unknown=json.loads("[" * 150 + "]" * 150)), "after_unknown: expected values nested at most 100"),
    ],
)
def test_each_wrong_shape_is_named(change, where):
    message = refused(mutated(change))
    assert message.startswith("p.json: not a valid plan: ") and where in message, message


def test_deep_module_nesting_is_refused():
    module: dict = {"resources": []}
    document = {"format_version": "1.2", "planned_values": {"root_module": module}}
    for _ in range(300):
        child: dict = {"resources": []}
        module["child_modules"] = [child]
        module = child
    assert "modules nested at most" in refused(document)


def test_the_cli_refuses_a_deep_plan_with_exit_2(tmp_path, tfgen_process):
    path = tmp_path / "plan.json"
    path.write_text('{"format_version": "1.2", "resource_changes": ' + "[" * 100000 + "]" * 100000 + "}")
    outcome = tfgen_process("check", "--plan", path)
    assert outcome.code == 2 and "not a valid plan" in outcome.err and str(path) in outcome.err and "Traceback" not in outcome.err


def test_the_cli_refuses_a_plan_without_addresses_with_exit_2(tmp_path, tfgen_process):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(mutated(lambda d: d["resource_changes"][0].pop("address"))))
    outcome = tfgen_process("check", "--plan", path)
    assert (outcome.code, "Traceback" in outcome.err) == (2, False)
    assert f"{path}: not a valid plan: resource_changes[0].address" in outcome.err


def test_a_plan_with_a_number_of_thousands_of_digits_is_refused(tmp_path, tfgen_process):
    path = tmp_path / "plan.json"
    path.write_text('{"format_version": "1.2", "resource_changes": [], "x": ' + "9" * 5000 + "}")
    outcome = tfgen_process("check", "--plan", path)
    assert outcome.code == 2 and f"{path}: not a valid plan" in outcome.err and "Traceback" not in outcome.err


def test_a_plan_string_holding_half_a_character_is_refused(tmp_path, tfgen_process):
    document = mutated(lambda d: d["resource_changes"][0].update(address="module.efs.\\ud800"))
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(document).replace("\\\\ud800", "\\ud800"))
    outcome = tfgen_process("check", "--plan", path)
    assert outcome.code == 2 and f"{path}: not a valid plan: a string holds half a character" in outcome.err
    assert "Traceback" not in outcome.err
