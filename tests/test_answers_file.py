"""Hostile and malformed answers files and `--set` values: exit 2 with file, line and key, never a traceback.

Each case is one that crashed with a traceback, expanded without bound, or reported the wrong key.
"""

from __future__ import annotations

import contextlib
import os
import re
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tfgen.answers import apply_overrides, build_answers, load_answers_file
from tfgen.answers.reader import read_yaml
from tfgen.errors import InputError


def tfgen(*args: str, limit_memory: bool = False) -> subprocess.CompletedProcess[str]:
    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1024 * 1024 * 1024, 1024 * 1024 * 1024))

    return subprocess.run(
        [sys.executable, "-m", "tfgen", *args], capture_output=True, text=True, timeout=60,
        preexec_fn=cap if limit_memory else None,
    )


def refused(tmp_path: Path, text: str, *overrides: str, name: str = "answers.yaml", limit_memory: bool = False) -> str:
    """Run `tfgen new` on `text`; assert exit 2, no traceback, nothing written; return stderr."""
    answers = tmp_path / name
    answers.write_bytes(text.encode("utf-8", "surrogateescape"))  # surrogate escapes: bytes that are not UTF-8
    out = tmp_path / "out"
    sets = [arg for o in overrides for arg in ("--set", o)]
    result = tfgen("new", str(out), "--answers", str(answers), *sets, limit_memory=limit_memory)
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    assert not out.exists(), "nothing is written on failure"
    return result.stderr


SERVICE = "name: shop\nservices:\n  - name: web\n    image: nginx\n"

# (file text, what the message must name: the line and the key path, then words of the reason)
HOSTILE = {
    "explicit int tag": (SERVICE + "    port: !!int eighty\n", ["answers.yaml:5", "services[0].port", "eighty"]),
    "python tag": ("name: !!python/object/apply:os.system [echo hi]\n", ["answers.yaml:1", "name", "!!python/object/apply:os.system"]),
    "python scalar tag": ("name: !!python/name:os.system ''\n", ["answers.yaml:1", "name", "!!python/name:os.system"]),
    "binary tag": ("name: shop\ntags: {a: !!binary aGk=}\n", ["answers.yaml:2", "tags.a", "!!binary"]),
    "merge key": ("name: shop\nbase: &b {port: 80}\nservices:\n  - <<: *b\n    image: nginx\n", ["answers.yaml:4", "services[0]", "merge keys"]),
    "list key": ("name: shop\n? [a, b]\n: 1\n", ["answers.yaml:2", "key must be plain text"]),
    "mapping key": ("name: shop\ntags:\n  ? {a: 1}\n  : x\n", ["answers.yaml:3", "tags", "key must be plain text"]),
    "recursive alias": ("name: shop\ntags: &t\n  a: *t\n", ["answers.yaml:3", "tags.a", "recursive alias"]),
    "undefined alias": ("name: shop\ntags: *nothing\n", ["answers.yaml:2", "tags", "no anchor"]),
    "deep nesting": ("name: shop\ntags: " + "[" * 1000 + "]" * 1000 + "\n", ["answers.yaml:2", "tags[0]", "nested more than"]),
    "deep block nesting": ("name: shop\ntags:\n" + "".join("  " * i + f"  k{i}:\n" for i in range(200)), ["answers.yaml:", "tags.k0", "nested more than"]),
    "5000-digit number": (SERVICE + "    desired_count: " + "9" * 5000 + "\n", ["answers.yaml:5", "services[0].desired_count", "5000 characters"]),
    "5000-digit float": (SERVICE + "    cpu: " + "9" * 5000 + ".5\n", ["answers.yaml:5", "services[0].cpu"]),
    "two documents": ("name: shop\n---\nname: other\n", ["answers.yaml:2", "one document"]),
    "not UTF-8": ("name: shop\ntags: {a: \udcff}\n", ["answers.yaml:2", "not UTF-8"]),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_answers_files_are_refused_with_line_and_key(tmp_path, case):
    text, expected = HOSTILE[case]
    stderr = refused(tmp_path, text)
    for words in expected:
        assert words in stderr, (words, stderr)


def test_an_invalid_date_where_text_is_expected_is_text(tmp_path):
    # A date-like value is text to every answers key: month 13 is no error, and no crash.
    answers = tmp_path / "answers.yaml"
    answers.write_text("name: shop\ntags:\n  created: 2024-13-45\n  day: 2024-01-02\n")
    assert load_answers_file(answers).tags == {"created": "2024-13-45", "day": "2024-01-02"}


def test_an_invalid_date_in_a_typed_key_is_named(tmp_path):
    stderr = refused(tmp_path, SERVICE + "    port: 2024-13-45\n")
    assert "services[0].port: must be a whole number, got '2024-13-45'" in stderr and "line 5" in stderr


@pytest.mark.parametrize("key", ["str", "int", "list", "dict", "a[b", "x[0]"])
def test_unknown_top_level_keys_with_type_like_names_are_named(tmp_path, key):
    stderr = refused(tmp_path, f"name: shop\n'{key}': 1\n")
    assert f"  - {key}: unknown key" in stderr and "line 2" in stderr, stderr


@pytest.mark.parametrize(
    "text, path, line",
    [
        ("name: shop\nload_balancer:\n  dict: 1\n", "load_balancer.dict", 3),
        (SERVICE + "    list: 1\n", "services[0].list", 5),
        (SERVICE + "    autoscaling: {min: 1, max: 2, str: 3}\n", "services[0].autoscaling.str", 5),
        (SERVICE + "    permissions:\n      s3_buckets:\n        - {name: abc, int: 1}\n", "services[0].permissions.s3_buckets[0].int", 7),
    ],
)
def test_nested_unknown_keys_are_reported_at_their_own_path(tmp_path, text, path, line):
    stderr = refused(tmp_path, text)
    assert f"  - {path}: unknown key" in stderr and f"line {line})" in stderr, stderr


@pytest.mark.parametrize(
    "override, words",
    [
        ("services[0].port=!!int eighty", ["--set", "services[0].port", "eighty"]),
        ("name=!!python/name:os.system x", ["--set", "!!python/name:os.system"]),
        ("tags=[" + "[" * 1000 + "]" * 1000 + "]", ["--set", "nested more than"]),
        ("services[0].desired_count=" + "9" * 5000, ["--set", "5000 characters"]),
        ("tags={a: &a [*a]}", ["--set", "recursive alias"]),
        ("str=1", ["str: unknown key"]),
        ("load_balancer.dict=1", ["load_balancer.dict: unknown key"]),
    ],
)
def test_the_same_through_set(tmp_path, override, words):
    stderr = refused(tmp_path, SERVICE, override)
    for w in words:
        assert w in stderr, (w, stderr)


BOMB = (
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    + "".join(
        f"{c}: &{c} [{','.join([f'*{p}'] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi")
    )
)


def test_the_305_byte_alias_bomb_is_refused_quickly_in_little_memory(tmp_path):
    assert len(BOMB) < 400
    stderr = refused(tmp_path, "name: shop\ntags:\n  x: y\n" + BOMB, limit_memory=True)
    assert "aliases expand to more than" in stderr


def test_a_few_aliases_are_fine(tmp_path):
    answers = tmp_path / "answers.yaml"
    answers.write_text(
        "name: shop\nservices:\n  - name: a\n    image: nginx\n    environment: &env {MODE: x}\n"
        "  - name: b\n    image: nginx\n    environment: *env\n"
    )
    a = load_answers_file(answers)
    assert a.services[0].environment == a.services[1].environment == {"MODE": "x"}


def test_a_huge_file_is_refused_before_it_is_parsed(tmp_path):
    stderr = refused(tmp_path, "name: shop\n" + "# padding\n" * 200_000)
    assert "larger than" in stderr


# --- JSON --------------------------------------------------------------------------------------


def test_json_duplicate_keys_are_refused_with_key_and_line(tmp_path):
    stderr = refused(tmp_path, '{\n  "name": "shop",\n  "tags": {"a": "1",\n    "a": "2"}\n}\n', name="answers.json")
    assert "answers.json:4" in stderr and "'tags.a' is given twice" in stderr


def test_json_top_level_duplicate_is_refused(tmp_path):
    stderr = refused(tmp_path, '{"name": "shop", "name": "other"}', name="answers.json")
    assert "answers.json:1" in stderr and "'name' is given twice" in stderr


def test_json_problems_carry_lines_and_tabs_are_fine(tmp_path):
    stderr = refused(tmp_path, '{\n\t"name": "shop",\n\t"services": [{"image": "nginx",\n\t\t"port": "x"}]\n}\n', name="answers.json")
    assert "services[0].port: must be a whole number, got 'x'" in stderr and "line 4" in stderr


def test_json_is_still_json(tmp_path):
    answers = tmp_path / "answers.json"
    answers.write_text('{"name": "shop", "services": [{"image": "nginx", "environment": {"A": "yes", "B": 1e2}}]}')
    assert load_answers_file(answers).services[0].environment == {"A": "yes", "B": "100.0"}
    answers.write_text('{"name": "shop",}')
    with pytest.raises(InputError, match=r"answers.json:1:\d+: invalid JSON"):
        load_answers_file(answers)
    answers.write_text('{"name": "shop", "tags": ' + "[" * 5000 + "]" * 5000 + "}")
    with pytest.raises(InputError, match="nested more than"):
        load_answers_file(answers)


def test_tfgen_new_prints_warnings_and_renders(tmp_path):
    answers = tmp_path / "answers.yaml"
    answers.write_text(
        "name: shop\nlaunch_type: ec2\nec2: {instance_type: t3.small, ami_id: ami-0123456789abcdef0, max_size: 1,"
        " desired_capacity: 1}\nservices:\n  - {name: web, image: nginx, cpu: 1024, memory: 1024, desired_count: 3}\n"
    )
    result = tfgen("new", str(tmp_path / "out"), "--answers", str(answers))
    assert result.returncode == 0, result.stderr
    assert "warning: ec2.max_size: 1 instance of t3.small" in result.stderr and "3 tasks" in result.stderr
    assert (tmp_path / "out" / "main.tf").is_file()


# --- Property: whatever the text, the loader answers with data or an InputError --------------

FRAGMENTS = [
    "name: shop\n", "services:\n", "  - image: nginx\n", "    port: ", "tags:\n", "  k: ", "&a ", "*a", "&b ", "*b",
    "!!int ", "!!python/name:os.system ", "!!binary ", "!!set ", "<<: ", "? ", "- ", "[", "]", "{", "}", ", ",
    ": ", "\n", "  ", "'", '"', "\t", "9" * 40, "2024-13-45", "1e400", "0x1F", "~", "---\n", "%YAML 1.1\n", "\u0085",
    "str: 1\n", "a[b: 1\n", "desired_count: 9223372036854775808\n", BOMB,
]


@contextlib.contextmanager
def memory_limit(extra: int = 512 * 1024 * 1024):
    """Cap this process's address space at what it uses now plus `extra` while the block runs:
    an expansion the reader fails to bound is a MemoryError here, not a swapping machine."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    used = int(re.search(r"VmSize:\s+(\d+) kB", Path("/proc/self/status").read_text()).group(1)) * 1024
    cap = used + extra if hard == resource.RLIM_INFINITY else min(hard, used + extra)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


# A few hundred examples keep the suite quick; benchmarks/fuzz_answers.py runs many more.
EXAMPLES = int(os.environ.get("TFGEN_FUZZ_EXAMPLES", "300"))


@settings(max_examples=EXAMPLES, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=40))
def test_any_text_is_data_or_an_input_error(parts):
    text = "".join(parts)
    with memory_limit():
        try:
            data, lines = read_yaml(text, "fuzz.yaml")
            if isinstance(data, dict):
                build_answers(data, lines, "fuzz.yaml")
        except InputError as err:
            assert str(err).strip(), "an error says what is wrong"


@settings(max_examples=EXAMPLES, deadline=2000)
@given(st.lists(st.tuples(st.sampled_from(["name", "services[0].port", "tags.k", "str", "load_balancer.dict"]),
                          st.lists(st.sampled_from(FRAGMENTS), max_size=8).map("".join)), max_size=4))
def test_any_set_value_is_data_or_an_input_error(overrides):
    data = {"name": "shop"}
    with memory_limit():
        try:
            apply_overrides(data, [f"{key}={value}" for key, value in overrides])
            build_answers(data, source="--set")
        except InputError as err:
            assert str(err).strip()


def test_json_strings_are_read_exactly_as_json_reads_them(tmp_path):
    answers = tmp_path / "answers.json"
    answers.write_text('{"name": "shop", "services": [{"image": "x", "environment": {"A": "smile \\ud83d\\ude00 \\u00e9\\/x"}}]}')
    assert load_answers_file(answers).services[0].environment == {"A": "smile \U0001f600 é/x"}


@pytest.mark.parametrize("name", ["answers.yaml", "answers.json"])
def test_escaped_surrogates_are_joined_or_refused(tmp_path, name):
    answers = tmp_path / name
    answers.write_text('{"name": "shop", "services": [{"image": "x", "environment": {"A": "\\ud83d\\ude00"}}]}')
    assert load_answers_file(answers).services[0].environment == {"A": "\U0001f600"}
    stderr = refused(tmp_path, '{"name": "shop", "services": [{"image": "x", "environment": {"A": "\\ud83d"}}]}', name=name)
    assert f"{name}:1: services[0].environment.A: holds half of a UTF-16 surrogate pair" in stderr


def test_set_values_that_are_not_utf8_are_refused(tmp_path):
    answers = tmp_path / "answers.yaml"
    answers.write_text(SERVICE)
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "tfgen", "new", str(out), "--answers", str(answers),
         "--set", b"services[0].environment.A=\xff".decode("utf-8", "surrogateescape")],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert "not UTF-8 text" in result.stderr and not out.exists()


KEYS = ["name", "environment", "region", "tags", "launch_type", "ec2", "network", "load_balancer", "efs", "state",
        "services", "instance_type", "min_size", "max_size", "desired_capacity", "create_vpc", "azs", "vpc_id",
        "public_subnet_ids", "private_subnet_ids", "type", "internal", "certificate_arn", "privatelink", "enabled",
        "image", "port", "cpu", "memory", "desired_count", "autoscaling", "min", "max", "expose", "path_pattern",
        "environment", "secrets", "permissions", "s3_buckets", "access", "str", "a[b"]
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | st.floats()
    | st.sampled_from(["shop", "ec2", "nlb", "alb", "none", "t3.small", "x9.huge", "eu-west-1", "/*", "nginx",
                       "arn:aws:acm:us-east-1:123456789012:certificate/a", "subnet-0123456789abcdef0", "read"])
    | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=4), inner, max_size=5),
    max_leaves=25,
)


@settings(max_examples=EXAMPLES, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=8))
def test_any_shape_of_data_is_answers_or_an_answers_error(data):
    with memory_limit():
        try:
            answers = build_answers({"name": "shop", **data}, source="fuzz")
        except InputError as err:
            assert str(err).strip()
        else:
            assert all(isinstance(w, str) for w in answers.warnings)


NUMBERS = st.sampled_from([0, 1, 2, 128, 256, 512, 1024, 1792, 2048, 4096, 8192, 16384, 122880, 5000, 5001, 2**31, 2**63])
SERVICES = st.lists(
    st.fixed_dictionaries(
        {"image": st.just("nginx")},
        optional={"name": st.sampled_from(["web", "api", "a", "web-", "internal"]), "cpu": NUMBERS, "memory": NUMBERS,
                  "desired_count": NUMBERS, "port": NUMBERS, "expose": st.booleans(),
                  "path_pattern": st.sampled_from(["/*", "/api/*", "/" + "a" * 128]),
                  "autoscaling": st.fixed_dictionaries({"min": NUMBERS, "max": NUMBERS})},
    ),
    max_size=4,
)


@settings(max_examples=EXAMPLES, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(st.fixed_dictionaries(
    {"name": st.sampled_from(["shop", "ecs-shop", "internal-x"]), "services": SERVICES},
    optional={
        "launch_type": st.sampled_from(["fargate", "ec2"]),
        "region": st.sampled_from(["us-east-1", "eu-west-1"]),
        "ec2": st.fixed_dictionaries({}, optional={
            "instance_type": st.sampled_from(["t3.nano", "t3.small", "m5.large", "c7g.medium", "x9.huge"]),
            "min_size": NUMBERS, "max_size": NUMBERS, "desired_capacity": NUMBERS}),
        "load_balancer": st.fixed_dictionaries({}, optional={
            "type": st.sampled_from(["alb", "nlb", "none", "classic"]), "internal": st.booleans(),
            "certificate_arn": st.sampled_from(["arn:aws:acm:us-east-1:123456789012:certificate/a"])}),
    },
))
def test_any_combination_of_sizes_is_answers_or_an_answers_error(data):
    try:
        answers = build_answers(data, source="fuzz")
    except InputError as err:
        assert str(err).strip()
    else:
        assert all(isinstance(w, str) for w in answers.warnings)
