"""The HCL loader: the one module that imports python-hcl2.

It turns `.tf` and `.tfvars` text into `tfgen.check.source` blocks whose attribute values are
`tfgen.check.expr` trees. python-hcl2's dict output (`hcl2.loads`) loses line numbers and keeps
quotes, so this walks the Lark parse tree from `hcl2.parses_to_tree`, whose nodes carry
positions (found from the first and last token of each node: see `_position`).

Every text goes first to `tfgen.check.hclparse`, tfgen's own reader, which builds the same
result several times faster; what it does not read (errors included) is read here as before,
and python-hcl2 is imported only then.

Tested with python-hcl2 8.1.4; the supported range is `>=8.1.4,<8.2` because the grammar's rule
names are this module's contract with the library (tests/check/test_loader.py pins them).
Callers go through `tfgen.check.cache`, which parses each distinct file once a run.
"""

from __future__ import annotations

import bisect
import functools
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tfgen.check import expr as E
from tfgen.check import hclparse
from tfgen.check.cache import MAX_FILE_BYTES
from tfgen.check.jsontext import parse_json
from tfgen.check.source import SourceAttribute, SourceBlock, SourceFile
from tfgen.errors import InputError
from tfgen.files import read_bounded

if TYPE_CHECKING:
    from lark import Lark, Token, Tree

SUPPORTED_HCL2 = ">=8.1.4,<8.2"

_IGNORE = re.compile(r"(?:#|//)\s*tfgen:ignore=(TFG\d{3}(?:\s*,\s*TFG\d{3})*)[ \t]*(.*)")

# Limits on what is read, so a hostile file is refused with its position instead of exhausting
# time, memory or the stack. Terraform configurations stay far below each.
MAX_NESTING = 200  # expression levels (a bracket, a call, an operator each add one or two)
MAX_NUMBER = sys.float_info.max  # numbers beyond float range cannot be compared or counted


class _SyntaxError(Exception):
    """A fault at a line and column of the text being read; the caller adds the file's name."""

    def __init__(self, message: str, line: int, column: int):
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


def load_file(path: str | Path) -> SourceFile:
    """Read and parse one `.tf` or `.tf.json` file. Raises InputError (with file and line) when it cannot."""
    path = Path(path)
    if path.name.endswith(".json"):
        return parse_json_source(_read(path), path)
    return parse_source(_read(path), path)


def parse_source(source: str | bytes, path: str | Path) -> SourceFile:
    """Parse the text of the `.tf` file at `path` (bytes are decoded as UTF-8, a BOM skipped)."""
    path = Path(path)
    text = _decoded(source, path).removeprefix("\ufeff")
    with _positioned(str(path)):
        fast = hclparse.parse_file(text, str(path))
        if fast is not None:
            return fast
        tree = _parse(text)
        lines = text.splitlines()
        items = [child for child in _body_items(tree.children[0]) if child.data == "block"]
        for item in items:
            _check_module_source(item)
        blocks = [_block(child, str(path), lines) for child in items]
    return SourceFile(path=str(path), blocks=blocks)


def load_tfvars(path: str | Path) -> dict[str, E.Expr]:
    """Variable assignments from a `.tfvars` (HCL) or `.tfvars.json` file, as expressions."""
    path = Path(path)
    text = _read(path)
    if path.name.endswith(".json"):
        data = parse_json(text, str(path))
        if not isinstance(data, dict):
            raise InputError(f"{path}:1: a .tfvars.json file must hold one JSON object")
        try:
            return {k: _json_expr(v, 1) for k, v in data.items()}
        except ValueError as err:
            raise InputError(f"{path}: {err}") from None
    fast = hclparse.parse_tfvars(text)
    if fast is not None:
        return fast
    out: dict[str, E.Expr] = {}
    with _positioned(str(path)):
        tree = _parse(text)
        for child in _body_items(tree.children[0]):
            if child.data == "block":
                raise _SyntaxError("a .tfvars file holds only assignments, not blocks", *_position(child))
            name, value = _attribute(child)
            out[name] = value.expr
    return out


def load_template(path: str | Path) -> E.Template:
    """Read and parse a template file (`templatefile()`)."""
    return parse_template(_read(Path(path)), str(path))


def parse_expression(text: str, where: str = "<expression>") -> E.Expr:
    """One HCL expression from text (used for `${...}` inside heredocs and template files)."""
    with _positioned(where):
        return _expression(text, 1, 1)


def parse_template(text: str, where: str = "<template>") -> E.Template:
    """A string template (`${...}` interpolations, `%{if}`/`%{for}` directives) from raw text."""
    with _positioned(where):
        return E.Template(_assemble(_scan_template(text, (1, 1, 0))))


class _positioned:
    """Turns a _SyntaxError (or a nesting too deep for the stack) into an InputError naming
    `where` (the file) with the line and column."""

    def __init__(self, where: str):
        self.where = where

    def __enter__(self) -> None:
        _depth[0] = 0

    def __exit__(self, kind: Any, error: Any, traceback: Any) -> None:
        if isinstance(error, _SyntaxError):
            raise InputError(f"{self.where}:{error.line}:{error.column}: {error.message}") from None
        if isinstance(error, RecursionError):
            raise InputError(f"{self.where}: expressions nested more deeply than tfgen reads") from None


# --- reading ---------------------------------------------------------------------------------


def _decoded(source: str | bytes, path: Path) -> str:
    if isinstance(source, bytes):
        try:
            return source.decode("utf-8-sig")  # a UTF-8 BOM is skipped, as Terraform does
        except UnicodeDecodeError as err:
            raise InputError(f"{path}: cannot read: {err}") from None
    return source


def _read(path: Path) -> str:
    """The file's text (a UTF-8 BOM skipped, as Terraform does), refusing files over the limit."""
    try:
        data = read_bounded(path, MAX_FILE_BYTES)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as err:
        raise InputError(f"{path}: cannot read: {err}") from None
    if data is None:
        raise InputError(f"{path}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB, the most tfgen reads in one file")
    text = _decoded(data, path)
    _refuse_conflict_markers(text, path)
    return text


def _refuse_conflict_markers(text: str, path: Path) -> None:
    """A file `tfgen update` (or git) left conflict markers in is refused by name, not misparsed."""
    from tfgen.update.markers import unresolved_conflict

    message = unresolved_conflict(text, str(path))
    if message:
        raise InputError(message)


def _import_lark() -> None:
    """Import python-hcl2 and Lark into this module, on first use: tfgen's own reader
    (hclparse) reads nearly every text without them, and importing them takes a process 50 ms."""
    global hcl2, Lark, Token, Tree, LarkError, UnexpectedInput
    import hcl2
    from lark import Lark, Token, Tree
    from lark.exceptions import LarkError, UnexpectedInput


@functools.cache
def _parser() -> Lark:
    """python-hcl2's parser with two changes: `$${` and `%%{` are escapes on their own, and
    no positions are propagated to tree nodes (_position finds them from the tokens).

    python-hcl2 lexes `$${...}` only up to a closing brace, so a literal `$${` without one
    (which tfgen itself writes for free text, and Terraform reads) cannot be parsed, and one with
    a brace after the closing quote swallows the rest of the string. The tables are python-hcl2's
    own (loaded from its cache); only the two terminals' patterns are replaced.
    """
    _import_lark()
    from lark.grammar import Rule
    from lark.lexer import TerminalDef

    data, memo = hcl2.parser.parser().memo_serialize([TerminalDef, Rule])
    # A copy: these options are the library's own parser's, by reference. See _position.
    data = {**data, "options": {**data["options"], "propagate_positions": False}}
    patterns = {"ESCAPED_INTERPOLATION": r"\$\$\{", "ESCAPED_DIRECTIVE": r"%%\{"}
    replaced = set()
    for key, item in list(memo.items()):
        if isinstance(item, dict) and item.get("name") in patterns:
            pattern = patterns[item["name"]]
            memo[key] = {**item, "pattern": {**item["pattern"], "value": pattern, "raw": f"/{pattern}/", "_width": [3, 3]}}
            replaced.add(item["name"])
    if replaced != set(patterns):  # pragma: no cover - guarded by the version pin and its test
        raise RuntimeError(f"python-hcl2's grammar has changed: {sorted(set(patterns) - replaced)} not found")
    return Lark._load_from_dict(data, memo)


def _parse(text: str) -> Tree:
    parser = _parser()  # which imports what the except clauses name
    try:
        # The newline: python-hcl2's own workaround for a body that ends without one.
        return parser.parse(text + "\n")
    except UnexpectedInput as err:
        line = getattr(err, "line", 0)
        column = getattr(err, "column", 0)
        lines = text.splitlines()
        snippet = lines[line - 1].strip() if isinstance(line, int) and 0 < line <= len(lines) else ""
        detail = f": {snippet[:120]}" if snippet else ""
        raise _SyntaxError(f"cannot parse HCL{detail}", line if isinstance(line, int) else 0, column if isinstance(column, int) else 0) from None
    except LarkError as err:
        raise _SyntaxError(f"cannot parse HCL: {type(err).__name__}", 1, 1) from None


def _expression(text: str, line: int, column: int) -> E.Expr:
    """One expression from `text`, which starts at `line`:`column` of the file."""
    fast = hclparse.expression(text, MAX_NESTING - _depth[0])
    if fast is not None:
        return fast
    prefix = "x = "
    try:
        tree = _parse(prefix + text)
        items = _body_items(tree.children[0])
        if len(items) != 1 or items[0].data != "attribute":
            raise _SyntaxError("expected one expression", 1, len(prefix) + 1)
        return _expr(_rules(items[0].children)[1])
    except _SyntaxError as err:
        if err.line <= 1:
            raise _SyntaxError(err.message.replace(prefix, "", 1), line, column + max(err.column - 1 - len(prefix), 0)) from None
        raise _SyntaxError(err.message, line + err.line - 1, err.column) from None


# --- tree walking ----------------------------------------------------------------------------


def _rules(children: list[Any]) -> list[Tree]:
    """Children that are rules, without layout (newlines, comments)."""
    return [c for c in children if isinstance(c, Tree) and c.data != "new_line_or_comment"]


def _body_items(body: Tree) -> list[Tree]:
    return [c for c in _rules(body.children) if c.data in ("attribute", "block")]


def _name(node: Tree | Token) -> str:
    """An identifier, keyword, literal or quoted label as plain text."""
    if isinstance(node, Token):
        return str(node)
    if node.data == "string":
        return "".join(p for p in _string_parts(node.children) if isinstance(p, str))
    return str(node.children[0])


def _check_module_source(block: Tree) -> None:
    """Terraform reads a module's `source` before evaluating anything: it must be a literal string."""
    parts = _rules(block.children)
    if not parts or _name(parts[0]) != "module":
        return
    for item in _body_items(parts[-1]):
        attribute = _rules(item.children)
        if item.data == "attribute" and _name(attribute[0]) == "source":
            value = attribute[1]
            inner = _rules(value.children)[0] if value.data == "expr_term" and _rules(value.children) else value
            literal = inner.data == "string" and all(
                isinstance(p, Tree) and isinstance(p.children[0], Token) for p in inner.children if isinstance(p, Tree)
            )
            if not literal:
                raise _SyntaxError("a module source must be a literal string (Terraform reads it before any variable)", *_position(item))


def _attribute(node: Tree) -> tuple[str, SourceAttribute]:
    parts = _rules(node.children)
    name = _name(parts[0])
    return name, SourceAttribute(name=name, expr=_expr(parts[1]), line=_position(node)[0])


def _block(node: Tree, file: str, lines: list[str]) -> SourceBlock:
    parts = _rules(node.children)
    body = parts[-1]
    labels = tuple(_name(p) for p in parts[:-1])
    attributes: dict[str, SourceAttribute] = {}
    blocks: list[SourceBlock] = []
    for item in _body_items(body):
        if item.data == "attribute":
            name, attribute = _attribute(item)
            attributes[name] = attribute
        else:
            blocks.append(_block(item, file, lines))
    line, end_line = _position(node)[0], _end_line(node)
    return SourceBlock(
        type=labels[0],
        labels=labels[1:],
        attributes=attributes,
        blocks=blocks,
        file=file,
        line=line,
        end_line=end_line,
        ignores=_ignores(lines[line - 1 : end_line]),
    )


def _ignores(lines: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for text in lines:
        match = _IGNORE.search(text)
        if match:
            for rule_id in re.split(r"\s*,\s*", match.group(1)):
                found[rule_id] = match.group(2).strip()
    return found


# Binary operators by python-hcl2's token type: its postlexer merges a newline or a comment
# right before an operator into the operator's token, so the token's text is not the operator.
_BINARY = {
    "DOUBLE_PIPE": "||", "DOUBLE_AMP": "&&", "DOUBLE_EQ": "==", "NEQ": "!=", "LT": "<", "GT": ">", "LEQ": "<=",
    "GEQ": ">=", "PLUS": "+", "MINUS": "-", "ASTERISK": "*", "SLASH": "/", "PERCENT": "%",
}


# How deeply _expr is nested right now: the walk is recursive, and a file is refused at
# MAX_NESTING instead of overflowing the stack (here, in the cache or in the evaluator).
_depth = [0]


def _expr(node: Tree) -> E.Expr:
    _depth[0] += 1
    try:
        if _depth[0] > MAX_NESTING:
            raise _SyntaxError(f"expressions nested more than {MAX_NESTING} levels deep", *_position(node))
        return _expr_node(node)
    finally:
        _depth[0] -= 1


def _position(node: Tree | Token) -> tuple[int, int]:
    """Line and column where `node` starts: its first token's (0, 0 for a node without any).

    The parser is built without Lark's `propagate_positions`, which costs two fifths of a
    parse: python-hcl2's grammar keeps every token in the tree (brackets, quotes, `=`), so a
    node's first and last tokens are where Lark would have put its start and end."""
    token = _edge_token(node, first=True)
    return (token.line or 0, token.column or 0) if token is not None else (0, 0)


def _end_line(node: Tree) -> int:
    """The line where `node` ends: its last token's (a block's closing brace)."""
    token = _edge_token(node, first=False)
    return (token.end_line or 0) if token is not None else 0


def _edge_token(node: Tree | Token, first: bool) -> Token | None:
    stack: list[Any] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, Token):
            return item
        if isinstance(item, Tree):
            stack.extend(reversed(item.children) if first else item.children)
    return None


def _number(node: Tree) -> E.Literal:
    text = str(node.children[0])
    try:
        value = _number_value(text, node.data == "float_lit")
    except ValueError:  # python-hcl2's FLOAT_LITERAL also matches `-1-2.5`, which is no number
        raise _SyntaxError(f"cannot read the number {text[:20]}", *_position(node)) from None
    if value is None:
        raise _SyntaxError(f"number {text[:20]}{'...' if len(text) > 20 else ''} is out of range", *_position(node))
    return E.Literal(value)


def _number_value(text: str, is_float: bool) -> int | float | None:
    """The value of a number literal as written, or None when it is beyond float range."""
    digits = len(text.lstrip("-").split(".")[0].split("e")[0].split("E")[0])
    value: float = float(text) if digits <= 309 else float("inf")
    if not abs(value) <= MAX_NUMBER:
        return None
    return value if is_float else int(text)


def _expr_node(node: Tree) -> E.Expr:
    kind = node.data
    kids = node.children
    if kind == "expr_term":  # also `( expression )`: parentheses only group
        return _expr(_rules(kids)[0])
    if kind in ("int_lit", "float_lit"):
        return _number(node)
    if kind == "literal_value":
        return E.Literal({"true": True, "false": False, "null": None}[str(kids[0])])
    if kind in ("identifier", "keyword"):
        return E.Variable(str(kids[0]))
    if kind == "string":
        return E.Template(_assemble(_string_parts(kids)))
    if kind == "template_string":
        line, column = _position(kids[0])
        return E.Literal(_unescape(str(kids[0])[2:-2], line, column + 2))
    if kind in ("heredoc_template", "heredoc_template_trim"):
        return _heredoc(kids[0], kind == "heredoc_template_trim")
    if kind == "tuple":
        return E.TupleExpr(tuple(_expr(k) for k in _rules(kids)))
    if kind == "object":
        items = []
        for elem in _rules(kids):
            key_node, value_node = _rules(elem.children)
            items.append((_object_key(key_node), _expr(value_node)))
        return E.ObjectExpr(tuple(items))
    if kind == "function_call":
        names = [str(k.children[0]) for k in kids if isinstance(k, Tree) and k.data == "identifier"]
        args_node = next((k for k in kids if isinstance(k, Tree) and k.data == "arguments"), None)
        args: tuple[E.Expr, ...] = ()
        expand = False
        if args_node is not None:
            args = tuple(_expr(a) for a in _rules(args_node.children))
            expand = any(isinstance(t, Token) and t.type == "ELLIPSIS" for t in args_node.children)
        return E.Call("::".join(names), args, expand)
    if kind == "get_attr_expr_term":
        obj, attr = _rules(kids)
        return E.GetAttr(_expr(obj), _name(_rules(attr.children)[0]))
    if kind == "index_expr_term":
        obj, index = _rules(kids)
        return _index(_expr(obj), index)
    if kind in ("attr_splat_expr_term", "full_splat_expr_term"):
        obj, splat = _rules(kids)
        ops = _rules(splat.children)
        # An attribute-only splat takes `.name` and `.0` steps; a `[key]` ends it and applies to
        # its result, as Terraform reads `x.*.id[0]` (python-hcl2 keeps them all in the splat).
        cut = next((n for n, op in enumerate(ops) if op.data == "braces_index"), len(ops)) if kind == "attr_splat_expr_term" else len(ops)
        current: E.Expr = E.SplatItem()
        for op in ops[:cut]:
            current = _step(current, op)
        found: E.Expr = E.Splat(_expr(obj), (current,) if cut else ())
        for op in ops[cut:]:
            found = _step(found, op)
        return found
    if kind == "conditional":
        cond, then, other = _rules(kids)
        return E.Conditional(_expr(cond), _expr(then), _expr(other))
    if kind == "binary_op":
        left, term = _rules(kids)[:2]
        operator, right = _rules(term.children)
        return E.BinOp(_BINARY[operator.children[0].type], _expr(left), _expr(right))
    if kind == "unary_op":
        return E.UnaryOp(str(kids[0]), _expr(_rules(kids)[0]))
    if kind in ("for_tuple_expr", "for_object_expr"):
        return _for(kind, kids)
    return E.Unparsed(kind)


def _step(obj: E.Expr, op: Tree) -> E.Expr:
    """`.name`, `.0` or `[key]` of a splat, applied to `obj`."""
    return E.GetAttr(obj, _name(_rules(op.children)[0])) if op.data == "get_attr" else _index(obj, op)


def _index(obj: E.Expr, index: Tree) -> E.Expr:
    if index.data == "short_index":
        digits = str(index.children[-1])
        if len(digits) > 18:
            raise _SyntaxError(f"index {digits[:20]}... is out of range", *_position(index))
        return E.Index(obj, E.Literal(int(digits)))
    return E.Index(obj, _expr(_rules(index.children)[0]))


def _object_key(node: Tree) -> E.Expr:
    inner = _rules(node.children)[0]
    if inner.data == "keyword":
        return E.Literal(str(inner.children[0]))
    # A bare identifier key names itself; parentheses make it an expression.
    if inner.data == "expr_term" and not any(isinstance(k, Token) and k.type == "LPAR" for k in inner.children):
        first = _rules(inner.children)[0]
        if first.data == "identifier":
            return E.Literal(str(first.children[0]))
    return _expr(inner)


def _for(kind: str, kids: list[Any]) -> E.Expr:
    intro = next(k for k in kids if isinstance(k, Tree) and k.data == "for_intro")
    names = [str(k.children[0]) for k in intro.children if isinstance(k, Tree) and k.data == "identifier"]
    collection = _expr(_rules(intro.children)[-1])
    key_var, value_var = (names[0], names[1]) if len(names) == 2 else (None, names[0])
    cond_node = next((k for k in kids if isinstance(k, Tree) and k.data == "for_cond"), None)
    cond = _expr(_rules(cond_node.children)[0]) if cond_node is not None else None
    body = [k for k in _rules(kids) if k.data not in ("for_intro", "for_cond")]
    if kind == "for_tuple_expr":
        return E.ForExpr(key_var, value_var, collection, _expr(body[0]), cond=cond)
    grouping = any(isinstance(k, Token) and k.type == "ELLIPSIS" for k in kids)
    return E.ForExpr(key_var, value_var, collection, _expr(body[1]), key=_expr(body[0]), cond=cond, grouping=grouping)


# --- templates -------------------------------------------------------------------------------

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.?)", re.S)


def _unescape(text: str, line: int, column: int) -> str:
    """A quoted string's text with Terraform's escapes read; `text` starts at `line`:`column`.

    Terraform reads `\\n \\r \\t \\" \\\\`, `\\uNNNN` and `\\UNNNNNNNN` (a code point up to
    U+10FFFF) and rejects every other backslash sequence.
    """
    if "\\" not in text:
        return text

    def repl(match: re.Match[str]) -> str:
        body = match.group(1)
        if len(body) > 1:
            code = int(body[1:], 16)
            if code > 0x10FFFF:
                raise _error_at(f"escape \\{body} is beyond the last Unicode code point U+10FFFF", text, match.start(), line, column)
            # A lone surrogate is not a character; Terraform's decoder makes it U+FFFD too.
            return "\ufffd" if 0xD800 <= code <= 0xDFFF else chr(code)
        if body in _ESCAPES:
            return _ESCAPES[body]
        hint = " (\\u needs 4 hex digits, \\U needs 8)" if body in ("u", "U") else ""
        raise _error_at(f"invalid escape \\{body}{hint}", text, match.start(), line, column)

    return _ESCAPE.sub(repl, text)


def _error_at(message: str, text: str, offset: int, line: int, column: int) -> _SyntaxError:
    """A _SyntaxError at `offset` of `text`, which starts at `line`:`column`."""
    newlines = text.count("\n", 0, offset)
    if newlines:
        return _SyntaxError(message, line + newlines, offset - text.rfind("\n", 0, offset))
    return _SyntaxError(message, line, column + offset)


def _string_parts(kids: list[Any]) -> list[Any]:
    """Flat template items of a quoted string: text, expressions and directive markers.

    A marker is a tuple: its tag, its content, and its (line, column) for errors."""
    items: list[Any] = []
    for part in kids:
        if not isinstance(part, Tree):
            continue
        inner = part.children[0]
        if isinstance(inner, Token):
            if inner.type in ("ESCAPED_INTERPOLATION", "ESCAPED_DIRECTIVE"):
                items.append(str(inner)[1:])
            else:
                items.append(_unescape(str(inner), *_position(inner)))
            continue
        where = _position(inner)
        if inner.data == "interpolation":
            items.append(_expr(_rules(inner.children)[0]))
        elif inner.data == "template_if_start":
            items.append(("if", _expr(_rules(inner.children)[0]), where))
        elif inner.data == "template_else":
            items.append(("else", None, where))
        elif inner.data == "template_endif":
            items.append(("endif", None, where))
        elif inner.data == "template_for_start":
            names = [str(k.children[0]) for k in inner.children if isinstance(k, Tree) and k.data == "identifier"]
            items.append(("for", (names, _expr(_rules(inner.children)[-1])), where))
        elif inner.data == "template_endfor":
            items.append(("endfor", None, where))
    return items


def _assemble(items: list[Any]) -> tuple[E.TemplatePart, ...]:
    """Nest the flat `if/else/endif` and `for/endfor` markers into TemplateIf/TemplateFor parts."""
    stack: list[tuple[Any, list[Any], list[Any] | None]] = [(None, [], None)]
    for item in items:
        if isinstance(item, tuple):
            tag = item[0]
            if tag in ("if", "for"):
                stack.append((item, [], None))
                continue
            head, body, other = stack[-1]
            if tag == "else" and head is not None and head[0] == "if" and other is None:
                stack[-1] = (head, body, [])
                continue
            if (tag == "endif" and head and head[0] == "if") or (tag == "endfor" and head and head[0] == "for"):
                stack.pop()
                if head[0] == "if":
                    then, rest = (body, other) if other is not None else (body, [])
                    node: Any = E.TemplateIf(head[1], _merge(then), _merge(rest))
                else:
                    names, collection = head[1]
                    key_var, value_var = (names[0], names[1]) if len(names) == 2 else (None, names[0])
                    node = E.TemplateFor(key_var, value_var, collection, _merge(body))
                _append(stack, node)
                continue
            opened = f" (the open directive is %{{{head[0]}}})" if head is not None else ""
            raise _SyntaxError(f"template directive %{{{tag}}} has no matching opening{opened}", *item[2])
        _append(stack, item)
    if len(stack) != 1:
        head = stack[-1][0]
        raise _SyntaxError(f"template directive %{{{head[0]}}} is never closed (%{{end{head[0]}}} missing)", *head[2])
    return _merge(stack[0][1])


def _append(stack: list[Any], item: Any) -> None:
    head, body, other = stack[-1]
    (other if other is not None else body).append(item)


def _merge(parts: list[Any]) -> tuple[E.TemplatePart, ...]:
    merged: list[Any] = []
    for part in parts:
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part
        elif part != "":
            merged.append(part)
    return tuple(merged)


def _heredoc(token: Token, trim: bool) -> E.Template:
    return _heredoc_template(str(token), _position(token)[0], trim)


def _heredoc_template(text: str, line: int, trim: bool, expression: Any = None) -> E.Template:
    """The template of a heredoc written `text` (from `<<` to its closing marker's newline) whose
    `<<` is on `line`; `expression` reads each `${...}` (the loader's `_expression` by default)."""
    first_newline = text.index("\n")
    body = text[first_newline + 1 :]
    body = body[: body.rstrip("\n").rfind("\n") + 1] if "\n" in body.rstrip("\n") else ""
    cut = 0
    if trim:
        lines = body.split("\n")
        indents = [len(l) - len(l.lstrip(" \t")) for l in lines if l.strip()]
        cut = min(indents) if indents else 0
        body = "\n".join(l[cut:] for l in lines)
    # The body starts on the line after the marker; trimmed lines lost `cut` columns.
    return E.Template(_assemble(_scan_template(body, (line + 1, 1, cut), expression)))


# Leftmost first, and at one place the escape before the opening, as a scan character by
# character finds them.
_TEMPLATE_MARK = re.compile(r"\$\$\{|%%\{|\$\{|%\{")


def _scan_template(text: str, origin: tuple[int, int, int], expression: Any = None) -> list[Any]:
    """Split raw template text into literal text, `${expr}` and `%{directive}` items.

    `origin` is (line, column, columns cut from each line) of the text's start in its file;
    `expression(text, line, column)` reads an expression (the loader's `_expression` by default)."""
    expression = expression or _expression

    def at(offset: int) -> tuple[int, int]:
        line, column, cut = origin
        newlines = text.count("\n", 0, offset)
        if newlines:
            return line + newlines, offset - text.rfind("\n", 0, offset) + cut
        return line, column + offset + cut

    items: list[Any] = []
    i = 0
    literal: list[str] = []
    while i < len(text):
        # Straight to the next escape or opening: the text before it is literal.
        mark = _TEMPLATE_MARK.search(text, i)
        if mark is None:
            literal.append(text[i:])
            break
        literal.append(text[i : mark.start()])
        i = mark.start()
        if len(mark.group()) == 3:  # `$${` or `%%{`
            literal.append(text[i + 1 : i + 3])
            i += 3
            continue
        # `${` or `%{`
        end = _closing_brace(text, i + 2)
        if end < 0:
            raise _SyntaxError(f"{text[i:i + 2]} is never closed with }}", *at(i))
        inner = text[i + 2 : end]
        strip_left = inner.startswith("~")
        strip_right = inner.endswith("~")
        inner = inner.strip("~")
        start = i + 2 + (1 if strip_left else 0) + (len(inner) - len(inner.lstrip()))
        inner = inner.strip()
        text_so_far = "".join(literal)
        if strip_left:
            text_so_far = text_so_far.rstrip()
        items.append(text_so_far)
        literal = []
        if text[i] == "$":
            items.append(expression(inner, *at(start)))
        else:
            items.append(_directive(inner, at(i), at(start), expression))
        i = end + 1
        if strip_right:
            while i < len(text) and text[i] in " \t\r\n":
                i += 1
    items.append("".join(literal))
    return items


def _directive(inner: str, where: tuple[int, int], start: tuple[int, int], expression: Any) -> tuple[Any, ...]:
    words = inner.split(None, 1)
    tag = words[0] if words else ""
    if tag == "if":
        if len(words) < 2:
            raise _SyntaxError("%{if} needs a condition", *where)
        return ("if", expression(words[1], start[0], start[1] + inner.index(words[1])), where)
    if tag in ("else", "endif", "endfor") and len(words) == 1:
        return (tag, None, where)
    if tag == "for":
        match = re.match(r"for\s+(\w+)\s*(?:,\s*(\w+))?\s+in\s+(.*)$", inner, re.S)
        if not match:
            raise _SyntaxError(f"cannot read template directive %{{{inner[:60]}}}", *where)
        names = [n for n in match.group(1, 2) if n]
        return ("for", (names, expression(match.group(3), start[0], start[1] + match.start(3))), where)
    raise _SyntaxError(f"unknown template directive %{{{inner[:60]}}}", *where)


def _closing_brace(text: str, start: int) -> int:
    depth = 1
    i = start
    quote = False
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 2
                continue
            if ch == '"':
                quote = False
        elif ch == '"':
            quote = True
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def _json_expr(value: Any, depth: int) -> E.Expr:
    if depth > MAX_NESTING:
        raise ValueError(f"values nested more than {MAX_NESTING} levels deep")
    if isinstance(value, dict):
        return E.ObjectExpr(tuple((E.Literal(k), _json_expr(v, depth + 1)) for k, v in value.items()))
    if isinstance(value, list):
        return E.TupleExpr(tuple(_json_expr(v, depth + 1) for v in value))
    if isinstance(value, (int, float)) and not isinstance(value, bool) and not abs(value) <= MAX_NUMBER:
        raise ValueError(f"number {value} is out of range")
    return E.Literal(value)


# --- Terraform's JSON syntax (.tf.json) --------------------------------------------------------
#
# The same blocks as HCL, written as JSON objects: `{"resource": {"TYPE": {"NAME": {...}}}}`.
# Strings are templates (`"${var.x}"`), a `"//"` key is a comment. Python's json module keeps no
# positions, so a small parser below records the line of every key and value.


@dataclass
class _JsonNode:
    """A JSON value and the line it starts on. Objects hold (key, key line, value) triples."""

    value: Any
    line: int
    end_line: int
    kind: str = "scalar"  # or "object", "array"


class _JsonParser:
    _SPACE = re.compile(r"[ \t\r\n]*")
    _NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?")

    def __init__(self, text: str, where: str):
        self.text = text
        self.where = where
        self.newlines = [i for i, ch in enumerate(text) if ch == "\n"]

    def line(self, index: int) -> int:
        return bisect.bisect_left(self.newlines, index) + 1

    def fail(self, index: int, message: str) -> InputError:
        line = self.line(index)
        column = index - (self.newlines[line - 2] if line > 1 else -1)
        return InputError(f"{self.where}:{line}:{column}: cannot parse JSON: {message}")

    def skip(self, index: int) -> int:
        return self._SPACE.match(self.text, index).end()  # type: ignore[union-attr]

    def parse(self) -> _JsonNode:
        node, end = self.value(self.skip(0))
        end = self.skip(end)
        if end != len(self.text):
            raise self.fail(end, "extra data after the JSON value")
        return node

    def value(self, i: int) -> tuple[_JsonNode, int]:
        text = self.text
        if i >= len(text):
            raise self.fail(i, "unexpected end of file")
        ch = text[i]
        start = self.line(i)
        if ch in "{[":
            kind, close = ("object", "}") if ch == "{" else ("array", "]")
            items: list[Any] = []
            i = self.skip(i + 1)
            while not text.startswith(close, i):
                if items:
                    if not text.startswith(",", i):
                        raise self.fail(i, f"expected ',' or '{close}'")
                    i = self.skip(i + 1)
                item, i = self.pair(i) if kind == "object" else self.value(i)
                items.append(item)
                i = self.skip(i)
            return _JsonNode(items, start, self.line(i), kind), i + 1
        if ch == '"':
            found, end = self.string(i)
            return _JsonNode(found, start, self.line(end)), end
        for word, meaning in (("true", True), ("false", False), ("null", None)):
            if text.startswith(word, i):
                return _JsonNode(meaning, start, start), i + len(word)
        match = self._NUMBER.match(text, i)
        if match and match.end() > i:
            number = match.group(0)
            return _JsonNode(float(number) if match.group(1) or match.group(2) else int(number), start, start), match.end()
        raise self.fail(i, "expected a value")

    def pair(self, i: int) -> tuple[tuple[str, int, _JsonNode], int]:
        """`"key": value` in an object, with the key's line."""
        if not self.text.startswith('"', i):
            raise self.fail(i, "expected a quoted key")
        key_line = self.line(i)
        key, i = self.string(i)
        i = self.skip(i)
        if not self.text.startswith(":", i):
            raise self.fail(i, "expected ':' after a key")
        item, i = self.value(self.skip(i + 1))
        return (key, key_line, item), i

    def string(self, i: int) -> tuple[str, int]:
        try:
            return json.decoder.scanstring(self.text, i + 1)  # type: ignore[attr-defined]
        except json.JSONDecodeError as err:
            raise self.fail(err.pos, err.msg) from None


def parse_json_source(source: str | bytes, path: str | Path) -> SourceFile:
    """Parse a `.tf.json` file (Terraform's JSON syntax) into the same blocks as HCL gives."""
    path = Path(path)
    source = _decoded(source, path)
    root = _JsonParser(source, str(path)).parse()
    if not _is_object(root):
        raise InputError(f"{path}:{root.line}: a .tf.json file holds one JSON object")
    blocks: list[SourceBlock] = []
    for kind, line, node in root.value:
        if kind == "//":
            continue
        depth = _JSON_LABELS.get(kind, 0)
        for labels, label_line, body in _json_labelled(node, depth, (), line, str(path)):
            for one in body.value if _is_array(body) else [body]:
                blocks.append(_json_block(kind, labels, one, label_line, str(path)))
    return SourceFile(path=str(path), blocks=blocks)


# How many labels each top-level block type has: `resource "TYPE" "NAME"`, `module "NAME"`...
_JSON_LABELS = {"resource": 2, "data": 2, "module": 1, "variable": 1, "output": 1, "provider": 1}
# Nested blocks take labels too.
_JSON_NESTED_LABELS = {"dynamic": 1, "backend": 1, "provisioner": 1}
# Arguments whose value is an object or a list of objects, not nested blocks.
_JSON_MAP_ARGUMENTS = {"tags", "tags_all", "triggers", "labels", "parameters", "variables", "providers", "required_providers"}
# Arguments that are expressions written without `${}`, or plain JSON.
_JSON_EXPRESSION_ARGUMENTS = {"type", "depends_on", "provider", "ignore_changes", "replace_triggered_by"}


def _is_array(node: _JsonNode) -> bool:
    return node.kind == "array"


def _is_object(node: _JsonNode) -> bool:
    return node.kind == "object"


def _json_labelled(node: _JsonNode, depth: int, labels: tuple[str, ...], line: int, where: str):
    """(labels, line of the last label, body) for each block under `depth` levels of label keys."""
    if depth == 0:
        yield labels, line, node
        return
    if _is_array(node):  # the JSON syntax allows a list of objects wherever one object goes
        for item in node.value:
            yield from _json_labelled(item, depth, labels, line, where)
        return
    if not _is_object(node):
        raise InputError(f"{where}:{node.line}: expected an object of block labels")
    for key, key_line, child in node.value:
        if key != "//":
            yield from _json_labelled(child, depth - 1, labels + (key,), key_line, where)


def _json_block(kind: str, labels: tuple[str, ...], body: _JsonNode, line: int, where: str) -> SourceBlock:
    if not _is_object(body):
        raise InputError(f"{where}:{body.line}: the body of a {kind} block must be a JSON object")
    attributes: dict[str, SourceAttribute] = {}
    blocks: list[SourceBlock] = []
    comments: list[str] = []
    for key, key_line, value in body.value:
        if key == "//":
            comments.extend(v.value for v in (value.value if _is_array(value) else [value]) if isinstance(v.value, str))
        elif _json_nested(kind, key, value):
            depth = _JSON_NESTED_LABELS.get(key, 0)
            for nested_labels, nested_line, nested in _json_labelled(value, depth, (), key_line, where):
                for one in nested.value if _is_array(nested) else [nested]:
                    blocks.append(_json_block(key, nested_labels, one, nested_line, where))
        else:
            attributes[key] = SourceAttribute(name=key, expr=_json_argument(kind, key, value, where), line=key_line)
    ignores = _ignores([f"# {c}" for c in comments])
    for block in blocks:  # a comment in a nested block applies to its block, as in HCL
        ignores = {**block.ignores, **ignores}
    return SourceBlock(
        type=kind, labels=labels, attributes=attributes, blocks=blocks, file=where, line=line, end_line=body.end_line, ignores=ignores
    )


def _json_nested(kind: str, key: str, value: _JsonNode) -> bool:
    """Whether `key` in a `kind` block is a nested block (an object, or a list of objects)."""
    if kind in ("module", "locals", "output") or key in _JSON_MAP_ARGUMENTS:
        return False
    if kind == "variable":
        return key == "validation"
    if key in _JSON_NESTED_LABELS or key in ("lifecycle", "content", "connection"):
        return True
    if _is_object(value):
        return True
    return _is_array(value) and bool(value.value) and all(_is_object(v) for v in value.value)


def _json_argument(kind: str, key: str, node: _JsonNode, where: str) -> E.Expr:
    if kind == "variable" and key == "default":
        return _json_expr(_json_plain(node), 1)
    if key == "iterator" and isinstance(node.value, str):
        return E.Variable(node.value)
    if key in _JSON_EXPRESSION_ARGUMENTS and isinstance(node.value, str):
        return parse_expression(node.value, f"{where}:{node.line}")
    return _json_template_expr(node, where)


def _json_template_expr(node: _JsonNode, where: str) -> E.Expr:
    """A JSON value as an expression: every string is a template."""
    value = node.value
    if isinstance(value, str):
        return parse_template(value, f"{where}:{node.line}") if ("${" in value or "%{" in value) else E.Literal(value)
    if _is_object(node):
        return E.ObjectExpr(tuple((E.Literal(k), _json_template_expr(v, where)) for k, _, v in value if k != "//"))
    if isinstance(value, list):
        return E.TupleExpr(tuple(_json_template_expr(v, where) for v in value))
    return E.Literal(value)


def _json_plain(node: _JsonNode) -> Any:
    if _is_object(node):
        return {k: _json_plain(v) for k, _, v in node.value}
    if isinstance(node.value, list):
        return [_json_plain(v) for v in node.value]
    return node.value
