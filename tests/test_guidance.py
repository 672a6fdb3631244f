"""docs/guidance.md: the page the rules cite, read by `tfgen explain`, shipped in the wheel."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import pytest
from stacks import REPO

from tfgen.check.rules import RULES
from tfgen.guidance import parse, sections, slugify


def test_anchors_are_the_ones_github_gives_headings():
    assert slugify("IAM roles") == "iam-roles"
    assert slugify("Multi-AZ storage") == "multi-az-storage"
    assert slugify("No Classic Load Balancer") == "no-classic-load-balancer"
    assert slugify("Fargate: platform 1.4.0") == "fargate-platform-140"


def test_the_page_has_a_section_per_principle_each_with_aws_links():
    found = sections()
    principles = [s.title for s in found.values() if s.level == 2]
    assert principles == ["Launch types", "IAM roles", "Load balancers", "Storage", "Queues, topics and schedules", "Images and shell access", "Planned changes"]
    for section in found.values():
        if section.level == 3:
            assert section.principle in principles
            assert any(url.startswith("https://docs.aws.amazon.com/") for _, url in section.links), section.title


def test_every_section_is_cited_by_a_rule():
    """A principle's subsection nobody enforces is either dead text or a missing rule."""
    cited = {rule.guidance for rule in RULES}
    uncited = [s.slug for s in sections().values() if s.level == 3 and s.slug not in cited]
    assert uncited == []


def test_a_principle_section_holds_its_subsections_and_a_subsection_stops_at_the_next():
    page = "# T\n\n## One\n\nintro\n\n### A\n\na text\n\n### B\n\nb text\n\n## Two\n\ntwo text\n"
    found = parse(page)
    assert found["one"].body.startswith("intro") and "b text" in found["one"].body and "two text" not in found["one"].body
    assert found["a"].body == "a text" and found["a"].principle == "One"
    assert found["two"].principle is None


def test_two_headings_with_one_anchor_are_refused():
    with pytest.raises(ValueError, match="'a'"):
        parse("## A\n\nx\n\n## a\n\ny\n")


def test_a_missing_citation_names_the_anchor():
    from tfgen.guidance import section

    with pytest.raises(KeyError, match="no-such-section"):
        section("no-such-section")


def test_the_wheel_ships_the_guidance_and_explain_works_from_it(tmp_path):
    """A non-editable install has no repository beside it: docs/ must travel inside the wheel."""
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path), str(REPO)],
        capture_output=True,
        text=True,
    )
    assert build.returncode == 0, build.stderr
    (wheel,) = tmp_path.glob("tfgen-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        assert archive.read("tfgen/_data/docs/guidance.md") == (REPO / "docs" / "guidance.md").read_bytes()
        archive.extractall(tmp_path / "site")
    # Run from the unpacked wheel alone (the repository is not importable from there).
    probe = (
        "import tfgen.resources as r; from tfgen.cli import cli; "
        "assert r.docs_dir().parent.name == '_data', r.docs_dir(); "
        "cli.main(['explain', 'TFG401'], standalone_mode=False)"
    )
    result = subprocess.run([sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(tmp_path / 'site')!r}); {probe}"],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Guidance (docs/guidance.md#efs-for-shared-data): Storage: EFS for shared data" in result.stdout
