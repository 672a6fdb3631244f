"""Which rules run and which findings are suppressed: --only/--skip, inline ignores, .tfgen.yaml.

`--only`/`--skip` decide which rules run at all. Inline `# tfgen:ignore=ID reason` comments and
`.tfgen.yaml` skips keep the rule running but suppress its findings, with their reason: they are
counted and shown with --show-suppressed.

.tfgen.yaml (the nearest one in each checked folder or its parents; it applies to the root
modules and files under its own folder):

    skip:
      - id: TFG105
        reason: GPU workloads run on EC2 on purpose
      - id: TFG207
        reason: legacy services share a role until the split in Q3
        paths: ["legacy/*"]      # optional: only findings in files matching these globs
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from tfgen.errors import InputError

CONFIG_NAME = ".tfgen.yaml"
FAIL_ON = ("error", "warning", "info", "never")
_ID = re.compile(r"^TFG\d{3}$")


@dataclass(frozen=True)
class ConfigSkip:
    rule_id: str
    reason: str
    paths: tuple[str, ...] = ()
    base: Path = Path(".")

    def matches(self, rule_id: str, file: str | None, root: str | None) -> bool:
        """Applies to findings in files under the config's folder, or in root modules under it."""
        if rule_id != self.rule_id:
            return False
        base = self.base.resolve()
        relative = _under(file, base)
        if relative is None and _under(root, base) is None:
            return False
        if not self.paths:
            return True
        return relative is not None and any(fnmatch.fnmatch(relative, pattern) for pattern in self.paths)


def _under(path: str | None, base: Path) -> str | None:
    if path is None:
        return None
    try:
        return Path(path).resolve().relative_to(base).as_posix()
    except ValueError:
        return None


@dataclass
class Policy:
    rule_ids: tuple[str, ...]  # the rules that run, in registry order
    skips: list[ConfigSkip] = field(default_factory=list)

    def suppression(self, rule_id: str, file: str | None, root: str | None, ignores: dict[str, str]) -> str | None:
        """Why a finding is suppressed, or None when it stands."""
        if rule_id in ignores:
            return f"inline: {ignores[rule_id] or 'no reason given'}"
        for skip in self.skips:
            if skip.matches(rule_id, file, root):
                return f"{CONFIG_NAME}: {skip.reason}"
        return None


def parse_ids(values: Iterable[str], option: str, known: Iterable[str]) -> list[str]:
    """Rule IDs from repeatable, comma-separated option values; unknown IDs are an input error."""
    known_set = set(known)
    out: list[str] = []
    for value in values:
        for item in value.split(","):
            item = item.strip().upper()
            if not item:
                continue
            if item not in known_set:
                raise InputError(f"{option}: no rule {item!r} (see `tfgen rules`)")
            out.append(item)
    return out


def select_rules(all_ids: Iterable[str], only: Iterable[str], skip: Iterable[str]) -> tuple[str, ...]:
    only_set, skip_set = set(only), set(skip)
    return tuple(i for i in all_ids if (not only_set or i in only_set) and i not in skip_set)


def find_config(start: Path) -> Path | None:
    """The nearest .tfgen.yaml in `start` (a folder) or its parents."""
    folder = start.resolve()
    for candidate in (folder, *folder.parents):
        path = candidate / CONFIG_NAME
        try:
            if path.is_file():
                return path
        except PermissionError:
            continue  # a parent this user cannot look into holds no config it could read
    return None


MAX_CONFIG_BYTES = 1024 * 1024


def _yaml_loader():
    """yaml's safe loader without timestamps: a date-like value stays the text it was written
    as, so an impossible date (2024-13-45) is text, not a crash."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return Loader


def load_config(path: Path, known: Iterable[str]) -> list[ConfigSkip]:
    import yaml

    known_set = set(known)
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_CONFIG_BYTES + 1)
        if len(raw) > MAX_CONFIG_BYTES:
            raise InputError(f"{path}: larger than {MAX_CONFIG_BYTES // 1024} KiB; a {CONFIG_NAME} lists a few skips")
        data = yaml.load(raw.decode("utf-8-sig"), Loader=_yaml_loader())  # noqa: S506 - a safe loader
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise InputError(f"{path}{line}: cannot parse YAML: {getattr(err, 'problem', err)}") from None
    except UnicodeDecodeError as err:
        raise InputError(f"{path}: not UTF-8 text (byte {err.start})") from None
    except (ValueError, RecursionError) as err:  # a bad value of an explicit tag (!!int x), deep nesting
        raise InputError(f"{path}: cannot read YAML: {type(err).__name__}") from None
    except OSError as err:
        raise InputError(f"{path}: cannot read: {err}") from None
    if data is None:
        return []
    if not isinstance(data, dict) or set(data) - {"skip"}:
        raise InputError(f"{path}: expected a mapping with one key, 'skip'")
    entries = data.get("skip") or []
    if not isinstance(entries, list):
        raise InputError(f"{path}: 'skip' must be a list of {{id, reason}} entries")
    skips = []
    for number, entry in enumerate(entries, 1):
        where = f"{path}: skip entry {number}"
        if not isinstance(entry, dict) or set(entry) - {"id", "reason", "paths"}:
            raise InputError(f"{where}: expected keys id, reason and optionally paths")
        if not all(isinstance(entry.get(k), (str, int, float, type(None))) for k in ("id", "reason")):
            raise InputError(f"{where}: id and reason must be text")
        rule_id = str(entry.get("id", "")).strip().upper()
        reason = str(entry.get("reason") or "").strip()
        if not _ID.match(rule_id) or rule_id not in known_set:
            raise InputError(f"{where}: no rule {entry.get('id')!r}")
        if not reason:
            raise InputError(f"{where}: skipping {rule_id} needs a reason")
        paths = entry.get("paths") or []
        if isinstance(paths, str):
            paths = [paths]
        if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
            raise InputError(f"{where}: paths must be a list of globs")
        skips.append(ConfigSkip(rule_id, reason, tuple(paths), path.parent))
    return skips
