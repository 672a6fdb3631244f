"""JSON read from files tfgen does not control (tfvars, plans, Terraform's module manifest):
every way the text can be unreadable is one InputError naming the file, never a traceback."""

from __future__ import annotations

import json
import re
from typing import Any

from tfgen.errors import InputError

# A high or low surrogate written as an escape: the only way JSON text read as UTF-8 can hold
# half a character, which no output can encode later.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def parse_json(text: str, where: str, problem: str = "cannot parse JSON") -> Any:
    """The document in `text`, or InputError "`where`[:line:column]: `problem`: why"."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as err:
        raise InputError(f"{where}:{err.lineno}:{err.colno}: {problem}: {err.msg}") from None
    except ValueError as err:  # a number of thousands of digits
        raise InputError(f"{where}: {problem}: {err}") from None
    except RecursionError:
        raise InputError(f"{where}: {problem}: nested more deeply than tfgen reads") from None
    if _SURROGATE_ESCAPE.search(text):
        try:
            json.dumps(document, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError as err:
            raise InputError(f"{where}: {problem}: a string holds half a character ({err.object[err.start:err.end]!a})") from None
    return document
