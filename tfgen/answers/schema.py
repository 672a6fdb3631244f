"""The answers file described from the answers model: its JSON Schema and its reference page.

`tfgen schema` prints the first (editors complete and validate keys with it); `tfgen schema
--format markdown` prints the second, which is docs/answers.md (a test keeps it in sync). Both
come from `Answers`: the field types, defaults, limits and descriptions, the rules of text keys
(`Rule`), the docstrings of the rules across keys and the guidance quoted in refusals.
"""

from __future__ import annotations

import json
from typing import Any

from tfgen.answers import model, reader

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def answers_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of an answers file: unknown keys refused, defaults and descriptions given."""
    from tfgen.answers.load import VERSION_KEY

    schema = model.Answers.model_json_schema(mode="validation")
    _key_rules(schema)
    # Not an answer: the provenance tfgen writes into the answers file it saves (set aside on load).
    schema["properties"][VERSION_KEY] = {
        "type": "string",
        "title": "Tfgen Version",
        "description": "Written by tfgen into the answers file it saves: the tfgen version that rendered "
        "the stack, which `tfgen update` reads. Not an answer; leave it to tfgen.",
    }
    return {"$schema": DIALECT, "title": "tfgen answers file", **{k: v for k, v in schema.items() if k != "title"}}


def _key_rules(node: Any) -> None:
    """Pydantic puts the rule of a mapping's keys in `patternProperties`, which lets any other key
    through; the model refuses them, so the schema says it with `propertyNames`."""
    if isinstance(node, list):
        for item in node:
            _key_rules(item)
        return
    if not isinstance(node, dict):
        return
    patterns = node.get("patternProperties")
    if isinstance(patterns, dict) and len(patterns) == 1 and "propertyNames" in node:
        ((pattern, value),) = patterns.items()
        node["propertyNames"] = {"pattern": pattern, **node["propertyNames"]}
        node["additionalProperties"] = value
        del node["patternProperties"]
    for value in node.values():
        _key_rules(value)


def schema_json() -> str:
    return json.dumps(answers_schema(), indent=2, ensure_ascii=False) + "\n"


# --- docs/answers.md ---------------------------------------------------------------------------


def answers_reference() -> str:
    """docs/answers.md: every key with its type, default, allowed values and what it builds, then
    the rules across keys, the guidance behind refusals and the limits of the file itself."""
    schema = answers_schema()
    out = [
        "# The answers file",
        "",
        "<!-- Generated from the answers model by `tfgen schema --format markdown`; a test keeps it in sync. -->",
        "",
        "`tfgen new OUTDIR --answers FILE` reads a YAML or JSON answers file; the wizard saves one as",
        "`OUTDIR/.tfgen-answers.yaml`. Keys left out take their defaults; an unknown key is an error.",
        "`--set key.path=value` overrides one key (`services[0].cpu=512`). Every problem is reported at",
        "once with its key path and line, and nothing is written. `tfgen schema` prints the JSON Schema",
        "of this file for editors and CI.",
        "",
    ]
    _sections(schema, schema, "", out)
    out += ["## Rules across keys", "", "Refused (exit 2) with the key path and the reason:", ""]
    for rule in model.CROSS_FIELD_RULES:
        out += _bullets(rule.__doc__)
    out += ["", "Printed as a warning by `tfgen new`, which renders anyway:", ""]
    for rule in model.WARNING_RULES:
        out += _bullets(rule.__doc__)
    out += ["", "## Default `path_pattern`", "", _paragraph(model.default_path_pattern.__doc__), ""]
    out += ["## The guidance behind refusals", ""]
    out += [f"- **{key}**: {text}" for key, text in model.GUIDANCE.items()]
    out += [
        "",
        "## Limits of the file",
        "",
        "Answers files are small by nature; these bounds keep a hostile one from costing time or memory.",
        "",
        f"- at most {reader.MAX_BYTES // 1024} KiB, UTF-8, one YAML document (or JSON);",
        f"- at most {reader.MAX_VALUES:,} values, nested at most {reader.MAX_DEPTH} levels;",
        f"- aliases (`*name`) may expand to at most {reader.MAX_ALIAS_VALUES:,} values and may not contain themselves;",
        "- no merge keys (`<<`), no keys that are lists or mappings, no tags other than"
        " `!!str`, `!!int`, `!!float`, `!!bool`, `!!null`, `!!map`, `!!seq`;",
        f"- numbers of at most {reader.MAX_NUMBER_CHARS} characters; date-like values are text;",
        "- a key given twice is an error, in YAML and in JSON.",
        "",
    ]
    return "\n".join(out)


def _sections(node: dict[str, Any], schema: dict[str, Any], path: str, out: list[str]) -> None:
    """One table per mapping of the model (the top level, `ec2`, `services[]`, ...), depth first."""
    title = f"`{path}`" if path else "Top level"
    out += [f"## {title}", ""]
    if node.get("description"):
        out += [node["description"], ""]
    out += ["| key | type | default | allowed | what it does |", "|---|---|---|---|---|"]
    nested: list[tuple[dict[str, Any], str]] = []
    required = set(node.get("required", ()))
    for key, prop in node["properties"].items():
        inner, nullable = _resolve(prop, schema)
        kind, child = _kind(inner, schema)
        if nullable:
            kind += " or null"
        default = "required" if key in required else _default(prop)
        out.append(
            f"| `{key}` | {kind} | {default} | {_cell(_allowed(inner, schema))} | {_cell(prop.get('description', ''))} |"
        )
        if child is not None:
            nested.append((child, f"{path}.{key}" if path else key) if inner.get("type") == "object" else (child, f"{path + '.' if path else ''}{key}[]"))
    out.append("")
    for child, child_path in nested:
        _sections(child, schema, child_path, out)


def _resolve(prop: dict[str, Any], schema: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The schema a property stands for ($ref followed) and whether null is also allowed."""
    members = prop.get("anyOf")
    nullable = False
    if members:
        others = [m for m in members if m.get("type") != "null"]
        nullable = len(others) < len(members)
        prop = others[0] if len(others) == 1 else prop
    return _deref(prop, schema), nullable


def _deref(node: dict[str, Any] | bool, schema: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(node, dict):
        return {}  # `true`: any value (a filter policy's free-form mapping)
    ref = node.get("$ref")
    return schema["$defs"][ref.rsplit("/", 1)[1]] if ref else node


def _kind(node: dict[str, Any], schema: dict[str, Any]) -> tuple[str, dict[str, Any] | None]:
    """A type in words, and the mapping to describe in its own table, if any."""
    if "properties" in node:
        return "mapping", node
    kind = node.get("type")
    if kind == "array":
        item = _deref(node.get("items", {}), schema)
        if "properties" in item:
            return "list of mappings", item
        return f"list of {_kind(item, schema)[0]}", None
    if kind == "object":
        if node.get("additionalProperties") is True:
            return "mapping", None
        value = _deref(node.get("additionalProperties", {}), schema)
        return f"mapping of name to {_kind(value, schema)[0]}", None
    if isinstance(kind, list):
        return " or ".join(_WORDS.get(k, k) for k in kind), None
    return _WORDS.get(kind, str(kind)), None


_WORDS = {"string": "text", "integer": "whole number", "number": "number", "boolean": "true/false", "null": "null"}


def _allowed(node: dict[str, Any], schema: dict[str, Any]) -> str:
    parts = []
    if "enum" in node:
        parts.append(" | ".join(f"`{v}`" for v in node["enum"]))
    if "x-allowed" in node:
        parts.append(node["x-allowed"])
    if "minimum" in node or "maximum" in node:
        low, high = node.get("minimum"), node.get("maximum")
        parts.append(f"{low:,}-{high:,}" if low is not None and high is not None else f"at least {low:,}" if low is not None else f"at most {high:,}")
    if "maxProperties" in node:
        parts.append(f"at most {node['maxProperties']} entries")
    if node.get("type") == "array":
        parts.append(_allowed(_deref(node.get("items", {}), schema), schema))
    if node.get("type") == "object" and "properties" not in node:
        keys = node.get("propertyNames", {})
        if keys.get("x-allowed"):
            parts.append(f"names: {keys['x-allowed']}")
        value = _allowed(_deref(node.get("additionalProperties", {}), schema), schema)
        if value:
            parts.append(f"values: {value}")
    return "; ".join(p for p in parts if p)


def _default(prop: dict[str, Any]) -> str:
    if "default" not in prop:
        return "see description"
    value = prop["default"]
    if isinstance(value, dict) and value:
        return "see below"
    return f"`{json.dumps(value, ensure_ascii=False)}`"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _bullets(doc: str | None) -> list[str]:
    """A rule's docstring bullets ('- key: rule'), continuation lines joined."""
    items: list[str] = []
    for line in (doc or "").splitlines():
        line = line.strip()
        if line.startswith("- "):
            items.append(line)
        elif line and items:
            items[-1] += " " + line
    return items


def _paragraph(doc: str | None) -> str:
    return " ".join(line.strip() for line in (doc or "").splitlines() if line.strip())
