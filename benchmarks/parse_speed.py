"""How fast tfgen reads HCL: its own reader (tfgen/check/hclparse.py) against python-hcl2's Lark
parser walked by the loader (the path it falls back to), on the distinct .tf/.tfvars contents of
a corpus.

Both read the same texts in this process, the garbage collector off, the best of --runs runs
each: the loader with the fast reader (`loader.parse_source` / `load_tfvars`' reader, as
`tfgen check` calls them) and the loader with the fast reader switched off (every text through
python-hcl2). It prints the CPU time of each, the ratio, the fast reader's throughput in tokens
and bytes per second, its tokenizer's share, and how many texts the fast reader left to the
Lark path (each of those costs a second parse).

    python benchmarks/corpus.py /tmp/fp-corp-f --fetched-modules --no-check
    python benchmarks/parse_speed.py /tmp/fp-corp-f --runs 3
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tfgen.check import hclparse, loader  # noqa: E402


def texts_of(corpus: Path) -> list[tuple[str, str]]:
    """(path, text) of each distinct .tf / .tfvars content under `corpus`, .terraform/ included."""
    seen: dict[bytes, Path] = {}
    for path in sorted(corpus.rglob("*")):
        if path.is_file() and (path.name.endswith(".tf") or path.name.endswith(".tfvars")):
            seen.setdefault(path.read_bytes(), path)
    return [(str(path), data.decode("utf-8-sig")) for data, path in seen.items()]


def read_all(texts: list[tuple[str, str]]) -> None:
    for path, text in texts:
        if path.endswith(".tfvars"):
            if hclparse.parse_tfvars(text) is None:
                loader._parse(text)  # what load_tfvars then does (its walk is small)
        else:
            loader.parse_source(text, path)


def cpu(action: Callable[[], object], runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        gc.collect()
        gc.disable()
        start = time.process_time()
        action()
        best = min(best, time.process_time() - start)
        gc.enable()
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path, help="folder of Terraform (e.g. from benchmarks/corpus.py)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each; the least CPU time is shown (default 3)")
    args = parser.parse_args()
    texts = texts_of(args.corpus)
    if not texts:
        sys.exit(f"no .tf or .tfvars files under {args.corpus}")
    size = sum(len(text.encode()) for _, text in texts)
    tokens = sum(len(hclparse.tokenize(text + "\n")[0]) for _, text in texts)
    left = [path for path, text in texts if (hclparse.parse_tfvars(text) if path.endswith(".tfvars") else hclparse.parse_file(text, path)) is None]
    loader._parser()  # built once per process either way: not part of either reading

    fast = cpu(lambda: read_all(texts), args.runs)
    tokenizing = cpu(lambda: [hclparse.tokenize(text + "\n") for _, text in texts], args.runs)
    saved = hclparse.parse_file, hclparse.parse_tfvars, hclparse.expression
    hclparse.parse_file, hclparse.parse_tfvars, hclparse.expression = (lambda *a: None,) * 3
    try:
        lark = cpu(lambda: read_all(texts), args.runs)
    finally:
        hclparse.parse_file, hclparse.parse_tfvars, hclparse.expression = saved

    print(f"corpus {args.corpus}: {len(texts)} distinct .tf/.tfvars contents, {size / 2**20:.2f} MiB, {tokens:,} tokens; best of {args.runs} run(s), CPU time")
    print(f"  python-hcl2 (Lark) + walk   {lark:6.2f} s   {size / lark / 2**20:6.2f} MiB/s")
    print(f"  tfgen's reader              {fast:6.2f} s   {size / fast / 2**20:6.2f} MiB/s   {tokens / fast / 1e6:.2f} M tokens/s   (tokenizer {tokenizing:.2f} s)")
    print(f"  ratio                       {lark / fast:6.1f}x")
    print(f"  left to the Lark path       {len(left)} of {len(texts)}" + (f": {', '.join(left[:5])}{' ...' if len(left) > 5 else ''}" if left else ""))


if __name__ == "__main__":
    main()
