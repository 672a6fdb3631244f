"""The repository stands on its own: nothing in it reads, or points readers, outside it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

from stacks import REPO

# Spelled in pieces so this file does not match itself; the last one catches a path built from
# quoted parts joined with `/`, the way the first version's test found the guidance.
_OUTSIDE = re.compile("|".join((
    r"\.\./" + "shared", "shared" + "/(spec|guidance)", "ecs-" + r"guidance\.md", r'"shared"\s*/\s*"(spec|guidance)"',
)))


def tracked_files() -> list[str]:
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout
    return [name for name in listed.decode().split("\0") if name]


def test_no_tracked_file_refers_outside_the_repository():
    offenders = []
    for name in tracked_files():
        path = REPO / name
        if not path.is_file():
            continue  # deleted in the working tree, not yet committed
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if _OUTSIDE.search(line):
                offenders.append(f"{name}:{number}: {line.strip()}")
    assert offenders == []


def test_a_copy_with_nothing_beside_it_passes_the_cli_and_docs_tests(tmp_path):
    """What a fresh clone has is what `git ls-files` lists; run a focused subset of the suite there,
    with tfgen imported from the copy, not from this checkout."""
    copy = tmp_path / "tfgen"
    for name in tracked_files():
        source = REPO / name
        if source.is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tfgen"]
    env = {**os.environ, "PYTHONPATH": str(copy), "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("TFGEN_CACHE_DIR", None)
    env["TFGEN_CACHE_DIR"] = str(tmp_path / "cache")
    where = subprocess.run([sys.executable, "-c", "import tfgen; print(tfgen.__file__)"], cwd=copy, env=env,
                           capture_output=True, text=True, check=True).stdout.strip()
    assert where == str(copy / "tfgen" / "__init__.py")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x",
         "tests/check/test_cli.py", "tests/test_guidance.py", "tests/test_project.py", "-k", "not wheel"],
        cwd=copy, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "skipped" not in result.stdout
