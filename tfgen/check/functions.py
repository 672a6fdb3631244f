"""Terraform's built-in functions, as far as they can run on known values.

A function that meets an unknown argument returns an unknown (the evaluator checks that before
calling, except for the few functions that can look inside: `try`, `can`, `coalesce`, `merge`,
`concat`, `jsonencode`, `length`, ...). A function not listed here yields an unknown.

Every function runs within budgets (elements of a collection, characters of a string, bits of
an integer): a call that would go past one raises BudgetExceeded, which the evaluator turns into
an unknown value with the reason, so no configuration can make a check hang or exhaust memory.
Regular expressions run on RE2, the engine Terraform uses: linear time, RE2 syntax.
"""

from __future__ import annotations

import base64
import functools
import json
import math
import re
from typing import Any, Callable

from tfgen.check.model import PartialJson, PartialString, Unknown, is_known

MAX_ELEMENTS = 100_000  # elements of one collection (a list, a map, count, for_each, range())
MAX_STRING = 1 << 20  # characters of one string
MAX_INT_BITS = 1100  # an integer beyond float range is no count, port or size
MAX_NESTING = 100  # levels of a value decoded from JSON or YAML (rules walk values recursively)


class EvalError(Exception):
    """An expression that Terraform itself would reject (a missing key, a bad type)."""


class BudgetExceeded(Exception):
    """Evaluating further would take more time or memory than a check may spend; the value is
    unknown, with this as the reason. Not an EvalError: try() and can() must not catch it."""


def within_budget(value: Any, what: str) -> Any:
    """`value`, or BudgetExceeded when it is larger than any budget allows."""
    if isinstance(value, str) and len(value) > MAX_STRING:
        raise BudgetExceeded(f"{what} makes a string longer than {MAX_STRING} characters")
    if isinstance(value, (list, dict)) and len(value) > MAX_ELEMENTS:
        raise BudgetExceeded(f"{what} makes more than {MAX_ELEMENTS} elements")
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > MAX_INT_BITS:
        raise BudgetExceeded(f"{what} makes a number beyond {MAX_INT_BITS} bits")
    return value


def _size(value: Any, limit: int, what: str) -> int:
    """Elements plus characters inside `value`, counted until `limit` (then BudgetExceeded):
    values can share parts, so a small structure can stand for a huge text. Nesting deeper
    than MAX_NESTING is past the budget too."""
    total = 0
    level = [value]
    for _ in range(MAX_NESTING + 1):  # one level of nesting at a time
        deeper: list[Any] = []
        for current in level:
            kind = type(current)
            if kind is str:
                total += len(current)
            elif kind is list:
                total += len(current)
                deeper.extend(current)
            elif kind is dict:
                total += len(current) + sum(map(len, current))
                deeper.extend(current.values())
            else:
                total += 1
        if total > limit:
            raise BudgetExceeded(f"{what} would make more than {limit} characters")
        if not deeper:
            return total
        level = deeper
    raise BudgetExceeded(f"{what} makes values nested more than {MAX_NESTING} levels deep")


def _num(value: Any) -> int | float:
    if isinstance(value, bool):
        raise EvalError("a bool is not a number")
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            raise EvalError(f"{value!r} is not a number") from None
        return int(number) if number.is_integer() and "." not in value and "e" not in value.lower() else number
    raise EvalError(f"{value!r} is not a number")


def to_string(value: Any) -> str:
    """Terraform's string conversion of a primitive (for templates, join, format)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, str):
        return value
    if value is None:
        raise EvalError("null value in a string")
    raise EvalError(f"cannot use a {type(value).__name__} as a string")


def json_encode(value: Any) -> str | PartialJson:
    if not is_known(value):
        return PartialJson("jsonencode() of a value not fully known", data=value)
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


def json_encode_within_budget(value: Any) -> str | PartialJson:
    _size(value, MAX_STRING, "jsonencode()")
    return json_encode(value)


def _yamldecode(text: str) -> Any:
    import yaml

    value = yaml.safe_load(text)
    # Aliases share nodes: a few lines can stand for billions of elements.
    _size(value, MAX_ELEMENTS + MAX_STRING, "yamldecode()")
    return value


def _yamlencode(value: Any) -> str:
    import yaml

    _size(value, MAX_STRING, "yamlencode()")
    return yaml.safe_dump(value, sort_keys=False)


def _jsondecode(text: Any) -> Any:
    if isinstance(text, PartialJson):
        return text.data
    try:
        value = json.loads(text)
    except (TypeError, ValueError) as err:
        raise EvalError(f"jsondecode: {err}") from None
    except RecursionError:
        raise BudgetExceeded(f"jsondecode() makes values nested more than {MAX_NESTING} levels deep") from None
    _size(value, MAX_ELEMENTS + MAX_STRING, "jsondecode()")
    return value


def _flatten(value: list[Any]) -> list[Any]:
    out: list[Any] = []
    for item in value:
        if isinstance(item, list):
            out.extend(_flatten(item))
        else:
            out.append(item)
    return out


def _lookup(mapping: dict[str, Any], key: str, *default: Any) -> Any:
    if key in mapping:
        return mapping[key]
    if default:
        return default[0]
    raise EvalError(f"lookup: no key {key!r}")


def _element(items: list[Any], index: Any) -> Any:
    if not items:
        raise EvalError("element: empty list")
    return items[int(_num(index)) % len(items)]


_FORMAT_NUMBERS = re.compile(r"\d+")


def _format(fmt: str, *args: Any) -> str:
    values = iter(args)
    _size(list(args), MAX_STRING, "format()")

    def repl(match: re.Match[str]) -> str:
        spec = match.group(0)
        if spec == "%%":
            return "%"
        if any(len(n) > 4 for n in _FORMAT_NUMBERS.findall(spec)):
            raise BudgetExceeded(f"format(): the width or precision of {spec[:24]} is beyond 9999")
        verb = spec[-1]
        value = next(values)
        if verb == "s":
            return to_string(value)
        if verb == "d":
            return str(int(_num(value)))
        if verb in "fFeEgG":
            return ("%" + spec[1:]) % _num(value)
        if verb == "v":
            return to_string(value) if not isinstance(value, (list, dict)) else json.dumps(value)
        if verb == "q":
            return json.dumps(to_string(value))
        if verb == "t":
            return "true" if value else "false"
        raise EvalError(f"format: unsupported verb {spec}")

    return re.sub(r"%%|%[-+ #0-9.]*[a-zA-Z]", repl, fmt)


def _merge(*maps: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in maps:
        if item is None:
            continue
        if isinstance(item, Unknown):
            raise _Unknown(item)
        if not isinstance(item, dict):
            raise EvalError("merge: arguments must be maps or objects")
        out.update(item)
    return out


def _concat(*lists: Any) -> list[Any]:
    out: list[Any] = []
    for item in lists:
        if isinstance(item, Unknown):
            raise _Unknown(item)
        if not isinstance(item, list):
            raise EvalError("concat: arguments must be lists")
        out.extend(item)
    return out


def _coalesce(*values: Any) -> Any:
    for value in values:
        if isinstance(value, Unknown):
            raise _Unknown(value)
        if value is not None and value != "":
            return value
    raise EvalError("coalesce: no non-null argument")


def _coalescelist(*values: Any) -> Any:
    for value in values:
        if isinstance(value, Unknown):
            raise _Unknown(value)
        if value:
            return value
    raise EvalError("coalescelist: no non-empty argument")


def _one(items: Any) -> Any:
    if len(items) > 1:
        raise EvalError("one: more than one element")
    return items[0] if items else None


def _key(item: Any) -> Any:
    """A hashable stand-in for a value, equal exactly when the values are equal."""
    if isinstance(item, (list, dict)):
        return json.dumps(item, sort_keys=True, default=repr)
    return (type(item) is bool, item)


def _distinct(items: list[Any]) -> list[Any]:
    seen: set[Any] = set()
    out: list[Any] = []
    for item in items:
        key = _key(item)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def _setintersection(first: list[Any], *rest: list[Any]) -> list[Any]:
    keys = [{_key(i) for i in other} for other in rest]
    return _distinct([i for i in first if all(_key(i) in k for k in keys)])


def _setsubtract(a: list[Any], b: list[Any]) -> list[Any]:
    drop = {_key(i) for i in b}
    return _distinct([i for i in a if _key(i) not in drop])


def _join(sep: str, *lists: list[Any]) -> str:
    parts = [to_string(v) for items in lists for v in items]
    if sum(len(p) for p in parts) + len(sep) * len(parts) > MAX_STRING:
        raise BudgetExceeded(f"join() makes a string longer than {MAX_STRING} characters")
    return sep.join(parts)


def _indent(n: Any, s: str) -> str:
    width = int(_num(n))
    if len(s) + max(width, 0) * s.count("\n") > MAX_STRING:
        raise BudgetExceeded(f"indent() makes a string longer than {MAX_STRING} characters")
    return s.replace("\n", "\n" + " " * width)


def _formatlist(fmt: str, *lists: Any) -> list[str]:
    out, total = [], 0
    for args in zip(*lists):
        out.append(_format(fmt, *args))
        total += len(out[-1])
        if total > MAX_STRING:
            raise BudgetExceeded(f"formatlist() makes more than {MAX_STRING} characters")
    return out


def _pow(a: Any, b: Any) -> int | float:
    base, exponent = _num(a), _num(b)
    if abs(base) > 1 and exponent > 0 and exponent * math.log2(abs(base)) > MAX_INT_BITS:
        raise BudgetExceeded(f"pow() makes a number beyond {MAX_INT_BITS} bits")
    try:
        return base**exponent
    except ZeroDivisionError:
        raise EvalError("pow(): zero to a negative power") from None


def _keys(mapping: dict[str, Any]) -> list[str]:
    return sorted(mapping)


def _values(mapping: dict[str, Any]) -> list[Any]:
    return [mapping[k] for k in sorted(mapping)]


def _range(*args: Any) -> list[int | float]:
    nums = [_num(a) for a in args]
    if len(nums) == 1:
        start, stop, step = 0, nums[0], 1
    elif len(nums) == 2:
        start, stop, step = nums[0], nums[1], 1 if nums[1] >= nums[0] else -1
    else:
        start, stop, step = nums
    if step == 0 and start != stop:
        raise EvalError("range: step 0 never reaches the end")
    if step != 0 and (stop - start) / step > MAX_ELEMENTS:
        raise BudgetExceeded(f"range() makes more than {MAX_ELEMENTS} elements")
    out = []
    value = start
    while (step > 0 and value < stop) or (step < 0 and value > stop):
        out.append(value)
        value += step
    return out


def _tomap(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise EvalError("tomap: not a map")
    return value


def _tolist(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise EvalError("tolist: not a list")
    return value


def _tostring(value: Any) -> str | None:
    return None if value is None else to_string(value)


def _tonumber(value: Any) -> int | float | None:
    return None if value is None else _num(value)


def _tobool(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise EvalError("tobool: not a bool")


def _base64decode(text: str) -> str:
    try:
        return base64.b64decode(text).decode("utf-8")
    except ValueError as err:
        raise EvalError(f"base64decode: {err}") from None


def _zipmap(keys: list[str], values: list[Any]) -> dict[str, Any]:
    return dict(zip(keys, values))


def _setproduct(*sets: list[Any]) -> list[list[Any]]:
    if math.prod(len(s) for s in sets) * max(len(sets), 1) > MAX_ELEMENTS:
        raise BudgetExceeded(f"setproduct() makes more than {MAX_ELEMENTS} elements")
    out: list[list[Any]] = [[]]
    for items in sets:
        out = [prefix + [item] for prefix in out for item in items]
    return out


def _chunklist(items: list[Any], size: Any) -> list[list[Any]]:
    n = int(_num(size))
    return [items[i : i + n] for i in range(0, len(items), n)] if n > 0 else [items]


def _cidrsubnet(*_: Any) -> Any:
    raise _Unknown(Unknown("cidrsubnet() is not computed statically"))


class _Unknown(Exception):
    """Raised by a function that met an unknown inside a structure it had to look into."""

    def __init__(self, value: Unknown):
        super().__init__(value.reason)
        self.value = value


def _join(sep: Any, *lists: Any) -> Any:
    """join(); with unknown items, the string is known in part (and one item is that item:
    `join("", aws_lb.x.*.arn)` of a resource with count = 1 still names the resource)."""
    if not isinstance(sep, str) or any(not isinstance(items, list) for items in lists):
        raise _Unknown(Unknown("join() of a value not known statically"))
    items = [item for items in lists for item in items]
    if is_known(items):
        return sep.join(to_string(v) for v in items)
    if len(items) == 1:
        return items[0]
    parts: list[Any] = []
    for number, item in enumerate(items):
        if not isinstance(item, Unknown):
            item = to_string(item)
        for piece in ([sep] if number else []) + [item]:
            if isinstance(piece, str) and parts and isinstance(parts[-1], str):
                parts[-1] += piece
            elif piece != "":
                parts.append(piece)
    pattern = "".join(p if isinstance(p, str) else "*" for p in parts)
    return PartialString("join() of values not all known", pattern=pattern, parts=tuple(parts))


# Functions of strings: like Terraform, they take a number or bool where a string goes.
STRING_FUNCTIONS = {
    "chomp", "endswith", "indent", "lower", "regex", "replace", "split", "startswith", "strcontains",
    "substr", "title", "trim", "trimprefix", "trimspace", "trimsuffix", "upper", "base64encode", "urlencode",
}


# name -> (function, whether it may receive unknowns nested inside its arguments)
FUNCTIONS: dict[str, Callable[..., Any]] = {
    "abs": lambda x: abs(_num(x)),
    "ceil": lambda x: math.ceil(_num(x)),
    "floor": lambda x: math.floor(_num(x)),
    "max": lambda *xs: max(_num(x) for x in xs),
    "min": lambda *xs: min(_num(x) for x in xs),
    "parseint": lambda s, base: int(s, int(_num(base))),
    "pow": _pow,
    "signum": lambda x: (_num(x) > 0) - (_num(x) < 0),
    "chomp": lambda s: s.rstrip("\r\n"),
    "format": _format,
    "formatlist": _formatlist,
    "indent": _indent,
    "join": _join,
    "lower": lambda s: s.lower(),
    "upper": lambda s: s.upper(),
    "title": lambda s: s.title(),
    "replace": lambda s, old, new: _replace(s, old, new),
    "split": lambda sep, s: s.split(sep),
    "startswith": lambda s, prefix: s.startswith(prefix),
    "endswith": lambda s, suffix: s.endswith(suffix),
    "strcontains": lambda s, sub: sub in s,
    "substr": lambda s, offset, length: s[int(_num(offset)) :][: int(_num(length)) if int(_num(length)) >= 0 else None],
    "trim": lambda s, chars: s.strip(chars),
    "trimprefix": lambda s, p: s[len(p) :] if s.startswith(p) else s,
    "trimsuffix": lambda s, p: s[: -len(p)] if p and s.endswith(p) else s,
    "trimspace": lambda s: s.strip(),
    "regex": lambda pattern, s: _regex(pattern, s),
    "regexall": lambda pattern, s: [_groups(m) for m in _compile(pattern).finditer(s)],
    "alltrue": lambda items: all(items),
    "anytrue": lambda items: any(items),
    "chunklist": _chunklist,
    "coalesce": _coalesce,
    "coalescelist": _coalescelist,
    "compact": lambda items: [i for i in items if i not in (None, "")],
    "concat": _concat,
    "contains": lambda items, value: value in items,
    "distinct": _distinct,
    "element": _element,
    "flatten": _flatten,
    "index": lambda items, value: items.index(value),
    "keys": _keys,
    "length": lambda v: len(v),
    "lookup": _lookup,
    "merge": _merge,
    "one": _one,
    "range": _range,
    "reverse": lambda items: list(reversed(items)),
    "setintersection": _setintersection,
    "setproduct": _setproduct,
    "setsubtract": _setsubtract,
    "setunion": lambda *sets: _distinct([i for s in sets for i in s]),
    "slice": lambda items, start, end: items[int(_num(start)) : int(_num(end))],
    "sort": lambda items: sorted(to_string(i) for i in items),
    "sum": lambda items: sum(_num(i) for i in items),
    "transpose": lambda m: {v: sorted(k for k in m if v in m[k]) for vs in m.values() for v in vs},
    "values": _values,
    "zipmap": _zipmap,
    "base64decode": _base64decode,
    "base64encode": lambda s: base64.b64encode(s.encode("utf-8")).decode("ascii"),
    "jsondecode": _jsondecode,
    "jsonencode": json_encode_within_budget,
    "urlencode": lambda s: __import__("urllib.parse").parse.quote(s, safe=""),
    "yamlencode": _yamlencode,
    "yamldecode": _yamldecode,
    "tobool": _tobool,
    "tolist": _tolist,
    "tomap": _tomap,
    "tonumber": _tonumber,
    "toset": lambda items: _distinct(list(items)),
    "tostring": _tostring,
    "type": lambda v: type(v).__name__,
    "cidrsubnet": _cidrsubnet,
    "cidrhost": _cidrsubnet,
    "cidrsubnets": _cidrsubnet,
}

# Functions that can work with unknowns nested in their arguments (they only move values
# around). Every other function gets an unknown result if any argument is not fully known.
STRUCTURAL = {
    "coalesce", "coalescelist", "compact", "concat", "element", "flatten", "join", "jsonencode", "keys",
    "length", "lookup", "merge", "one", "reverse", "slice", "tolist", "tomap", "toset", "values",
    "zipmap",
}


@functools.lru_cache(maxsize=256)
def _compile(pattern: str) -> Any:
    """An RE2 program for a Terraform pattern (RE2 syntax, as Go's regexp): linear in the text,
    whatever the pattern, so no pattern can make a check hang."""
    import re2

    options = re2.Options()
    options.log_errors = False  # the error is reported as an unknown value, not on stderr
    try:
        return re2.compile(pattern, options)
    except re2.error as err:
        raise EvalError(f"invalid regular expression {pattern!r}: {err}") from None


def _groups(match: Any) -> Any:
    """Terraform's result for one match: named groups as an object, else groups as a list,
    else the matched text."""
    if match.groupdict():
        return match.groupdict()
    if match.groups():
        return list(match.groups())
    return match.group(0)


def _regex(pattern: str, text: str) -> Any:
    match = _compile(pattern).search(text)
    if not match:
        raise EvalError("regex: no match")
    return _groups(match)


_EXPANSION = re.compile(r"\$(\$|\{(\w+)\}|(\w+))")


def _replace(text: str, old: str, new: str) -> str:
    """replace(): a literal substring, or a `/pattern/` with Go's `$1` / `${name}` in `new`."""
    if not (len(old) > 1 and old.startswith("/") and old.endswith("/")):
        count = text.count(old) if old else len(text) + 1
        if len(text) + count * (len(new) - len(old)) > MAX_STRING:
            raise BudgetExceeded(f"replace() makes a string longer than {MAX_STRING} characters")
        return text.replace(old, new)
    program = _compile(old[1:-1])
    total = [len(text)]

    def expand(match: Any) -> str:
        def group(ref: re.Match[str]) -> str:
            if ref.group(1) == "$":
                return "$"
            name = ref.group(2) or ref.group(3)
            try:
                value = match.group(int(name) if name.isdigit() else name)
            except (IndexError, KeyError, re.error, Exception):  # noqa: BLE001 - Go: an unknown group is empty
                value = None
            return value or ""

        out = _EXPANSION.sub(group, new)
        total[0] += len(out)
        if total[0] > MAX_STRING:
            raise BudgetExceeded(f"replace() makes a string longer than {MAX_STRING} characters")
        return out

    return program.sub(expand, text)


def call(name: str, args: list[Any]) -> Any:
    """Run function `name` on evaluated `args`; unknown in, unknown out."""
    short = name.split("::")[-1] if name.startswith("provider::") else name
    func = FUNCTIONS.get(short)
    if func is None:
        return Unknown(f"{name}() is not evaluated statically")
    if short not in STRUCTURAL:
        for arg in args:
            if not is_known(arg):
                return Unknown(f"{name}() of a value not known statically")
    else:
        for arg in args:
            if isinstance(arg, Unknown) and short not in ("coalesce", "jsonencode", "compact"):
                return Unknown(f"{name}() of a value not known statically")
    if short in STRING_FUNCTIONS:
        args = [to_string(a) if isinstance(a, (int, float)) else a for a in args]  # bool is an int
    try:
        return within_budget(func(*args), f"{name}()")
    except _Unknown as err:
        return err.value
    except (EvalError, BudgetExceeded):
        raise
    except (TypeError, ValueError, KeyError, IndexError, AttributeError, ZeroDivisionError, OverflowError, re.error) as err:
        raise EvalError(f"{name}(): {err}") from None
