"""Pydantic's validation errors in plain words: what a key must be, and what it was given.

Users read "must be a whole number, got 'eighty'", never "Input should be a valid integer,
unable to parse string as an integer". Messages from the model's own validators are already
plain words and pass through.
"""

from __future__ import annotations

from typing import Any

_KINDS = {
    "string_type": "must be text",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "int_parsing_size": "must be a whole number of sensible size",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "list_type": "must be a list",
    "dict_type": "must be a mapping of keys to values",
    "model_type": "must be a mapping of keys to values",
    "model_attributes_type": "must be a mapping of keys to values",
    "finite_number": "must be a finite number",
    "none_required": "must be empty (null)",
}


def plain_message(error: dict[str, Any]) -> str:
    """One pydantic error (an item of `ValidationError.errors()`) in plain words."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "required"
    if kind == "value_error":
        return error["msg"].removeprefix("Value error, ")
    if kind in _KINDS:
        return f"{_KINDS[kind]}, got {_given(error.get('input'))}"
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected', '')}, got {_given(error.get('input'))}"
    bounds = {
        "greater_than_equal": ("at least", "ge"),
        "less_than_equal": ("at most", "le"),
        "greater_than": ("more than", "gt"),
        "less_than": ("less than", "lt"),
    }
    if kind in bounds:
        words, key = bounds[kind]
        return f"must be {words} {ctx.get(key)}, got {_given(error.get('input'))}"
    if kind == "string_too_short":
        least = ctx.get("min_length", 1)
        return "must not be empty" if least == 1 else f"must be at least {least} characters long"
    if kind == "string_too_long":
        return f"must be at most {ctx.get('max_length')} characters long, got {len(str(error.get('input', '')))}"
    if kind == "too_short":
        return f"give at least {ctx.get('min_length')}"
    if kind == "too_long":
        return f"give at most {ctx.get('max_length')}"
    return error["msg"]


def _given(value: Any) -> str:
    """What was given, briefly: a long or nested value is named by its kind."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
