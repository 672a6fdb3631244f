"""`tfgen schema` and docs/answers.md: both from the answers model, both kept true by these tests."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from tfgen.answers import build_answers
from tfgen.answers.reader import read_file
from tfgen.cli import cli
from tfgen.errors import AnswersError

REPO = Path(__file__).resolve().parents[1]
EXAMPLE_ANSWERS = sorted(REPO.glob("examples/*/answers.yaml")) + sorted(REPO.glob("examples/*/.tfgen-answers.yaml"))


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def schema() -> dict:
    return json.loads(run("schema"))


@pytest.fixture(scope="module")
def validator(schema):
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_docs_answers_md_is_what_the_model_generates():
    generated = run("schema", "--format", "markdown")
    committed = (REPO / "docs" / "answers.md").read_text(encoding="utf-8")
    assert committed == generated, "docs/answers.md is stale: tfgen schema --format markdown > docs/answers.md"


def test_the_schema_is_draft_2020_12_and_strict(schema, validator):
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["required"] == ["name"] and schema["additionalProperties"] is False
    for name, node in schema["$defs"].items():
        assert node["additionalProperties"] is False, f"{name}: unknown keys must be refused"
        for key, prop in node["properties"].items():
            assert prop.get("description"), f"{name}.{key} needs a description (docs/answers.md shows it)"
    for key, prop in schema["properties"].items():
        assert prop.get("description"), key
    assert schema["properties"]["environment"]["default"] == "dev"
    port = schema["$defs"]["Service"]["properties"]["port"]
    assert (port["default"], port["minimum"], port["maximum"]) == (80, 1, 65535)


@pytest.mark.parametrize("path", EXAMPLE_ANSWERS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_example_answers_file_validates(validator, path):
    data, _ = read_file(path)
    errors = [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data)]
    assert errors == []


SERVICE = {"name": "web", "image": "nginx:1"}
INVALID = {
    "unknown top-level key": {"name": "shop", "colour": "blue"},
    "unknown nested key": {"name": "shop", "load_balancer": {"tpye": "nlb"}},
    "unknown service key": {"name": "shop", "services": [SERVICE | {"replicas": 2}]},
    "missing name": {"region": "eu-west-1"},
    "missing image": {"name": "shop", "services": [{"name": "web"}]},
    "classic load balancer": {"name": "shop", "load_balancer": {"type": "classic"}},
    "environment ending in a hyphen": {"name": "shop", "environment": "dev-"},
    "tag key %": {"name": "shop", "tags": {"%": "x"}},
    "desired_count past 2^63": {"name": "shop", "services": [SERVICE | {"desired_count": 2**63}]},
    "path pattern over 128": {"name": "shop", "services": [SERVICE | {"path_pattern": "/" + "a" * 128}]},
    "environment variable name": {"name": "shop", "services": [SERVICE | {"environment": {"1X": "a"}}]},
    "launch type": {"name": "shop", "launch_type": "lambda"},
    "port as text": {"name": "shop", "services": [SERVICE | {"port": "eighty"}]},
}


@pytest.mark.parametrize("case", sorted(INVALID))
def test_the_schema_rejects_what_the_model_rejects(validator, case):
    data = INVALID[case]
    assert list(validator.iter_errors(data)), f"the schema accepts {case}"
    with pytest.raises(AnswersError):
        build_answers(json.loads(json.dumps(data)))


def test_the_schema_accepts_numbers_as_environment_values_like_the_model(validator):
    data = {"name": "shop", "services": [SERVICE | {"environment": {"PORT": 8080}}]}
    assert list(validator.iter_errors(data)) == []
    assert build_answers(data).services[0].environment == {"PORT": "8080"}


def test_help_lists_the_schema_command():
    assert "tfgen schema" in run("--help")
