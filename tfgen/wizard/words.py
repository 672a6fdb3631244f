"""What a person reads when the model refuses an answer: its judgement in the question's words.

The model decides; this only rewords. Field errors come as pydantic error details (a type and
its constraint), so "greater_than_equal, ge=1" becomes "give at least 1 task" with the question's
unit. Cross-field messages name answers keys ("min_size", "autoscaling.max"); at a prompt those
become the words of the questions that ask them ("the fewest instances"). Answers files keep the
key paths: they are what a file's author edits.
"""

from __future__ import annotations

import re
from typing import Any

# Units that take no plural "s".
_INVARIANT = {"MiB", "%", "percent"}


def plural(count: int, unit: str) -> str:
    """`1 task`, `2 tasks`, `0 tasks`, `512 MiB`, `60%`."""
    if unit == "%":
        return f"{count}%"
    if not unit:
        return str(count)
    return f"{count} {unit}" if count == 1 or unit in _INVARIANT else f"{count} {_many(unit)}"


def _many(unit: str) -> str:
    """`task` -> `tasks`, `retry` -> `retries`."""
    return f"{unit[:-1]}ies" if unit.endswith("y") and unit[-2:-1] not in "aeiou" else f"{unit}s"


def field_message(error: Any, unit: str = "") -> str:
    """A pydantic error detail (type, ctx, msg) for one answer, as a person reads it."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    units = f" of {_many(unit)}" if unit and unit not in _INVARIANT else ""
    if kind in ("greater_than_equal", "greater_than"):
        low = ctx.get("ge", ctx.get("gt", 0) + 1)
        return f"give at least {plural(low, unit)}"
    if kind in ("less_than_equal", "less_than"):
        high = ctx.get("le", ctx.get("lt", 0) - 1)
        return f"give at most {plural(high, unit)}"
    if kind.startswith("int_"):
        return f"type a whole number{units}, such as 2"
    if kind == "string_too_long":
        return f"keep it to {plural(ctx.get('max_length', 0), 'character')}"
    if kind == "string_too_short":
        return "this needs an answer"
    if kind in ("dict_type", "mapping_type"):
        return "write NAME=value pairs separated by commas"
    if kind in ("list_type",):
        return "write the values separated by commas"
    if kind == "literal_error":
        return f"choose one of {ctx.get('expected', 'the choices offered')}"
    if kind in ("missing", "none_required", "string_type"):
        return "this needs an answer"
    message = str(error.get("msg", "")).removeprefix("Value error, ")
    if message.startswith("'' is not valid: "):
        message = "this needs an answer: " + message.removeprefix("'' is not valid: ")
    # Inside a mapping (environment, secrets, tags) name the entry: "DB_PASSWORD: 'x' is not valid: ...".
    entry = next((part for part in error.get("loc", ()) if isinstance(part, str) and part != "[key]"), None)
    named = entry and re.search(rf"(?<![\w/]){re.escape(str(entry))}(?!\w)", message)
    return f"{entry}: {message}" if entry and not named else message


def in_words(message: str, terms: dict[str, str]) -> str:
    """`message` with every answers key it names (a key of `terms`) replaced by its words."""
    if message.startswith("required"):
        return "this needs an answer"
    for key in sorted(terms, key=len, reverse=True):
        message = re.sub(rf"(?<![\w.]){re.escape(key)}(?![\w.])", terms[key], message)
    return message
