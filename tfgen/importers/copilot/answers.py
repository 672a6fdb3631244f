"""The imported answers as a file: every value from a manifest commented with its file and line,
validated by the answers model exactly as `tfgen new --answers` would load it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from tfgen.answers.load import build_answers
from tfgen.answers.reader import format_path, read_yaml
from tfgen.errors import AnswersError
from tfgen.importers.copilot.manifest import KeyPath
from tfgen.render.provenance import SCHEMA_FILE, _dump, _fresh, _with_modeline

HEADER = (
    "tfgen answers imported from an AWS Copilot workspace by `tfgen import copilot`.\n"
    "Each value from a manifest says where it came from; review the import report, then\n"
    "`tfgen new STACKDIR --answers {answers}` renders the stack."
)
# Top-level keys in the order a reader expects them (the answers' own order).
_ORDER = ("name", "environment", "region", "network", "load_balancer", "efs", "deploy", "services")


def answers_text(data: dict[str, Any], origins: dict[KeyPath, str], answers: Path) -> str:
    """The answers file's text, checked: it loads through tfgen's answers loader into exactly
    `data`, and the answers model accepts it. AnswersError (each key named, with the manifest
    line its value came from) otherwise."""
    ordered = {k: data[k] for k in _ORDER if k in data} | {k: v for k, v in data.items() if k not in _ORDER}
    doc = _fresh(ordered)
    _comment(doc, (), origins)
    doc.yaml_set_start_comment(HEADER.format(answers=answers.name))
    # As every tfgen answers file: the schema comment first, for editors (`tfgen new` writes the
    # schema file beside the stack's answers; `tfgen schema > {SCHEMA_FILE}` puts one beside these).
    text = _with_modeline(_dump(doc))
    # The answers file is not written yet, so its own lines mean nothing to the user: each
    # problem names the key and the manifest line the value came from.
    loaded, _ = read_yaml(text, str(answers))
    try:
        build_answers(loaded, {}, str(answers))
    except AnswersError as err:
        raise AnswersError([_with_origin(problem, origins) for problem in err.problems]) from None
    if loaded != ordered:  # pragma: no cover - the writer's styling quotes what YAML 1.1 would misread
        raise AssertionError("the imported answers would not read back as written")
    return text


def _comment(node: Any, at: KeyPath, origins: dict[KeyPath, str]) -> None:
    if isinstance(node, CommentedMap):
        for key in node:
            here = (*at, key)
            if origins.get(here):
                node.yaml_add_eol_comment(origins[here], key)
            _comment(node[key], here, origins)
    elif isinstance(node, CommentedSeq):
        for index, item in enumerate(node):
            here = (*at, index)
            if origins.get(here) and not isinstance(item, (CommentedMap, CommentedSeq)):
                node.yaml_add_eol_comment(origins[here], index)
            _comment(item, here, origins)


def _with_origin(problem: str, origins: dict[KeyPath, str]) -> str:
    """The loader's problem, and the manifest line the refused value came from."""
    found = [(len(format_path(path)), origin) for path, origin in origins.items() if problem.startswith(format_path(path) + ":")]
    if not found:
        return problem
    return f"{problem} [from {max(found)[1]}]"
