"""The ECS guidance in docs/guidance.md, read as sections a rule can cite by anchor.

The page is the one source: `tfgen explain` and the SARIF rule help print a rule's section from
it, and a test checks that every rule's citation is the anchor of one of its headings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from tfgen.resources import docs_dir

_HEADING = re.compile(r"^(#{2,6})\s+(.+?)\s*$")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")


def slugify(title: str) -> str:
    """The anchor GitHub gives a heading, so a citation is also a working link to the page."""
    slug = re.sub(r"[^\w\- ]", "", title.strip().lower())
    return slug.replace(" ", "-")


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    level: int
    body: str  # the markdown under the heading, up to the next heading of its level or above
    principle: str | None  # for a subsection, the title of the principle it belongs to

    @property
    def links(self) -> list[tuple[str, str]]:
        return _LINK.findall(self.body)

    @property
    def anchor(self) -> str:
        return f"docs/guidance.md#{self.slug}"

    def plain(self) -> str:
        """The body for a terminal: links as `title: url`, emphasis markers dropped."""
        text = _LINK.sub(lambda m: f"{m.group(1)}: {m.group(2)}", self.body)
        return text.replace("**", "")


def guidance_file() -> Path:
    return docs_dir() / "guidance.md"


def parse(text: str) -> dict[str, Section]:
    """Every heading below the page title, keyed by its anchor."""
    lines = text.splitlines()
    headings = [(i, len(m.group(1)), m.group(2)) for i, line in enumerate(lines) if (m := _HEADING.match(line))]
    found: dict[str, Section] = {}
    principle = None
    for n, (start, level, title) in enumerate(headings):
        end = next((i for i, lvl, _ in headings[n + 1 :] if lvl <= level), len(lines))
        if level == 2:
            principle = title
        slug = slugify(title)
        if slug in found:
            raise ValueError(f"docs/guidance.md: two headings have the anchor {slug!r}")
        body = "\n".join(lines[start + 1 : end]).strip()
        found[slug] = Section(slug, title, level, body, principle if level > 2 else None)
    return found


@cache
def sections() -> dict[str, Section]:
    return parse(guidance_file().read_text(encoding="utf-8"))


def section(slug: str) -> Section:
    """The section a rule cites; a KeyError names the anchor that is missing."""
    try:
        return sections()[slug]
    except KeyError:
        raise KeyError(f"docs/guidance.md has no section with the anchor {slug!r}") from None
