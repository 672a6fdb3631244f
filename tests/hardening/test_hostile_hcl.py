"""Hostile and unusual HCL: each is read as Terraform reads it, or refused with exit 2 and the
file, line and column; never a traceback (issue 13 items 2, 5 and 10)."""

from __future__ import annotations

import pytest

from tfgen.check import expr as E
from tfgen.check.loader import MAX_FILE_BYTES, load_file, load_tfvars, parse_template
from tfgen.errors import InputError


def one_local(tmp_path, value: str, name: str = "main.tf"):
    path = tmp_path / name
    path.write_text(f"locals {{\n  a = {value}\n}}\n", encoding="utf-8")
    return path


def value_of(path) -> E.Expr:
    return load_file(path).blocks[0].attributes["a"].expr


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ('"$${abc"', "${abc"),  # tfgen writes free text with an unclosed ${ like this
        ('"%%{abc"', "%{abc"),
        ('"a $${b} c"', "a ${b} c"),
        ('"x $${\\" y"', 'x ${" y'),  # an escaped quote after $${ stays inside the string
        ('"\\u00e9\\U0001F600"', "\u00e9\U0001f600"),
        ('"\\n\\r\\t\\"\\\\"', '\n\r\t"\\'),
        ('"$$ and %% and $ { and 100%"', "$$ and %% and $ { and 100%"),
        ("<<EOT\nx $${y %%{ z\nEOT\n", "x ${y %{ z\n"),
    ],
)
def test_every_escape_terraform_reads_is_read(tmp_path, written, read):
    assert value_of(one_local(tmp_path, written)) == E.Template((read,))


def test_an_unclosed_escape_does_not_swallow_what_follows(tmp_path):
    path = tmp_path / "main.tf"
    path.write_text('locals {\n  a = "$${"\n  b = "}"\n}\n')
    attributes = load_file(path).blocks[0].attributes
    assert attributes["a"].expr == E.Template(("${",)) and attributes["b"].expr == E.Template(("}",))


@pytest.mark.parametrize(
    ("value", "column", "message"),
    [
        ('"\\UFFFFFFFF"', 8, "beyond the last Unicode code point"),
        ('"\\U00110000"', 8, "beyond the last Unicode code point"),
        ('"\\U"', 8, "invalid escape"),
        ('"ab\\u12"', 10, "invalid escape"),
        ('"\\q"', 8, "invalid escape"),
        ('"%{ if }x%{ endif }"', 14, "cannot parse HCL"),
        ('"%{ else }"', 8, "%{else} has no matching opening"),
        ('"x%{ if true }y"', 9, "%{if} is never closed"),
        ("1e400", 7, "out of range"),
        ("9" * 5000, 7, "out of range"),
        ("[" * 1000 + "]" * 1000, None, "nested more than"),
    ],
)
def test_a_fault_is_refused_with_file_line_and_column(tmp_path, value, column, message):
    path = one_local(tmp_path, value)
    with pytest.raises(InputError) as caught:
        load_file(path)
    text = str(caught.value)
    assert text.startswith(f"{path}:2:{column if column is not None else ''}") and message in text, text


@pytest.mark.parametrize(
    ("body", "where", "message"),
    [
        ("ok\n  x %{ foo }\n", "4:5", "unknown template directive %{foo}"),
        ("ok\n%{ else }\n", "4:1", "%{else} has no matching opening"),
        ("ok\n%{ if true }\n", "4:1", "%{if} is never closed"),
        ("ok\n  %{ if }\n", "4:3", "%{if} needs a condition"),
        ("ok\nx ${ 1 + }\n", "4:", "cannot parse HCL"),
        ("ok\nx ${ 1\n", "4:3", "never closed"),
    ],
)
def test_a_heredoc_directive_fault_names_its_line_and_column(tmp_path, body, where, message):
    path = tmp_path / "main.tf"
    path.write_text("locals {\n  a = <<EOT\n" + body + "EOT\n}\n")
    with pytest.raises(InputError) as caught:
        load_file(path)
    assert str(caught.value).startswith(f"{path}:{where}") and message in str(caught.value), str(caught.value)


def test_a_trimmed_heredoc_counts_columns_in_the_file(tmp_path):
    path = tmp_path / "main.tf"
    path.write_text("locals {\n  a = <<-EOT\n    ok\n      %{ bad }\n  EOT\n}\n")
    with pytest.raises(InputError, match=rf"^{path}:4:7: unknown template directive"):
        load_file(path)


def test_a_template_file_fault_names_its_line_and_column():
    with pytest.raises(InputError, match=r"^t\.tftpl:2:3: unknown template directive"):
        parse_template("line one\n  %{ nope }\n", "t.tftpl")


def test_a_module_source_must_be_a_literal_string(tmp_path):
    path = tmp_path / "main.tf"
    path.write_text('variable "x" {}\nmodule "m" {\n  source = "./${var.x}"\n}\n')
    with pytest.raises(InputError, match=rf"^{path}:3:3: a module source must be a literal string"):
        load_file(path)


def test_a_utf8_bom_is_skipped(tmp_path):
    path = tmp_path / "main.tf"
    path.write_bytes(b"\xef\xbb\xbflocals {\n  a = 1\n}\n")
    assert value_of(path) == E.Literal(1)
    tfvars = tmp_path / "x.tfvars"
    tfvars.write_bytes(b'\xef\xbb\xbfa = "b"\n')
    assert load_tfvars(tfvars)["a"] == E.Template(("b",))


def test_a_deep_tfvars_json_is_refused_with_its_name(tmp_path):
    path = tmp_path / "deep.tfvars.json"
    path.write_text('{"a": ' + "[" * 5000 + "]" * 5000 + "}")
    with pytest.raises(InputError, match=r"deep\.tfvars\.json: .*nested"):
        load_tfvars(path)


def test_a_file_over_the_size_limit_is_refused_without_reading_it_all(tmp_path):
    path = tmp_path / "huge.tf"
    with path.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 10)
    with pytest.raises(InputError, match=r"huge\.tf: larger than 8 MiB"):
        load_file(path)


def test_the_cli_reports_a_fault_with_exit_2_and_no_traceback(tmp_path, tfgen_process):
    one_local(tmp_path, '"\\UFFFFFFFF"')
    outcome = tfgen_process("check", tmp_path, "--no-cache")
    assert outcome.code == 2 and f"{tmp_path / 'main.tf'}:2:8:" in outcome.err and "Traceback" not in outcome.err


@pytest.mark.parametrize("number", ["9" * 5000, "1e400", "-" + "9" * 400])
def test_a_tfvars_json_number_out_of_range_is_refused_by_name(tmp_path, number):
    path = tmp_path / "x.tfvars.json"
    path.write_text('{"a": {"b": [' + number + "]}}")
    with pytest.raises(InputError, match=r"x\.tfvars\.json: "):
        load_tfvars(path)


def test_a_tfvars_json_string_holding_half_a_character_is_refused(tmp_path):
    path = tmp_path / "x.tfvars.json"
    path.write_text('{"a": "\\udc00 and \\ud83d\\ude00"}')
    with pytest.raises(InputError, match=r"x\.tfvars\.json: cannot parse JSON: a string holds half a character \('\\udc00'\)"):
        load_tfvars(path)
    path.write_text('{"a": "\\ud83d\\ude00"}')
    assert load_tfvars(path)["a"] == E.Literal("\U0001f600")


def test_the_cli_refuses_a_huge_file_without_reading_it_whole(tmp_path, tfgen_process):
    path = tmp_path / "huge.tf"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # 50 MB, sparse: no disk used
    outcome = tfgen_process("check", tmp_path, timeout=30)
    assert outcome.code == 2 and f"{path}: larger than 8 MiB" in outcome.err and "Traceback" not in outcome.err
