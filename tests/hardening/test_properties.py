"""Property-based tests of the checker (hypothesis), a few examples each so the suite stays
quick; `python tests/fuzz/fuzz_check.py` runs the same properties for as long as asked."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from . import properties as P

QUICK = settings(max_examples=10, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck))


@QUICK
@given(environment_value=P.free_text)
def test_a_rendered_stack_with_any_free_text_is_read_back_exactly(tmp_path_factory, environment_value):
    P.check_reads_rendered_free_text(tmp_path_factory.getbasetemp(), environment_value)


@pytest.mark.parametrize("text", ["${x", "%{x", "a}${", '$${"', "%{ if }", "\\U0001F600 ${", '"}${"', "$\n{"])
def test_the_free_text_that_broke_the_checker_is_read_back(tmp_path, text):
    P.check_reads_rendered_free_text(tmp_path, text)


@QUICK
@given(case=P.mutated_text())
def test_mutated_hcl_keeps_the_exit_code_contract(tmp_path_factory, case):
    P.check_mutated_hcl(tmp_path_factory.mktemp("hcl"), case)


@QUICK
@given(text=P.expression_module())
def test_random_expressions_finish_within_budgets(tmp_path_factory, text):
    P.check_expression_module(tmp_path_factory.mktemp("expr"), text)


@QUICK
@given(text=P.mutated_plan())
def test_mutated_plans_keep_the_exit_code_contract(tmp_path_factory, text):
    P.check_mutated_plan(tmp_path_factory.mktemp("plan"), text)


@settings(max_examples=40, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(choices=P.wrong_typed_choices)
def test_rules_on_wrong_typed_values_report_or_refuse(choices):
    P.check_rules_on_wrong_types(choices)
