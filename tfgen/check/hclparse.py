"""A hand-written reader of HCL's native syntax: the loader's fast path.

It builds exactly what `tfgen.check.loader` builds from python-hcl2's Lark tree (the same
`SourceFile`, `SourceBlock`, `SourceAttribute` and `tfgen.check.expr` trees, the same lines and
ignores) several times faster: one compiled master regex splits the text into tokens (a quoted
string without `${`/`%{` is a single token) and a recursive-descent parser with precedence
climbing reads them. It reads only text that both python-hcl2 and Terraform read: a newline
only where python-hcl2's grammar (and its postlexer) allows one and where Terraform takes it
as space (inside parentheses, brackets, calls and for-expressions) or as the end of an item.
Anything else (a syntax error, a quirk of python-hcl2's lexer, text Terraform refuses such as
two attributes on a line, nesting near the loader's limits) makes it give up. The loader
then reads the text with python-hcl2 as before, so errors, their positions and every refusal
stay the Lark path's: `parse_file`, `parse_tfvars` and `expression` return None, never raise.

The loader's helpers are reused for everything that is not syntax (escapes, template assembly,
heredoc trimming, number ranges, ignores, the nesting limit): the loader module is imported
as a whole because it imports this one.
"""

from __future__ import annotations

import re
from typing import Any

from tfgen.check import expr as E
from tfgen.check import loader
from tfgen.check.source import SourceAttribute, SourceBlock, SourceFile

# python-hcl2's terminals that this reader must cut exactly as Lark does (tests compare them
# with the grammar's): a number right after `-` at the start of a term is a literal only when
# these match (`-12` is the int -12, `-1` is unary minus applied to 1), and heredocs end where
# python-hcl2's pattern says.
LARK_FLOAT = (
    r"(?:(?:(?:\-[0-9])+|(?:\-[0-9])?(?:[0-9])+)\.(?:[0-9])+(?:(?:e|E)(?:(?:\+|\-))?(?:[0-9])+)?"
    r"|(?:(?:\-[0-9])+|(?:\-[0-9])?(?:[0-9])+)(?:e|E)(?:(?:\+|\-))?(?:[0-9])+)"
)
LARK_INT = r"(?:\-[0-9])?(?:[0-9])+"
LARK_HEREDOC = "<<(?P<heredoc>[a-zA-Z][a-zA-Z0-9._-]*)\r?\n(?:(?:.|\n)*?\r?\n)??\\s*(?P=heredoc)\r?\n"
LARK_HEREDOC_TRIM = "<<-(?P<heredoc_trim>[a-zA-Z][a-zA-Z0-9._-]*)\r?\n(?:(?:.|\n)*?\r?\n)??\\s*(?P=heredoc_trim)\r?\n"

_NEGATIVE = re.compile(f"{LARK_FLOAT}|{LARK_INT}")
_HEREDOC = re.compile(LARK_HEREDOC)
_HEREDOC_TRIM = re.compile(LARK_HEREDOC_TRIM)

# A run of a quoted string's text: no newline, and `$`/`%` only when no `{` (or `${`/`%{`, an
# escaped opening) follows, as python-hcl2's STRING_CHARS.
_TEXT = r'(?:[^"\\\n$%]|\\[^\n]|\$(?!\$?\{)|%(?!%?\{))'

# One token per match, after the blanks python-hcl2 ignores. A run of newlines and comments is
# one `nl` token (python-hcl2's NL_OR_COMMENT, which a `/* */` comment is too, newline or not).
_TOKEN = re.compile(
    r"""[ \t\r]*(?:
    (?P<nl>(?:(?:\n|\#[^\n]*\n|//[^\n]*\n|/\*[\s\S]*?\*/)[ \t\r]*)+)
    |(?P<name>[a-zA-Z_][a-zA-Z0-9_-]*)
    |(?P<num>[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)
    |"(?P<str>{_TEXT}*)"
    |(?P<hd><<(?=-?[a-zA-Z]))
    |(?P<op>\[\*\]|\.\.\.|\.\*|::|=>|==|!=|<=|>=|&&|\|\||[-+*/%<>!?:=.,()\[\]{}~])
    |(?P<other>[\s\S])
    )""".replace("{_TEXT}", _TEXT),
    re.X,
)
_HEREDOC_START, _OP = 5, 6  # the groups' numbers: nl, name, num, str, hd, op, other
_KINDS = (None, "nl", "name", "num", "str")
# Inside a quoted string with templates: text (escapes read later), `$${`/`%%{`, `${`/`%{`, the
# closing quote. A newline is not allowed in a quoted string (Terraform refuses it).
_STRING = re.compile(rf'(?P<x>{_TEXT}+)|(?P<esc>\$\$\{{|%%\{{)|(?P<open>\$\{{|%\{{)|(?P<end>")')

_KEYWORDS = frozenset(("in", "for", "if", "for_each", "else", "endif", "endfor"))
_LITERALS = {"true": True, "false": False, "null": None}
# python-hcl2's postlexer drops one newline (or comment) right before these operators: the
# expression goes on over the line break (not before `-`, which may start a negative value).
_BLOCK_COMMENT = re.compile(r"/\*(?:[^*]|\*(?!/))*\*/")
_CONTINUES = frozenset(("||", "&&", "==", "!=", "<", ">", "<=", ">=", "+", "*", "/", "%", "?"))
# What python-hcl2 lexes as one NL_OR_COMMENT token, with the blanks it ignores after it; or
# nothing (after a heredoc, whose own last newline is part of its token).
_ONE_NEWLINE = re.compile(r"(?:\n|#[^\n]*\n|//[^\n]*\n|/\*(?:[^*]|\*(?!/))*\*/)?[ \t\r]*")
# Tokens after which no expression goes on.
_ENDS = frozenset(("eof", ",", "]", "}", ")", "=", ":", "=>", "...", "~"))
_PRECEDENCE = {"||": 1, "&&": 2, "==": 3, "!=": 3, "<": 4, ">": 4, "<=": 4, ">=": 4, "+": 5, "-": 5, "*": 6, "/": 6, "%": 6}
# Nested blocks: real configurations stay under 10; deeper ones are left to the Lark path.
_MAX_BLOCK_DEPTH = 50


def _breaks_line(newlines: str) -> bool:
    """Whether an `nl` token ends a line for Terraform: a `/* */` comment is only space to it
    (a heredoc's newline token, empty, holds its end of line)."""
    return "/*" not in newlines or "\n" in _BLOCK_COMMENT.sub("", newlines)


class _GiveUp(Exception):
    """The text is not read here; the loader reads it with python-hcl2."""


def parse_file(text: str, path: str) -> SourceFile | None:
    """The blocks of a `.tf` file's text (BOM already skipped), or None to use the Lark path."""
    try:
        _, blocks = _Parser(text, path).body(True)
    except Exception:  # noqa: BLE001 - any failure: the Lark path decides, with its own message
        return None
    if "tfgen:ignore=" in text:
        _set_ignores(blocks, text.splitlines())
    return SourceFile(path=path, blocks=blocks)


def parse_tfvars(text: str) -> dict[str, E.Expr] | None:
    """The assignments of a `.tfvars` file's text, or None to use the Lark path."""
    try:
        attributes, blocks = _Parser(text).body(True)
    except Exception:  # noqa: BLE001 - as in parse_file
        return None
    if blocks:
        return None  # refused by the Lark path, with the block's position
    return {name: attribute.expr for name, attribute in attributes.items()}


def expression(text: str, budget: int) -> E.Expr | None:
    """One expression from text (as the loader reads `x = TEXT`), or None to use the Lark path,
    also when its nesting could exceed `budget` levels of the loader's count."""
    try:
        found, height = _Parser("x = " + text).one_expression()
    except Exception:  # noqa: BLE001 - as in parse_file
        return None
    return found if height <= budget else None


def _set_ignores(blocks: list[SourceBlock], lines: list[str]) -> None:
    for block in blocks:
        block.ignores = loader._ignores(lines[block.line - 1 : block.end_line])
        _set_ignores(block.blocks, lines)


def tokenize(text: str) -> tuple[list[str], list[Any], list[int]]:
    """Kinds, values and offsets of the tokens of `text` (which ends with a newline), then `eof`.

    Kinds: `nl` (its text), `name`, `num`, `str` (a quoted string without templates; its raw
    text), `h` (a heredoc: its text and whether it is trimmed, then an `nl` with the newlines
    after it, as the heredoc ends a line), an operator or bracket as itself, and for a quoted
    string with templates: `q`, then `x` (raw text), `esc` (`${` or `%{` written `$${`/`%%{`),
    `${` and `%{` followed by expression tokens up to their `}`, and `qe` for the closing quote.
    """
    kinds: list[str] = []
    values: list[Any] = []
    offsets: list[int] = []
    kind_append, value_append, offset_append = kinds.append, values.append, offsets.append
    scan = _TOKEN.finditer
    end = len(text)
    pos = 0
    while pos < end:
        # Outside quoted strings with templates, one pass of the master regex: most of a file.
        for found in scan(text, pos):
            index = found.lastindex
            if index == _OP:
                value = found.group(index)
                kind_append(value)
            elif index < _HEREDOC_START:
                value = found.group(index)
                kind_append(_KINDS[index])
            else:
                break
            value_append(value)
            offset_append(found.start(index))
        else:
            break
        pos = found.start(index)
        if index == _HEREDOC_START:
            pos = _heredoc(text, pos, kinds, values, offsets)
        elif text[pos] == '"':
            pos = _template_string(text, pos, kinds, values, offsets)
        else:
            raise _GiveUp(f"unexpected character {text[pos]!r}")
    kind_append("eof")
    value_append(None)
    offset_append(end)
    return kinds, values, offsets


def _heredoc(text: str, pos: int, kinds: list[str], values: list[Any], offsets: list[int]) -> int:
    """The heredoc at `pos` as an `h` token and an `nl`; where the text goes on after them."""
    heredoc = _HEREDOC.match(text, pos) or _HEREDOC_TRIM.match(text, pos)
    if heredoc is None:
        raise _GiveUp("not a heredoc python-hcl2 reads")
    kinds += ("h", "nl")
    pos = heredoc.end()
    # The heredoc's last newline ends its line: one newline token with the newlines after it.
    after = _TOKEN.match(text, pos) if pos < len(text) else None
    newlines = after.group("nl") if after is not None and after.lastgroup == "nl" else None
    values += ((heredoc.group(), heredoc.re is _HEREDOC_TRIM), newlines or "")
    offsets += (heredoc.start(), pos - 1)
    return after.end() if newlines else pos


def _template_string(text: str, pos: int, kinds: list[str], values: list[Any], offsets: list[int]) -> int:
    """The tokens of the quoted string with templates at `pos` (nested ones too); where it ends."""
    kind_append, value_append, offset_append = kinds.append, values.append, offsets.append
    kind_append("q")
    value_append('"')
    offset_append(pos)
    pos += 1
    # For each quoted string being read: the braces open in its current `${`/`%{` (-1: in text).
    strings = [-1]
    while strings:
        if strings[-1] < 0:
            found = _STRING.match(text, pos)
            if found is None:
                raise _GiveUp("newline or end of text in a quoted string")
            kind = found.lastgroup
            value = found.group()
            if kind == "x":
                kind_append("x")
            elif kind == "esc":
                kind_append("esc")
                value = value[1:]
            elif kind == "open":
                kind_append(value)
                strings[-1] = 0
            else:
                kind_append("qe")
                strings.pop()
            value_append(value)
            offset_append(found.start())
            pos = found.end()
            continue
        found = _TOKEN.match(text, pos)
        index = found.lastindex
        start = found.start(index)
        pos = found.end()
        if index == _OP:
            value = found.group(index)
            if value == "{":
                strings[-1] += 1
            elif value == "}":
                strings[-1] -= 1  # to -1, back in the text, when it closes the `${` or `%{`
            kind_append(value)
        elif index < _HEREDOC_START:  # newlines too: Terraform reads them as space in a `${}`
            value = found.group(index)
            kind_append(_KINDS[index])
        elif text[start] == '"':
            kind_append("q")
            value = '"'
            strings.append(-1)
        else:
            raise _GiveUp("a heredoc or an unexpected character inside a quoted string's template")
        value_append(value)
        offset_append(start)
    return pos


class _Parser:
    """Recursive descent over the tokens. Each expression method returns (expression, height):
    the height bounds how deeply the loader's walk of the same expression would nest (it counts
    two levels for nearly every node), so that anything near MAX_NESTING goes to the Lark path."""

    def __init__(self, text: str, path: str = ""):
        # The newline: python-hcl2's own workaround for a body that ends without one.
        self.text = text + "\n"
        self.path = path
        self.bad_source = False  # a `source` in the body being read is not one literal string
        # Whether newlines are space here, as Terraform reads them inside parentheses, brackets,
        # function calls and for-expressions, or end the item (attribute values, objects).
        self.free = False
        self.kinds, self.values, self.offsets = tokenize(self.text)
        self.i = 0
        self.depth = 0
        self.block_depth = 0
        self.line_at = 0  # offset up to which newlines are counted in self.line_count
        self.line_count = 1

    # --- positions ----------------------------------------------------------------------------

    def line(self, offset: int) -> int:
        """Line of `offset`: counted on from the last one asked (blocks ask in text order)."""
        if offset < self.line_at:
            return self.text.count("\n", 0, offset) + 1
        self.line_count += self.text.count("\n", self.line_at, offset)
        self.line_at = offset
        return self.line_count

    def fail(self, why: str = "") -> _GiveUp:
        return _GiveUp(f"{why or 'unexpected'} {self.kinds[self.i]!r} at offset {self.offsets[self.i]}")

    def expect(self, kind: str) -> None:
        if self.kinds[self.i] != kind:
            raise self.fail(f"expected {kind!r}")
        self.i += 1

    def skip_nl(self) -> bool:
        """A newline (or comment) where python-hcl2's grammar allows one as mere space: inside
        brackets, where Terraform ignores newlines; elsewhere Terraform ends the item there."""
        if self.kinds[self.i] == "nl":
            if not self.free and _breaks_line(self.values[self.i]):
                raise self.fail("a newline Terraform reads as the end of the item")
            self.i += 1
            return True
        return False

    def skip_newline(self) -> bool:
        """A newline that separates items (of a body, of an object): a `/* */` comment alone is
        no newline to Terraform."""
        if self.kinds[self.i] == "nl":
            if not _breaks_line(self.values[self.i]):
                raise self.fail("a comment where Terraform wants a newline")
            self.i += 1
            return True
        return False

    # --- bodies and blocks --------------------------------------------------------------------

    def body(self, top: bool) -> tuple[dict[str, SourceAttribute], list[SourceBlock]]:
        """Attributes and blocks, each ending with a newline, up to the end of the text (`top`)
        or the closing brace of a block whose `{` ends its line."""
        kinds = self.kinds
        attributes: dict[str, SourceAttribute] = {}
        blocks: list[SourceBlock] = []
        close = "eof" if top else "}"
        self.skip_newline()
        while kinds[self.i] != close:
            if kinds[self.i] != "name":
                raise self.fail("expected an attribute or a block")
            if kinds[self.i + 1] == "=":
                self.attribute(attributes)
            else:
                blocks.append(self.block(top))
            if not self.skip_newline():
                raise self.fail("expected a newline after an item")
        return attributes, blocks

    def attribute(self, attributes: dict[str, SourceAttribute]) -> None:
        """`name = value` (the name is the current token) into `attributes`."""
        kinds = self.kinds
        i = self.i
        name = self.values[i]
        line = self.line(self.offsets[i])
        self.i = i + 2
        self.free = False
        value, height = self.expression()
        if height > loader.MAX_NESTING:
            raise self.fail("nested near the loader's limit")
        if name == "source" and not (kinds[i + 2] == "str" and self.i == i + 3):
            self.bad_source = True
        attributes[name] = SourceAttribute(name=name, expr=value, line=line)

    def block(self, top: bool) -> SourceBlock:
        kinds, values = self.kinds, self.values
        start = self.i
        line = self.line(self.offsets[start])
        i = start + 1
        labels: list[str] = []
        while True:
            kind = kinds[i]
            if kind == "name":
                labels.append(values[i])
            elif kind == "str":
                labels.append(loader._unescape(values[i], 0, 0))
            else:
                break
            i += 1
        if kinds[i] != "{":
            self.i = i
            raise self.fail("expected a block's {")
        self.i = i + 1
        self.block_depth += 1
        if self.block_depth > _MAX_BLOCK_DEPTH:
            raise self.fail("blocks nested deeply")
        outer, self.bad_source = self.bad_source, False
        kind = kinds[self.i]
        if kind == "nl" or kind == "}":
            attributes, blocks = self.body(False)
        else:  # `x { a = 1 }`: one attribute, closed on its line
            attributes, blocks = {}, []
            if kind != "name" or kinds[self.i + 1] != "=":
                raise self.fail("Terraform reads one attribute in a block on one line")
            self.attribute(attributes)
            if kinds[self.i] != "}":
                raise self.fail("expected the one-line block's }")
        if top and values[start] == "module" and self.bad_source:
            raise self.fail("a module source that is not a literal string")
        self.bad_source = outer
        self.block_depth -= 1
        end_line = self.line(self.offsets[self.i])
        self.i += 1
        return SourceBlock(type=values[start], labels=tuple(labels), attributes=attributes, blocks=blocks, file=self.path, line=line, end_line=end_line)

    def one_expression(self) -> tuple[E.Expr, int]:
        """`x = EXPRESSION`, one attribute and nothing else (the loader's `_expression`: a
        template's `${}` or `%{}`, or an expression alone, where Terraform takes newlines as space)."""
        self.i = 2
        self.free = True
        found = self.expression()
        self.skip_newline()
        if self.kinds[self.i] != "eof":
            raise self.fail("expected the end of the expression")
        return found

    # --- expressions --------------------------------------------------------------------------

    def expression(self) -> tuple[E.Expr, int]:
        i = self.i
        kinds = self.kinds
        following = kinds[i + 1]
        # Most values are one string or name: read at once when nothing can go on from them.
        if following in _ENDS or (following == "nl" and kinds[i + 2] not in _CONTINUES):
            kind = kinds[i]
            value = self.values[i]
            if kind == "str":
                self.i = i + 1
                return E.Template((loader._unescape(value, 0, 0),) if value else ()), 2
            if kind == "name" and value not in _KEYWORDS:
                self.i = i + 1
                return (E.Literal(_LITERALS[value]) if value in _LITERALS else E.Variable(value)), 2
        self.depth += 1
        if self.depth > loader.MAX_NESTING // 2:
            raise self.fail("nested near the loader's limit")
        cond, height = self.binary(1)
        if self.kinds[self.i] == "?":
            self.i += 1
            self.skip_nl()
            then, then_height = self.expression()
            self.skip_nl()
            self.expect(":")
            self.skip_nl()
            other, other_height = self.expression()
            cond = E.Conditional(cond, then, other)
            height = 2 + max(height, then_height, other_height)
        self.depth -= 1
        return cond, height

    def binary(self, lowest: int) -> tuple[E.Expr, int]:
        left, height = self.unary()
        kinds = self.kinds
        while True:
            op = kinds[self.i]
            if op == "nl" and kinds[self.i + 1] in _CONTINUES:
                # Terraform goes on over a newline only inside brackets; python-hcl2 over one.
                value = self.values[self.i]
                if not _ONE_NEWLINE.fullmatch(value) or (not self.free and _breaks_line(value)):
                    raise self.fail("a newline before an operator")
                self.i += 1
                op = kinds[self.i]
            precedence = _PRECEDENCE.get(op)
            if precedence is None or precedence < lowest:
                return left, height
            if op == "-" and self.negative_number():
                raise self.fail("python-hcl2 reads this - as a negative number's sign")
            self.i += 1
            self.skip_nl()
            right, right_height = self.binary(precedence + 1)
            left = E.BinOp(op, left, right)
            height = 2 + max(height, right_height)

    def unary(self) -> tuple[E.Expr, int]:
        kind = self.kinds[self.i]
        if (kind == "-" and not self.negative_number()) or kind == "!":
            self.i += 1
            operand, height = self.term()
            return E.UnaryOp(kind, operand), height + 2
        return self.term()

    def negative_number(self) -> bool:
        """Whether python-hcl2 reads the `-` here and the digits right after it as one number."""
        i = self.i
        if self.kinds[i + 1] != "num" or self.offsets[i + 1] != self.offsets[i] + 1:
            return False
        found = _NEGATIVE.match(self.text, self.offsets[i])
        if found is None:
            return False
        if found.end() != self.offsets[i + 1] + len(self.values[i + 1]):
            raise self.fail("a number python-hcl2 cuts differently")
        return True

    def term(self) -> tuple[E.Expr, int]:
        """A value with its traversals: `.name`, `.0`, `[key]`, and splats with theirs."""
        found, height = self.primary()
        while True:
            stepped = self.step(found)
            if stepped is not None:
                found, key_height = stepped
                height = max(height, key_height)
            elif self.kinds[self.i] == ".*" or self.kinds[self.i] == "[*]":
                marker = self.kinds[self.i]
                self.i += 1
                current: E.Expr = E.SplatItem()
                steps = 0
                # An attribute-only splat takes `.name` and `.0` steps; a `[key]` ends it and
                # applies to its result, as Terraform reads `x.*.id[0]`.
                while (marker == "[*]" or self.kinds[self.i] == ".") and (stepped := self.step(current)) is not None:
                    current, key_height = stepped
                    height = max(height, key_height) + 2
                    steps += 1
                if marker == ".*" and self.kinds[self.i] == ".*":
                    raise self.fail("Terraform refuses a splat in an attribute-only splat")
                found = E.Splat(found, (current,) if steps else ())
            else:
                return found, height
            height += 2
            if height > loader.MAX_NESTING:
                raise self.fail("nested near the loader's limit")

    def step(self, obj: E.Expr) -> tuple[E.Expr, int] | None:
        """`.name`, `.0` or `[key]` applied to `obj` and the key's height, or None if none follows."""
        kind = self.kinds[self.i]
        if kind == ".":
            return self.traversal(obj), 0
        if kind == "[":
            return self.bracket_index(obj)
        return None

    def traversal(self, obj: E.Expr) -> E.Expr:
        """`.name` or the legacy index `.0`."""
        i = self.i + 1
        kind = self.kinds[i]
        value = self.values[i]
        self.i = i + 1
        if kind == "name":
            return E.GetAttr(obj, value)
        if kind == "num" and value.isdigit() and len(value) <= 18:
            return E.Index(obj, E.Literal(int(value)))
        self.i = i
        raise self.fail("expected a name or an index after .")

    def bracket_index(self, obj: E.Expr) -> tuple[E.Expr, int]:
        """`[key]` applied to `obj`, and the key's height."""
        self.i += 1
        outer, self.free = self.free, True
        self.skip_nl()
        key, height = self.expression()
        self.skip_nl()
        self.expect("]")
        self.free = outer
        return E.Index(obj, key), height

    def primary(self) -> tuple[E.Expr, int]:
        i = self.i
        kind = self.kinds[i]
        value = self.values[i]
        if kind == "name":
            if value in _LITERALS:
                self.i = i + 1
                return E.Literal(_LITERALS[value]), 2
            if value in _KEYWORDS:
                raise self.fail("a keyword where a value goes")
            following = self.kinds[i + 1]
            if following == "(" or following == "::":
                return self.call()
            self.i = i + 1
            return E.Variable(value), 2
        if kind == "str":
            self.i = i + 1
            return E.Template((loader._unescape(value, 0, 0),) if value else ()), 2
        if kind == "num" or (kind == "-" and self.negative_number()):
            return self.number()
        if kind == "(":
            self.i = i + 1
            outer, self.free = self.free, True
            self.skip_nl()
            found, height = self.expression()
            self.skip_nl()
            self.expect(")")
            self.free = outer
            return found, height + 2
        if kind == "[":
            return self.tuple()
        if kind == "{":
            return self.object()
        if kind == "q":
            return self.template()
        if kind == "h":
            return self.heredoc()
        raise self.fail("expected a value")

    def number(self) -> tuple[E.Expr, int]:
        i = self.i
        text = self.values[i]
        if self.kinds[i] == "-":  # negative_number() said python-hcl2 reads one number here
            text = "-" + self.values[i + 1]
            i += 1
        self.i = i + 1
        is_float = "." in text or "e" in text or "E" in text
        if is_float and text.count("-") > 1:
            raise self.fail("a number python-hcl2 cannot read")
        value = loader._number_value(text, is_float)
        if value is None:
            raise self.fail("a number out of range")
        return E.Literal(value), 2

    def call(self) -> tuple[E.Expr, int]:
        kinds, values = self.kinds, self.values
        i = self.i
        names = [values[i]]
        i += 1
        if kinds[i] == "::":  # provider::NAMESPACE::FUNCTION
            if kinds[i + 1] != "name" or kinds[i + 2] != "::" or kinds[i + 3] != "name" or values[i + 1] in _KEYWORDS or values[i + 3] in _KEYWORDS:
                self.i = i
                raise self.fail("expected provider::NAMESPACE::FUNCTION")
            names += [values[i + 1], values[i + 3]]
            i += 4
        self.i = i
        self.expect("(")
        outer, self.free = self.free, True
        self.skip_nl()
        args: list[E.Expr] = []
        expand = False
        height = 0
        if kinds[self.i] != ")":
            while True:
                arg, arg_height = self.expression()
                args.append(arg)
                height = max(height, arg_height)
                newline = self.skip_nl()
                kind = kinds[self.i]
                if kind == ",":
                    self.i += 1
                    self.skip_nl()
                    if kinds[self.i] == ")":
                        if newline:
                            raise self.fail("python-hcl2 refuses a newline before a trailing comma")
                        break
                    continue
                if kind == "...":
                    if newline:
                        raise self.fail("python-hcl2 refuses a newline before ...")
                    expand = True
                    self.i += 1
                    self.skip_nl()
                break
        self.expect(")")
        self.free = outer
        return E.Call("::".join(names), tuple(args), expand), height + 2

    def tuple(self) -> tuple[E.Expr, int]:
        kinds = self.kinds
        self.i += 1
        outer, self.free = self.free, True
        self.skip_nl()
        if kinds[self.i] == "name" and self.values[self.i] == "for":
            found = self.for_expression("]")
            self.free = outer
            return found
        items: list[E.Expr] = []
        height = 0
        while kinds[self.i] != "]":
            item, item_height = self.expression()
            items.append(item)
            height = max(height, item_height)
            self.skip_nl()
            if kinds[self.i] == ",":
                self.i += 1
                self.skip_nl()
            elif kinds[self.i] != "]":
                raise self.fail("expected , or ]")
        self.i += 1
        self.free = outer
        return E.TupleExpr(tuple(items)), height + 2

    def object(self) -> tuple[E.Expr, int]:
        kinds, values = self.kinds, self.values
        self.i += 1
        # Terraform reads a `for` first (newlines aside) as a for-expression, `{for = 1}` too.
        first = self.i + 1 if kinds[self.i] == "nl" else self.i
        if kinds[first] == "name" and values[first] == "for":
            outer, self.free = self.free, True
            self.skip_nl()
            found = self.for_expression("}")
            self.free = outer
            return found
        outer, self.free = self.free, False  # newlines separate the elements
        self.skip_newline()
        items: list[tuple[E.Expr, E.Expr]] = []
        height = 0
        while kinds[self.i] != "}":
            i = self.i
            key: E.Expr
            if kinds[i] == "name" and (kinds[i + 1] == "=" or kinds[i + 1] == ":"):
                # A bare name (a keyword too) names itself; true, false and null are values.
                name = values[i]
                key = E.Literal(_LITERALS[name]) if name in _LITERALS else E.Literal(name)
                self.i = i + 1
            else:
                key, key_height = self.expression()
                height = max(height, key_height)
            if kinds[self.i] != "=" and kinds[self.i] != ":":
                raise self.fail("expected = or :")
            self.i += 1
            value, value_height = self.expression()
            height = max(height, value_height)
            items.append((key, value))
            if self.skip_newline():
                if kinds[self.i] == ",":
                    raise self.fail("Terraform refuses a comma after a newline in an object")
            elif kinds[self.i] == ",":
                self.i += 1
                self.skip_newline()
            elif kinds[self.i] != "}":
                raise self.fail("expected a newline, , or }")
        self.i += 1
        self.free = outer
        return E.ObjectExpr(tuple(items)), height + 2

    def for_expression(self, close: str) -> tuple[E.Expr, int]:
        """`[for k, v in coll : value if cond]` or `{for k, v in coll : key => value... if cond}`
        (the `for` is the current token)."""
        kinds, values = self.kinds, self.values
        self.i += 1
        self.skip_nl()
        names = [self.identifier()]
        if kinds[self.i] == ",":
            self.i += 1
            names.append(self.identifier())
        self.skip_nl()
        self.keyword("in")
        self.skip_nl()
        collection, height = self.expression()
        self.skip_nl()
        self.expect(":")
        self.skip_nl()
        key: E.Expr | None = None
        grouping = False
        if close == "}":
            key, key_height = self.expression()
            height = max(height, key_height)
            self.expect("=>")
            self.skip_nl()
        value, value_height = self.expression()
        height = max(height, value_height)
        self.skip_nl()
        if close == "}" and kinds[self.i] == "...":
            grouping = True
            self.i += 1
            self.skip_nl()
        cond = None
        if kinds[self.i] == "name" and values[self.i] == "if":
            self.i += 1
            self.skip_nl()
            cond, cond_height = self.expression()
            height = max(height, cond_height)
            self.skip_nl()
        self.expect(close)
        key_var, value_var = (names[0], names[1]) if len(names) == 2 else (None, names[0])
        return E.ForExpr(key_var, value_var, collection, value, key=key, cond=cond, grouping=grouping), height + 2

    def identifier(self) -> str:
        """A name that python-hcl2 lexes as an identifier wherever it stands (no keyword)."""
        i = self.i
        if self.kinds[i] != "name" or self.values[i] in _KEYWORDS or self.values[i] in _LITERALS:
            raise self.fail("expected a name")
        self.i = i + 1
        return self.values[i]

    def keyword(self, word: str) -> None:
        if self.kinds[self.i] != "name" or self.values[self.i] != word:
            raise self.fail(f"expected {word}")
        self.i += 1

    # --- templates ----------------------------------------------------------------------------

    def template(self) -> tuple[E.Expr, int]:
        """A quoted string with `${...}` or `%{...}` (the `q` token is the current one)."""
        kinds, values = self.kinds, self.values
        self.i += 1
        items: list[Any] = []
        height = 0
        where = (0, 0)  # positions only serve errors, and an error is the Lark path's to report
        outer, self.free = self.free, True  # inside `${}` and `%{}`, where newlines are space
        while True:
            kind = kinds[self.i]
            if kind == "x":
                items.append(loader._unescape(values[self.i], 0, 0))
                self.i += 1
            elif kind == "esc":
                items.append(values[self.i])
                self.i += 1
            elif kind == "${":
                self.i += 1
                found, found_height = self.expression()
                height = max(height, found_height)
                self.expect("}")
                items.append(found)
            elif kind == "%{":
                self.i += 1
                if kinds[self.i] == "~":  # python-hcl2 reads strip markers in quoted strings, and ignores them
                    self.i += 1
                if kinds[self.i] != "name":
                    raise self.fail("expected a template directive")
                tag = values[self.i]
                self.i += 1
                if tag == "if":
                    found, found_height = self.expression()
                    height = max(height, found_height)
                    items.append(("if", found, where))
                elif tag == "for":
                    names = [self.identifier()]
                    if kinds[self.i] == ",":
                        self.i += 1
                        names.append(self.identifier())
                    self.keyword("in")
                    found, found_height = self.expression()
                    height = max(height, found_height)
                    items.append(("for", (names, found), where))
                elif tag in ("else", "endif", "endfor"):
                    items.append((tag, None, where))
                else:
                    raise self.fail("unknown template directive")
                if kinds[self.i] == "~":
                    self.i += 1
                self.expect("}")
            elif kind == "qe":
                self.i += 1
                self.free = outer
                return E.Template(loader._assemble(items)), height + 2
            else:
                raise self.fail("unexpected in a quoted string")

    def heredoc(self) -> tuple[E.Expr, int]:
        text, trim = self.values[self.i]
        line = self.line(self.offsets[self.i])
        heights = [0]

        def read(inner: str, line: int, column: int) -> E.Expr:
            found, height = _Parser("x = " + inner).one_expression()
            heights.append(height)
            return found

        found = loader._heredoc_template(text, line, trim, read)
        self.i += 1
        return found, max(heights) + 2
