"""The hand-written HCL reader (tfgen/check/hclparse.py) against the Lark path it stands in for.

Whatever the fast reader reads must come out exactly as python-hcl2's tree walked by the loader
(the same blocks, lines, ignores and expression trees, compared type-strictly), and whatever it
does not read must reach the Lark path, so a file python-hcl2 refuses is refused with the same
message either way.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hardening.properties import mutated_text
from tfgen.check import expr as E
from tfgen.check import hclparse, loader
from tfgen.errors import InputError

REPO = Path(__file__).resolve().parents[2]


@contextlib.contextmanager
def lark_only():
    """The loader as it was before the fast reader: python-hcl2 for every text."""
    saved = hclparse.parse_file, hclparse.parse_tfvars, hclparse.expression
    hclparse.parse_file = lambda text, path: None
    hclparse.parse_tfvars = lambda text: None
    hclparse.expression = lambda text, budget: None
    try:
        yield
    finally:
        hclparse.parse_file, hclparse.parse_tfvars, hclparse.expression = saved


def canonical(value) -> str:
    """A form that keeps types: dataclass reprs show `Literal(value=1)` and `Literal(value=True)`."""
    return repr(value)


def lark_read(text: str, path: str = "t.tf"):
    """The Lark path's SourceFile, or its error message."""
    with lark_only():
        try:
            return loader.parse_source(text, path)
        except InputError as err:
            return f"InputError: {err}"


def loader_read(text: str, path: str = "t.tf"):
    try:
        return loader.parse_source(text, path)
    except InputError as err:
        return f"InputError: {err}"


def assert_read_alike(text: str, path: str = "t.tf") -> None:
    """The fast reader reads `text`, exactly as the Lark path does."""
    reference = lark_read(text, path)
    assert not isinstance(reference, str), reference
    fast = hclparse.parse_file(text, path)
    assert fast is not None, "the fast reader gave up"
    assert canonical(fast) == canonical(reference)


def local(value: str) -> str:
    return f"locals {{\n  a = {value}\n}}\n"


def test_the_canonical_form_tells_one_true_and_one_point_zero_apart():
    assert E.Literal(1) == E.Literal(True) == E.Literal(1.0)  # why a plain == cannot compare
    forms = {canonical(E.Literal(v)) for v in (1, 1.0, True, "1", None, 0, False)}
    assert len(forms) == 7


def test_the_reader_cuts_numbers_and_heredocs_with_python_hcl2s_own_patterns():
    terminals = {t.name: t.pattern.to_regexp() for t in loader._parser().terminals}
    assert terminals["FLOAT_LITERAL"] == hclparse.LARK_FLOAT
    assert terminals["INT_LITERAL"] == hclparse.LARK_INT
    assert terminals["HEREDOC_TEMPLATE"] == hclparse.LARK_HEREDOC
    assert terminals["HEREDOC_TEMPLATE_TRIM"] == hclparse.LARK_HEREDOC_TRIM


# --- every .tf and .tfvars file of the repository, and a generated corpus ----------------------


def _hcl_files(root: Path) -> list[Path]:
    skip = {".git", ".venv", "node_modules", ".pytest_cache"}
    found = []
    for path in sorted(root.rglob("*")):
        if skip.intersection(path.relative_to(root).parts[:-1]) or not path.is_file():
            continue
        if path.name.endswith(".tf") or path.name.endswith(".tfvars"):
            found.append(path)
    return found


def _assert_file_read_alike(path: Path) -> None:
    data = path.read_bytes()
    if path.name.endswith(".tfvars"):
        fast = hclparse.parse_tfvars(data.decode("utf-8-sig"))
        with lark_only():
            try:
                reference = loader.load_tfvars(path)
            except InputError:
                reference = None
    else:
        fast = hclparse.parse_file(data.decode("utf-8-sig"), str(path))
        reference = lark_read(data, str(path))
        reference = None if isinstance(reference, str) else reference
    if reference is None:
        assert fast is None, f"{path}: the fast reader reads what python-hcl2 refuses"
    else:
        assert fast is not None, f"{path}: the fast reader gave up on a file python-hcl2 reads"
        assert canonical(fast) == canonical(reference), path


def test_every_hcl_file_of_the_repository_is_read_alike():
    paths = _hcl_files(REPO)
    assert len(paths) > 100  # the examples, their modules and the test fixtures
    _assert_files_read_alike(paths)


def _assert_files_read_alike(paths: list[Path]) -> int:
    """Each distinct content once (the examples carry copies of the same modules)."""
    seen = set()
    for path in paths:
        data = path.read_bytes()
        if data not in seen:
            seen.add(data)
            _assert_file_read_alike(path)
    return len(seen)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("fast-corpus")
    subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "corpus.py"), str(folder), "--size-mb", "0.5", "--no-check", "--fetched-modules", "--force"],
        check=True,
        capture_output=True,
    )
    return folder


def test_every_file_of_a_generated_corpus_is_read_alike(corpus):
    paths = _hcl_files(corpus)
    assert any(".terraform" in p.parts for p in paths), "fetched modules laid out"
    assert _assert_files_read_alike(paths) > 50


# --- each construct, and python-hcl2's quirks --------------------------------------------------

EXPRESSIONS = [
    # numbers: python-hcl2 reads `-` and two digits or more (or a fraction) as one literal
    "1", "1.5", "1e3", "2.5E-3", "-12", "-1", "-1.5", "-1e5", "- 12", "b - -12", "-12.x", "-x.y[0]", "!x", "-(1)",
    "9" * 300, "0.000001",
    # operators and their precedence
    "a || b && c == d < e + f * g", "a * b + c", "(a + b) * c", "a - b - c", "a / b % c", "!a == b", "a >= b != c <= d",
    "a > b || c < d", "a-b", "a - b", "1 + 2 * 3 - 4 / 5 % 6",
    # conditionals, newlines python-hcl2 accepts in them and before operators
    "a ? b : c ? d : e", "a ? b ? c : d : e", "(a ?\n b\n :\n c)", "[a\n ? b : c]", "(x\n?b:c)", "(a\n && b)", "(a\n || b)",
    "f(a # c\n + b)", "a /* c */ + b", "a ? /* c */ b : c", "[a // c\n * b]", "[a\n * b]", "(\n a\n)", "a ? [\n1] : {\n}",
    # traversals, the legacy index and splats
    "x.y.z", "x.0", 'x[0]["a"]', "x[*].id", "x.*.id", "x[*]", "x[*].a[0].b", "x[*][*]",
    "x.in", "x.for", "x.true", "x.null", "x.if", "x[\n 0\n]", "x.*.id.0[1]", "x[*].a[*].b", "each.value.name", "x . y",
    # function calls
    "f()", "f(\n)", "f(a, b)", "f(a, b,)", "f(a,\n b,\n)", "f(a...)", "f(a, b...)", "f(a...\n)", "f (1)", "f(a\n, b)",
    'provider::aws::arn_parse("arn:aws:iam::123456789012:role/x")', "merge(var.a, {\n x = 1\n})", "f(g(h(1)))",
    # tuples
    "[]", "[\n]", "[1, 2]", "[1, 2,]", "[\n 1,\n 2\n]", "[a\n,]", "[1, # c\n 2, /* d */ 3]", "[[1], [2, [3]]]",
    # objects: `=` or `:`, comma or newline, keys that are names, keywords, literals or expressions
    "{}", "{a = 1}", "{a = 1, b = 2}", "{a = 1\n b = 2}", "{\n a = 1,\n b = 2,\n}", "{a : 1}", '{"a" = 1}',
    "{(a) = 1}", "{a.b = 1}", "{true = 1, null = 2, false = 3}", "{in = 1, for = 2, if = 3, for_each = 4, else = 5}",
    "{-1 = 2}", '{"${a}" = 1}', "{a = b -c}", "{a = b - 12}",
    "{\n # c\n a = 1 # d\n // e\n b = 2 /* f */\n}", "{ a = { b = { c = [1] } } }",
    # for-expressions
    "[for x in y : x]", "[for i, x in y : x if i > 0]", "{for k, v in m : k => v}", "{for k, v in m : v.name => k... if v.ok}",
    "[\nfor\nx\nin\ny\n:\nx\nif\nx\n]", "{\nfor\nk, v\nin\ny\n:\nk => v\n...\nif\nx\n}", "[for x in a ? b : c : x]",
    "{for k, v in m : k => v\n  if v &&\n  k != \"\"}", "[for x in y : x ?\n 1 : 2]",
    "{for k, v in m : k => [for x in v : x]}", "[for x in y : {a = x}]",
    # quoted strings and templates
    '""', '"a"', r'"a\nb\t\"q\" \u00e9 \U0001F600 \\"', '"$${x}"', '"%%{x}"', '"$$"', '"100%"', '"a $ { b"', '"$$${x}"',
    '"${a}"', '"x-${a.b}-${f("y", {a = "}"})}"', '"${ "in${"ner"}" }"', '"%{ if a }x%{ else }y%{ endif }"',
    '"%{~ if a ~} x %{~ endif ~}"', '"%{ for k, v in m }${k}=${v},%{ endfor }"', '"%{for x in y~}${x}%{~endfor}"',
    '"${a}${b}"', '"${[\n1]}"', '"${join(",", [\n  a,\n  b,\n])}"', '"${a\n + b}"', '"%{ if f(\n) }x%{ endif }"', '"a${ {b = 1}.b }c"', '"#not a comment // nor this"', '"${1 + 2 * x}"',
    # heredocs
    "<<EOT\nhello ${name}\nEOT\n", "<<-EOT\n    a\n      b ${x}\n    EOT\n", "<<EOT\n%{ for x in y ~}\n${x}\n%{ endfor ~}\nEOT\n",
    "<<EOT\nEOT\n", 'jsonencode(<<EOT\n{"a": 1}\nEOT\n)', "f(<<A\nx\nA\n, <<-B\n  y\n  B\n)", '(<<EOT\nx\nEOT\n + "y")',
    "<<EOT\n$${not} %%{this}\nEOT\n", "<<EOT\n${a ?\n  b : c}\n%{ if a\n  && b }x%{ endif }\nEOT\n", "[<<EOT\na\nEOT\n, 1]", "{a = <<EOT\nx\nEOT\n}",
    # what module and policy code writes
    'jsonencode({\n  Version = "2012-10-17"\n  Statement = [{\n    Effect   = "Allow"\n    Action   = ["s3:GetObject"]\n'
    '    Resource = "${aws_s3_bucket.b.arn}/*"\n  }]\n})',
    'try(var.x.y, null) != null ? lookup(var.m, "k", "d") : coalesce(var.a, "b")',
    '{ for name, s in var.services : name => merge(s, { port = try(s.port, 80) }) if s.enabled }',
]


@pytest.mark.parametrize("value", EXPRESSIONS)
def test_each_construct_is_read_as_the_lark_path_reads_it(value):
    assert_read_alike(local(value))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("-12", E.Literal(-12)),
        ("-1", E.UnaryOp("-", E.Literal(1))),
        ("-1.5", E.Literal(-1.5)),
        ("(a\n && b)", E.BinOp("&&", E.Variable("a"), E.Variable("b"))),
        ("[a # why\n + b][0]", E.Index(E.TupleExpr((E.BinOp("+", E.Variable("a"), E.Variable("b")),)), E.Literal(0))),
        ("x.0", E.Index(E.Variable("x"), E.Literal(0))),
        ("x.*.id", E.Splat(E.Variable("x"), (E.GetAttr(E.SplatItem(), "id"),))),
        ("{in = 1}", E.ObjectExpr(((E.Literal("in"), E.Literal(1)),))),
        ("{true = 1}", E.ObjectExpr(((E.Literal(True), E.Literal(1)),))),
        ('"%{~ if a ~} x %{~ endif ~}"', E.Template((E.TemplateIf(E.Variable("a"), (" x ",)),))),
        ('provider::aws::arn_parse("x")', E.Call("provider::aws::arn_parse", (E.Template(("x",)),))),
    ],
)
def test_the_quirks_read_as_python_hcl2_reads_them(value, expected):
    """Values written out: both paths agree, and on this (`-1` is unary minus applied to 1
    while `-12` is a literal; strip markers in a quoted string are read and ignored)."""
    assert_read_alike(local(value))
    assert canonical(hclparse.parse_file(local(value), "t.tf").blocks[0].attributes["a"].expr) == canonical(expected)


BODIES = [
    "x { a = 1 }\n",
    "x {}\n",
    'x "a" "b" {}\n',
    'x in "for" {\n  in = 1\n  for_each = {}\n  true = 2\n  if = 3\n}\n',
    'resource "a" "b" {\n  for_each = {}\n  dynamic "x" {\n    for_each = [1]\n    content {\n      v = x.value\n    }\n  }\n}\n',
    "# c\n// d\n/* e */\nx { # c\n  a = 1 # d\n  /* e */ }\n",
    "/* a\n   multi-line\n   comment */\nx {\n}\n",
    "",
    "# only a comment",
    "x {\n  a = 1\n}",
    "x {\n  a = 1\n}\n# a comment at the end without a newline",
    'x {\n  a = 1\n  a = 2\n  b = 3\n  a = 4\n}\n',
    'x {\n  # tfgen:ignore=TFG101 the reason\n  y {\n    // tfgen:ignore=TFG102,TFG103  two\n  }\n}\nz {\n}\n',
    'module "m" {\n  source  = "./modules/m"\n  version = "1.0"\n}\n',
    'module "m" {\n  source = ""\n}\n',
    'module "m" {\n  source = "./m"\n  x { source = "${a}" }\n}\n',  # only the module's own source must be literal
    'top = 1\nx {\n  a = 1\n}\nother = [1,\n2]\n',
    'x "a\\tb" "\\u00e9" {}\n',
    'x {\n  a = <<EOT\nline\nEOT\n  b = 2\n}\n',
    "x {\n\n\n  a = 1\n\n\n}\n\n\n",
    'variable "v" {\n  type = object({\n    a = optional(string, "x")\n    b = list(number)\n  })\n}\n',
]


@pytest.mark.parametrize("text", BODIES)
def test_each_body_is_read_as_the_lark_path_reads_it(text):
    assert_read_alike(text)


def test_lines_of_blocks_and_attributes():
    text = '\n\nresource "a" "b" {\n  x = 1\n\n  y = [\n    2,\n  ]\n  z {\n  }\n}\n'
    assert_read_alike(text)
    block = hclparse.parse_file(text, "t.tf").blocks[0]
    assert (block.line, block.end_line, block.attributes["x"].line, block.attributes["y"].line) == (3, 11, 4, 6)
    assert (block.blocks[0].line, block.blocks[0].end_line) == (9, 10)


@pytest.mark.parametrize("text", [BODIES[5], BODIES[13], local(EXPRESSIONS[-3]), local("<<EOT\na ${b}\nEOT\n")])
def test_a_crlf_file_is_read_alike(text):
    assert_read_alike(text.replace("\n", "\r\n"))


def test_a_bom_is_skipped_alike():
    data = b"\xef\xbb\xbf" + local("1").encode()
    with lark_only():
        reference = loader.parse_source(data, "t.tf")
    assert canonical(loader.parse_source(data, "t.tf")) == canonical(reference)


def test_tfvars_are_read_alike(tmp_path):
    path = tmp_path / "x.tfvars"
    path.write_text('a = 1\nb = [1, "x"]\nc = { d = true }\nin = null\n')
    assert hclparse.parse_tfvars(path.read_text()) is not None
    with lark_only():
        reference = loader.load_tfvars(path)
    assert canonical(loader.load_tfvars(path)) == canonical(reference)


@pytest.mark.parametrize(
    "text",
    ["a ${b} c", "%{ for x in y ~}\n  ${x}\n%{~ endfor }", "%{ if a }${b.c[0]}%{ else }d%{ endif }", "$${x} %%{y}", "${jsonencode({a = [1, 2]})}"],
)
def test_templates_and_expressions_from_text_are_read_alike(text):
    with lark_only():
        reference = loader.parse_template(text)
        expression = loader.parse_expression("f(a, [1, 2])")
    assert canonical(loader.parse_template(text)) == canonical(reference)
    assert hclparse.expression("f(a, [1, 2])", loader.MAX_NESTING) is not None
    assert canonical(loader.parse_expression("f(a, [1, 2])")) == canonical(expression)


# --- what the fast reader leaves to the Lark path ----------------------------------------------

LEFT_TO_LARK = [
    # what python-hcl2 reads and Terraform refuses
    "x {\n  a = 1 b = 2\n}\n",  # two attributes on one line
    "x { y {} }\n",  # a block in a one-line block
    "x {\n  a = 1 }\n",  # an attribute not ending its line
    "x {\n  a = 1\n} y {\n}\n",  # a block not ending its line
    "x { a = 1\n}\n",  # a one-line block closed on another line
    local("a\n && b"),  # a newline before an operator, outside brackets (python-hcl2's postlexer merges them)
    local("a # why\n + b"),
    local("a ?\n b : c"),  # a newline in a conditional outside brackets
    local("a\n ? b : c"),
    local("a +\n b"),
    local("{a = 1\n, b = 2}"),  # a comma after a newline in an object
    local("{a = b ?\n c : d}"),  # newlines end an object's element
    local("{for = 1}"),  # Terraform reads a for-expression here
    local('<<EOT\nx\nEOT\n + "y"'),  # an operator on the line after a heredoc
    local("x.*.*"),  # a splat in an attribute-only splat
    local("x.*.a.*.b"),
    local("x.0.1"),  # two legacy indexes in a row
    "x = 1 /* c */ y = 2\n",  # a block comment is no newline
    # what python-hcl2 cuts in its own ways
    local("in"),  # a keyword where a value goes
    local('"a\nb"'),  # a newline inside a quoted string
    local('\\"abc\\"'),  # python-hcl2's escaped-quote string
    "x\n{\n}\n",  # a newline before a block's brace
    local("a + b\n\n + c"),  # two newline tokens before an operator (python-hcl2 lets a binary operation end with one)
    local("x.0.5"),
    local("(" * 150 + "1" + ")" * 150),  # nesting near the loader's limit
    'x "a${b}" {}\n',
    local('"%{ iffy }x%{ endif }"'),
]


@pytest.mark.parametrize("text", LEFT_TO_LARK)
def test_what_the_fast_reader_does_not_read_reaches_the_lark_path(text):
    assert hclparse.parse_file(text, "t.tf") is None
    reference = lark_read(text)
    assert not isinstance(reference, str), reference
    assert canonical(loader_read(text)) == canonical(reference)


# --- invalid HCL: the same error either way ----------------------------------------------------

INVALID = [
    local('"\\UFFFFFFFF"'), local('"\\U00110000"'), local('"\\U"'), local('"ab\\u12"'), local('"\\q"'),
    local('"%{ if }x%{ endif }"'), local('"%{ else }"'), local('"x%{ if true }y"'), local("1e400"), local("9" * 5000),
    local("[" * 1000 + "]" * 1000), local("[for]"), local("x.-1"), local("f(a\n,)"), local("f(a\n...)"), local('"${~ a}"'),
    local("- -1"), local("--1"), local("!!x"), local("{for k,\n v in y : k => v}"), local("a\n - b"), local("[a,\n * b]"),
    local("b -12"), local("-1-2.5"), local("{a = b -12}"), local("[b -12]"), local("a\n # c\n + b"), local("a = "), local("(a"), local("[1,,2]"),
    local("{a = 1,, b = 2}"), local('"${\na}"'), local('"${a\n}"'), local("f(,)"), local("a ? b"), local("a ?: b"), local("<<EOT\nx\n"), local('"abc'), local("x.*b"),
    "locals {\n  a = 1\n", "locals {\n  a = 1\n}}\n", "x = \n", "= 1\n", '"x" {}\n', "x { a = 1 }}\n", "locals {\n  a = <<EOT\nok\n  x %{ foo }\nEOT\n}\n",
    "locals {\n  a = <<EOT\nok\n%{ else }\nEOT\n}\n", "locals {\n  a = <<EOT\nok\n%{ if true }\nEOT\n}\n",
    "locals {\n  a = <<EOT\nok\n  %{ if }\nEOT\n}\n", "locals {\n  a = <<EOT\nok\nx ${ 1 + }\nEOT\n}\n", "locals {\n  a = <<EOT\nok\nx ${ 1\nEOT\n}\n",
    "locals {\n  a = <<-EOT\n    ok\n      %{ bad }\n  EOT\n}\n", 'variable "x" {}\nmodule "m" {\n  source = "./${var.x}"\n}\n',
    'variable "x" {}\nmodule "m" {\n  source = ("./m")\n}\n', "resource \"a\" \"b\" {\n  x = [\n}\n",
    'resource "aws_efs_file_system" "x" {\n  encrypted = true\n  = oops\n}\n', 'resource "x" "y" {\n  a = \n}\n',
]


@pytest.mark.parametrize("text", INVALID)
def test_invalid_hcl_gives_the_same_error_as_before(text):
    reference = lark_read(text)
    assert isinstance(reference, str), f"python-hcl2 reads {text!r}"
    assert hclparse.parse_file(text, "t.tf") is None
    assert loader_read(text) == reference


def test_a_number_python_hcl2_cuts_wrongly_is_refused_with_its_line_not_a_traceback():
    """python-hcl2's FLOAT_LITERAL matches `-1-2.5` as one token; float() cannot read it."""
    with pytest.raises(InputError, match=r"^t\.tf:2:7: cannot read the number -1-2\.5"):
        loader.parse_source(local("-1-2.5"), "t.tf")


def test_an_operator_after_a_line_break_is_the_operator_on_the_lark_path_too():
    """python-hcl2's postlexer merges the newline into the operator's token (BinOp('\\n &&') before)."""
    with lark_only():
        found = loader.parse_source(local("a\n  && b\n  # why\n  || c"), "t.tf").blocks[0].attributes["a"].expr
    assert found == E.BinOp("||", E.BinOp("&&", E.Variable("a"), E.Variable("b")), E.Variable("c"))
    with lark_only():
        found = loader.parse_source(local("a\n  && b # why\n  || c"), "t.tf").blocks[0].attributes["a"].expr
    assert found == E.BinOp("||", E.BinOp("&&", E.Variable("a"), E.Variable("b")), E.Variable("c"))


@pytest.mark.parametrize("text", ["a = 1\nb {\n}\n", 'x = "unterminated\n', "a = 1 b = \n"])
def test_an_invalid_tfvars_gives_the_same_error_as_before(tmp_path, text):
    path = tmp_path / "x.tfvars"
    path.write_text(text)
    with lark_only(), pytest.raises(InputError) as before:
        loader.load_tfvars(path)
    assert hclparse.parse_tfvars(text) is None
    with pytest.raises(InputError) as now:
        loader.load_tfvars(path)
    assert str(now.value) == str(before.value)


@pytest.mark.parametrize("depth", [40, 49, 50, 51, 60, 99, 100, 101, 150])
def test_nesting_at_the_loaders_limit_is_decided_as_before(depth):
    for value in ("[" * depth + "]" * depth, "(" * depth + "1" + ")" * depth, "a" + ".b" * depth, "a" + "[0]" * depth, "1" + " + 1" * depth, "-(" * depth + "1" + ")" * depth):
        text = local(value)
        assert canonical(loader_read(text)) == canonical(lark_read(text)), value[:40]


# --- generated expressions and bodies ----------------------------------------------------------

_GLUE = st.sampled_from(["", " ", " ", " ", "\n", " # c\n", "/* c */", "\n\n", "\r\n", "  "])
_LEAF = st.sampled_from(
    ["a", "b.c", "1", "12", "-1", "-12", "1.5", "-1.5", "1e3", "true", "null", "in", "for", '"s"', '""', '"x${a}y"', '"%{ if a }b%{ endif }"',
     '"$${a}"', "<<EOT\nh ${a}\nEOT\n", "<<-EOT\n  t\n  EOT\n", "x.0", "x[*].id", "x.*.y", "f()", "[]", "{}", "each.key"]
)


@st.composite
def _hcl(draw, depth: int = 0) -> str:
    """Expression-like text: mostly valid HCL, with glue (spaces, newlines, comments) between
    tokens that python-hcl2 accepts in some places and refuses in others."""
    if depth > 3 or draw(st.integers(0, 3)) == 0:
        return draw(_LEAF)
    g = lambda: draw(_GLUE)  # noqa: E731
    sub = lambda: draw(_hcl(depth + 1))  # noqa: E731
    kind = draw(st.integers(0, 11))
    if kind == 0:
        return f"{sub()}{g()}{draw(st.sampled_from(['+', '-', '*', '/', '%', '==', '!=', '<', '>=', '&&', '||']))}{g()}{sub()}"
    if kind == 1:
        return f"{sub()}{g()}?{g()}{sub()}{g()}:{g()}{sub()}"
    if kind == 2:
        return f"{draw(st.sampled_from(['-', '!']))}{g()}{sub()}"
    if kind == 3:
        return f"({g()}{sub()}{g()})"
    if kind == 4:
        items = [sub() for _ in range(draw(st.integers(0, 3)))]
        return "[" + g() + f"{g()},{g()}".join(items) + draw(st.sampled_from(["", ",", "\n", ",\n"])) + "]"
    if kind == 5:
        keys, separators = st.sampled_from(["k", "in", "true", "(k)", '"k"', "k.x"]), st.sampled_from([" = ", ": ", "=", " =\n"])
        items = [draw(keys) + draw(separators) + sub() for _ in range(draw(st.integers(0, 3)))]
        return "{" + g() + draw(st.sampled_from([", ", "\n", ",\n", " "])).join(items) + g() + "}"
    if kind == 6:
        args = [sub() for _ in range(draw(st.integers(0, 3)))]
        return f"f({g()}" + f"{g()},{g()}".join(args) + draw(st.sampled_from(["", ",", "...", "\n", ",\n"])) + ")"
    if kind == 7:
        return f"[{g()}for x in {sub()}{g()}:{g()}{sub()}{g()}{draw(st.sampled_from(['', 'if x']))}{g()}]"
    if kind == 8:
        return f"{{for k, v in {sub()} : {sub()} =>{g()}{sub()}{draw(st.sampled_from(['', '...']))}{g()}}}"
    if kind == 9:
        return f"{sub()}{draw(st.sampled_from(['.a', '[0]', '.0', '[*]', '.*', '.*.b', '[*].c[1]', '[' + g() + 'k' + g() + ']']))}"
    if kind == 10:
        return f'"{draw(st.sampled_from(["", "t", "$${", "%%{"]))}${{{sub()}}}{draw(st.sampled_from(["", "%{ if a ~}x%{ endif }"]))}"'
    return f"<<EOT\n  ${{{sub()}}}\nEOT\n"


def _assert_fast_is_lark_or_gives_up(text: str) -> None:
    reference = lark_read(text)
    fast = hclparse.parse_file(text, "t.tf")
    if isinstance(reference, str):
        assert fast is None, f"the fast reader reads what python-hcl2 refuses: {text!r}"
    elif fast is not None:
        assert canonical(fast) == canonical(reference), text
    assert canonical(loader_read(text)) == canonical(reference)


@settings(max_examples=300, deadline=None, database=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(_hcl())
def test_generated_expressions_are_read_alike_or_refused_alike(value):
    _assert_fast_is_lark_or_gives_up(local(value))
    _assert_fast_is_lark_or_gives_up(local(f"[{value}]"))  # where Terraform takes newlines as space


@settings(max_examples=100, deadline=None, database=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(["a", "in", "x y", 'x "l"', "b"]), _hcl(2), _GLUE, st.booleans()), max_size=4), _GLUE)
def test_generated_bodies_are_read_alike_or_refused_alike(items, glue):
    text = glue
    for name, value, after, block in items:
        text += f"{name} {{{after}v = {value}{after}}}\n" if block else f"{name} = {value}{after}\n"
    _assert_fast_is_lark_or_gives_up(text)


_SOUP = st.sampled_from(
    ["a", "in", "for", "if", "true", "1", "12", "-", "+", "*", "!", "?", ":", "=", "=>", "==", ".", "..", "...", ",", "(", ")", "[", "]",
     "{", "}", "[*]", ".*", '"s"', '"${', '%{', "~", "<<EOT\nx\nEOT\n", "\n", "# c\n", "/* c */", "::", "0", "e5", ".5", "\\"]
)


@settings(max_examples=300, deadline=None, database=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_SOUP, _GLUE), min_size=1, max_size=10))
def test_token_soup_is_never_read_where_python_hcl2_refuses_it(tokens):
    _assert_fast_is_lark_or_gives_up(local("".join(token + glue for token, glue in tokens)))


def test_python_hcl2_is_imported_only_for_what_the_fast_reader_leaves(tmp_path):
    (tmp_path / "ok.tf").write_text(local('"${a}" == 1 ? [for x in y : x] : {}'))
    (tmp_path / "quirk.tf").write_text("x {\n  a = 1 b = 2\n}\n")
    code = (
        "import sys\nfrom tfgen.check import loader\n"
        "loader.load_file(sys.argv[1]); print(sorted(m for m in ('hcl2', 'lark') if m in sys.modules))\n"
        "loader.load_file(sys.argv[2]); print(sorted(m for m in ('hcl2', 'lark') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "ok.tf"), str(tmp_path / "quirk.tf")], capture_output=True, text=True, check=True)
    assert done.stdout.split("\n")[:2] == ["[]", "['hcl2', 'lark']"]


@settings(max_examples=120, deadline=None, database=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_text())
def test_mutated_real_files_are_read_alike_or_refused_alike(case):
    """The hardening tests' mutations of real files (hostile snippets, deletions, raw bytes)."""
    name, content = case
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return  # refused before any parser sees it
    if not name.endswith(".tfvars"):
        _assert_fast_is_lark_or_gives_up(text)
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_text(text, encoding="utf-8")
        with lark_only():
            reference = _tfvars_or_error(path)
        fast = hclparse.parse_tfvars(text)
        if isinstance(reference, str):
            assert fast is None
        elif fast is not None:
            assert canonical(fast) == canonical(reference)
        assert canonical(_tfvars_or_error(path)) == canonical(reference)


def _tfvars_or_error(path: Path):
    try:
        return loader.load_tfvars(path)
    except InputError as err:
        return f"InputError: {err}"


def _read_or_error(read, text: str) -> str:
    try:
        return canonical(read(text))
    except InputError as err:
        return f"InputError: {err}"


@settings(max_examples=200, deadline=None, database=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_SOUP, st.sampled_from(["", " ", "\n"])), min_size=1, max_size=12))
def test_generated_templates_and_expressions_from_text_are_read_alike_or_refused_alike(tokens):
    """parse_template (templatefile(), heredoc bodies) and parse_expression (.tf.json values)."""
    text = "".join(token + glue for token, glue in tokens)
    for read in (loader.parse_template, loader.parse_expression):
        with lark_only():
            reference = _read_or_error(read, text)
        assert _read_or_error(read, text) == reference, text


@pytest.mark.parametrize("reader", ["fast", "lark"])
def test_an_index_ends_an_attribute_only_splat_on_both_paths(reader):
    text = local("x.*.id[0].name")
    read = lark_read(text) if reader == "lark" else hclparse.parse_file(text, "t.tf")
    value = read.blocks[0].attributes["a"].expr
    splat = E.Splat(E.Variable("x"), (E.GetAttr(E.SplatItem(), "id"),))
    assert value == E.GetAttr(E.Index(splat, E.Literal(0)), "name")
    inside = (lark_read if reader == "lark" else lambda t: hclparse.parse_file(t, "t.tf"))(local("x[*].id[0]"))
    assert inside.blocks[0].attributes["a"].expr == E.Splat(E.Variable("x"), (E.Index(E.GetAttr(E.SplatItem(), "id"), E.Literal(0)),))
