"""Write Python values as HCL literals that `terraform fmt` leaves alone.

Every answer that reaches a generated file goes through here, so a value can never inject HCL:
strings are escaped so that quotes, backslashes, newlines, `${` and `%{` reach AWS literally.
"""

from __future__ import annotations

import re
from typing import Any

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_KEYWORDS = {"true", "false", "null", "for", "in", "if", "endif", "endfor", "else"}
_SIMPLE_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
INDENT = "  "


def hcl_string(text: str) -> str:
    """A quoted HCL string whose value is exactly `text` (no interpolation, no directives)."""
    out = []
    for i, ch in enumerate(text):
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if ch in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[ch])
        elif ch in "$%" and nxt == "{":
            # `${` and `%{` open a template sequence; doubling the sigil makes them literal.
            out.append(ch + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def hcl_comment(text: str) -> str:
    """`text` as the rest of one `#` comment line: every run of whitespace and control characters
    (newlines included) becomes one space, so free text cannot end the comment and start code."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


def hcl_key(key: str) -> str:
    """An object key: bare when it is a plain identifier, quoted otherwise."""
    if _IDENTIFIER.fullmatch(key) and key not in _KEYWORDS:
        return key
    return hcl_string(key)


def hcl_value(value: Any, indent: int = 0) -> str:
    """The HCL literal for `value`; nested objects open on new lines indented from `indent`."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return hcl_string(value)
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{\n" + "\n".join(_assignments(value, indent + 1)) + "\n" + INDENT * indent + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        if all(not isinstance(v, (dict, list, tuple)) for v in value):
            return "[" + ", ".join(hcl_value(v) for v in value) + "]"
        inner = INDENT * (indent + 1)
        items = [inner + hcl_value(v, indent + 1) + "," for v in value]
        return "[\n" + "\n".join(items) + "\n" + INDENT * indent + "]"
    raise TypeError(f"cannot write {type(value).__name__} as HCL")


def hcl_assignments(values: dict[str, Any]) -> str:
    """Top-level `key = value` lines (a tfvars file body), aligned as `terraform fmt` aligns them."""
    return "\n".join(_assignments(values, 0)) + "\n"


def _assignments(values: dict[str, Any], indent: int) -> list[str]:
    """`key = value` lines, indented to `indent`. Like `terraform fmt`: runs of one-line values
    align their `=`; a value spanning lines stands alone and ends the run."""
    prefix = INDENT * indent
    rendered = [(hcl_key(str(k)), hcl_value(v, indent)) for k, v in values.items()]
    lines: list[str] = []
    run: list[tuple[str, str]] = []

    def flush() -> None:
        width = max((len(k) for k, _ in run), default=0)
        lines.extend(f"{prefix}{k.ljust(width)} = {v}" for k, v in run)
        run.clear()

    for key, text in rendered:
        if "\n" in text:
            flush()
            lines.append(f"{prefix}{key} = {text}")
        else:
            run.append((key, text))
    flush()
    return lines
