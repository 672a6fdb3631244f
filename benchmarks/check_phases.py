"""Where the time of one `tfgen check` goes, phase by phase: what bounds it on 2 cores.

Runs the check in a fresh interpreter (this checkout's tfgen, the garbage collector off as the
command line runs it), cold (`--no-cache`) or warm (the cache folder filled first by an untimed
run in a temporary TFGEN_CACHE_DIR, so the report is reused), and prints for each phase its wall
time, this process's CPU time and the CPU time of the worker processes it waited for:

  start-up   importing the command line and the checker (what `tfgen check` imports)
  read       finding the root modules: every file read, hashed and parsed (cold)
  judge      evaluating every root module and running the rules (in forked workers when there
             are many roots) (cold)
  reuse      checking that nothing the kept report's check read has changed, and reading the
             report (warm)
  report     rendering the JSON report

and, from the CPU times, the least wall time the run could take on N idle processors (the
serial phases whole, the parallel ones' worker CPU divided by N): a bound, not a measurement.

    python benchmarks/check_phases.py /tmp/tfgen-corpus-fetched --mode warm --runs 3
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _snap() -> tuple[float, float, float]:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.perf_counter(), time.process_time(), children.ru_utime + children.ru_stime


def measure(corpus: Path, cold: bool) -> list[tuple[str, float, float, float]]:
    """One run in a fresh interpreter (a child of this script), phases as (name, wall, own CPU, workers' CPU)."""
    code = f"""
import gc, json, resource, sys, time
gc.disable()
sys.path.insert(0, {str(REPO)!r})
def snap():
    c = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.perf_counter(), time.process_time(), c.ru_utime + c.ru_stime
marks = [("begin", snap())]
from tfgen.cli import cli  # noqa: F401 - what the command line imports
from tfgen.check import cache, runner
from tfgen.commands.check import policy_for
from tfgen.report import Options, render
marks.append(("start-up", snap()))
cache.configure(enabled={not cold})
found = runner.discover
def discover(paths):
    roots = found(paths)
    marks.append(("read", snap()))
    return roots
runner.discover = discover
report = runner.run([{str(corpus)!r}], policy_for([{str(corpus)!r}], (), ()), [])
marks.append(("judge" if marks[-1][0] == "read" else "reuse", snap()))
render(report, "json", Options("never", False, False, False))
marks.append(("report", snap()))
print(json.dumps([(name, *m) for name, m in marks]))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    if done.returncode != 0:
        sys.exit(f"the check failed: {done.stderr.strip()[-2000:]}")
    marks = __import__("json").loads(done.stdout)
    return [(name, wall - marks[i][1], cpu - marks[i][2], workers - marks[i][3]) for i, (name, wall, cpu, workers) in enumerate(marks[1:])]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path, help="folder of Terraform to check (e.g. from benchmarks/corpus.py)")
    parser.add_argument("--mode", choices=("cold", "warm"), default="warm", help="cold: --no-cache; warm: a filled cache (default)")
    parser.add_argument("--runs", type=int, default=3, help="runs; the one with the least CPU time is shown (default 3)")
    parser.add_argument("--cores", type=int, default=2, help="processors for the bound (default 2)")
    args = parser.parse_args()
    corpus = args.corpus.resolve()
    if not corpus.is_dir():
        parser.error(f"{args.corpus}: not a folder")
    gc.disable()
    with tempfile.TemporaryDirectory(prefix="tfgen-check-phases-") as scratch:
        os.environ["TFGEN_CACHE_DIR"] = scratch
        if args.mode == "warm":
            measure(corpus, cold=False)  # fills the cache, untimed
        runs = [measure(corpus, cold=args.mode == "cold") for _ in range(args.runs)]
    best = min(runs, key=lambda phases: sum(cpu + workers for _, _, cpu, workers in phases))
    print(f"{corpus} ({args.mode}; the run of {args.runs} with the least CPU time)")
    print(f"{'phase':<10}{'wall s':>9}{'own CPU s':>11}{'workers CPU s':>15}")
    bound = 0.0
    for name, wall, cpu, workers in best:
        print(f"{name:<10}{wall:>9.2f}{cpu:>11.2f}{workers:>15.2f}")
        bound += cpu + workers / args.cores
    print(f"least wall time on {args.cores} idle cores: {bound:.2f} s "
          f"(own CPU whole, workers' CPU / {args.cores}; interpreter start not included: `python -c pass`)")


if __name__ == "__main__":
    main()
