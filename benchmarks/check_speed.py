"""How long `tfgen check` takes on a corpus of Terraform, cold and warm, and against checkov.

Times `python -m tfgen check CORPUS --format json --fail-on never [--tfgen-args ...]` as a
subprocess (this checkout's tfgen: it runs from the repository root), the median of --runs runs
in each mode:

  cold --no-cache     with `--no-cache`: nothing read from or written to a cache
  cold empty cache    the first run with TFGEN_CACHE_DIR pointed at a new, empty folder
  warm                TFGEN_CACHE_DIR at one folder that an untimed run filled first: the
                      report of that run is reused (nothing it read has changed)

When `tfgen check --help` lists no `--no-cache`, there is no cache to be cold or warm: it times
plain runs only and says so. When TFGEN_CACHE_DIR is still empty after the filling run, the two
cache modes are left out, also said.

With --checkov PATH it also times `PATH -d CORPUS --framework terraform --quiet --compact -o json`
on the same tree in the same rounds, alternating the tools run by run (tfgen modes, checkov,
tfgen modes, checkov, ...), and prints the ratios checkov / tfgen cold and checkov / tfgen warm
(wall time, with the CPU-time ratio beside it: on a busy machine the wall times are a share of
the processors, the CPU times less so) and whether they meet the targets, 20x cold and 100x warm.
checkov exits 1 when a check fails, which is fine; a crash (no JSON report on stdout, or another
exit code) or a timeout is an error. It runs offline with these environment variables:
BC_SKIP_MAPPING=TRUE (no download of check metadata and guidelines from the platform; same as
--skip-download), CKV_SKIP_PACKAGE_UPDATE_CHECK=TRUE (no new-version check against PyPI at
start-up, which otherwise waits up to a second for the network), CKV_GITHUB_CONFIG_FETCH_DATA and
CKV_GITLAB_CONFIG_FETCH_DATA=False (no CI-platform API calls) and DOWNLOAD_EXTERNAL_MODULES=false
(no registry modules: the corpus only calls local ones).

Every command runs under a small wrapper process (a bare interpreter) that forks it and reports
its wall time (fork to exit) and its rusage from os.wait4: peak RSS is ru_maxrss, the largest
single process among the command and the descendants it waited for, not their sum; CPU is
user + system of all of them. (Not os.wait4 from this script directly: on Linux a child's
ru_maxrss starts at the size of the process it was forked from, so it would include this
script's.) On Linux it also samples the proportional set size (PSS) of the command's whole
process group every 0.1 s and reports the peak of the sum, since tfgen parses in worker
processes (--no-memory-sampling turns this off). Throughput is the .tf + .tfvars bytes under
CORPUS (hidden folders and .terraform/ left out, as both tools skip them) per second of wall
time. It also times `tfgen --version` (median of 10) and a bare `python -c pass` beside it.
Every run's exit code and report are checked; tfgen's findings must be the same in every mode
(a cache must not change the answer).

    python benchmarks/corpus.py /tmp/corpus-1 --size-mb 1
    python benchmarks/check_speed.py /tmp/corpus-1 --runs 1 --checkov /tmp/tfdev-net-venv/bin/checkov
    python benchmarks/check_speed.py /tmp/corpus --runs 5 --tfgen-args --skip TFG105   # last
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

REPO = Path(__file__).resolve().parent.parent
HCL_SUFFIXES = (".tf", ".tfvars")
CHECKOV_ENV = {
    "BC_SKIP_MAPPING": "TRUE",
    "CKV_SKIP_PACKAGE_UPDATE_CHECK": "TRUE",
    "CKV_GITHUB_CONFIG_FETCH_DATA": "False",
    "CKV_GITLAB_CONFIG_FETCH_DATA": "False",
    "DOWNLOAD_EXTERNAL_MODULES": "false",
}
# How many times faster than checkov tfgen check is meant to be (issue 8), by median wall time.
TARGETS = {"tfgen cold --no-cache": 20, "tfgen warm": 100}
# ru_maxrss is in KiB on Linux and in bytes on macOS.
_RSS_TO_MIB = 1 / 2**20 if sys.platform == "darwin" else 1 / 1024


@dataclass
class Sample:
    wall: float
    rss_mib: float
    cpu: float
    code: int
    stdout: bytes
    stderr: bytes
    timed_out: bool = False
    tree_mib: float | None = None  # sampled peak PSS of the child's process group, when sampled


@dataclass
class Mode:
    label: str
    tool: str  # "tfgen" or "checkov"
    command: list[str]
    env: dict[str, str] = field(default_factory=dict)  # set on top of this process's environment
    prepare: Callable[[], dict[str, str]] | None = None  # per run: more environment (a fresh cache folder)
    samples: list[Sample] = field(default_factory=list)

    def median(self, attr: str) -> float:
        return statistics.median(getattr(s, attr) for s in self.samples)


def group_pss_kib(pgid: int, leave_out: int | None = None) -> int:
    """Proportional set size (KiB) of every process in process group `pgid` (Linux /proc)."""
    total = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit() or int(entry.name) == leave_out:
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read()
            if int(stat[stat.rindex(b")") + 2 :].split()[2]) != pgid:  # after the name: state, ppid, pgrp
                continue
            with open(f"/proc/{entry.name}/smaps_rollup", "rb") as handle:
                for line in handle:
                    if line.startswith(b"Pss:"):
                        total += int(line.split()[1])
                        break
        except (OSError, ValueError, IndexError):
            continue  # gone meanwhile, or not ours to read
    return total


SAMPLE_EVERY = 0.1  # seconds between memory samples of the child's process group
CAN_SAMPLE = os.path.exists("/proc/self/smaps_rollup")

# Every timed command runs under this small wrapper, which forks it, times it and reports its
# rusage from os.wait4. Why not wait4 on the command straight from here: on Linux a process's
# ru_maxrss starts at the high-water mark of the memory it had before exec, a fork (or vfork)
# of its parent; run from this script, which holds reports of earlier runs, even /bin/true
# would show this script's size. Under the wrapper (a bare interpreter, about 10 MiB) the floor
# is the wrapper's size, below any Python program's own peak.
_WRAPPER = r"""
import json, os, sys, time
report, command = sys.argv[1], sys.argv[2:]
started = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(command[0], command)
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - started
with open(report, "w") as handle:
    json.dump({"wall": wall, "code": os.waitstatus_to_exitcode(status), "maxrss": usage.ru_maxrss,
               "cpu": usage.ru_utime + usage.ru_stime}, handle)
"""


def run_child(command: list[str], env: dict[str, str], timeout: float, sample_memory: bool = False) -> Sample:
    """Run `command` to completion under the wrapper: wall time, CPU and peak RSS of its own.

    With `sample_memory`, a thread also sums the PSS of the command's process group (it and
    the worker processes it starts; the wrapper leads a new session and is left out) every
    SAMPLE_EVERY seconds.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "rusage.json"
        child = subprocess.Popen([sys.executable, "-I", "-S", "-c", _WRAPPER, str(report), *command], stdout=out, stderr=err,
                                 stdin=subprocess.DEVNULL, cwd=REPO, env={**os.environ, **env}, start_new_session=True)
        timed_out = threading.Event()
        finished = threading.Event()
        peak_tree = [0]

        def sample() -> None:
            while not finished.wait(SAMPLE_EVERY):
                peak_tree[0] = max(peak_tree[0], group_pss_kib(child.pid, leave_out=child.pid))

        sampler = threading.Thread(target=sample, daemon=True) if sample_memory and CAN_SAMPLE else None
        if sampler:
            sampler.start()

        def kill() -> None:
            timed_out.set()
            try:
                os.killpg(child.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            child.wait()
        finally:
            timer.cancel()
            finished.set()
            if sampler:
                sampler.join()
        try:
            measured = json.loads(report.read_text())
        except (OSError, ValueError):  # killed on timeout, or the wrapper itself failed
            measured = {"wall": float("nan"), "code": child.returncode, "maxrss": 0, "cpu": float("nan")}
        out.seek(0)
        err.seek(0)
        return Sample(measured["wall"], measured["maxrss"] * _RSS_TO_MIB, measured["cpu"], measured["code"],
                      out.read(), err.read(), timed_out.is_set(), peak_tree[0] / 1024 if sampler and peak_tree[0] else None)


def corpus_bytes(corpus: Path) -> tuple[int, int]:
    """(files, bytes) of .tf and .tfvars under `corpus`, skipping hidden folders and .terraform/."""
    files = size = 0
    for folder, subfolders, names in os.walk(corpus):
        subfolders[:] = [d for d in subfolders if not d.startswith(".")]
        for name in names:
            if name.endswith(HCL_SUFFIXES):
                files += 1
                size += os.path.getsize(os.path.join(folder, name))
    return files, size


def tfgen_check_help() -> str:
    done = subprocess.run([sys.executable, "-m", "tfgen", "check", "--help"], capture_output=True, text=True, cwd=REPO)
    return done.stdout + done.stderr


def tfgen_outcome(sample: Sample) -> tuple[str | None, dict[str, Any] | None]:
    """(problem or None, summary) of one tfgen run; the summary carries a digest of the findings."""
    if sample.timed_out:
        return "timed out", None
    if sample.code != 0:
        return f"exit {sample.code}: {sample.stderr.decode(errors='replace').strip()[-2000:]}", None
    try:
        report = json.loads(sample.stdout)
        summary = dict(report["summary"])
    except (ValueError, KeyError, TypeError) as err:
        return f"no JSON report on stdout ({err})", None
    findings = sorted(json.dumps(f, sort_keys=True) for f in report.get("findings", []))
    summary["findings_digest"] = hashlib.sha256("\n".join(findings).encode()).hexdigest()[:16]
    return None, summary


def checkov_outcome(sample: Sample) -> tuple[str | None, dict[str, Any] | None]:
    if sample.timed_out:
        return "timed out", None
    if sample.code not in (0, 1):
        return f"exit {sample.code}: {sample.stderr.decode(errors='replace').strip()[-2000:]}", None
    try:
        report = json.loads(sample.stdout)
    except ValueError as err:
        return f"exit {sample.code} without a JSON report on stdout ({err}): {sample.stderr.decode(errors='replace').strip()[-2000:]}", None
    reports = report if isinstance(report, list) else [report]
    summary: dict[str, int] = {}
    for item in reports:
        for key, value in item.get("summary", {}).items():
            if isinstance(value, int):
                summary[key] = summary.get(key, 0) + value
    return None, summary


def show_command(mode: Mode) -> str:
    env = {**mode.env, **({"TFGEN_CACHE_DIR": "<new empty folder>"} if mode.prepare else {})}
    prefix = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    return (prefix + " " if prefix else "") + shlex.join(mode.command)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path, help="folder of Terraform to check (e.g. from benchmarks/corpus.py)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per mode; the median is printed (default 5)")
    parser.add_argument("--checkov", metavar="PATH", help="checkov executable to time on the same corpus")
    parser.add_argument("--checkov-timeout", type=float, default=1800, help="seconds before a checkov run counts as failed (default 1800)")
    parser.add_argument("--tfgen-timeout", type=float, default=1800, help="seconds before a tfgen run counts as failed (default 1800)")
    parser.add_argument("--no-memory-sampling", action="store_true",
                        help="do not sample the PSS of each timed child's process group (Linux) every 0.1 s")
    parser.add_argument("--tfgen-args", nargs=argparse.REMAINDER, default=[],
                        help="extra arguments for tfgen check: everything after this option (so give it last)")
    args = parser.parse_args()

    corpus = args.corpus.resolve()
    if not corpus.is_dir():
        parser.error(f"{args.corpus}: not a folder")
    if args.checkov and not os.access(args.checkov, os.X_OK):
        parser.error(f"--checkov {args.checkov}: not an executable file")
    files, size = corpus_bytes(corpus)
    kib = size / 1024

    base = [sys.executable, "-m", "tfgen", "check", str(corpus), "--format", "json", "--fail-on", "never", *args.tfgen_args]
    has_cache = "--no-cache" in tfgen_check_help()
    scratch = Path(tempfile.mkdtemp(prefix="tfgen-check-speed-"))
    notes: list[str] = []
    modes: list[Mode] = []
    fill: Sample | None = None
    if has_cache:
        warm_dir = scratch / "warm"
        warm_dir.mkdir()
        counter = iter(range(10**9))

        def fresh_cache() -> dict[str, str]:
            folder = scratch / f"cold-{next(counter)}"
            folder.mkdir()
            return {"TFGEN_CACHE_DIR": str(folder)}

        modes.append(Mode("tfgen cold --no-cache", "tfgen", base + ["--no-cache"]))
        # The untimed run that fills the warm cache; it also warms the OS file cache for every mode.
        fill = run_child(base, {"TFGEN_CACHE_DIR": str(warm_dir)}, args.tfgen_timeout)
        if any(warm_dir.iterdir()):
            modes.append(Mode("tfgen cold empty cache", "tfgen", base, prepare=fresh_cache))
            modes.append(Mode("tfgen warm", "tfgen", base, env={"TFGEN_CACHE_DIR": str(warm_dir)}))
        else:
            notes.append(f"TFGEN_CACHE_DIR={warm_dir} was still empty after a run: the cache modes are left out")
    else:
        notes.append("`tfgen check --help` lists no --no-cache: this tfgen has no cache, so only plain (cold) runs are timed")
        modes.append(Mode("tfgen (no cache)", "tfgen", base))
        fill = run_child(base, {}, args.tfgen_timeout)  # untimed: warms the OS file cache
    if args.checkov:
        modes.append(Mode("checkov", "checkov", [args.checkov, "-d", str(corpus), "--framework", "terraform", "--quiet", "--compact", "-o", "json"],
                          env=dict(CHECKOV_ENV)))

    problems: list[str] = []
    summaries: dict[str, dict[str, Any]] = {}
    problem, summary = tfgen_outcome(fill)
    if problem:
        problems.append(f"tfgen (first, untimed run): {problem}")
    elif summary:
        summaries["tfgen (first, untimed run)"] = summary

    print(f"corpus {corpus}: {files} .tf/.tfvars files, {size / 2**20:.2f} MiB; {args.runs} timed run(s) per mode", flush=True)
    for n in range(args.runs):
        for mode in modes:
            if mode.tool == "checkov" and any(p.startswith("checkov") for p in problems):
                continue
            env = {**mode.env, **(mode.prepare() if mode.prepare else {})}
            timeout = args.checkov_timeout if mode.tool == "checkov" else args.tfgen_timeout
            sample = run_child(mode.command, env, timeout, sample_memory=not args.no_memory_sampling)
            problem, summary = (checkov_outcome if mode.tool == "checkov" else tfgen_outcome)(sample)
            sample.stdout = sample.stderr = b""  # judged; do not keep reports of every run in memory
            took = f"{sample.wall:8.2f} s" if not sample.timed_out else f"> {timeout:.0f} s"
            print(f"  run {n + 1}/{args.runs}  {mode.label:<24} {took}  exit {sample.code}"
                  + (f"  PROBLEM: {problem.splitlines()[0]}" if problem else ""), flush=True)
            if problem:
                problems.append(f"{mode.label}, run {n + 1}: {problem}")
                continue
            mode.samples.append(sample)
            summaries.setdefault(mode.label, summary or {})

    version_cmd = [sys.executable, "-m", "tfgen", "--version"]
    bare_cmd = [sys.executable, "-c", "pass"]
    version = [run_child(version_cmd, {}, 60) for _ in range(10)]
    bare = [run_child(bare_cmd, {}, 60) for _ in range(10)]

    print()
    print(f"{'mode':<26}{'median s':>10}{'min s':>9}{'max s':>9}{'KiB/s':>10}{'peak RSS MiB':>14}{'group PSS MiB':>15}{'CPU s':>9}{'runs':>6}")
    for mode in modes:
        if not mode.samples:
            print(f"{mode.label:<26}{'failed':>10}")
            continue
        wall = mode.median("wall")
        trees = [s.tree_mib for s in mode.samples if s.tree_mib is not None]
        tree = f"{statistics.median(trees):.0f}" if trees else "-"
        print(f"{mode.label:<26}{wall:>10.2f}{min(s.wall for s in mode.samples):>9.2f}{max(s.wall for s in mode.samples):>9.2f}"
              f"{kib / wall:>10.0f}{mode.median('rss_mib'):>14.0f}{tree:>15}{mode.median('cpu'):>9.2f}{len(mode.samples):>6}")
    v_wall = statistics.median(s.wall for s in version)
    b_wall = statistics.median(s.wall for s in bare)
    print(f"{'tfgen --version':<26}{v_wall:>10.3f}{min(s.wall for s in version):>9.3f}{max(s.wall for s in version):>9.3f}"
          f"{'':>10}{statistics.median(s.rss_mib for s in version):>14.0f}{'-':>15}{statistics.median(s.cpu for s in version):>9.2f}{10:>6}")
    print(f"{'python -c pass':<26}{b_wall:>10.3f}{min(s.wall for s in bare):>9.3f}{max(s.wall for s in bare):>9.3f}"
          f"{'':>10}{statistics.median(s.rss_mib for s in bare):>14.0f}{'-':>15}{statistics.median(s.cpu for s in bare):>9.2f}{10:>6}")
    if any(s.code != 0 for s in version):
        problems.append(f"tfgen --version exited {[s.code for s in version]}")

    by_label = {m.label: m for m in modes if m.samples}
    checkov = by_label.get("checkov")
    if checkov:
        print()
        for label in ("tfgen cold --no-cache", "tfgen cold empty cache", "tfgen (no cache)", "tfgen warm"):
            if label in by_label:
                wall_ratio = checkov.median("wall") / by_label[label].median("wall")
                target = TARGETS.get(label)
                verdict = f"  target {target:.0f} x: {'met' if wall_ratio >= target else 'NOT met'}" if target else ""
                print(f"checkov / {label:<24} {wall_ratio:6.1f} x  (median wall time; CPU time "
                      f"{checkov.median('cpu') / by_label[label].median('cpu'):.1f} x){verdict}")

    print()
    print("results:")
    for label, summary in summaries.items():
        print(f"  {label:<28} {json.dumps(summary)}")
    tfgen_answers = {json.dumps(s, sort_keys=True) for label, s in summaries.items() if not label.startswith("checkov")}
    if len(tfgen_answers) > 1:
        problems.append("tfgen reported different results in different modes (see above): the cache changes the answer")

    print()
    print("commands (run from " + str(REPO) + "):")
    for mode in modes:
        print(f"  {mode.label:<24} {show_command(mode)}")
    print(f"  {'tfgen --version':<24} {shlex.join(version_cmd)}")
    if has_cache:
        print(f"  (the warm cache was filled first by: TFGEN_CACHE_DIR={scratch / 'warm'} {shlex.join(base)})")
    print("measured: each command under a wrapper that forks it: wall time fork to exit; peak RSS and CPU from os.wait4 "
          "(ru_maxrss: the largest single process among it and the descendants it waited for; CPU: user + system of all of them)"
          + ("; group PSS: the child's process group summed, sampled every 0.1 s (misses peaks between samples)"
             if CAN_SAMPLE and not args.no_memory_sampling else ""))
    for note in notes:
        print(f"note: {note}")
    shutil.rmtree(scratch, ignore_errors=True)
    if problems:
        print()
        for problem in problems:
            print(f"PROBLEM: {problem}")
        sys.exit(1)


if __name__ == "__main__":
    main()
