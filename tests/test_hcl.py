"""HCL literals: escaping that survives terraform, and layout that `terraform fmt` keeps."""

from __future__ import annotations

import pytest

from tfgen.render.hcl import hcl_assignments, hcl_key, hcl_string


@pytest.mark.parametrize(
    "text, literal",
    [
        ("plain", '"plain"'),
        ('say "hi"', r'"say \"hi\""'),
        ("C:\\data", r'"C:\\data"'),
        ("a\nb\tc\r", r'"a\nb\tc\r"'),
        ("${var.x}", '"$${var.x}"'),
        ("%{if x}", '"%%{if x}"'),
        ("$${already}", '"$$${already}"'),
        ("cost $5 and 100%", '"cost $5 and 100%"'),
        ("bell\x07", r'"bell\u0007"'),
        ("naïve ☃", '"naïve ☃"'),
    ],
)
def test_hcl_string_escapes(text, literal):
    assert hcl_string(text) == literal


def test_keys_are_bare_only_when_plain_identifiers():
    assert hcl_key("team") == "team" and hcl_key("cost-center") == "cost-center"
    assert hcl_key("a b") == '"a b"' and hcl_key("null") == '"null"' and hcl_key("1st") == '"1st"'


def test_assignments_align_like_terraform_fmt():
    text = hcl_assignments({"a": 1, "long_name": "x", "nested": {"k": True, "kk": None}, "z": []})
    assert text == 'a         = 1\nlong_name = "x"\nnested = {\n  k  = true\n  kk = null\n}\nz = []\n'
